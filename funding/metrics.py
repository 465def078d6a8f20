"""Every per-film figure of shared/spec/metrics.md, computed from grants and box-office summaries."""
from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from boxoffice.combining import rebuild_film_days
from boxoffice.selectors import film_box_office_totals
from films import limits
from films.models import Film

from .choices import DisbursementKind
from .models import Disbursement, FilmMetrics, Grant

CENT = Decimal("0.01")
RATIO = Decimal("0.000000000001")


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if not denominator:
        return None
    ratio = Decimal(numerator) / Decimal(denominator)
    if abs(ratio) >= limits.MAX_STORED_RATIO:
        # A gross a trillion times a (tiny) grant: no meaningful figure, and more than its column holds.
        return None
    return ratio.quantize(RATIO, rounding=ROUND_HALF_UP)


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def compute_film_metrics(films: dict[int, Film]) -> dict[int, dict]:
    """The stored figures these films should have now, without storing them (FilmMetrics field: value)."""
    home = settings.HOME_CURRENCY
    awarded: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    cohort: dict[int, int] = {}
    for film_id, currency, amount, award_date in (Grant.objects.published().filter(film_id__in=films)
                                                  .values_list("film_id", "currency", "amount_awarded",
                                                               "award_date")):
        awarded[film_id][currency] += amount
        if currency == home and (film_id not in cohort or award_date.year < cohort[film_id]):
            cohort[film_id] = award_date.year
    disbursed: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for film_id, currency, amount, kind in (Disbursement.objects.filter(grant__film_id__in=films,
                                                                        grant__published=True)
                                            .values_list("grant__film_id", "currency", "amount", "kind")):
        disbursed[film_id][currency] += -amount if kind == DisbursementKind.RECOVERY else amount
    # box-office-reports.md: recombine reports and tickets day by day first; the totals read that summary.
    rebuild_film_days(films)
    box = film_box_office_totals(films)
    out = {}
    for film_id, film in films.items():
        b = box.get(film_id, {})
        gross = _money(b.get("gross"))
        admissions = int(b.get("admissions") or 0)
        incomplete = bool(b.get("admissions_incomplete"))
        awarded_home = _money(awarded[film_id].get(home))
        share = film.effective_exhibitor_share
        net = _money(gross * (1 - share))
        out[film_id] = {
            "awarded": {c: str(_money(v)) for c, v in sorted(awarded[film_id].items())},
            "disbursed": {c: str(_money(v)) for c, v in sorted(disbursed[film_id].items())},
            "awarded_kzt": awarded_home,
            "cohort_year": cohort.get(film_id),
            "gross": gross,
            "admissions": admissions,
            "screenings": int(b.get("screenings") or 0),
            "sales_count": int(b.get("sales_count") or 0),
            "exhibitor_share": share,
            "net_to_rights_holders": net,
            "return_on_funding": _ratio(gross, awarded_home),
            "net_return_on_funding": _ratio(net, awarded_home),
            # A report that speaks without admissions would understate them: leave the ratio empty.
            "funding_per_admission": _money(awarded_home / admissions) if admissions and not incomplete else None,
            "gross_from_tickets": _money(b.get("gross_from_tickets")),
            "gross_from_reports": _money(b.get("gross_from_reports")),
            "admissions_from_tickets": int(b.get("admissions_from_tickets") or 0),
            "admissions_from_reports": int(b.get("admissions_from_reports") or 0),
            "admissions_incomplete": incomplete,
            "report_sources": b.get("report_sources") or [],
            "last_sale_at": b.get("last_sale_at"),
        }
    return out


def films_by_id(film_ids) -> dict[int, Film]:
    # In key order: two recomputes of overlapping films then lock their metrics rows in the same order.
    return {f.pk: f for f in Film.objects.filter(pk__in=list(film_ids)).order_by("pk")}


@transaction.atomic
def recompute_film_metrics(film_ids) -> list[FilmMetrics]:
    """Recompute and store the metrics of these films. Idempotent: the same inputs give the same row."""
    films = films_by_id(film_ids)
    if not films:
        return []
    now = timezone.now()
    return [FilmMetrics.objects.update_or_create(film_id=film_id, defaults={**values, "computed_at": now})[0]
            for film_id, values in compute_film_metrics(films).items()]


def recompute_all_metrics(chunk: int = 500) -> int:
    ids = list(Film.objects.values_list("pk", flat=True))
    for i in range(0, len(ids), chunk):
        recompute_film_metrics(ids[i:i + chunk])
    return len(ids)
