"""The nightly check: recompute every daily summary from the raw tickets and report any difference."""
from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, Count, F, Max, Q, Sum, When

from films.choices import RecomputeReason
from films.outbox import request_recompute

from .choices import TransactionKind
from .models import BatchRecord, DailySales, Screen, ScreenDaySales, SummaryDiscrepancy, TicketTransaction
from .storing import screening_day

FIELDS = ("admissions", "gross", "screenings", "sales_count")

log = logging.getLogger(__name__)


def summaries_from_tickets() -> dict[tuple[int, int, object], dict]:
    """Film × cinema × day figures rebuilt from every accepted ticket (a full scan: nightly only)."""
    sale, refund = Q(kind=TransactionKind.SALE), Q(kind=TransactionKind.REFUND)
    per_screening = (TicketTransaction.objects.values("screening_id", "screening__film_id",
                                                      "screening__cinema_id", "screening__starts_at")
                     .annotate(sold=Sum("tickets", filter=sale), refunded=Sum("tickets", filter=refund),
                               sold_amount=Sum("amount", filter=sale), refunded_amount=Sum("amount", filter=refund),
                               sales=Count("id", filter=sale), last=Max("sold_at", filter=sale))
                     .order_by())
    out: dict[tuple, dict] = defaultdict(lambda: {"admissions": 0, "gross": Decimal("0"), "screenings": 0,
                                                  "sales_count": 0, "last_sold_at": None})
    for s in per_screening.iterator(chunk_size=5000):
        row = out[(s["screening__film_id"], s["screening__cinema_id"], screening_day(s["screening__starts_at"]))]
        row["admissions"] += (s["sold"] or 0) - (s["refunded"] or 0)
        row["gross"] += (s["sold_amount"] or 0) - (s["refunded_amount"] or 0)
        row["screenings"] += 1 if s["sales"] else 0
        row["sales_count"] += s["sales"]
        if s["last"] and (row["last_sold_at"] is None or s["last"] > row["last_sold_at"]):
            row["last_sold_at"] = s["last"]
    return out


def _picture(row: dict | DailySales | None) -> dict:
    if row is None:
        return {f: 0 for f in FIELDS} | {"gross": "0.00"}
    get = row.get if isinstance(row, dict) else (lambda f: getattr(row, f))
    return {f: (str(Decimal(get(f)).quantize(Decimal("0.01"))) if f == "gross" else int(get(f))) for f in FIELDS}


@transaction.atomic
def verify_references() -> int:
    """Tickets whose cinema, film, screening, batch or refunded sale is missing; logged as errors.

    The database does not check the ticket table's references row by row (models.TicketTransaction): the
    import locks what it refers to and Django enforces PROTECT on deletes; this catches a writer that went
    around both (raw SQL)."""
    missing = 0
    for model, name in ((TicketTransaction, "cinema"), (TicketTransaction, "film"), (TicketTransaction, "screening"),
                        (TicketTransaction, "batch"), (TicketTransaction, "refund_of"), (BatchRecord, "batch")):
        related = model._meta.get_field(name).related_model
        orphans = (model.objects.filter(**{f"{name}_id__isnull": False})
                   .exclude(**{f"{name}_id__in": related.objects.values("pk")}))
        count = orphans.count()
        if count:
            log.error("%s %s row(s) name a %s that does not exist, e.g. %s", count, model._meta.model_name, name,
                      list(orphans.values_list("pk", flat=True)[:5]))
        missing += count
    return missing


def verify_daily_summaries(*, repair: bool = True) -> int:
    """Record every summary that disagrees with the tickets as a discrepancy (and repair it); returns the count."""
    truth = summaries_from_tickets()
    stored = {(r.film_id, r.cinema_id, r.day): r for r in DailySales.objects.all()}
    found = 0
    films: set[int] = set()
    for key in set(truth) | set(stored):
        want, have = _picture(truth.get(key)), _picture(stored.get(key))
        if want == have:
            continue
        found += 1
        films.add(key[0])
        SummaryDiscrepancy.objects.create(film_id=key[0], cinema_id=key[1], day=key[2], stored=have,
                                          recomputed=want, repaired=repair)
        if repair:
            if key in truth:
                DailySales.objects.update_or_create(film_id=key[0], cinema_id=key[1], day=key[2],
                                                    defaults=truth[key])
            else:
                stored[key].delete()
    if repair:
        screen_days, screen_day_films = _repair_screen_day_rows()
        films |= screen_day_films
        if films:
            # Only the films whose figures were wrong (one request for both summaries): the others' metrics
            # already stand on true summaries.
            request_recompute(film_ids=films, reason=RecomputeReason.SUMMARY_REPAIR,
                              detail=f"{found} daily and {screen_days} screen-day summaries repaired")
    return found


def screen_day_sales_from_tickets() -> dict[tuple, tuple]:
    """Film × screen × day × format figures rebuilt from every accepted ticket (nightly only)."""
    sale = Q(kind=TransactionKind.SALE)
    # A refund counts under its sale's format (refunds often name none).
    fmt = Case(When(kind=TransactionKind.REFUND, then=F("refund_of__screening_format")), default=F("screening_format"))
    rows = (TicketTransaction.objects.annotate(fmt=fmt).values("film_id", "screening__screen_id",
                                                               "screening__starts_at", "fmt")
            .annotate(sold=Sum("tickets", filter=sale), refunded=Sum("tickets", filter=~sale),
                      sold_amount=Sum("amount", filter=sale), refunded_amount=Sum("amount", filter=~sale),
                      sales=Count("id", filter=sale)).order_by())
    out: dict[tuple, list] = defaultdict(lambda: [0, Decimal("0"), 0])
    for r in rows.iterator(chunk_size=5000):
        row = out[(r["film_id"], r["screening__screen_id"], screening_day(r["screening__starts_at"]),
                   r["fmt"] or "")]
        row[0] += (r["sold"] or 0) - (r["refunded"] or 0)
        row[1] += (r["sold_amount"] or 0) - (r["refunded_amount"] or 0)
        row[2] += r["sales"]
    return {k: (v[0], Decimal(v[1]).quantize(Decimal("0.01")), v[2]) for k, v in out.items()}


def _screen_day_picture(key: tuple, figures: tuple | None) -> dict:
    """A screen-day summary as a discrepancy records it: which screen and format, and its figures."""
    admissions, gross, sales = figures or (0, Decimal("0.00"), 0)
    return {"summary": "screen-day", "screen_id": key[1], "screening_format": key[3], "admissions": admissions,
            "gross": str(gross), "sales_count": sales}


def repair_screen_day_sales() -> int:
    """Make the market view's summary equal the tickets again, recording each row put right as a discrepancy
    (auditors see it beside the daily ones) and queueing its films' recompute; returns the rows put right."""
    fixed, films = _repair_screen_day_rows()
    if films:
        # The market figures read this table: a repair here alone must still refresh the films' metrics.
        request_recompute(film_ids=films, reason=RecomputeReason.SUMMARY_REPAIR,
                          detail=f"{fixed} screen-day summaries repaired")
    return fixed


def _repair_screen_day_rows() -> tuple[int, set[int]]:
    """(rows put right, their films): repair_screen_day_sales without the recompute request."""
    truth = screen_day_sales_from_tickets()
    stored = {(r.film_id, r.screen_id, r.day, r.screening_format): r for r in ScreenDaySales.objects.all()}
    cinema_of = dict(Screen.objects.values_list("pk", "cinema_id"))
    fixed = 0
    films: set[int] = set()
    for key in set(truth) | set(stored):
        row = stored.get(key)
        have = (row.admissions, Decimal(row.gross).quantize(Decimal("0.01")), row.sales_count) if row else None
        if have == truth.get(key):
            continue
        fixed += 1
        films.add(key[0])
        SummaryDiscrepancy.objects.create(film_id=key[0], cinema_id=cinema_of[key[1]], day=key[2],
                                          stored=_screen_day_picture(key, have),
                                          recomputed=_screen_day_picture(key, truth.get(key)), repaired=True)
        if key in truth:
            adm, gross, sales = truth[key]
            ScreenDaySales.objects.update_or_create(film_id=key[0], screen_id=key[1], day=key[2],
                                                    screening_format=key[3],
                                                    defaults={"admissions": adm, "gross": gross, "sales_count": sales})
        else:
            row.delete()
    return fixed, films
