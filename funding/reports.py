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
