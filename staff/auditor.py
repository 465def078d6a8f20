"""The auditors' reports as Tables (films/tables.py): each page, CSV and XLSX render the same object.

Figures are those of metrics.md, read from the stored film metrics and the funded-vs-released selector,
so an auditor's number equals the public report's and the film pages'. Only approved (published) grants
count towards money figures; the unlinked-grants list shows pending ones too, marked.

Titles, notes, column and filter labels are lazy translations (page text); the cells stay language-free
(films/tables.py), so a choice's label or a film's title in a cell is its English one (in_english).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from boxoffice.choices import AnomalyKind
from boxoffice.staff_selectors import cinema_completeness, flagged_anomalies, last_sale_included
from films.choices import FilmStatus
from films.models import Film, Organisation
from films.tables import COUNT, DATE, MOMENT, MONEY, RATIO, YEAR, Column, Table, in_english
from funding.metrics import _ratio
from funding.models import FilmMetrics, Grant, MetricsDiscrepancy, Programme
from funding.selectors import funded_vs_released, is_released


def _in_home(text: str):
    """A label or note naming the home currency: translated, then the currency put in, when it is shown."""
    return lazy(lambda: gettext(text) % {"currency": settings.HOME_CURRENCY}, str)()


def home_key(prefix: str) -> str:
    """A CSV column naming the home currency: awarded_kzt in Kazakhstan (as always), awarded_kgs in Kyrgyzstan."""
    return f"{prefix}_{settings.HOME_CURRENCY.lower()}"


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

    # Named and sorted in the page's language, like the region choice of the cinema form.
    return sorted(((r.code, r.name) for r in Region.objects.all()), key=lambda choice: choice[1])


FUNDER = Filter("funder", _("Funder"), _funders)
PROGRAMME = Filter("programme", _("Programme"), _programmes)
COHORT = Filter("cohort", _("Cohort year"), _cohorts)
KIND = Filter("kind", _("Anomaly"), _anomaly_kinds)
REGION = Filter("region", _("Region"), _regions)
FLAGGED = Filter("flagged", _("Flagged only"), lambda: [("yes", _("yes"))])


def _int(params, name):
    value = str(params.get(name) or "")
    return int(value) if value.isdigit() else None


def _described(params, filters: list[Filter]) -> dict[str, str]:
    """The filters in words, for the page, the file's preamble and the "as of" line."""
    out = {}
    for f in filters:
        value = str(params.get(f.name) or "")
        if value:
            out[str(f.label)] = str(dict(f.choices()).get(value, value))
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
        title=_("Funded vs released, by cohort year"),
        columns=[
            Column("year", _("Cohort year"), YEAR),
            Column("films_funded", _("Films funded"), COUNT),
            Column("awarded", _in_home(N_("Awarded, %(currency)s")), MONEY),
            Column("films_released", _("Films released"), COUNT),
            Column("released_share", _("Released share"), RATIO),
            Column("gross", _in_home(N_("Gross, %(currency)s")), MONEY),
            Column("return_on_funding", _("Return on funding"), RATIO),
            Column("gross_from_tickets", _in_home(N_("Gross from ticket sales, %(currency)s")), MONEY),
            Column("gross_from_reports", _in_home(N_("Gross from box-office reports, %(currency)s")), MONEY),
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
                "gross_from_tickets": r.gross_from_tickets,
                "gross_from_reports": r.gross_from_reports,
            }
            for r in rows
        ],
        as_of=report.as_of_sale,
        filters=_described(params, [FUNDER, PROGRAMME, COHORT]),
        note=_in_home(N_("A film's cohort is the year of its earliest approved %(currency)s grant; only approved "
                         "grants count.")),
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
                "title": in_english(film, "display_title"),
                "status": in_english(film, "get_status_display"),
                "planned_release": film.planned_release,
                "last_status_change": last_change,
                "days_since_change": (today - last_change).days,
                home_key("awarded"): m.awarded_kzt if m else Decimal("0.00"),
                home_key("disbursed"): Decimal((m.disbursed if m else {}).get(settings.HOME_CURRENCY, "0.00")),
                "reasons": "; ".join(reasons),
            }
        )
    return Table(
        slug="stalled-projects",
        title=_("Stalled projects"),
        columns=[
            Column("film_code", _("Film"), link="staff:film"),
            Column("title", _("Title")),
            Column("status", _("Status"), words=True),
            Column("planned_release", _("Planned release"), DATE),
            Column("last_status_change", _("Last status change"), DATE),
            Column("days_since_change", _("Days since change"), COUNT),
            Column(home_key("awarded"), _in_home(N_("Awarded, %(currency)s")), MONEY),
            Column(home_key("disbursed"), _in_home(N_("Disbursed, %(currency)s")), MONEY),
            Column("reasons", _("Why stalled")),
        ],
        rows=rows,
        as_of=_funding_stamp(funded_ids),
        filters=_described(params, [FUNDER, PROGRAMME]),
        note=_(
            "Funded (an approved grant), not released, and the planned release passed or no status change "
            "for 12 months (or abandoned)."
        ),
    )


# --- return on funding ranking -----------------------------------------------------------------


def return_on_funding_table(params) -> Table:
    """Films with home-currency funding ranked by return on funding (gross / awarded), with funding per admission."""
    qs = FilmMetrics.objects.select_related("film").filter(awarded_kzt__gt=0)
    if _int(params, "cohort"):
        qs = qs.filter(cohort_year=_int(params, "cohort"))
    ranked = sorted(qs, key=lambda m: (m.return_on_funding is None, -(m.return_on_funding or 0), m.film.code))
    rows = [
        {
            "rank": i,
            "film_code": m.film.code,
            "title": in_english(m.film, "display_title"),
            "cohort_year": m.cohort_year,
            home_key("awarded"): m.awarded_kzt,
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
        title=_("Return on funding ranking"),
        columns=[
            Column("rank", _("Rank"), COUNT),
            Column("film_code", _("Film"), link="staff:film"),
            Column("title", _("Title")),
            Column("cohort_year", _("Cohort"), YEAR),  # an integer in XLSX, never grouped
            Column(home_key("awarded"), _in_home(N_("Awarded, %(currency)s")), MONEY),
            Column("gross", _in_home(N_("Gross, %(currency)s")), MONEY),
            Column("admissions", _("Admissions"), COUNT),
            Column("return_on_funding", _("Return on funding"), RATIO),
            Column("net_return_on_funding", _("Net return on funding"), RATIO),
            Column("funding_per_admission", _in_home(N_("Funding per admission, %(currency)s")), MONEY),
        ],
        rows=rows,
        as_of=_funding_stamp(),
        filters=_described(params, [COHORT]),
        note=_in_home(N_(
            "Return on funding is the film's gross divided by the %(currency)s it was awarded; funding per "
            "admission is the amount awarded divided by the admissions, left empty when there are none."
        )),
    )


# --- recipients --------------------------------------------------------------------------------


def recipients_table(params) -> Table:
    """Each recipient organisation: grants, films, releases, gross and its share of all home-currency funding."""
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
                home_key("awarded"): awarded_home,
                "awarded_other": "; ".join(
                    f"{c} {v:.2f}" for c, v in sorted(p["awarded"].items()) if c != home
                ),
                "gross": sum((metrics[f].gross for f in p["films"] if f in metrics), Decimal("0")),
                "share_of_funding": _ratio(awarded_home, total_home),
            }
        )
    rows.sort(key=lambda r: (-r[home_key("awarded")], r["recipient"]))
    return Table(
        slug="recipients",
        title=_("Recipients"),
        columns=[
            Column("recipient", _("Recipient")),
            Column("grants", _("Grants"), COUNT),
            Column("films", _("Films"), COUNT),
            Column("films_released", _("Films released"), COUNT),
            Column(home_key("awarded"), _in_home(N_("Awarded, %(currency)s")), MONEY),
            Column("awarded_other", _("Awarded, other currencies")),
            Column("gross", _in_home(N_("Gross of their films, %(currency)s")), MONEY),
            Column("share_of_funding", _in_home(N_("Share of all %(currency)s funding")), RATIO),
        ],
        rows=rows,
        as_of=_funding_stamp(all_films),
        filters=_described(params, [FUNDER, PROGRAMME]),
        note=_in_home(N_("Totals are never added across currencies; the share is of all approved %(currency)s "
                         "grants shown.")),
    )


# --- data completeness -------------------------------------------------------------------------


def completeness_table(params) -> Table:
    rows = cinema_completeness(region_code=str(params.get("region") or ""))
    return Table(
        slug="data-completeness",
        title=_("Data completeness per cinema"),
        columns=[
            Column("cinema_code", _("Cinema"), link="staff:cinema"),
            Column("cinema_name", _("Name")),
            Column("region", _("Region")),
            Column("connected", _("Connected")),
            Column("connected_since", _("Connected since"), DATE),
            Column("last_batch_at", _("Last batch"), MOMENT),
            Column("days_silent", _("Days silent"), COUNT),
            Column("records_received", _("Records received"), COUNT),
            Column("accepted", _("Accepted"), COUNT),
            Column("rejected", _("Rejected"), COUNT),
            Column("held", _("Held"), COUNT),
            Column("rejected_share", _("Rejected share"), RATIO),
            Column("held_share", _("Held share"), RATIO),
        ],
        rows=rows,
        as_of=last_sale_included(),
        filters=_described(params, [REGION]),
        note=_("Days silent: since the last batch with this cinema's records (or since connection, if none)."),
    )


# --- anomalies and unlinked grants -------------------------------------------------------------


def anomalies_table(params) -> Table:
    qs = flagged_anomalies(kind=str(params.get("kind") or ""), cinema_code=str(params.get("cinema") or ""))
    rows = [
        {
            "flagged_at": a.flagged_at,
            "kind": in_english(a, "get_kind_display"),
            "cinema": a.screening.cinema.code,
            "screen": a.screening.screen.name,
            "screening_start": a.screening.starts_at,
            "film_code": a.screening.film.code,
            "transaction_id": a.transaction.transaction_id if a.transaction else "",
            "batch": a.batch_id,
            "detail": in_english(a, "detail"),  # cells are data: the same file whatever the URL's language
            "detail_shown": a.detail,  # the page says it in the reader's language
        }
        for a in qs[:5000]
    ]
    return Table(
        slug="anomalies",
        title=_("Anomalies flagged in sales"),
        columns=[
            Column("flagged_at", _("Flagged"), MOMENT),
            Column("kind", _("Kind"), words=True),
            Column("cinema", _("Cinema"), link="staff:cinema"),
            Column("screen", _("Screen")),
            Column("screening_start", _("Screening"), MOMENT),
            Column("film_code", _("Film"), link="staff:film"),
            Column("transaction_id", _("Transaction")),
            Column("batch", _("Batch"), YEAR, link="boxoffice:batch"),  # an id: never grouped
            Column("detail", _("Detail"), shown="detail_shown"),
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
        title=_("Unlinked grants"),
        columns=[
            Column("identifier", _("Grant")),
            Column("title", _("Title")),
            Column("film_code_named", _("Film code named")),
            Column("currency", _("Currency")),
            Column("amount_awarded", _("Amount awarded"), MONEY),
            Column("award_date", _("Award date"), DATE),
            Column("funder", _("Funder")),
            Column("recipient", _("Recipient")),
            Column("approved", _("Approved")),
        ],
        rows=rows,
        as_of=None,
        filters=_described(params, [FUNDER]),
        note=_("Grants naming no registered film; amounts in each grant's own currency."),
    )


def metrics_discrepancies_table(params) -> Table:
    rows = [
        {
            "found_at": d.found_at,
            "film_code": d.film.code,
            "fields": ", ".join(d.fields),
            "stored": ", ".join(f"{f}={(d.stored or {}).get(f, '—')}" for f in d.fields),
            "expected": ", ".join(f"{f}={d.recomputed.get(f)}" for f in d.fields),
            "repaired": d.repaired,
        }
        for d in MetricsDiscrepancy.objects.select_related("film")[:5000]
    ]
    return Table(
        slug="metrics-discrepancies",
        title=_("Stored metrics that disagreed with a full recompute"),
        columns=[
            Column("found_at", _("Found"), MOMENT),
            Column("film_code", _("Film"), link="staff:film"),
            Column("fields", _("Figures")),
            Column("stored", _("Stored figures")),
            Column("expected", _("Recomputed figures")),
            Column("repaired", _("Repaired")),
        ],
        rows=rows,
        as_of=None,
        filters={},
        note=_("The nightly check recomputes every film's metrics from its grants and daily box office; a film "
               "listed here showed other figures than it should have (a recompute that never ran), and was "
               "then repaired. A film whose change was still waiting to be recomputed is not listed."),
    )


# --- box-office reports: reported versus ticketed, and where each film's gross comes from ------------


def reported_vs_ticketed_table(params) -> Table:
    """box-office-reports.md point 5: each report row that speaks for days with accepted tickets in its place."""
    from boxoffice.selectors import reported_versus_ticketed

    flagged_only = str(params.get("flagged") or "") == "yes"
    rows = []
    for r in reported_versus_ticketed(flagged_only=flagged_only)[:5000]:
        place = r.cinema.code if r.cinema_id else r.region.code if r.region_id else "country"
        rows.append(
            {
                "film_code": r.film.code,
                "period_start": r.period_start,
                "period_end": r.period_end,
                "place": place,
                "source": r.source,
                "reference": r.reference,
                "days_spoken": r.spoken_days,
                "days_with_tickets": r.covered_ticket_days,
                "reported": r.spoken_gross,
                "ticketed": r.covered_ticket_gross,
                "difference": r.spoken_gross - r.covered_ticket_gross,
                "share_covered": _ratio(r.covered_ticket_gross, r.spoken_gross),
                "reported_admissions": r.spoken_admissions,
                "ticketed_admissions": r.covered_ticket_admissions,
                "flagged": N_("tickets exceed the report") if r.covered_ticket_gross > r.spoken_gross else "",
            }
        )
    return Table(
        slug="reported-vs-ticketed",
        title=_("Box-office reports vs ticket sales"),
        columns=[
            Column("film_code", _("Film"), link="staff:film"),
            Column("period_start", _("From"), DATE),
            Column("period_end", _("To"), DATE),
            Column("place", _("Place")),
            Column("source", _("Source")),
            Column("reference", _("Reference")),
            Column("days_spoken", _("Days it speaks for"), COUNT),
            Column("days_with_tickets", _("Of which with tickets"), COUNT),
            Column("reported", _in_home(N_("Reported, %(currency)s")), MONEY),
            Column("ticketed", _in_home(N_("Ticketed, %(currency)s")), MONEY),
            Column("difference", _in_home(N_("Difference, %(currency)s")), MONEY),
            Column("share_covered", _("Share covered by the feed"), RATIO),
            Column("reported_admissions", _("Reported admissions"), COUNT),
            Column("ticketed_admissions", _("Ticketed admissions"), COUNT),
            Column("flagged", _("Flag"), words=True),
        ],
        rows=rows,
        as_of=_funding_stamp(),
        filters=_described(params, [FLAGGED]),
        note=_(
            "Where a box-office report covers days that also have accepted ticket sales in its place: the "
            "report's figure for those days beside the ticket sales it replaces. The report is the figure that "
            "counts; a row is flagged when the ticket sales exceed it."
        ),
    )


def gross_provenance_table(params) -> Table:
    """Every film with gross: how much came from tickets and how much from which reports."""
    qs = FilmMetrics.objects.select_related("film").filter(gross__gt=0).order_by("film__code")
    if _int(params, "cohort"):
        qs = qs.filter(cohort_year=_int(params, "cohort"))
    rows = [
        {
            "film_code": m.film.code,
            "title": in_english(m.film, "display_title"),
            "gross": m.gross,
            "gross_from_tickets": m.gross_from_tickets,
            "gross_from_reports": m.gross_from_reports,
            "admissions": m.admissions,
            "admissions_incomplete": "incomplete" if m.admissions_incomplete else "",
            "report_sources": "; ".join(f"{s['source']} {s['gross']}" for s in m.report_sources or []),
        }
        for m in qs
    ]
    return Table(
        slug="gross-provenance",
        title=_("Where each film's gross comes from"),
        columns=[
            Column("film_code", _("Film"), link="staff:film"),
            Column("title", _("Title")),
            Column("gross", _in_home(N_("Gross, %(currency)s")), MONEY),
            Column("gross_from_tickets", _in_home(N_("From ticket sales, %(currency)s")), MONEY),
            Column("gross_from_reports", _in_home(N_("From box-office reports, %(currency)s")), MONEY),
            Column("admissions", _("Admissions"), COUNT),
            Column("admissions_incomplete", _("Admissions")),
            Column("report_sources", _in_home(N_("Reports that speak (source and %(currency)s)"))),
        ],
        rows=rows,
        as_of=_funding_stamp(),
        filters=_described(params, [COHORT]),
        note=_("For each film and day, the box-office report covering the widest place counts (the country, "
               "then a region, then a cinema); where there is none, the accepted ticket sales count. Incomplete: "
               "a report that counts gives no admissions."),
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
            "funded-vs-released", _("Funded vs released"), funded_vs_released_table, [FUNDER, PROGRAMME, COHORT]
        ),
        Report("stalled-projects", _("Stalled projects"), stalled_projects_table, [FUNDER, PROGRAMME]),
        Report("return-on-funding", _("Return on funding ranking"), return_on_funding_table, [COHORT]),
        Report("recipients", _("Recipients"), recipients_table, [FUNDER, PROGRAMME]),
        Report("data-completeness", _("Data completeness per cinema"), completeness_table, [REGION]),
        Report("anomalies", _("Anomalies"), anomalies_table, [KIND]),
        Report("unlinked-grants", _("Unlinked grants"), unlinked_grants_table, [FUNDER]),
        Report("metrics-discrepancies", _("Metrics discrepancies"), metrics_discrepancies_table, []),
        Report("reported-vs-ticketed", _("Box-office reports vs ticket sales"), reported_vs_ticketed_table, [FLAGGED]),
        Report("gross-provenance", _("Where each film's gross comes from"), gross_provenance_table, [COHORT]),
    ]
}
