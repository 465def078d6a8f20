"""The audit trail in words: what changed, field by field, and which record by its name."""

from __future__ import annotations

import json

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()

RECORD_TYPES = {
    "films.film": _("Film"),
    "films.organisation": _("Organisation"),
    "funding.grant": _("Grant"),
    "funding.grantchange": _("Grant change"),
    "boxoffice.cinema": _("Cinema"),
    "boxoffice.screen": _("Screen"),
    "boxoffice.importbatch": _("Sales batch"),
}


EMPTY = (None, "", [], {})

# What an audit entry's action says, in the page's language (the stored action stays the English word, which
# the filter and the CSV use).
ACTIONS = {
    "create": _("created"), "update": _("changed"), "delete": _("deleted"), "link": _("linked to a film"),
    "merge": _("merged"), "propose": _("proposed"), "approve": _("approved"), "reject": _("rejected"),
    "withdraw": _("withdrawn"), "password": _("password changed"),
}


@register.filter
def action_words(action: str) -> str:
    return str(ACTIONS.get(action, action))


def _text(value) -> str:
    """A stored value as a person reads it: JSON (never Python's repr), nothing for null."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@register.simple_tag
def audit_changes(event) -> dict:
    """{"changed": rows, "unchanged": rows}, a row per field of the record with its before and after."""
    before, after = event.before, event.after
    if not isinstance(before, dict) and not isinstance(after, dict):
        return {"changed": [{"field": "", "before": _text(before), "after": _text(after)}], "unchanged": []}
    before, after = before if isinstance(before, dict) else {}, after if isinstance(after, dict) else {}
    # A field that was and stays empty (null, "", [], {}) is no change, even when a record is created or
    # deleted: it folds away with the unchanged fields, so a new grant's entry lists what it was given.
    rows = [{"field": k, "before": _text(before.get(k)), "after": _text(after.get(k)),
             "changed": before.get(k) not in EMPTY or after.get(k) not in EMPTY
             if before.get(k) in EMPTY or after.get(k) in EMPTY else before.get(k) != after.get(k)}
            for k in sorted(set(before) | set(after))]
    return {"changed": [r for r in rows if r["changed"]], "unchanged": [r for r in rows if not r["changed"]]}


@register.simple_tag
def audit_record(event) -> dict:
    """The record's kind in words, its name, and a link to its workspace page where there is one."""
    kind = RECORD_TYPES.get(event.object_type, event.object_type)
    url = ""
    try:
        if event.object_type == "funding.grant":
            url = reverse("staff:grant", args=[int(event.object_id)])
        elif event.object_type == "films.organisation":
            url = reverse("staff:organisation", args=[int(event.object_id)])
        elif event.object_type == "films.film":
            state = event.after or event.before
            code = state.get("code") if isinstance(state, dict) else None
            url = reverse("staff:film", args=[code]) if code else ""
    except (NoReverseMatch, ValueError, TypeError):
        url = ""
    return {"kind": kind, "name": event.object_repr or event.object_id, "url": url}
