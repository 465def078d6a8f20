import json

from django.core.management.base import BaseCommand, CommandError

from boxoffice.choices import BatchSource, BatchStatus
from boxoffice.services import import_sales
from films.audit import Actor
from films.commands import open_input


class Command(BaseCommand):
    help = ("Import ticket-sales/1 files (CSV or JSON). Exit 0 when every batch was processed (even with "
            "rejected records), 1 when a batch was rejected whole.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--json", action="store_true", help="print exactly one JSON summary on stdout")

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
                batch = import_sales(stream=stream, source=BatchSource.CLI, actor=Actor.command("import_sales"),
                                     filename=path)
            summaries.append(batch.summary())
            if batch.status == BatchStatus.REJECTED:
                failed = True
                self.stderr.write(f"{path}: batch {batch.pk} rejected: {batch.message}")
            elif not opts["json"]:
                self.stdout.write(self._human(path, batch))
        if opts["json"]:
            self.stdout.write(json.dumps(summaries[0] if len(opts["paths"]) == 1 and summaries else summaries))
        if failed:
            raise SystemExit(1)

    def _human(self, path, batch) -> str:
        lines = [f"{path}: batch {batch.pk} {batch.status}: {batch.accepted} accepted, {batch.duplicate} duplicate, "
                 f"{batch.rejected} rejected, {batch.held} held (of {batch.total})"]
        if batch.message:
            lines.append(f"  {batch.message}")
        lines += [f"  warning: {w}" for w in batch.warnings]
        for rec in batch.records.exclude(outcome="duplicate")[:20]:
            lines.append(f"  {'line' if batch.encoding == 'csv' else 'index'} {rec.position}: {rec.outcome}: "
                         f"{rec.field}: {rec.reason_en}")
        more = batch.records.exclude(outcome="duplicate").count() - 20
        if more > 0:
            lines.append(f"  … and {more} more; see the batch page or its CSV download")
        return "\n".join(lines)
