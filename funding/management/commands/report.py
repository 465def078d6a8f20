from django.core.management.base import BaseCommand, CommandError

from films.services import find_organisation
from funding.delivery import delivery_report
from funding.models import Programme
from funding.reports import delivery_csv, delivery_json, funded_vs_released_csv, funded_vs_released_json
from funding.selectors import funded_vs_released

REPORTS = ["funded-vs-released", "delivery"]


class Command(BaseCommand):
    help = "Print a report on stdout: funded-vs-released or delivery (shared/spec/metrics.md)."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=REPORTS)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--funder", help="funder's identifier (e.g. KZ-BIN-…) or exact name")
        parser.add_argument("--programme", help="programme title")

    def handle(self, *args, **opts):
        funder_id = programme_id = None
        if opts["funder"]:
            funder = find_organisation(identifier=opts["funder"]) or find_organisation(name=opts["funder"])
            if funder is None:
                raise CommandError(f"no funder '{opts['funder']}' in the register")
            funder_id = funder.pk
        if opts["programme"]:
            programmes = Programme.objects.filter(title__iexact=opts["programme"])
            if funder_id:
                programmes = programmes.filter(funder_id=funder_id)
            if programmes.count() != 1:
                raise CommandError(f"programme '{opts['programme']}' matches {programmes.count()} programmes; "
                                   "add --funder to choose one" if programmes.exists()
                                   else f"no programme '{opts['programme']}' in the register")
            programme_id = programmes.get().pk
        if opts["name"] == "delivery":
            report = delivery_report(funder_id=funder_id, programme_id=programme_id)
            render = delivery_json if opts["format"] == "json" else delivery_csv
        else:
            report = funded_vs_released(funder_id=funder_id, programme_id=programme_id)
            render = funded_vs_released_json if opts["format"] == "json" else funded_vs_released_csv
        self.stdout.write(render(report), ending="" if opts["format"] == "csv" else "\n")
