"""One table, three renderings: the staff page, its CSV and its XLSX show the same cells figure for figure.

Every auditor report and the audit-trail export build a `Table`; the page and both downloads render that
one object, so a number cannot differ between them. Money is exact Decimal throughout.

Language: the title, note, column labels and filter labels are page text (lazy translations) and follow the
page's language, as do the stamp and the XLSX preamble. The cells are data: they never depend on the language,
so a report's CSV is the same file from /kk/, /ru/ and /en/; its header row is the column keys, and the
X-As-Of header is always English. The page writes the same figures in the page's language (page_cell: grouped
money, percentages); the XLSX heads its columns with their labels and types its cells.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext

from . import downloads
from .numbers import fixed

MONEY, COUNT, RATIO, TEXT, DATE, MOMENT = "money", "count", "ratio", "text", "date", "moment"
YEAR = "year"  # a calendar year: a whole number, never grouped ("2023", not "2,023"); text such as "Total" stays
RATIO_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # usually a lazy translation: rendered in the page's language
    kind: str = TEXT
    link: str = ""  # a URL name taking the cell's value ("staff:film"): the page links the code to its record
    words: bool = False  # the cell is an English label of a choice: the page shows it in the page's language
    shown: str = ""  # the key of the same value worded in the page's language (a sentence with figures in it),
    #                  which the page shows; files keep the English cell under `key`


@dataclass
class Table:
    """A report: columns, rows (dicts keyed by column key), the filters used and its "as of" stamp."""

    slug: str
    title: str
    columns: list[Column]
    rows: list[dict]
    as_of: datetime.datetime | None = None
    computed_at: datetime.datetime = field(default_factory=timezone.now)
    filters: dict[str, str] = field(default_factory=dict)
    note: str = ""

    def cells(self, row: dict) -> list[str]:
        return [cell_text(row.get(c.key), c.kind) for c in self.columns]

    def text_rows(self) -> list[list[str]]:
        return [self.cells(r) for r in self.rows]

    def stamp(self) -> str:
        """The "As of: last ticket sale included …, computed …" line in the active language (the X-As-Of
        header asks for English). Its words are those of the public pages' "as of" lines, so both read alike."""
        parts = []
        if self.as_of:
            parts.append(f"{gettext('last ticket sale included')} {timezone.localtime(self.as_of):%Y-%m-%d %H:%M}")
        parts.append(f"{gettext('computed')} {timezone.localtime(self.computed_at):%Y-%m-%d %H:%M}")
        return f"{gettext('As of')}: " + ", ".join(parts)

    def filters_line(self) -> str:
        """The filters used, in words ("Filters: Funder = …"), or "" when none: for the page and the XLSX."""
        if not self.filters:
            return ""
        return gettext("Filters:") + " " + "; ".join(f"{k} = {v}" for k, v in self.filters.items())


def cell_text(value, kind: str) -> str:
    """The one textual form of a cell, used by the page and the CSV alike."""
    if value is None or value == "":
        return ""
    if kind == MONEY:
        return f"{Decimal(value):.2f}"
    if kind == RATIO:
        return f"{Decimal(value).quantize(RATIO_PLACES)}"
    if kind == COUNT:
        return str(int(value))
    if kind == YEAR:
        return str(int(value)) if isinstance(value, int) or str(value).isdigit() else str(value)
    if kind == MOMENT and isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if kind == DATE and isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def page_cell(value, kind: str, *, words: bool = False) -> str:
    """A cell as the page shows it, in the page's language: money grouped with two decimals ("1 234 567,50" in
    kk/ru, "1,234,567.50" in en), counts grouped, ratios as percentages ("23.08 %"). The figure is the one of
    the CSV (cell_text); only its writing differs."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    text = cell_text(value, kind)
    if not text:
        return ""
    # Written as the public pages write figures (films.numbers.fixed).
    if kind == MONEY:
        return fixed(Decimal(text), 2)
    if kind == COUNT:
        return fixed(Decimal(text), 0)
    if kind == RATIO:
        return fixed(Decimal(text) * 100, 2) + "\xa0%"
    if kind == YEAR and text == "total":  # the totals row of a table by year
        return gettext("Total")
    return gettext(text) if words else text


def in_english(instance, attribute: str) -> str:
    """An attribute that follows the language (a film's display_title, a get_FOO_display label), read in
    English: for cells, which are data; a report's CSV must be the same file whatever its URL's language."""
    with translation.override("en"):
        value = getattr(instance, attribute)
        return value() if callable(value) else value


def _preamble(table: Table) -> list[list[str]]:
    # str(): the title is a lazy translation, which openpyxl cannot store.
    lines = [[str(table.title)], [table.stamp()]]
    if table.filters:
        lines.append([table.filters_line()])
    return lines


NUMERIC_KINDS = (MONEY, RATIO, COUNT, YEAR)
XLSX_FORMATS = {MONEY: "#,##0.00", RATIO: "0.00%", COUNT: "#,##0", YEAR: "0", DATE: "yyyy-mm-dd",
                MOMENT: "yyyy-mm-dd hh:mm:ss"}


def xlsx_value(value, kind: str):
    """A typed workbook cell: money and ratios as exact decimals, counts and years as integers, dates as dates,
    moments as local date-times (a spreadsheet has no time zones); text neutralised (films/downloads.py)."""
    text = cell_text(value, kind)
    if not text:
        return None
    if kind in (MONEY, RATIO):
        return Decimal(text)
    if kind in (COUNT, YEAR) and text.lstrip("-").isdigit():
        return int(text)
    if kind == DATE and isinstance(value, datetime.date):
        return value if not isinstance(value, datetime.datetime) else value.date()
    if kind == MOMENT and isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    return downloads.xlsx_cell(text)


def as_csv(table: Table) -> str:
    """The header row, then the rows; the title, stamp and filters go in the HTTP headers and file name."""
    return downloads.csv_text([c.key for c in table.columns], table.text_rows(),
                              numeric=[c.key for c in table.columns if c.kind in NUMERIC_KINDS])


def as_xlsx(table: Table) -> bytes:
    """A workbook whose cells hold the same values as the CSV, typed: numbers as numbers with a number format,
    dates as dates, text as text. Its header row is the columns' labels in the page's language (a workbook is
    read by people; the CSV's header keeps the machine keys that programs read)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = table.slug[:31]
    for line in _preamble(table):
        ws.append([downloads.xlsx_cell(v) for v in line])
    ws.append([])
    header_row = ws.max_row + 1
    ws.append([downloads.xlsx_cell(str(c.label)) for c in table.columns])
    for i, c in enumerate(table.columns, start=1):
        ws.cell(row=header_row, column=i).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(str(c.label)) + 2))
    for row in table.rows:
        ws.append([xlsx_value(row.get(c.key), c.kind) for c in table.columns])
        for i, c in enumerate(table.columns, start=1):
            if c.kind in XLSX_FORMATS:
                ws.cell(row=ws.max_row, column=i).number_format = XLSX_FORMATS[c.kind]
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def download(table: Table, fmt: str) -> HttpResponse:
    """The table as a CSV or XLSX attachment, with its "as of" stamp in a header."""
    stamp = timezone.localtime(table.computed_at).strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = HttpResponse(as_csv(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            as_xlsx(table), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{table.slug}-{stamp}.{fmt}"'
    with translation.override("en"):  # a header is read by programs: one language, whatever the URL's
        response["X-As-Of"] = table.stamp()
    return response
