"""Flat tables people can sum: one row per grant, per disbursement or recovery, per film; one value per
cell, every column named and defined (the data dictionary). Money is a plain decimal with two places and
a point, whatever the language; dates are ISO 8601. The public grants page's CSV is `grant_rows` of
exactly its search."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from funding.choices import DisbursementKind
from funding.models import Disbursement
from funding.selectors import is_released, public_grants

MONEY, RATIO, INTEGER, TEXT, DATE, MOMENT, BOOLEAN = (
    "money", "ratio", "integer", "text", "date", "datetime", "boolean")


@dataclass(frozen=True)
class Col:
    name: str
    type: str
    description: str


def _money(value) -> str:
    return "" if value is None else f"{Decimal(value):.2f}"


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _ratio(value) -> str:
    return "" if value is None else f"{Decimal(value).normalize():f}"


GRANT_COLUMNS = [
    Col("identifier", TEXT, _("The grant's 360Giving identifier.")),
    Col("title", TEXT, _("The grant's title as its funder published it.")),
    Col("currency", TEXT, _("ISO 4217 code of every amount in the row; never add rows of different currencies.")),
    Col("amount_awarded", MONEY, _("Amount awarded (360Giving amountAwarded).")),
    Col("amount_disbursed", MONEY, _("Paid out under the grant, net of money recovered: amount_paid_out − "
                                     "amount_recovered. 0.00 when nothing was paid yet.")),
    Col("amount_paid_out", MONEY, _("Sum of the grant's disbursements (the disbursements file, kind "
                                    "“disbursement”).")),
    Col("amount_recovered", MONEY, _("Sum of money returned to the funder under the grant (the disbursements "
                                     "file, kind “recovery”).")),
    Col("declared_amount_disbursed", MONEY, _("amountDisbursed as the funder's 360Giving file stated it, "
                                              "if it did; may differ from the disbursements recorded.")),
    Col("award_date", DATE, _("Date the grant was awarded.")),
    Col("award_year", INTEGER, _("Calendar year of award_date.")),
    Col("planned_start", DATE, _("Planned start of the funded project.")),
    Col("planned_end", DATE, _("Planned end of the funded project.")),
    Col("funder_identifier", TEXT, _("The funder's organisation identifier (e.g. KZ-BIN-…): the value of "
                                     "the funder filter on every page, file and API endpoint.")),
    Col("funder_name", TEXT, _("The funder's name.")),
    Col("recipient_identifier", TEXT, _("The recipient organisation's identifier; empty for a grant to an "
                                        "individual.")),
    Col("recipient_name", TEXT, _("The recipient organisation's name.")),
    Col("programme_id", INTEGER, _("The programme's id (the programme_id filter).")),
    Col("programme_title", TEXT, _("The funder's programme the grant was made under.")),
    Col("film_code", TEXT, _("Code of the registered film the grant funds; empty while unlinked.")),
    Col("film_title", TEXT, _("Original title of that film, or the title the grant names when unlinked.")),
]

DISBURSEMENT_COLUMNS = [
    Col("grant_identifier", TEXT, _("The grant the money moved under (grants file, identifier).")),
    Col("identifier", TEXT, _("The transaction's identifier, if the funder gave one.")),
    Col("kind", TEXT, _("“disbursement” (paid out to the recipient) or “recovery” (returned to the funder).")),
    Col("date", DATE, _("Date of the payment.")),
    Col("currency", TEXT, _("ISO 4217 code of the amount.")),
    Col("amount", MONEY, _("Amount moved, always positive.")),
    Col("signed_amount", MONEY, _("Amount paid out: positive for a disbursement, negative for a recovery. "
                                  "Its sum per grant is the grants file's amount_disbursed.")),
    Col("funder_identifier", TEXT, _("The funder's organisation identifier.")),
    Col("recipient_identifier", TEXT, _("The recipient organisation's identifier.")),
    Col("film_code", TEXT, _("Code of the film the grant funds; empty while unlinked.")),
]

FILM_COLUMNS = [
    Col("code", TEXT, _("The film's code (distribution certificate or project number).")),
    Col("title", TEXT, _("Original title.")),
    Col("title_en", TEXT, _("English title, if any.")),
    Col("kind", TEXT, _("feature, documentary, animation, series or short.")),
    Col("year", INTEGER, _("Production year.")),
    Col("status", TEXT, _("Status in the register: announced, development, production, post_production, "
                          "completed, released or abandoned.")),
    Col("planned_release", DATE, _("Planned release date in the register.")),
    Col("release_date", DATE, _("First commercial screening.")),
    Col("released", BOOLEAN, _("true once the film has a release date on or before today or any accepted "
                               "ticket sale.")),
    Col("producer_identifier", TEXT, _("The producer's organisation identifier.")),
    Col("producer_name", TEXT, _("The producer's name.")),
    Col("cohort_year", INTEGER, _("Award year of the film's earliest grant in the home currency.")),
    Col("awarded", MONEY, _("Sum of amountAwarded of the published grants linked to the film, home currency.")),
    Col("disbursed", MONEY, _("Paid out under those grants, net of recoveries, home currency.")),
    Col("gross", MONEY, _("Box office: accepted sales minus accepted refunds, home currency; empty when the "
                          "film is not released.")),
    Col("gross_from_tickets", MONEY, _("The part of gross counted from accepted ticket sales, home currency.")),
    Col("gross_from_reports", MONEY, _("The part of gross counted from box-office reports (where a report "
                                       "speaks for a day and place), home currency.")),
    Col("report_sources", TEXT, _("The box-office reports behind gross_from_reports: each source and its "
                                  "amount, separated by '; '.")),
    Col("admissions", INTEGER, _("Tickets sold minus tickets refunded; empty when not released.")),
    Col("admissions_incomplete", BOOLEAN, _("true when a box-office report that counts gives no admissions: "
                                            "admissions is then a lower bound.")),
    Col("screenings", INTEGER, _("Distinct screenings with at least one accepted sale.")),
    Col("net_to_rights_holders", MONEY, _("gross × (1 − exhibitor_share).")),
    Col("exhibitor_share", RATIO, _("Share of gross the cinemas keep (a ratio 0–1).")),
    Col("return_on_funding", RATIO, _("gross ÷ awarded; empty when nothing was awarded or the film is not "
                                      "released.")),
    Col("back_per_100_awarded", MONEY, _("return_on_funding × 100: box office per 100 of the home currency "
                                         "awarded.")),
    Col("net_return_on_funding", RATIO, _("net_to_rights_holders ÷ awarded.")),
    Col("funding_per_admission", MONEY, _("awarded ÷ admissions; empty without admissions.")),
    Col("last_sale_at", MOMENT, _("As of: the last accepted ticket sale included in the figures.")),
    Col("computed_at", MOMENT, _("As of: when the figures were computed.")),
]


def grant_rows(grants=None) -> list[dict]:
    """One row per published grant (or per grant of `grants`, a public_grants() queryset), in order."""
    grants = public_grants().order_by("award_date", "identifier") if grants is None else grants
    rows = []
    for g in grants:
        rows.append({
            "identifier": g.identifier,
            "title": g.title,
            "currency": g.currency,
            "amount_awarded": _money(g.amount_awarded),
            "amount_disbursed": _money(g.disbursed_total),
            "amount_paid_out": _money(g.paid_out_total),
            "amount_recovered": _money(g.recovered_total),
            "declared_amount_disbursed": _money(g.amount_disbursed),
            "award_date": _iso(g.award_date),
            "award_year": g.award_date.year,
            "planned_start": _iso(g.planned_start),
            "planned_end": _iso(g.planned_end),
            "funder_identifier": g.funder.identifier,
            "funder_name": g.funder.name,
            "recipient_identifier": g.recipient.identifier if g.recipient else "",
            "recipient_name": g.recipient.name if g.recipient else "",
            "programme_id": g.programme_id or "",
            "programme_title": g.programme.title if g.programme else "",
            "film_code": g.film.code if g.film else "",
            "film_title": g.film.title if g.film else g.film_title,
        })
    return rows


def disbursement_rows() -> list[dict]:
    rows = []
    qs = (Disbursement.objects.filter(grant__published=True)
          .select_related("grant__funder", "grant__recipient", "grant__film")
          .order_by("grant__identifier", "date", "id"))
    for d in qs:
        g = d.grant
        rows.append({
            "grant_identifier": g.identifier,
            "identifier": d.identifier,
            "kind": d.kind,
            "date": _iso(d.date),
            "currency": d.currency,
            "amount": _money(d.amount),
            "signed_amount": _money(-d.amount if d.kind == DisbursementKind.RECOVERY else d.amount),
            "funder_identifier": g.funder.identifier,
            "recipient_identifier": g.recipient.identifier if g.recipient else "",
            "film_code": g.film.code if g.film else "",
        })
    return rows


def film_rows() -> list[dict]:
    from films.models import Film

    home = settings.HOME_CURRENCY
    rows = []
    for f in Film.objects.select_related("producer", "metrics").order_by("code"):
        m = getattr(f, "metrics", None)
        released = is_released(f, m)
        shown = released and m is not None
        rows.append({
            "code": f.code,
            "title": f.title,
            "title_en": f.title_en,
            "kind": f.kind,
            "year": f.year or "",
            "status": f.status,
            "planned_release": _iso(f.planned_release),
            "release_date": _iso(f.release_date),
            "released": "true" if released else "false",
            "producer_identifier": f.producer.identifier if f.producer else "",
            "producer_name": f.producer.name if f.producer else "",
            "cohort_year": (m.cohort_year or "") if m else "",
            "awarded": _money(m.awarded.get(home)) if m and m.awarded.get(home) else _money(0),
            "disbursed": _money(m.disbursed.get(home)) if m and m.disbursed.get(home) else _money(0),
            "gross": _money(m.gross) if shown else "",
            "gross_from_tickets": _money(m.gross_from_tickets) if shown else "",
            "gross_from_reports": _money(m.gross_from_reports) if shown else "",
            "report_sources": "; ".join(f"{r['source']}: {r['gross']}" for r in m.report_sources or [])
            if shown else "",
            "admissions": m.admissions if shown else "",
            "admissions_incomplete": ("true" if m.admissions_incomplete else "false") if shown else "",
            "screenings": m.screenings if shown else "",
            "net_to_rights_holders": _money(m.net_to_rights_holders) if shown else "",
            "exhibitor_share": _ratio(m.exhibitor_share if m else f.effective_exhibitor_share),
            "return_on_funding": _ratio(m.return_on_funding) if shown else "",
            "back_per_100_awarded": (_money(m.return_on_funding * 100)
                                     if shown and m.return_on_funding is not None else ""),
            "net_return_on_funding": _ratio(m.net_return_on_funding) if shown else "",
            "funding_per_admission": _money(m.funding_per_admission) if shown else "",
            "last_sale_at": _iso(m.last_sale_at) if m else "",
            "computed_at": _iso(m.computed_at) if m else "",
        })
    return rows
