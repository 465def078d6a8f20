"""Rendering reports as files: the command, the pages' downloads and the API share these."""
from __future__ import annotations

import csv
import io
import json

from .selectors import REPORT_COLUMNS, FundedVsReleased


def funded_vs_released_csv(report: FundedVsReleased) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    for row in report.as_json():
        writer.writerow(["" if row[c] is None else row[c] for c in REPORT_COLUMNS])
    return out.getvalue()


def funded_vs_released_json(report: FundedVsReleased) -> str:
    return json.dumps(report.as_json(), indent=1)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rows_csv(columns: list[str], rows: list[dict]) -> str:
    """JSON-shaped rows (money already as strings) as CSV with exactly these columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in columns])
    return out.getvalue()


def rows_json(rows: list[dict]) -> str:
    return json.dumps(rows, indent=1, ensure_ascii=False)
