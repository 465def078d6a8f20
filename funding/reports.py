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


TEXT_COLUMNS = frozenset({"film_code", "title", "value", "domestic", "by", "week_start", "week_end"})


def rows_csv(columns: list[str], rows: list[dict]) -> str:
    """JSON-shaped rows (money already as strings) as CSV with exactly these columns, through the one download
    writer (a title a spreadsheet would run is defused); booleans as true/false, as in the JSON."""
    def cell(value):
        return ("true" if value else "false") if isinstance(value, bool) else value

    return downloads.csv_text(columns, ([cell(row[c]) for c in columns] for row in rows),
                              numeric=[c for c in columns if c not in TEXT_COLUMNS])


def rows_json(rows: list[dict]) -> str:
    return json.dumps(rows, indent=1, ensure_ascii=False)
