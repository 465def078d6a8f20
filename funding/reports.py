"""Rendering reports as files: the command, the pages' downloads and the API share these."""
from __future__ import annotations

import json

from films import downloads

from .selectors import REPORT_COLUMNS, FundedVsReleased


def funded_vs_released_csv(report: FundedVsReleased) -> str:
    # Every column but the year is a figure; the year row "all" is text.
    return downloads.csv_text(REPORT_COLUMNS, ([row[c] for c in REPORT_COLUMNS] for row in report.as_json()),
                              numeric=REPORT_COLUMNS)


def funded_vs_released_json(report: FundedVsReleased) -> str:
    return json.dumps(report.as_json(), indent=1)


def delivery_csv(report) -> str:
    """The delivery report's rows, metrics.md's columns in order; empty cells for null, true/false, through the
    one download writer."""
    from .delivery import COLUMNS, MONEY_COLUMNS

    rows = ([_cell(row[c]) for c in COLUMNS] for row in report.as_json())
    return downloads.csv_text(COLUMNS, rows, numeric=[*MONEY_COLUMNS, "days_overdue", "days_late"])


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def delivery_json(report) -> str:
    return json.dumps(report.as_json(), indent=1, ensure_ascii=False)


TEXT_COLUMNS = frozenset({"film_code", "title", "value", "domestic", "by", "week_start", "week_end"})


def rows_csv(columns: list[str], rows: list[dict]) -> str:
    """JSON-shaped rows (money already as strings) as CSV with exactly these columns, through the one download
    writer (a title a spreadsheet would run is defused); booleans as true/false, as in the JSON."""
    return downloads.csv_text(columns, ([_cell(row[c]) for c in columns] for row in rows),
                              numeric=[c for c in columns if c not in TEXT_COLUMNS])


def rows_json(rows: list[dict]) -> str:
    return json.dumps(rows, indent=1, ensure_ascii=False)
