"""Reading the CSV files clerks and cinemas send (ticket-sales.md rules, shared by every register).

UTF-8 with or without BOM, `,` or `;` (whichever the header uses), header names case-insensitive and
trimmed, RFC 4180 quoting, LF or CRLF, blank lines ignored. Rows are streamed, so memory does not grow
with the file.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from . import limits

# Process-wide (the csv module has one setting): no reader of ours takes a longer cell.
csv.field_size_limit(limits.MAX_CSV_FIELD_CHARS)


class FileRejected(Exception):  # noqa: N818 - reads better at call sites: `except FileRejected`
    """The whole file is unusable; the message says why in words a clerk can act on."""


@dataclass
class CsvTable:
    columns: list[str]
    unknown_columns: list[str] = field(default_factory=list)
    rows: Iterator[tuple[int, dict[str, str]]] = iter(())
    delimiter: str = ","
    header_line: int = 1  # the header's line number (blank lines before it are skipped)
    text: io.TextIOWrapper | None = None  # what `rows` reads; see let_go()

    def rows_from(self, part: BinaryIO, header_line: int) -> Iterator[tuple[int, dict[str, str]]]:
        """The rows of `part`, bytes of this file that start at a line after `header_line`, read as `rows` reads
        the whole file (the same columns, delimiter and line numbers)."""
        text = io.TextIOWrapper(part, encoding="utf-8", errors="strict", newline="")
        return _rows(text, self.columns, self.delimiter, header_line)

    def let_go(self) -> None:
        """Leave the byte stream open and unread by `rows`, for a reader that takes the file's bytes itself (a
        text wrapper closes its stream when it is collected)."""
        if self.text is not None:
            self.text.detach()
            self.text = None


def open_text(stream: BinaryIO) -> io.TextIOWrapper:
    """Decode as UTF-8 (a BOM is dropped); a decoding error surfaces as FileRejected when reached."""
    return io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")


def not_utf8_message(exc: UnicodeDecodeError) -> str:
    return (f"The file is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at byte {exc.start} of the "
            "part being read). Save or export it as 'CSV UTF-8' and send it again.")


def sniff_delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


# Delimiters people's programs use that the formats do not accept, and how to name them to a clerk.
OTHER_DELIMITERS = {"\t": "tabs", "|": "vertical bars (|)"}


def _other_delimiter(header_line: str, required: list[str]) -> str | None:
    """The name of the unaccepted delimiter the header evidently uses (it splits into the required names)."""
    for delimiter, name in OTHER_DELIMITERS.items():
        names = {h.strip().lower() for h in header_line.split(delimiter)}
        if delimiter in header_line and all(c in names for c in required):
            return name
    return None


def read_csv(stream: BinaryIO, *, required: list[str], known: list[str], what: str) -> CsvTable:
    """Check the header and return a table whose rows stream lazily as (line number, {column: value})."""
    text = open_text(stream)
    try:
        first = ""
        line_no = 0
        while True:
            # Read with a bound: a "header" of a billion characters must not be held whole.
            raw = text.readline(limits.MAX_CSV_HEADER_CHARS + 1)
            if not raw:
                break
            line_no += 1
            if len(raw) > limits.MAX_CSV_HEADER_CHARS:
                raise FileRejected(f"The {what} file's header line is longer than "
                                   f"{limits.MAX_CSV_HEADER_CHARS:,} characters: it is not a header. The first "
                                   "line must name the columns.")
            if raw.strip():
                first = raw
                break
    except UnicodeDecodeError as exc:
        raise FileRejected(not_utf8_message(exc)) from exc
    if not first:
        raise FileRejected(f"The {what} file is empty: it has no header row and no records.")
    delimiter = sniff_delimiter(first)
    if first.count(delimiter) >= limits.MAX_CSV_COLUMNS:
        raise FileRejected(f"The {what} file's header has {first.count(delimiter) + 1:,} columns; at most "
                           f"{limits.MAX_CSV_COLUMNS} are read. Send only the format's columns.")
    header = next(csv.reader([first], delimiter=delimiter))
    columns = [h.strip().lower() for h in header]
    if "\x00" in first or not any(columns):
        raise FileRejected(f"The {what} file is not CSV text: its first line has no column names.")
    missing = [c for c in required if c not in columns]
    if missing and _other_delimiter(first, required):
        raise FileRejected(
            f"The {what} file's columns are separated by {_other_delimiter(first, required)}; this format takes "
            "a comma (,) or a semicolon (;) between columns. In a spreadsheet, save it as 'CSV UTF-8 (comma "
            "delimited)' and send it again."
        )
    if missing:
        raise FileRejected(
            f"The {what} file's header lacks the required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (found: {', '.join(c for c in columns if c) or 'none'}). "
            f"The header must name: {', '.join(required)}."
        )
    dupes = sorted(c for c, n in Counter(columns).items() if c and n > 1)
    if dupes:
        raise FileRejected(f"The {what} file's header names {', '.join(dupes)} more than once.")
    unknown = [c for c in columns if c and c not in known]
    return CsvTable(columns=columns, unknown_columns=unknown, rows=_rows(text, columns, delimiter, line_no),
                    delimiter=delimiter, header_line=line_no, text=text)


def _rows(text, columns, delimiter, header_line_no) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    width = len(columns)
    all_named = all(columns)
    try:
        for values in reader:
            # reader.line_num counts physical lines read after the header line.
            line = header_line_no + reader.line_num
            joined = "".join(values)  # blank only if every value is, NUL-free only if every value is
            if not joined.strip():
                continue
            if "\x00" in joined:
                raise FileRejected(f"Line {line} holds a NUL byte: the file is not plain text. Export it again "
                                   "as 'CSV UTF-8' and send it again.")
            if all_named and len(values) == width:  # the usual row: as many values as named columns
                row = dict(zip(columns, map(str.strip, values), strict=True))
            else:
                row = {columns[i]: (values[i].strip() if i < len(values) else "") for i in range(width)
                       if columns[i]}
            if len(values) > width:
                row["__extra__"] = f"has {len(values)} values but the header names {width} columns"
            yield line, row
    except UnicodeDecodeError as exc:
        raise FileRejected(not_utf8_message(exc)) from exc
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise FileRejected(f"Line {header_line_no + reader.line_num} of the file holds a value longer than "
                               f"{limits.MAX_CSV_FIELD_CHARS:,} characters (or a quote that is never closed). "
                               "Check the quoting and shorten the value.") from exc
        raise FileRejected(f"The file is not valid CSV near line {header_line_no + reader.line_num}: {exc}.") \
            from exc


_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
# Past this many bytes read, the exact place of too deep a nesting is not looked for (the scan is Python).
_EXACT_DEPTH_SCAN_BYTES = 4 * 1024 * 1024


def too_deep_message(depth: int, read: int, levels: int, what: str, data: bytes | None = None) -> str:
    """The batch-level refusal of a JSON file nested deeper than its format allows.

    `read` is how many bytes the streaming parser had read when it stopped; `data` (those bytes, when known)
    lets the message name the exact byte."""
    where = f"within its first {read:,} bytes"
    if data is not None and len(data) <= _EXACT_DEPTH_SCAN_BYTES:
        position = deep_position(data, depth - 1)
        if position is not None:
            where = f"at byte {position:,}"
    return (f"The JSON is nested more than {depth - 1} levels deep {where}; a {what} file has at most "
            f"{levels} levels. Send the format's own shape, without nested lists or objects in values.")


def check_json_depth(data: bytes, *, limit: int, levels: int, what: str) -> None:
    """Raise FileRejected if the JSON text nests deeper than `limit`; streaming, so memory stays small
    however deep it goes (the json module would recurse, ijson's prefixed events grow with depth squared)."""
    import ijson

    depth = 0
    try:
        for event, _ in ijson.basic_parse(io.BytesIO(data), use_float=False):
            if event in ("start_map", "start_array"):
                depth += 1
                if depth > limit:
                    raise FileRejected(too_deep_message(depth, len(data), levels, what, data))
            elif event in ("end_map", "end_array"):
                depth -= 1
    except FileRejected:
        raise
    except Exception:  # noqa: BLE001, S110 - not JSON at all: the real parser says why, with its own message
        return


def deep_position(data: bytes, limit: int) -> int | None:
    """The byte offset of the first bracket that opens a level deeper than `limit`, skipping strings."""
    depth = 0
    for match in _JSON_TOKENS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return match.start()
        elif token in (b"]", b"}"):
            depth -= 1
    return None


def peek_kind(stream: BinaryIO) -> str:
    """'json' when the content (after a BOM and blanks) starts with '{' or '[', else 'csv'; rewinds."""
    head = stream.read(4096)
    stream.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8):]
    stripped = head.lstrip()
    return "json" if stripped[:1] in (b"{", b"[") else "csv"


def split_list(value: str) -> list[str]:
    """`drama|history` → ['drama', 'history']."""
    return [part.strip() for part in (value or "").split("|") if part.strip()]
