"""Warnings, not refusals: a grant or a movement of money that is allowed but looks wrong (issue 13).

Shown to the officer after saving and to the reviewer beside the proposal; nothing here stops a save.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .choices import DisbursementKind


def _money(value, currency: str) -> str:
    return f"{number_format(value, 2, force_grouping=True)} {currency}"


def grant_warnings(data: dict, *, today: datetime.date | None = None) -> list[str]:
    """What is implausible in one clean grant (funding.services.clean_grant's values)."""
    today = today or timezone.localdate()
    found = []
    if data.get("award_date") and data["award_date"] > today:
        found.append(_("The award date %(date)s is in the future.") % {"date": data["award_date"].isoformat()})
    movements = data.get("disbursements") or []
    paid = sum((m["amount"] for m in movements if m["kind"] == DisbursementKind.DISBURSEMENT), 0)
    returned = sum((m["amount"] for m in movements if m["kind"] == DisbursementKind.RECOVERY), 0)
    if paid - returned > data["amount_awarded"]:
        currency = data["currency"]
        found.append(_("Disbursed %(paid)s is more than the %(awarded)s awarded.") % {
            "paid": _money(paid - returned, currency), "awarded": _money(data["amount_awarded"], currency)})
    for m in movements:
        if m["date"] and m["date"] > today:
            found.append(_("A movement dated %(date)s is in the future.") % {"date": m["date"].isoformat()})
        if m["kind"] == DisbursementKind.RECOVERY and data.get("award_date") and m["date"] < data["award_date"]:
            found.append(_("A recovery dated %(date)s comes before the grant was awarded (%(award)s).") % {
                "date": m["date"].isoformat(), "award": data["award_date"].isoformat()})
    due, award = data.get("repayable_due_date"), data.get("award_date")
    if due and award and due < award:
        found.append(_("The repayment is due on %(date)s, before the grant was awarded (%(award)s).") % {
            "date": due.isoformat(), "award": award.isoformat()})
    return list(dict.fromkeys(found))
