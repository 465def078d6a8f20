"""Reads of box office that other apps and the views use; metrics read summaries, never raw tickets."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, F, Max, Q, Sum

from .choices import BatchStatus, Outcome
from .models import (
    Anomaly,
    BatchRecord,
    Cinema,
    DailySales,
    FilmDay,
    ImportBatch,
    ReportRow,
    SummaryDiscrepancy,
)

ZERO = Decimal("0.00")


def film_box_office_totals(film_ids) -> dict[int, dict]:
    """Per film, the combined figures of box-office-reports.md, from the day-level summary FilmDay.

    Gross, admissions and screenings are split into the part from tickets and the part from reports; the
    sources say which reports speak and for how much; sales count and last sale come from the ticket summaries.
    """
    film_ids = list(film_ids)
    out: dict[int, dict] = {}
    for r in (FilmDay.objects.filter(film_id__in=film_ids).values("film_id").order_by()
              .annotate(gross_from_tickets=Sum("ticket_gross"), gross_from_reports=Sum("report_gross"),
                        admissions_from_tickets=Sum("ticket_admissions"),
                        admissions_from_reports=Sum("report_admissions"),
                        ticket_screenings=Sum("ticket_screenings"), report_screenings=Sum("report_screenings"),
                        incomplete=Count("pk", filter=Q(admissions_incomplete=True)))):
        film_id = r.pop("film_id")
        r["gross"] = (r["gross_from_tickets"] or ZERO) + (r["gross_from_reports"] or ZERO)
        r["admissions"] = (r["admissions_from_tickets"] or 0) + (r["admissions_from_reports"] or 0)
        r["screenings"] = (r.pop("ticket_screenings") or 0) + (r.pop("report_screenings") or 0)
        r["admissions_incomplete"] = bool(r.pop("incomplete"))
        r["report_sources"] = []
        out[film_id] = r
    for r in (DailySales.objects.filter(film_id__in=film_ids).values("film_id").order_by()
              .annotate(sales_count=Sum("sales_count"), last_sale_at=Max("last_sold_at"))):
        out.setdefault(r.pop("film_id"), {}).update(r)
    for r in (ReportRow.objects.filter(film_id__in=film_ids, spoken_days__gt=0).values("film_id", "source")
              .annotate(gross=Sum("spoken_gross"), rows=Count("pk")).order_by("film_id", "-gross", "source")):
        out[r["film_id"]].setdefault("report_sources", []).append(
            {"source": r["source"], "gross": f"{r['gross']:.2f}", "rows": r["rows"]})
    return out


def film_report_rows(film_id: int):
    """Every report row of a film, the ones that speak and the ones kept as detail, by period."""
    return (ReportRow.objects.filter(film_id=film_id).select_related("region", "cinema", "imported_by")
            .order_by("period_start", "-period_end", "source"))


def film_report_months(film_id: int) -> list[dict]:
    """A film's report rows (those of film_report_rows, in its order) summed by the month of their first day,
    place and source: the film's page shows these, so a year of daily reports is a dozen lines, not 365. Each
    group keeps what its rows say: their span, count, gross, admissions (unknown if any row gives none), and
    the part that counts (spoken) with its days. Plain values, not 365 model rows: this is a page's miss."""
    from films.models import Region

    fields = ("period_start", "period_end", "region_id", "cinema_id", "source", "reference", "gross",
              "admissions", "spoken_days", "spoken_gross")
    groups: dict[tuple, dict] = {}
    for r in (ReportRow.objects.filter(film_id=film_id).order_by("period_start", "-period_end", "source")
              .values_list(*fields)):
        start, end, region_id, cinema_id, source, reference, gross, admissions, spoken_days, spoken_gross = r
        key = (start.year, start.month, region_id, cinema_id, source)
        g = groups.get(key)
        if g is None:
            g = groups[key] = {
                "month": start.replace(day=1), "period_start": start, "period_end": end, "region": region_id,
                "cinema": cinema_id, "source": source, "rows": 0, "reference": reference,
                "gross": 0, "admissions": 0, "days": 0, "spoken_days": 0, "spoken_gross": 0,
            }
        g["rows"] += 1
        g["period_start"] = min(g["period_start"], start)
        g["period_end"] = max(g["period_end"], end)
        g["gross"] += gross
        g["admissions"] = None if g["admissions"] is None or admissions is None else g["admissions"] + admissions
        g["days"] += (end - start).days + 1
        g["spoken_days"] += spoken_days
        g["spoken_gross"] += spoken_gross
        if reference != g["reference"]:
            g["reference"] = ""
    regions = Region.objects.in_bulk({g["region"] for g in groups.values()} - {None})
    cinemas = Cinema.objects.in_bulk({g["cinema"] for g in groups.values()} - {None})
    for g in groups.values():
        g["speaks"] = g["spoken_days"] > 0
        g["region"] = regions.get(g["region"])
        g["cinema"] = cinemas.get(g["cinema"])
    return list(groups.values())


def reported_versus_ticketed(*, flagged_only: bool = False):
    """box-office-reports.md point 5: rows that speak for days with accepted tickets inside their place."""
    qs = (ReportRow.objects.filter(spoken_days__gt=0, covered_ticket_days__gt=0)
          .select_related("film", "region", "cinema").order_by("film__code", "period_start", "source"))
    if flagged_only:
        qs = qs.filter(covered_ticket_gross__gt=F("spoken_gross"))
    return qs


def film_box_office_by_week(film_id: int):
    """Combined gross and admissions per ISO week (box-office-reports.md: reports spread over their days)."""
    from django.db.models.functions import TruncWeek

    return (FilmDay.objects.filter(film_id=film_id).annotate(week=TruncWeek("day")).values("week")
            .annotate(gross=Sum(F("ticket_gross") + F("report_gross")),
                      admissions=Sum(F("ticket_admissions") + F("report_admissions"))).order_by("week"))


def film_box_office_by_region(film_id: int) -> list[dict]:
    """Combined gross and admissions per region; figures no report splits by region (national rows) are
    shown as unknown."""
    from django.utils.translation import gettext

    rows = (FilmDay.objects.filter(film_id=film_id)
            .values("region__code", "region__name_en", "region__name_kk", "region__name_ru")
            .annotate(gross=Sum(F("ticket_gross") + F("report_gross")),
                      admissions=Sum(F("ticket_admissions") + F("report_admissions"))).order_by("-gross"))
    out = []
    for r in rows:
        if r["region__code"] is None:
            unknown = gettext("region unknown (national reports)")
            r.update(region__name_en=unknown, region__name_kk=unknown, region__name_ru=unknown)
        out.append(r)
    return out


def open_held_records():
    return BatchRecord.objects.filter(outcome=Outcome.HELD, resolved_at__isnull=True).select_related("batch")


def batches_awaiting_recompute():
    return ImportBatch.objects.filter(recompute_requested_at__isnull=False, recompute_finished_at__isnull=True)


def recent_batches(limit: int = 50, *, user=None):
    return batches_visible_to(user).select_related("cinema", "submitted_by")[:limit]


def batches_visible_to(user=None):
    """Every batch for ministry staff; a cinema operator sees only the batches sent for its cinemas."""
    from films.permissions import can_read_workspace, operated_cinema_ids

    batches = ImportBatch.objects.all()
    if user is None or can_read_workspace(user):
        return batches
    return batches.filter(cinema_id__in=operated_cinema_ids(user))


def anomalies():
    return Anomaly.objects.select_related("screening__cinema", "screening__film", "transaction", "batch")


def summary_discrepancies():
    return SummaryDiscrepancy.objects.select_related("film", "cinema")


def cinemas_with_activity():
    return Cinema.objects.select_related("region").annotate(
        screens_count=Count("screens", distinct=True),
        last_batch_at=Max("batches__received_at", filter=Q(batches__status=BatchStatus.PROCESSED)),
    )


# --- Public reads: aggregates only; no ticket-level record leaves through these. -------------------------

def _daily_total(group_field: str, field: str, output_field):
    """Sum of one DailySales column per outer row, as a subquery so two sums never multiply each other."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    rows = (DailySales.objects.filter(**{group_field: OuterRef("pk")}).order_by().values(group_field)
            .annotate(total=Sum(field)).values("total"))
    return Coalesce(Subquery(rows, output_field=output_field), 0, output_field=output_field)


def public_cinemas():
    """Cinemas with their screens, seats, gross and admissions (from the daily summaries)."""
    from django.db.models import BigIntegerField, DecimalField

    return (Cinema.objects.select_related("region")
            .annotate(screens_count=Count("screens"), seats=Sum("screens__seats"),
                      gross=_daily_total("cinema", "gross", DecimalField(max_digits=20, decimal_places=2)),
                      admissions=_daily_total("cinema", "admissions", BigIntegerField())))


def public_regions():
    """Regions with their cinemas, gross and admissions."""
    from django.db.models import BigIntegerField, DecimalField

    from films.models import Region

    return Region.objects.annotate(
        cinemas_count=Count("cinemas"),
        gross=_daily_total("cinema__region", "gross", DecimalField(max_digits=20, decimal_places=2)),
        admissions=_daily_total("cinema__region", "admissions", BigIntegerField()),
    ).order_by("code")


def region_page(code: str):
    """One region's page: (region with cinemas_count, gross and admissions; its cinemas with gross and
    admissions; the films shown there), the figures public_regions() and public_cinemas() give, each summed in
    one pass over the region's daily summaries instead of one correlated subquery per row. None: no such region."""
    from django.db.models import DecimalField
    from django.db.models.functions import Coalesce

    from films.models import Film, Region

    region = Region.objects.filter(code=code).first()
    if region is None:
        return None
    money = DecimalField(max_digits=20, decimal_places=2)
    days = DailySales.objects.filter(cinema__region=region)
    totals = days.aggregate(gross=Sum("gross"), admissions=Sum("admissions"))
    region.cinemas_count = Cinema.objects.filter(region=region).count()
    region.gross = totals["gross"] or Decimal("0")
    region.admissions = totals["admissions"] or 0
    cinemas = (Cinema.objects.filter(region=region).select_related("region")
               .annotate(gross=Coalesce(Sum("daily_sales__gross"), 0, output_field=money),
                         admissions=Coalesce(Sum("daily_sales__admissions"), 0)))
    films = (Film.objects.filter(pk__in=days.values("film_id")).select_related("metrics").order_by("code"))
    return region, cinemas, films


def box_office_by_year() -> list[dict]:
    """Gross and admissions per calendar year of screening, split domestic (KZ first of origin) vs foreign."""
    from django.db.models import Case, DecimalField, When
    from django.db.models.functions import ExtractYear

    money = DecimalField(max_digits=20, decimal_places=2)
    domestic = Q(film__country_codes="KZ") | Q(film__country_codes__startswith="KZ|")
    rows = (DailySales.objects.annotate(year=ExtractYear("day")).values("year").order_by("year")
            .annotate(total_gross=Sum("gross"), total_admissions=Sum("admissions"),
                      domestic_gross=Sum(Case(When(domestic, then="gross"), default=0, output_field=money)),
                      films=Count("film", distinct=True)))
    out = []
    for r in rows:
        gross = r["total_gross"] or ZERO
        dom = r["domestic_gross"] or ZERO
        out.append({"year": r["year"], "films": r["films"], "admissions": r["total_admissions"] or 0, "gross": gross,
                    "domestic_gross": dom, "foreign_gross": gross - dom,
                    "domestic_share": (dom / gross) if gross else None})
    return out


def box_office_as_of():
    """The last accepted sale included in the daily summaries."""
    return DailySales.objects.aggregate(at=Max("last_sold_at"))["at"]


def cinema_films(cinema_id: int):
    """What a cinema screened, biggest first."""
    return (DailySales.objects.filter(cinema_id=cinema_id).values("film__code", "film__title", "film__title_en",
                                                                  "film__title_ru", "film__title_kk")
            .annotate(gross=Sum("gross"), admissions=Sum("admissions")).order_by("-gross", "film__code"))


# --- The market view's source of day-level figures (funding/market.py reads only these) ---------------

def market_day_rows(start: datetime.date | None = None, end: datetime.date | None = None, *,
                    region: str | None = None):
    """Day rows (film × day × region) of THE combined day-level summary, FilmDay: tickets and box-office
    reports combined as box-office-reports.md says (reports spread over their days, the widest place speaking),
    so the chart and the market add up to the films' totals. The one function that says where day rows come from."""
    rows = FilmDay.objects.all()
    if start is not None:
        rows = rows.filter(day__gte=start)
    if end is not None:
        rows = rows.filter(day__lte=end)
    if region is not None:
        rows = rows.filter(region__code=region)
    return rows


MARKET_REGION = "region__code"  # the source's column naming the region of a day row (null: unknown)


def market_sums() -> dict:
    """The aggregates of the day rows: gross, admissions, screenings and the part of gross from reports."""
    return {"gross": Sum(F("ticket_gross") + F("report_gross")),
            "admissions": Sum(F("ticket_admissions") + F("report_admissions")),
            "screenings": Sum(F("ticket_screenings") + F("report_screenings")),
            "from_reports": Sum("report_gross")}


def market_period_rows(period: str, start: datetime.date, *, region: str | None = None, film_ids=None):
    """Each film's chart row of the period starting on `start`, in one region or the whole country (FilmPeriod,
    market_summaries.py): dicts of film_id, gross, admissions, screenings, gross_from_reports, screens,
    cumulative_gross, first_day."""
    from .models import FilmPeriod

    rows = FilmPeriod.objects.filter(period=period, start=start)
    rows = rows.filter(region__code=region) if region is not None else rows.filter(region__isnull=True)
    if film_ids is not None:
        rows = rows.filter(film_id__in=film_ids)
    return rows.values("film_id", "gross", "admissions", "screenings", "gross_from_reports", "screens",
                       "cumulative_gross", "first_day")


def market_format_rows(year: int):
    """Each film's ticket figures by screening format in a calendar year (FilmYearFormat, market_summaries.py):
    dicts of film_id, screening_format, gross, admissions."""
    from .models import FilmYearFormat

    return FilmYearFormat.objects.filter(year=year).values("film_id", "screening_format", "gross", "admissions")
