"""Load the Kazakhstan-like demo through the same import services a clerk uses."""
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from demo.accounts import DEMO_PASSWORD, ensure_demo_accounts
from demo.generate import generate
from films.models import Film


class Command(BaseCommand):
    help = ("Generate the deterministic demo (98 funded projects 2019–2023, ~19 bn KZT, 23 released, ~1.5 bn KZT "
            "gross, 103 cinemas of which 68 connected) and load it with import_cinemas, import_films, "
            "import_grants, import_box_office (the history before the ticket feed) and import_sales (the feed "
            "since the pilot).")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do not load the data again when films are "
                            "already registered (the demo accounts are still made sure of)")
        parser.add_argument("--no-accounts", action="store_true", help="load the data only, no demo accounts")

    def handle(self, *args, **opts):
        if opts["if_empty"] and Film.objects.exists():
            self.stdout.write("films already registered: demo not loaded again")
        else:
            self._load()
        if not opts["no_accounts"]:
            self._accounts()

    def _accounts(self):
        if not settings.DEMO_ACCOUNTS:
            self.stdout.write("demo accounts not created: these settings do not allow them (DEMO_ACCOUNTS is off, "
                              "as it always is with production settings); create real ones with createsuperuser")
            return
        lines = ensure_demo_accounts()
        self.stdout.write(f"demo accounts (password {DEMO_PASSWORD!r}), sign in at /en/accounts/login/:")
        for line in lines:
            self.stdout.write(line)

    def _load(self):
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
