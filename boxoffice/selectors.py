"""Reads of box office that other apps and the views use; metrics read summaries, never raw tickets."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum

from .choices import BatchStatus, Outcome
from .models import Anomaly, BatchRecord, Cinema, DailySales, ImportBatch, ScreenDaySales, SummaryDiscrepancy


def film_box_office_totals(film_ids) -> dict[int, dict]:
    """Gross, admissions, screenings, sales count and last sale per film, from the daily summaries."""
    rows = (DailySales.objects.filter(film_id__in=list(film_ids)).values("film_id")
            .annotate(gross=Sum("gross"), admissions=Sum("admissions"), screenings=Sum("screenings"),
                      sales_count=Sum("sales_count"), last_sale_at=Max("last_sold_at")))
    return {r.pop("film_id"): r for r in rows}


def film_box_office_by_week(film_id: int):
    from django.db.models.functions import TruncWeek

    return (DailySales.objects.filter(film_id=film_id).annotate(week=TruncWeek("day")).values("week")
            .annotate(gross=Sum("gross"), admissions=Sum("admissions")).order_by("week"))


def film_box_office_by_region(film_id: int):
    return (DailySales.objects.filter(film_id=film_id)
            .values("cinema__region__code", "cinema__region__name_en", "cinema__region__name_kk",
                    "cinema__region__name_ru")
            .annotate(gross=Sum("gross"), admissions=Sum("admissions")).order_by("-gross"))


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


ZERO = Decimal("0.00")


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
    """Day rows (film × day × place) with `gross`, `admissions`, `screenings` and the place's `region`.

    Today: the ticket feed's film × cinema × day summaries. This is the one function to change when the
    day-level summary that combines tickets with box-office reports is the source."""
    rows = DailySales.objects.all()
    if start is not None:
        rows = rows.filter(day__gte=start)
    if end is not None:
        rows = rows.filter(day__lte=end)
    if region is not None:
        rows = rows.filter(cinema__region__code=region)
    return rows


MARKET_REGION = "cinema__region__code"  # the source's column naming the region of a day row (null: unknown)


def market_sums() -> dict:
    """The aggregates of the day rows: gross, admissions, screenings and the part of gross from reports."""
    from django.db.models import DecimalField, Value

    return {"gross": Sum("gross"), "admissions": Sum("admissions"), "screenings": Sum("screenings"),
            "from_reports": Sum(Value(0), output_field=DecimalField(max_digits=20, decimal_places=2))}


def market_screen_day_rows(start, end, *, region: str | None = None):
    """The ticket feed's film × screen × day × format rows: distinct screens, and figures by format."""
    rows = ScreenDaySales.objects.filter(day__gte=start, day__lte=end)
    if region is not None:
        rows = rows.filter(screen__cinema__region__code=region)
    return rows
