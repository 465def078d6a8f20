"""The data dictionary: every column of every open-data file, with its type and meaning. The page, the
machine-readable file and the test that no column goes undefined all read this."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .flat import BOOLEAN, DATE, INTEGER, MOMENT, MONEY, RATIO, TEXT, Col

CUR = "<CUR>"  # a column per currency: awarded.KZT, awarded.USD, …
PER_CURRENCY_JSON = _("JSON list of {currency, grants, awarded}, one per currency; never added across "
                      "currencies.")

# Tables in the API's shape (their rows are the API's, nested objects flattened to parent.child columns).
API_COLUMNS: dict[str, list[Col]] = {
    "film-metrics": [
        Col("film", TEXT, _("The film's code.")),
        Col(f"awarded.{CUR}", MONEY, _("Awarded to the film in that currency.")),
        Col(f"disbursed.{CUR}", MONEY, _("Paid out to the film in that currency, net of recoveries.")),
        Col("home_currency", TEXT, _("ISO 4217 code of the home currency, in which gross, net and the ratios are.")),
        Col("awarded_home", MONEY, _("Awarded in the home currency.")),
        Col("awarded_kzt", MONEY, _("The same as awarded_home, under its older name (only where the home "
                                    "currency is KZT).")),
        Col("cohort_year", INTEGER, _("Award year of the film's earliest grant in the home currency.")),
        Col("gross", MONEY, _("Box office: accepted sales minus accepted refunds, home currency.")),
        Col("gross_from_tickets", MONEY, _("The part of gross counted from accepted ticket sales, home currency.")),
        Col("gross_from_reports", MONEY, _("The part of gross counted from box-office reports (where a report "
                                           "speaks for a day and place), home currency.")),
        Col("report_sources", TEXT, _("The box-office reports behind gross_from_reports: each source and its "
                                      "amount, separated by '; '.")),
        Col("admissions", INTEGER, _("Tickets sold minus tickets refunded.")),
        Col("admissions_from_tickets", INTEGER, _("The part of admissions counted from accepted ticket sales.")),
        Col("admissions_from_reports", INTEGER, _("The part of admissions counted from box-office reports.")),
        Col("admissions_incomplete", BOOLEAN, _("true when a box-office report that counts gives no admissions: "
                                                "admissions is then a lower bound.")),
        Col("screenings", INTEGER, _("Distinct screenings with at least one accepted sale.")),
        Col("exhibitor_share", RATIO, _("Share of gross the cinemas keep (a ratio 0–1).")),
        Col("net_to_rights_holders", MONEY, _("gross × (1 − exhibitor_share).")),
        Col("return_on_funding", RATIO, _("gross ÷ awarded_kzt.")),
        Col("net_return_on_funding", RATIO, _("net_to_rights_holders ÷ awarded_kzt.")),
        Col("funding_per_admission", MONEY, _("awarded_kzt ÷ admissions.")),
        Col("last_sale_at", MOMENT, _("As of: the last accepted ticket sale included.")),
        Col("computed_at", MOMENT, _("As of: when the figures were computed.")),
    ],
    "funders": [
        Col("id", INTEGER, _("The organisation's id (the funder_id filter).")),
        Col("identifier", TEXT, _("The organisation's identifier (the funder filter).")),
        Col("name", TEXT, _("The organisation's name.")),
        Col("totals", TEXT, PER_CURRENCY_JSON),
    ],
    "programmes": [
        Col("id", INTEGER, _("The programme's id (the programme_id filter).")),
        Col("title", TEXT, _("The programme's title (the programme filter).")),
        Col("code", TEXT, _("The funder's code for the programme, if any.")),
        Col("funder.id", INTEGER, _("The funder's organisation id.")),
        Col("funder.identifier", TEXT, _("The funder's organisation identifier.")),
        Col("funder.name", TEXT, _("The funder's name.")),
        Col("totals", TEXT, PER_CURRENCY_JSON),
    ],
    "organisations": [
        Col("id", INTEGER, _("The organisation's id.")),
        Col("identifier", TEXT, _("The organisation's identifier.")),
        Col("name", TEXT, _("The organisation's name.")),
        Col("received", TEXT, PER_CURRENCY_JSON),
    ],
    "cinemas": [
        Col("code", TEXT, _("The cinema's code.")),
        Col("name", TEXT, _("The cinema's name.")),
        Col("region", TEXT, _("ISO 3166-2 code of the region.")),
        Col("city", TEXT, _("City.")),
        Col("chain", TEXT, _("Cinema chain, if any.")),
        Col("connected_since", DATE, _("Date the cinema began reporting ticket sales.")),
        Col("screens", INTEGER, _("Number of screens.")),
        Col("seats", INTEGER, _("Seats across its screens.")),
        Col("gross", MONEY, _("Box office of every film there, home currency.")),
        Col("admissions", INTEGER, _("Admissions of every film there.")),
    ],
    "regions": [
        Col("code", TEXT, _("ISO 3166-2 code of the region.")),
        Col("name_kk", TEXT, _("Name in Kazakh.")),
        Col("name_ru", TEXT, _("Name in Russian.")),
        Col("name_en", TEXT, _("Name in English.")),
        Col("cinemas", INTEGER, _("Cinemas in the register there.")),
        Col("gross", MONEY, _("Box office of its cinemas, home currency.")),
        Col("admissions", INTEGER, _("Admissions of its cinemas.")),
    ],
    "funded-vs-released": [
        Col("year", TEXT, _("Cohort year (award year of a film's earliest grant in the home currency), or "
                            "“total”.")),
        Col("films_funded", INTEGER, _("Films with at least one grant in the home currency in that cohort.")),
        Col("awarded", MONEY, _("Sum of their grants in the home currency (all years).")),
        Col("films_released", INTEGER, _("Of those, released.")),
        Col("released_share", RATIO, _("films_released ÷ films_funded (a ratio 0–1).")),
        Col("gross", MONEY, _("Sum of those films' gross.")),
        Col("return_on_funding", RATIO, _("gross ÷ awarded.")),
    ],
    "funding-by-year": [
        Col("year", INTEGER, _("Award year.")),
        Col("currency", TEXT, _("ISO 4217 code.")),
        Col("grants", INTEGER, _("Published grants awarded that year in that currency.")),
        Col("awarded", MONEY, _("Their amount awarded.")),
    ],
    "box-office-by-year": [
        Col("year", INTEGER, _("Calendar year of screening.")),
        Col("films", INTEGER, _("Films with box office that year.")),
        Col("admissions", INTEGER, _("Admissions that year.")),
        Col("gross", MONEY, _("Box office that year, home currency.")),
        Col("domestic_gross", MONEY, _("Of which films whose first country of origin is the home country.")),
        Col("foreign_gross", MONEY, _("Of which other films.")),
        Col("domestic_share", RATIO, _("domestic_gross ÷ gross (a ratio 0–1).")),
    ],
    "delivery": [
        Col("film_code", TEXT, _("The film's code.")),
        Col("title", TEXT, _("Original title.")),
        Col("status", TEXT, _("The film's status in the register.")),
        Col("status_since", DATE, _("The date the film entered that status.")),
        Col("planned_release", DATE, _("The film's planned release, else the latest planned end date of its "
                                       "grants.")),
        Col("release_date", DATE, _("First commercial screening.")),
        Col("days_overdue", INTEGER, _("Not released and not abandoned, planned_release before today: days "
                                       "since planned_release; else empty.")),
        Col("days_late", INTEGER, _("Released: days from planned_release to release_date, 0 if not later; "
                                    "empty without a plan.")),
        Col("stalled", BOOLEAN, _("Not released, not abandoned, no status change for 365 days.")),
        Col("awarded", MONEY, _("Awarded in the home currency (published grants).")),
        Col("disbursed", MONEY, _("Paid out under those grants (disbursements), home currency.")),
        Col("repayable", MONEY, _("The grants' repayable parts; empty where none is recorded.")),
        Col("repaid", MONEY, _("Repaid from those repayable parts (recoveries).")),
        Col("outstanding", MONEY, _("repayable − repaid.")),
        Col("repayment_overdue", MONEY, _("The outstanding amount of grants past their repayment due date.")),
    ],
    "market": [
        Col("year", INTEGER, _("Calendar year, by screening date.")),
        Col("by", TEXT, _("The breakdown: genre, language, country, region, format, domestic or supported.")),
        Col("value", TEXT, _("A genre word, an ISO 639-1 or ISO 3166-1 code, a region code, a screening format, "
                             "domestic/foreign or supported/not supported; unknown where the figures cannot "
                             "be split by it.")),
        Col("films", INTEGER, _("Films with gross in the year under that value.")),
        Col("gross", MONEY, _("Box office in the year under that value, home currency.")),
        Col("admissions", INTEGER, _("Admissions in the year under that value.")),
        Col("share", RATIO, _("gross ÷ the year's gross (a ratio 0–1); the shares of a breakdown add up to 1.")),
        Col("gross_from_reports", MONEY, _("The part of gross from box-office reports spread over their days.")),
    ],
    "chart-weekly": [
        Col("week_start", DATE, _("The ISO week's Monday.")),
        Col("week_end", DATE, _("The ISO week's Sunday.")),
        Col("rank", INTEGER, _("Rank by gross in the week; equal gross ranks by film code.")),
        Col("film_code", TEXT, _("The film's code.")),
        Col("title", TEXT, _("Original title.")),
        Col("gross", MONEY, _("Box office in the week, home currency.")),
        Col("share", RATIO, _("gross ÷ every film's gross in the week.")),
        Col("change", RATIO, _("This week's gross over the previous week's, minus 1; empty when the film had "
                               "none the week before.")),
        Col("admissions", INTEGER, _("Admissions in the week.")),
        Col("screenings", INTEGER, _("Screenings in the week with at least one accepted sale.")),
        Col("screens", INTEGER, _("Distinct screens that played it in the week.")),
        Col("cumulative_gross", MONEY, _("Gross from the first screening to the end of the week.")),
        Col("days_on_release", INTEGER, _("Days from its first screening day to the end of the week, both "
                                          "counted.")),
        Col("domestic", BOOLEAN, _("true when its first country of origin is the home country.")),
        Col("gross_from_reports", MONEY, _("The part of gross from box-office reports spread over their days.")),
    ],
    "overdue-recipients": [
        Col("recipient_identifier", TEXT, _("The recipient organisation's identifier.")),
        Col("recipient_name", TEXT, _("The recipient organisation's name.")),
        Col("films", TEXT, _("Codes of its funded films that are overdue, separated by |.")),
        Col("max_days_overdue", INTEGER, _("The most days overdue among them.")),
        Col("awarded", MONEY, _("Awarded for those films, home currency.")),
        Col("disbursed", MONEY, _("Paid out for those films, home currency.")),
        Col("repayment_overdue", MONEY, _("Repayment overdue on those films' grants.")),
    ],
}

TYPE_NAMES = {
    MONEY: _("decimal, two places, point as decimal mark"),
    RATIO: _("decimal number"),
    INTEGER: _("whole number"),
    TEXT: _("text"),
    DATE: _("date, YYYY-MM-DD"),
    MOMENT: _("date and time, ISO 8601 with offset"),
    BOOLEAN: _("true or false"),
}


def columns_of(dataset) -> list[Col]:
    return list(dataset.columns) if dataset.columns is not None else API_COLUMNS.get(dataset.name, [])


def describe(dataset_name: str, column: str) -> Col | None:
    """The definition of one column as it appears in a file (awarded.KZT matches awarded.<CUR>)."""
    from .opendata import DATASETS

    for col in columns_of(DATASETS[dataset_name]):
        if col.name == column or (CUR in col.name and column.startswith(col.name.split(CUR)[0])
                                  and "." not in column[len(col.name.split(CUR)[0]):]):
            return col
    return None


def dictionary_rows() -> list[dict]:
    """Every column of every dataset: the machine-readable dictionary."""
    from .opendata import DATASETS

    return [
        {"dataset": d.name, "column": c.name, "type": c.type, "description": str(c.description)}
        for d in DATASETS.values()
        for c in columns_of(d)
    ]
