"""The per-row report every register load gives (registers.md: like the ticket-sales batch report)."""
from __future__ import annotations

from dataclasses import dataclass, field


class RowError(Exception):  # noqa: N818
    """One row (or record) is unusable: which field and why."""

    def __init__(self, field_name: str, reason: str):
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason


@dataclass
class RowOutcome:
    line: int
    key: str
    outcome: str  # created, updated, unchanged, rejected
    field: str = ""
    reason: str = ""


@dataclass
class RegisterImportReport:
    register: str
    rows: list[RowOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    position_label: str = "line"  # "index" for JSON

    def add(self, line, key, outcome, field_name="", reason=""):
        self.rows.append(RowOutcome(line, key, outcome, field_name, reason))

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    def summary(self) -> dict:
        return {
            "register": self.register,
            **{o: self.count(o) for o in ("created", "updated", "unchanged", "rejected")},
            "warnings": self.warnings,
            "problems": [{"line": r.line, "key": r.key, "field": r.field, "reason": r.reason}
                         for r in self.rows if r.outcome == "rejected"],
        }

    def human(self) -> str:
        s = self.summary()
        lines = [f"{self.register}: {s['created']} created, {s['updated']} updated, "
                 f"{s['unchanged']} unchanged, {s['rejected']} rejected"]
        lines += [f"  warning: {w}" for w in self.warnings[:20]]
        if len(self.warnings) > 20:
            lines.append(f"  … and {len(self.warnings) - 20} more warnings")
        lines += [f"  {self.position_label} {p['line']} ({p['key'] or 'no key'}): {p['field']}: {p['reason']}"
                  for p in s["problems"][:50]]
        if len(s["problems"]) > 50:
            lines.append(f"  … and {len(s['problems']) - 50} more (use --json for all)")
        return "\n".join(lines)
