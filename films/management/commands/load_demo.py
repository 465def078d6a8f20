"""Load the Kazakhstan-like demo through the same import services a clerk uses."""
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from films.demo.generate import generate
from films.models import Film


class Command(BaseCommand):
    help = ("Generate the deterministic demo (98 funded projects 2019–2023, ~19 bn KZT, 23 released, ~1.5 bn KZT "
            "gross, 103 cinemas of which 68 connected) and load it with import_cinemas, import_films, "
            "import_grants, import_box_office (the history before the ticket feed) and import_sales (the feed "
            "since the pilot).")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing when films are already registered")

    def handle(self, *args, **opts):
        if opts["if_empty"] and Film.objects.exists():
            self.stdout.write("films already registered: demo not loaded again")
            return
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="tracker-demo-") as tmp:
            paths = generate(Path(tmp))
            for command, key in (("import_cinemas", "cinemas"), ("import_films", "films"), ("import_grants", "grants")):
                call_command(command, str(paths[key][0]), stdout=self.stdout)
            call_command("import_box_office", str(paths["box_office"][0]), stdout=self.stdout)
            self.stdout.write(f"importing {len(paths['sales'])} cinemas' ticket-sales files …")
            call_command("import_sales", *[str(p) for p in paths["sales"]], "--json", stdout=_Quiet())
        call_command("report", "funded-vs-released", "--format", "csv", stdout=self.stdout)
        self.stdout.write(f"demo loaded in {time.monotonic() - started:.0f} s")


class _Quiet:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass
