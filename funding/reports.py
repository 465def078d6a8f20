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


def delivery_csv(report) -> str:
    """The delivery report's rows, metrics.md's columns in order; empty cells for null, true/false."""
    from .delivery import COLUMNS

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in report.as_json():
        writer.writerow([_cell(row[c]) for c in COLUMNS])
    return out.getvalue()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def delivery_json(report) -> str:
    return json.dumps(report.as_json(), indent=1, ensure_ascii=False)
