import json

from django.core.management.base import BaseCommand, CommandError

from boxoffice.reporting import import_box_office
from films.audit import Actor
from films.commands import open_input
from films.tabular import FileRejected


class Command(BaseCommand):
    help = ("Import box-office-report/1 files (CSV or JSON; shared/spec/box-office-reports.md). Exit 0 when every "
            "file was processed (even with rejected rows), 1 when a file was rejected whole.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--json", action="store_true",
                            help='print {"created": n, "updated": n, "unchanged": n, "rejected": n} '
                                 "(a list for several files)")

    def handle(self, *args, **opts):
        summaries, failed = [], False
        for path in opts["paths"]:
            try:
                stream = open_input(path)
            except CommandError:
                if len(opts["paths"]) == 1:
                    raise
                self.stderr.write(f"{path}: no such file or not readable")
                failed = True
                continue
            with stream:
                try:
                    report = import_box_office(stream=stream, actor=Actor.command("import_box_office"),
                                               filename=path)
                except FileRejected as exc:
                    failed = True
                    self.stderr.write(f"{path}: rejected whole: {exc}")
                    summaries.append({"file": path, "rejected_whole": str(exc)})
                    continue
            summaries.append({"file": path, "import": report.import_id, **report.summary()})
            if not opts["json"]:
                self.stdout.write(f"{path}: {report.human()}")
        if opts["json"]:
            self.stdout.write(json.dumps(summaries[0] if len(opts["paths"]) == 1 and summaries else summaries,
                                         ensure_ascii=False))
        if failed:
            raise SystemExit(1)
