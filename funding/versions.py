"""Every difference between two versions of a grant (360Giving data), for the reviewer of a proposal.

Built from the very data the approval applies (the proposal's 360Giving grant against the approved one),
flattened to dotted paths — `amountDisbursed`, `disbursementTransaction[1].value`, `filmProject.code` — so
that no changed field, however deep, is left out of the side-by-side view.
"""
from __future__ import annotations

from decimal import Decimal


def flatten(value, prefix: str = "") -> dict[str, object]:
    """{dotted path: scalar} for a JSON value; an empty object or list counts as absent."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{i}]"))
        return out
    return {prefix: value} if prefix else {}


def _same(a, b) -> bool:
    if isinstance(a, Decimal | int | float) and isinstance(b, Decimal | int | float) and not isinstance(a, bool):
        return Decimal(str(a)) == Decimal(str(b))  # 100 and 100.00 are the same money
    return a == b


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def changed_fields(current: dict, proposed: dict) -> list[tuple[str, str, str]]:
    """(path, current value, proposed value) for every path whose value differs, in the proposal's order
    and then the paths the proposal drops."""
    old, new = flatten(current or {}), flatten(proposed or {})
    rows = [(path, text(old.get(path)), text(value)) for path, value in new.items()
            if path not in old or not _same(old[path], value)]
    rows += [(path, text(value), "") for path, value in old.items() if path not in new]
    return rows
