"""Row errors of a flattened 360Giving CSV in the file's own words: its column names, not JSON paths.

The grant a CSV row stands for is validated as JSON (360Giving's schema), so a problem is found at a JSON
path such as `awardDate` or `recipientOrganization/0/id`; the clerk wrote "Award Date" and
"Recipient Org:Identifier". These are the column names of 360Giving's flattened CSV (registers.md).
"""

from __future__ import annotations

COLUMN_OF_PATH = {
    "id": "Identifier", "title": "Title", "description": "Description", "currency": "Currency",
    "amountAwarded": "Amount Awarded", "amountDisbursed": "Amount Disbursed", "awardDate": "Award Date",
    "recipientOrganization/0/id": "Recipient Org:Identifier", "recipientOrganization/0/name": "Recipient Org:Name",
    "recipientOrganization": "Recipient Org:Identifier",
    "fundingOrganization/0/id": "Funding Org:Identifier", "fundingOrganization/0/name": "Funding Org:Name",
    "fundingOrganization": "Funding Org:Identifier",
    "grantProgramme/0/title": "Grant Programme:Title", "grantProgramme/0/code": "Grant Programme:Code",
    "plannedDates/0/startDate": "Planned Dates:Start Date", "plannedDates/0/endDate": "Planned Dates:End Date",
    "plannedDates/startDate": "Planned Dates:Start Date", "plannedDates/endDate": "Planned Dates:End Date",
    "filmProject/code": "Film Project:Code", "filmProject": "Film Project:Code",
}


def in_column_words(text: str) -> str:
    """The JSON paths that head each "; "-separated problem (or a list of missing fields), as the CSV
    columns they came from; the rest of each problem's words (in the active language) are left alone."""
    from django.utils.translation import gettext

    from .services import missing_fields_words

    missing = missing_fields_words()
    parts = []
    for part in text.split("; "):
        if part.startswith(missing):
            names = [COLUMN_OF_PATH.get(n.strip(), n.strip()) for n in part[len(missing):].split(",")]
            part = gettext("missing required column(s): %(columns)s") % {"columns": ", ".join(names)}
        elif ": " in part:
            label, rest = part.split(": ", 1)
            part = f"{COLUMN_OF_PATH.get(label, label)}: {rest}"
        else:
            part = COLUMN_OF_PATH.get(part, part)
        parts.append(part)
    return "; ".join(parts)
