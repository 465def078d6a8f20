"""The one writer of every CSV and XLSX the tracker hands out (open data, reports, audit trail, batch records).

A cell of text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be read by a spreadsheet
as a formula (CSV injection: `=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`); such text is written with a leading `'`,
which spreadsheets show as text and which keeps the value readable. Numbers are never touched: a Decimal,
int or float is a number, and so is a string in a column the caller declares numeric when the whole string is
a plain number (`-1500.00`, as the API's JSON gives money) — so negative amounts stay negative amounts.

Hand-written rather than `defusedcsv`: that library guards the `csv` module only (XLSX cells need the same
rule), it decides on the text alone (it cannot tell a numeric column's `-5.00` from text), and it also
rewrites `|` and `%` inside values, which would change the data an open-data reader gets.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralise(value, *, numeric: bool = False):
    """The cell as it is safe to write: text that a spreadsheet would run is prefixed with `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text[:1] in FORMULA_STARTS and not (numeric and PLAIN_NUMBER.fullmatch(text)):
        return "'" + text
    return text


def safe_row(row: Sequence, numeric: Iterable[int] = ()) -> list:
    numeric = set(numeric)
    return [neutralise(v, numeric=i in numeric) for i, v in enumerate(row)]


def csv_text(header: Sequence[str], rows: Iterable[Sequence], *, numeric: Iterable[str] = ()) -> str:
    """A whole CSV file: the header, then the rows; `numeric` names the columns that hold numbers."""
    return "".join(csv_lines(header, rows, numeric=numeric, line_end="\n"))


def csv_lines(header: Sequence[str], rows: Iterable[Sequence], *, numeric: Iterable[str] = (),
              line_end: str = "\r\n") -> Iterator[str]:
    """The same file line by line, for a streaming response."""
    # Written with CRLF, which makes the csv module quote a value holding a lone CR as well as one holding LF
    # (with "\n" alone it would leave "a\rb" bare, and readers would split the row there); then each line
    # ends as asked.
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    numeric = set(numeric)
    numeric_at = [i for i, name in enumerate(header) if name in numeric]
    yield writer.writerow(safe_row(header))[:-2] + line_end
    for r in rows:
        yield writer.writerow(safe_row(r, numeric_at))[:-2] + line_end


def dicts_csv_text(rows: Iterable[dict], columns: Sequence[str], *, numeric: Iterable[str] = ()) -> str:
    """Rows given as dicts (a missing key is an empty cell)."""
    return csv_text(columns, ([r.get(c, "") for c in columns] for r in rows), numeric=numeric)


def xlsx_cell(value, *, numeric: bool = False):
    """A value for an openpyxl cell: numbers as numbers, text neutralised (openpyxl stores `=…` as a formula)."""
    value = neutralise(value, numeric=numeric)
    if numeric and isinstance(value, str) and PLAIN_NUMBER.fullmatch(value):
        return Decimal(value)
    return value


class _Echo:
    def write(self, value):
        return value
