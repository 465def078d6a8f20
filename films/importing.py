"""The one mechanism every register load runs (films, cinemas, grants), and the per-row report it gives
(registers.md: like the ticket-sales batch report)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from .choices import RegisterOutcome


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
    outcome: str  # a RegisterOutcome
    field: str = ""
    reason: str = ""


@dataclass
class RegisterImportReport:
    register: str
    rows: list[RowOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    position_label: str = "line"  # "index" for JSON

    @classmethod
    def of_table(cls, register: str, table) -> RegisterImportReport:
        """The report of a CSV register: a warning names the columns the register does not read."""
        report = cls(register)
        if table.unknown_columns:
            report.warnings.append(f"ignored unknown column(s): {', '.join(table.unknown_columns)}")
        return report

    def add(self, line, key, outcome, field_name="", reason=""):
        self.rows.append(RowOutcome(line, key, outcome, field_name, reason))

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    def summary(self) -> dict:
        return {
            "register": self.register,
            **{o.value: self.count(o) for o in RegisterOutcome},
            "warnings": self.warnings,
            "problems": [{"line": r.line, "key": r.key, "field": r.field, "reason": r.reason}
                         for r in self.rows if r.outcome == RegisterOutcome.REJECTED],
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


def load_register(report: RegisterImportReport, rows: Iterable[tuple[int, object]],
                  load_row: Callable[[int, object], str], *, key_of: Callable[[object], object],
                  reword: Callable[[str, str], tuple[str, str]] | None = None) -> RegisterImportReport:
    """Load a register's rows, all in one transaction: `load_row(position, row)` checks and saves one row
    (in its own savepoint) and returns its RegisterOutcome; a RowError it raises rejects that row alone,
    with the error's field and reason (put in the file's words by `reword`), and undoes what it wrote."""
    with transaction.atomic():
        for position, row in rows:
            key = key_of(row)
            try:
                with transaction.atomic():
                    outcome = load_row(position, row)
                report.add(position, key, outcome)
            except RowError as exc:
                field_name, reason = reword(exc.field, exc.reason) if reword else (exc.field, exc.reason)
                report.add(position, str(key), RegisterOutcome.REJECTED, field_name, reason)
    return report
