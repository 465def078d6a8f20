import datetime

from django.core.management.base import BaseCommand, CommandError

from films.services import find_organisation
from funding import market
from funding.delivery import delivery_report
from funding.models import Programme
from funding.reports import (
    delivery_csv,
    delivery_json,
    funded_vs_released_csv,
    funded_vs_released_json,
    rows_csv,
    rows_json,
)
from funding.selectors import funded_vs_released

REPORTS = ["funded-vs-released", "delivery", "chart", "market"]


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date '{text}' is not a date as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Print a report on stdout: funded-vs-released, delivery, chart or market (shared/spec/metrics.md)."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=REPORTS)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--funder", help="funder's identifier (e.g. KZ-BIN-…) or exact name")
        parser.add_argument("--programme", help="programme title")
        parser.add_argument("--period", choices=market.PERIODS, help="chart: day, ISO week or calendar year")
        parser.add_argument("--date", help="chart: a day of the period, YYYY-MM-DD")
        parser.add_argument("--limit", type=int, help="chart: only the first N films")
        parser.add_argument("--region", help="chart: only this region's cinemas (a region code such as KZ-75)")
        parser.add_argument("--by", choices=market.DIMENSIONS, help="market: the breakdown")
        parser.add_argument("--year", type=int, help="market: the calendar year")

    def handle(self, *args, **opts):
        if opts["name"] == "chart":
            return self._chart(opts)
        if opts["name"] == "market":
            return self._market(opts)
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

    def _write(self, columns, rows, fmt):
        if fmt == "json":
            self.stdout.write(rows_json(rows))
        else:
            self.stdout.write(rows_csv(columns, rows), ending="")

    def _chart(self, opts):
        if not opts["period"] or not opts["date"]:
            raise CommandError("chart needs --period day|week|year and --date YYYY-MM-DD")
        if opts["limit"] is not None and opts["limit"] < 1:
            raise CommandError("--limit must be a whole number of at least 1")
        region = opts["region"]
        if region is not None and not market.region_exists(region):
            raise CommandError(f"no region '{region}'; use a code such as KZ-75")
        report = market.chart(opts["period"], _date(opts["date"]), opts["limit"], region=region)
        self._write(market.CHART_COLUMNS, report.as_json(), opts["format"])

    def _market(self, opts):
        if not opts["by"] or opts["year"] is None:
            raise CommandError("market needs --by and --year YYYY")
        if not 1 <= opts["year"] <= 9999:
            raise CommandError("--year must be a calendar year such as 2024")
        report = market.market(opts["by"], opts["year"])
        self._write(market.MARKET_COLUMNS, report.as_json(), opts["format"])
