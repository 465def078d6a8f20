"""The auditors' reports as Tables (films/tables.py): each page, CSV and XLSX render the same object.

Figures are those of metrics.md, read from the stored film metrics and the funded-vs-released selector,
so an auditor's number equals the public report's and the film pages'. Only approved (published) grants
count towards money figures; the unlinked-grants list shows pending ones too, marked.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from boxoffice.choices import AnomalyKind
from boxoffice.staff_selectors import cinema_completeness, flagged_anomalies, last_sale_included
from films.choices import FilmStatus
from films.models import Film, Organisation
from films.tables import COUNT, DATE, MOMENT, MONEY, RATIO, Column, Table

from .metrics import _ratio
from .models import FilmMetrics, Grant, Programme
from .selectors import funded_vs_released, is_released


@dataclass(frozen=True)
class Filter:
    name: str
    label: str
    choices: callable  # () -> list of (value, label)


def _funders():
    return [
        (str(o.pk), o.name)
        for o in Organisation.objects.filter(grants_made__isnull=False).distinct().order_by("name")
    ]


def _programmes():
    return [
        (str(p.pk), f"{p.title} ({p.funder.name})" if p.funder else p.title)
        for p in Programme.objects.select_related("funder").order_by("title")
    ]


def _cohorts():
    years = (
        FilmMetrics.objects.filter(cohort_year__isnull=False)
        .values_list("cohort_year", flat=True)
        .distinct()
        .order_by("cohort_year")
    )
    return [(str(y), str(y)) for y in years]


def _anomaly_kinds():
    return list(AnomalyKind.choices)


def _regions():
    from films.models import Region

    return [(r.code, r.name_en) for r in Region.objects.order_by("name_en")]


FUNDER = Filter("funder", "Funder", _funders)
PROGRAMME = Filter("programme", "Programme", _programmes)
COHORT = Filter("cohort", "Cohort year", _cohorts)
KIND = Filter("kind", "Anomaly", _anomaly_kinds)
REGION = Filter("region", "Region", _regions)


def _int(params, name):
    value = str(params.get(name) or "")
    return int(value) if value.isdigit() else None


def _described(params, filters: list[Filter]) -> dict[str, str]:
    """The filters in words, for the page, the file's preamble and the "as of" line."""
    out = {}
    for f in filters:
        value = str(params.get(f.name) or "")
        if value:
            out[f.label] = dict(f.choices()).get(value, value)
    return out


def _funding_stamp(film_ids=None):
    qs = FilmMetrics.objects.all() if film_ids is None else FilmMetrics.objects.filter(film_id__in=film_ids)
    return qs.aggregate(at=Max("last_sale_at"))["at"]


# --- funded vs released ------------------------------------------------------------------------


def funded_vs_released_table(params) -> Table:
    report = funded_vs_released(funder_id=_int(params, "funder"), programme_id=_int(params, "programme"))
    cohort = _int(params, "cohort")
    rows = [r for r in report.rows if cohort is None or r.year == cohort]
    if cohort is None:
        rows.append(report.total)
    return Table(
        slug="funded-vs-released",
        title="Funded vs released, by cohort year",
        columns=[
            Column("year", "Cohort year"),
            Column("films_funded", "Films funded", COUNT),
            Column("awarded", "Awarded, KZT", MONEY),
            Column("films_released", "Films released", COUNT),
            Column("released_share", "Released share", RATIO),
            Column("gross", "Gross, KZT", MONEY),
            Column("return_on_funding", "Return on funding", RATIO),
        ],
        rows=[
            {
                "year": r.year,
                "films_funded": r.films_funded,
                "awarded": r.awarded,
                "films_released": r.films_released,
                "released_share": r.released_share,
                "gross": r.gross,
                "return_on_funding": r.return_on_funding,
            }
            for r in rows
        ],
        as_of=report.as_of_sale,
        filters=_described(params, [FUNDER, PROGRAMME, COHORT]),
        note="metrics.md: cohort = award year of the film's earliest KZT grant; only approved grants count.",
    )


# --- stalled projects --------------------------------------------------------------------------


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def stalled_projects_table(params, today: datetime.date | None = None) -> Table:
    """Funded, not released, and the planned release has passed or the status has not moved for 12 months."""
    today = today or timezone.localdate()
    grants = Grant.objects.published().linked()
    if _int(params, "funder"):
        grants = grants.filter(funder_id=_int(params, "funder"))
    if _int(params, "programme"):
        grants = grants.filter(programme_id=_int(params, "programme"))
    funded_ids = set(grants.values_list("film_id", flat=True))
    films = (
        Film.objects.filter(pk__in=funded_ids)
        .annotate(last_change=Max("status_changes__changed_on"))
        .order_by("code")
    )
    metrics = FilmMetrics.objects.in_bulk(list(funded_ids))
    cutoff = _year_before(today)
    rows = []
    for film in films:
        m = metrics.get(film.pk)
        if is_released(film, m, today):
            continue
        last_change = film.last_change or timezone.localdate(film.created_at)
        reasons = []
        if film.planned_release and film.planned_release < today:
            reasons.append(f"planned release {film.planned_release.isoformat()} passed")
        if last_change <= cutoff:
            reasons.append("no status change for 12 months")
        if film.status == FilmStatus.ABANDONED:
            reasons.append("abandoned")
        if not reasons:
            continue
        rows.append(
            {
                "film_code": film.code,
                "title": film.display_title,
                "status": film.get_status_display(),
                "planned_release": film.planned_release,
                "last_status_change": last_change,
                "days_since_change": (today - last_change).days,
                "awarded_kzt": m.awarded_kzt if m else Decimal("0.00"),
                "disbursed_kzt": Decimal((m.disbursed if m else {}).get(settings.HOME_CURRENCY, "0.00")),
                "reasons": "; ".join(reasons),
            }
        )
    return Table(
        slug="stalled-projects",
        title="Stalled projects",
        columns=[
            Column("film_code", "Film"),
            Column("title", "Title"),
            Column("status", "Status"),
            Column("planned_release", "Planned release", DATE),
            Column("last_status_change", "Last status change", DATE),
            Column("days_since_change", "Days since change", COUNT),
            Column("awarded_kzt", "Awarded, KZT", MONEY),
            Column("disbursed_kzt", "Disbursed, KZT", MONEY),
            Column("reasons", "Why stalled"),
        ],
        rows=rows,
        as_of=_funding_stamp(funded_ids),
        filters=_described(params, [FUNDER, PROGRAMME]),
        note="Funded (an approved grant), not released, and the planned release passed or no status change "
        "for 12 months (or abandoned).",
    )


# --- return on funding ranking -----------------------------------------------------------------


def return_on_funding_table(params) -> Table:
    """Films with KZT funding ranked by return on funding (gross / awarded), with funding per admission."""
    qs = FilmMetrics.objects.select_related("film").filter(awarded_kzt__gt=0)
    if _int(params, "cohort"):
        qs = qs.filter(cohort_year=_int(params, "cohort"))
    ranked = sorted(qs, key=lambda m: (m.return_on_funding is None, -(m.return_on_funding or 0), m.film.code))
    rows = [
        {
            "rank": i,
            "film_code": m.film.code,
            "title": m.film.display_title,
            "cohort_year": m.cohort_year,
            "awarded_kzt": m.awarded_kzt,
            "gross": m.gross,
            "admissions": m.admissions,
            "return_on_funding": m.return_on_funding,
            "net_return_on_funding": m.net_return_on_funding,
            "funding_per_admission": m.funding_per_admission,
        }
        for i, m in enumerate(ranked, start=1)
    ]
    return Table(
        slug="return-on-funding",
        title="Return on funding ranking",
        columns=[
            Column("rank", "Rank", COUNT),
            Column("film_code", "Film"),
            Column("title", "Title"),
            Column("cohort_year", "Cohort"),
            Column("awarded_kzt", "Awarded, KZT", MONEY),
            Column("gross", "Gross, KZT", MONEY),
            Column("admissions", "Admissions", COUNT),
            Column("return_on_funding", "Return on funding", RATIO),
            Column("net_return_on_funding", "Net return on funding", RATIO),
            Column("funding_per_admission", "Funding per admission, KZT", MONEY),
        ],
        rows=rows,
        as_of=_funding_stamp(),
        filters=_described(params, [COHORT]),
        note="metrics.md: return on funding = gross / awarded (KZT grants); funding per admission = "
        "awarded / admissions, empty without admissions.",
    )


# --- recipients --------------------------------------------------------------------------------


def recipients_table(params) -> Table:
    """Each recipient organisation: grants, films, releases, gross and its share of all KZT funding."""
    home = settings.HOME_CURRENCY
    grants = Grant.objects.published().select_related("recipient")
    if _int(params, "funder"):
        grants = grants.filter(funder_id=_int(params, "funder"))
    if _int(params, "programme"):
        grants = grants.filter(programme_id=_int(params, "programme"))
    per: dict[int | None, dict] = defaultdict(
        lambda: {"grants": 0, "films": set(), "awarded": defaultdict(Decimal)}
    )
    names = {}
    for g in grants:
        p = per[g.recipient_id]
        names[g.recipient_id] = g.recipient.name if g.recipient else "(individuals)"
        p["grants"] += 1
        p["awarded"][g.currency] += g.amount_awarded
        if g.film_id:
            p["films"].add(g.film_id)
    all_films = set().union(*(p["films"] for p in per.values())) if per else set()
    film_objs = Film.objects.in_bulk(list(all_films))
    metrics = FilmMetrics.objects.in_bulk(list(all_films))
    total_home = sum((p["awarded"].get(home, Decimal("0")) for p in per.values()), Decimal("0"))
    rows = []
    for rid, p in per.items():
        awarded_home = p["awarded"].get(home, Decimal("0"))
        rows.append(
            {
                "recipient": names[rid],
                "grants": p["grants"],
                "films": len(p["films"]),
                "films_released": sum(1 for f in p["films"] if is_released(film_objs[f], metrics.get(f))),
                "awarded_kzt": awarded_home,
                "awarded_other": "; ".join(
                    f"{c} {v:.2f}" for c, v in sorted(p["awarded"].items()) if c != home
                ),
                "gross": sum((metrics[f].gross for f in p["films"] if f in metrics), Decimal("0")),
                "share_of_funding": _ratio(awarded_home, total_home),
            }
        )
    rows.sort(key=lambda r: (-r["awarded_kzt"], r["recipient"]))
    return Table(
        slug="recipients",
        title="Recipients",
        columns=[
            Column("recipient", "Recipient"),
            Column("grants", "Grants", COUNT),
            Column("films", "Films", COUNT),
            Column("films_released", "Films released", COUNT),
            Column("awarded_kzt", "Awarded, KZT", MONEY),
            Column("awarded_other", "Awarded, other currencies"),
            Column("gross", "Gross of their films, KZT", MONEY),
            Column("share_of_funding", "Share of all KZT funding", RATIO),
        ],
        rows=rows,
        as_of=_funding_stamp(all_films),
        filters=_described(params, [FUNDER, PROGRAMME]),
        note="Totals are never added across currencies; the share is of all approved KZT grants shown.",
    )


# --- data completeness -------------------------------------------------------------------------


def completeness_table(params) -> Table:
    rows = cinema_completeness(region_code=str(params.get("region") or ""))
    return Table(
        slug="data-completeness",
        title="Data completeness per cinema",
        columns=[
            Column("cinema_code", "Cinema"),
            Column("cinema_name", "Name"),
            Column("region", "Region"),
            Column("connected", "Connected"),
            Column("connected_since", "Connected since", DATE),
            Column("last_batch_at", "Last batch", MOMENT),
            Column("days_silent", "Days silent", COUNT),
            Column("records_received", "Records received", COUNT),
            Column("accepted", "Accepted", COUNT),
            Column("rejected", "Rejected", COUNT),
            Column("held", "Held", COUNT),
            Column("rejected_share", "Rejected share", RATIO),
            Column("held_share", "Held share", RATIO),
        ],
        rows=rows,
        as_of=last_sale_included(),
        filters=_described(params, [REGION]),
        note="Days silent: since the last batch with this cinema's records (or since connection, if none).",
    )


# --- anomalies and unlinked grants -------------------------------------------------------------


def anomalies_table(params) -> Table:
    qs = flagged_anomalies(kind=str(params.get("kind") or ""), cinema_code=str(params.get("cinema") or ""))
    rows = [
        {
            "flagged_at": a.flagged_at,
            "kind": a.get_kind_display(),
            "cinema": a.screening.cinema.code,
            "screen": a.screening.screen.name,
            "screening_start": a.screening.starts_at,
            "film_code": a.screening.film.code,
            "transaction_id": a.transaction.transaction_id if a.transaction else "",
            "batch": a.batch_id,
            "detail": a.detail,
        }
        for a in qs[:5000]
    ]
    return Table(
        slug="anomalies",
        title="Anomalies flagged in sales",
        columns=[
            Column("flagged_at", "Flagged", MOMENT),
            Column("kind", "Kind"),
            Column("cinema", "Cinema"),
            Column("screen", "Screen"),
            Column("screening_start", "Screening", MOMENT),
            Column("film_code", "Film"),
            Column("transaction_id", "Transaction"),
            Column("batch", "Batch", COUNT),
            Column("detail", "Detail"),
        ],
        rows=rows,
        as_of=last_sale_included(),
        filters=_described(params, [KIND]),
    )


def unlinked_grants_table(params) -> Table:
    grants = (
        Grant.objects.unlinked().select_related("funder", "recipient").order_by("award_date", "identifier")
    )
    if _int(params, "funder"):
        grants = grants.filter(funder_id=_int(params, "funder"))
    rows = [
        {
            "identifier": g.identifier,
            "title": g.title,
            "film_code_named": g.film_code,
            "currency": g.currency,
            "amount_awarded": g.amount_awarded,
            "award_date": g.award_date,
            "funder": g.funder.name,
            "recipient": g.recipient.name if g.recipient else "",
            "approved": g.published,
        }
        for g in grants
    ]
    return Table(
        slug="unlinked-grants",
        title="Unlinked grants",
        columns=[
            Column("identifier", "Grant"),
            Column("title", "Title"),
            Column("film_code_named", "Film code named"),
            Column("currency", "Currency"),
            Column("amount_awarded", "Amount awarded", MONEY),
            Column("award_date", "Award date", DATE),
            Column("funder", "Funder"),
            Column("recipient", "Recipient"),
            Column("approved", "Approved"),
        ],
        rows=rows,
        as_of=None,
        filters=_described(params, [FUNDER]),
        note="Grants naming no registered film; amounts in each grant's own currency.",
    )


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    build: callable
    filters: list[Filter]


REPORTS = {
    r.slug: r
    for r in [
        Report(
            "funded-vs-released", "Funded vs released", funded_vs_released_table, [FUNDER, PROGRAMME, COHORT]
        ),
        Report("stalled-projects", "Stalled projects", stalled_projects_table, [FUNDER, PROGRAMME]),
        Report("return-on-funding", "Return on funding ranking", return_on_funding_table, [COHORT]),
        Report("recipients", "Recipients", recipients_table, [FUNDER, PROGRAMME]),
        Report("data-completeness", "Data completeness per cinema", completeness_table, [REGION]),
        Report("anomalies", "Anomalies", anomalies_table, [KIND]),
        Report("unlinked-grants", "Unlinked grants", unlinked_grants_table, [FUNDER]),
    ]
}
