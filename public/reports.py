"""The public reports as rows of plain values, one function each, shared by the pages, the API and the
open-data files so that every number agrees. Money is a string with two decimals and ratios are numbers,
as metrics.md sets for the funded-vs-released report; the others follow the same convention."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from boxoffice.selectors import box_office_as_of, box_office_by_year
from funding.delivery import delivery_report
from funding.selectors import funded_vs_released, funding_by_year, metrics_as_of


def money(value) -> str:
    return f"{Decimal(value or 0):.2f}"


def ratio(value) -> float | None:
    return None if value is None else float(value)


@dataclass
class Report:
    rows: list[dict]
    as_of: dict

    def as_json(self) -> dict:
        return {"as_of": {k: v.isoformat() if v else None for k, v in self.as_of.items()}, "rows": self.rows}


def funded_vs_released_report(*, funder_id=None, programme_id=None) -> Report:
    report = funded_vs_released(funder_id=funder_id, programme_id=programme_id)
    return Report(report.as_json(), {"last_sale_at": report.as_of_sale, "computed_at": report.computed_at})


def funding_by_year_report() -> Report:
    rows = [
        {"year": r["year"], "currency": r["currency"], "grants": r["grants"], "awarded": money(r["awarded"])}
        for r in funding_by_year()
    ]
    return Report(rows, {"last_sale_at": None, "computed_at": None})


def box_office_by_year_report() -> Report:
    rows = [
        {
            "year": r["year"],
            "films": r["films"],
            "admissions": r["admissions"],
            "gross": money(r["gross"]),
            "domestic_gross": money(r["domestic_gross"]),
            "foreign_gross": money(r["foreign_gross"]),
            "domestic_share": ratio(r["domestic_share"]),
        }
        for r in box_office_by_year()
    ]
    return Report(rows, {"last_sale_at": box_office_as_of(), "computed_at": metrics_as_of()["computed_at"]})


def delivery_report_rows(*, funder_id=None, programme_id=None) -> Report:
    """metrics.md's delivery report: the rows `manage.py report delivery --format json` prints."""
    report = delivery_report(funder_id=funder_id, programme_id=programme_id)
    return Report(report.as_json(), report.as_of)


def overdue_recipients_report() -> Report:
    """Recipients of grants for films overdue (delivery or repayment), largest paid out first."""
    report = delivery_report()
    rows = [
        {
            "recipient_identifier": e["recipient"].identifier,
            "recipient_name": e["recipient"].name,
            "films": "|".join(f.film_code for f in e["films"]),
            "max_days_overdue": e["max_days_overdue"],
            "awarded": money(e["awarded"]),
            "disbursed": money(e["disbursed"]),
            "repayment_overdue": money(e["repayment_overdue"]),
        }
        for e in report.overdue_recipients()
    ]
    return Report(rows, report.as_of)


REPORTS = {
    "funded-vs-released": funded_vs_released_report,
    "funding-by-year": funding_by_year_report,
    "box-office-by-year": box_office_by_year_report,
    "delivery": delivery_report_rows,
    "overdue-recipients": overdue_recipients_report,
}
