"""Reads of the funding side: the funded-vs-released report and what pages and exports need."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from films.models import Film

from .metrics import _ratio
from .models import FilmMetrics, Grant

REPORT_COLUMNS = ["year", "films_funded", "awarded", "films_released", "released_share", "gross",
                  "return_on_funding"]


@dataclass
class ReportRow:
    year: int | str
    films_funded: int
    awarded: Decimal
    films_released: int
    gross: Decimal
    film_ids: list[int]
    released_ids: list[int]
    # Provenance of `gross` (box-office-reports.md); not columns of the spec's CLI report.
    gross_from_tickets: Decimal = Decimal("0")
    gross_from_reports: Decimal = Decimal("0")

    @property
    def released_share(self) -> Decimal | None:
        return _ratio(self.films_released, self.films_funded)

    @property
    def return_on_funding(self) -> Decimal | None:
        return _ratio(self.gross, self.awarded)

    def as_json(self) -> dict:
        """metrics.md: money as strings with two decimals, counts as integers, ratios as numbers or null."""
        return {
            "year": self.year,
            "films_funded": self.films_funded,
            "awarded": f"{self.awarded:.2f}",
            "films_released": self.films_released,
            "released_share": float(self.released_share) if self.released_share is not None else None,
            "gross": f"{self.gross:.2f}",
            "return_on_funding": float(self.return_on_funding) if self.return_on_funding is not None else None,
        }


@dataclass
class FundedVsReleased:
    rows: list[ReportRow]
    total: ReportRow
    as_of_sale: object
    computed_at: object

    @property
    def all_rows(self):
        return [*self.rows, self.total]

    def as_json(self) -> list[dict]:
        return [r.as_json() for r in self.all_rows]


def published_home_grants(*, funder_id=None, programme_id=None):
    qs = Grant.objects.published().linked().filter(currency=settings.HOME_CURRENCY)
    if funder_id:
        qs = qs.filter(funder_id=funder_id)
    if programme_id:
        qs = qs.filter(programme_id=programme_id)
    return qs


def funded_vs_released(*, funder_id=None, programme_id=None, today=None) -> FundedVsReleased:
    """metrics.md: one row per cohort year (award year of the film's earliest KZT grant) plus a total.

    Filtered by funder or programme, only that funder's or programme's grants count, for cohort and amount.
    Gross and release come from the stored film metrics, so the report agrees with every film page.
    """
    today = today or timezone.localdate()
    per_film = (published_home_grants(funder_id=funder_id, programme_id=programme_id)
                .values("film_id").annotate(first=Min("award_date"), awarded=Sum("amount_awarded")).order_by())
    films = {r["film_id"]: r for r in per_film}
    film_objs = Film.objects.in_bulk(list(films))
    metrics = FilmMetrics.objects.in_bulk(list(films))
    cohorts: dict[int, ReportRow] = {}
    for film_id, r in films.items():
        year = r["first"].year
        row = cohorts.setdefault(year, ReportRow(year, 0, Decimal("0"), 0, Decimal("0"), [], []))
        m = metrics.get(film_id)
        row.films_funded += 1
        row.film_ids.append(film_id)
        row.awarded += r["awarded"]
        if is_released(film_objs[film_id], m, today):
            row.films_released += 1
            row.released_ids.append(film_id)
        row.gross += m.gross if m else Decimal("0")
        row.gross_from_tickets += m.gross_from_tickets if m else Decimal("0")
        row.gross_from_reports += m.gross_from_reports if m else Decimal("0")
    rows = [cohorts[y] for y in sorted(cohorts)]
    total = ReportRow("total", sum(r.films_funded for r in rows), sum((r.awarded for r in rows), Decimal("0")),
                      sum(r.films_released for r in rows), sum((r.gross for r in rows), Decimal("0")),
                      [i for r in rows for i in r.film_ids], [i for r in rows for i in r.released_ids],
                      sum((r.gross_from_tickets for r in rows), Decimal("0")),
                      sum((r.gross_from_reports for r in rows), Decimal("0")))
    stamp = FilmMetrics.objects.filter(film_id__in=films).aggregate(sale=Max("last_sale_at"), at=Max("computed_at"))
    return FundedVsReleased(rows, total, stamp["sale"], stamp["at"])


def is_released(film: Film, metrics: FilmMetrics | None, today=None) -> bool:
    """registers.md: a release date on or before today, or any accepted ticket sale."""
    return film.is_released(today) or (metrics is not None and metrics.sales_count > 0)


@dataclass(frozen=True)
class Repayment:
    """What a repayable grant (360Giving extension `repayable`) owes: registers.md, Repayable support."""

    currency: str
    repayable: Decimal
    due_date: object  # datetime.date | None
    repaid: Decimal  # every recovery recorded against the grant, in its currency
    outstanding: Decimal  # max(repayable − repaid, 0)
    overdue: Decimal  # the outstanding amount once the due date has passed, else 0

    @property
    def is_overdue(self) -> bool:
        return self.overdue > 0

    def as_dict(self) -> dict:
        return {"currency": self.currency, "repayable": self.repayable,
                "due_date": self.due_date.isoformat() if self.due_date else None,
                "repaid": self.repaid, "outstanding": self.outstanding, "overdue": self.overdue}


def repayment_of(grant: Grant, today=None) -> Repayment | None:
    """The one computation of repayable, repaid, outstanding and overdue, used by the staff and public grant
    pages, the API and the 360Giving export's readers. None for a grant with nothing repayable. Reads the
    grant's disbursements through .all(), so a prefetched list costs no query."""
    if grant.repayable_amount is None:
        return None
    from .choices import DisbursementKind

    today = today or timezone.localdate()
    repaid = sum((d.amount for d in grant.disbursements.all()
                  if d.kind == DisbursementKind.RECOVERY and d.currency == grant.currency), Decimal("0"))
    outstanding = max(grant.repayable_amount - repaid, Decimal("0"))
    overdue = outstanding if grant.repayable_due_date and grant.repayable_due_date < today else Decimal("0")
    q = Decimal("0.01")
    return Repayment(currency=grant.currency, repayable=grant.repayable_amount.quantize(q),
                     due_date=grant.repayable_due_date, repaid=repaid.quantize(q), outstanding=outstanding.quantize(q),
                     overdue=overdue.quantize(q))


def film_funding(film: Film) -> dict:
    """What a film page shows of its money: published grants, disbursements, stored metrics, released."""
    grants = (film.grants.published().select_related("funder", "recipient", "programme")
              .prefetch_related("disbursements").order_by("award_date", "identifier"))
    metrics = FilmMetrics.objects.filter(film=film).first()
    return {"grants": grants, "metrics": metrics, "released": is_released(film, metrics)}


# --- Public reads: everything here starts from Grant.objects.published(). --------------------------------

def public_grants():
    return (Grant.objects.published().select_related("funder", "recipient", "programme", "film")
            .prefetch_related("disbursements"))


def public_programmes():
    """Programmes with at least one published grant (a programme known only from a pending grant stays hidden)."""
    from .models import Programme

    return (Programme.objects.filter(pk__in=Grant.objects.published().values("programme_id"))
            .select_related("funder").order_by("title", "pk"))


def public_organisations():
    """Organisations the public registers name: film producers and parties to published grants."""
    from django.db.models import Q

    from films.models import Organisation

    published = Grant.objects.published()
    return Organisation.objects.filter(
        Q(pk__in=Film.objects.filter(producer__isnull=False).values("producer_id"))
        | Q(pk__in=published.values("funder_id")) | Q(pk__in=published.filter(recipient__isnull=False)
                                                      .values("recipient_id"))
    ).order_by("name", "pk")


def public_funders():
    from films.models import Organisation

    return Organisation.objects.filter(pk__in=Grant.objects.published().values("funder_id")).order_by("name")


def totals_by_currency(grants) -> list[dict]:
    """Never add across currencies (registers.md): one count and sum per currency, KZT first."""
    from django.db.models import Count

    rows = grants.order_by().values("currency").annotate(grants=Count("pk"), awarded=Sum("amount_awarded"))
    return sorted(rows, key=lambda r: (r["currency"] != settings.HOME_CURRENCY, r["currency"]))


def funding_by_year() -> list[dict]:
    """Published grants per award year and currency (linked or not: all of it is public money)."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    rows = (Grant.objects.published().annotate(year=ExtractYear("award_date")).values("year", "currency")
            .annotate(grants=Count("pk"), awarded=Sum("amount_awarded")).order_by("year", "currency"))
    return list(rows)


def unlinked_funding(currency: str) -> dict:
    """Published grants in one currency that no registered film is linked to: public money the per-film
    figures cannot count yet (the queue of grants to link)."""
    return Grant.objects.published().filter(film__isnull=True, currency=currency).aggregate(
        grants=Count("pk"), awarded=Coalesce(Sum("amount_awarded"), Decimal("0")))


def top_films(limit: int = 10):
    """Films by gross, from the stored metrics."""
    return (FilmMetrics.objects.filter(gross__gt=0).select_related("film")
            .order_by("-gross", "film__code")[:limit])


def metrics_as_of() -> dict:
    """The "as of" moment of every stored figure: the last sale included and when metrics were computed."""
    return FilmMetrics.objects.aggregate(last_sale_at=Max("last_sale_at"), computed_at=Max("computed_at"))
