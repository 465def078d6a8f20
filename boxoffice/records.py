"""Reading and validating ticket-sales/1 records (ticket-sales.md), before anything is looked up.

`read_records` turns the bytes of a submission into (position, raw dict) pairs, CSV or JSON, or raises
FileRejected for batch-level problems. `clean_record` turns one raw dict into a SalesRecord or raises
RowError naming the field.
"""
from __future__ import annotations

import codecs
import datetime
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from json.encoder import encode_basestring
from typing import BinaryIO

import ijson
from django.conf import settings

from films import limits
from films.importing import RowError
from films.tabular import CsvTable, FileRejected, not_utf8_message, peek_kind, read_csv, too_deep_message

from . import rulebook as rb
from .choices import ScreeningFormat, TransactionKind

FIELDS = ["cinema_code", "transaction_id", "kind", "refund_of", "sold_at", "screening_start", "screen",
          "film_code", "tickets", "amount", "currency", "screening_format", "screening_language"]
REQUIRED = ["cinema_code", "transaction_id", "kind", "sold_at", "screening_start", "screen", "film_code",
            "tickets", "amount"]
FORMAT_TAG = "ticket-sales/1"
CINEMA_CODE = re.compile(r"[A-Z0-9-]{3,32}")
AMOUNT = re.compile(r"\d{1,18}(\.\d{1,2})?")
PRINTABLE = re.compile(r"[^\x00-\x1f\x7f]{1,64}")
# Looked up once: clean_record runs for every record of national-scale files.
KINDS = frozenset(TransactionKind.values)
FORMATS = {v.lower(): v for v in ScreeningFormat.values}
CENT = Decimal("0.01")
TICKETS = re.compile(r"\s*\d{1,6}\s*")
CURRENCY = re.compile(r"[A-Z]{3}")
LANGUAGE = re.compile(r"[a-z]{2}")


@dataclass(frozen=True, slots=True)
class SalesRecord:
    """One valid record, normalised: the same transaction always gives the same content_hash."""

    position: int
    cinema_code: str
    transaction_id: str
    kind: str
    refund_of: str
    sold_at: datetime.datetime
    screening_start: datetime.datetime
    screen: str
    film_code: str
    tickets: int
    amount: Decimal
    currency: str
    screening_format: str
    screening_language: str
    content_hash: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.cinema_code, self.transaction_id)


class ForeignCinemaRecord(FileRejected):
    """A batch sent with one cinema's credentials holds another cinema's record: refused whole."""

    @classmethod
    def at(cls, encoding: str, position: int, found: str, credentials: str) -> ForeignCinemaRecord:
        where = "Index" if encoding == "json" else "Line"
        return cls(f"{where} {position} reports for cinema {found}, but these credentials report only for "
                   f"{credentials}; nothing from this batch was stored.")


@dataclass(slots=True)
class RawRecords:
    encoding: str  # csv or json
    warnings: list[str]
    records: Iterator[tuple[int, dict]]
    table: CsvTable | None = None  # a CSV file's header as read (reading it in parts needs it: parts.py)


def read_records(stream: BinaryIO) -> RawRecords:
    """Recognise CSV or JSON and check everything that concerns the batch as a whole."""
    if peek_kind(stream) == "json":
        return _read_json(stream)
    table = read_csv(stream, required=REQUIRED, known=FIELDS, what="ticket-sales")
    warnings = []
    if table.unknown_columns:
        warnings.append(f"ignored unknown column(s): {', '.join(table.unknown_columns)}")
    return RawRecords("csv", warnings, table.rows, table)


class _Utf8Checked(io.RawIOBase):
    """A byte stream that drops a leading BOM and raises FileRejected on the first byte that is not UTF-8.

    ijson's C parser would otherwise pass bad bytes through; checking as we read keeps memory constant.
    """

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._offset = 0
        self._first = True

    @property
    def offset(self) -> int:
        """How many bytes have been read so far: where a problem found in the last chunk lies at most."""
        return self._offset

    def readable(self):
        return True

    def read(self, size=-1):
        if size == 0:  # ijson probes with read(0) to tell bytes from text
            return b""
        chunk = self._stream.read(size if size and size > 0 else 1 << 16)
        try:
            self._decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise FileRejected(not_utf8_message(_shifted(exc, self._offset))) from exc
        self._offset += len(chunk)
        if self._first:
            self._first = False
            if chunk.startswith(codecs.BOM_UTF8):
                chunk = chunk[len(codecs.BOM_UTF8):]
        return chunk

    def readinto(self, buffer):  # pragma: no cover - ijson calls read()
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _shifted(exc: UnicodeDecodeError, offset: int) -> UnicodeDecodeError:
    return UnicodeDecodeError(exc.encoding, b"\x00" * offset + exc.object, offset + exc.start,
                              offset + exc.end,
                              exc.reason)


def _json_problem(exc: Exception) -> FileRejected:
    if isinstance(exc, FileRejected):
        return exc
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return FileRejected(f"The file is not valid JSON ({detail}). "
                        'Send an object like {"format": "ticket-sales/1", "transactions": [...]}.')


def _head(stream: BinaryIO, size: int) -> bytes | None:
    """The first `size` bytes of the file, when few enough to scan for where a problem lies."""
    if size > 4 * 1024 * 1024:
        return None
    stream.seek(0)
    return stream.read(size)


def _read_json(stream: BinaryIO) -> RawRecords:
    """Two streaming passes (constant memory whatever the size): the envelope first, because
    `cinema_code` may come after `transactions`, then the records one by one.

    The first pass reads events without prefixes and bounds the nesting as it goes: ijson's prefixed events
    cost memory in the square of the depth, so a small body nested 100,000 deep could take gigabytes. The
    second pass (which builds the records) runs only on a file the first found shallow enough.
    """
    envelope: dict = {}
    kind_of_transactions = None
    count = 0
    depth = 0
    key = None  # the envelope's key being read
    checked = _Utf8Checked(stream)
    try:
        for event, value in ijson.basic_parse(checked, use_float=False):
            if depth == 0 and event != "start_map":
                raise FileRejected('The JSON must be an object: {"format": "ticket-sales/1", "transactions": '
                                   "[...]}.")
            if event == "map_key":
                if depth == 1:
                    key = value
                continue
            in_transactions = depth == 2 and key == "transactions" and kind_of_transactions == "start_array"
            if event in ("start_map", "start_array"):
                if depth == 1 and key == "transactions" and kind_of_transactions is None:
                    kind_of_transactions = event
                elif in_transactions:
                    count += 1
                depth += 1
                if depth > limits.MAX_TICKET_SALES_JSON_DEPTH:
                    raise FileRejected(too_deep_message(depth, checked.offset, limits.TICKET_SALES_JSON_LEVELS,
                                                        "ticket-sales", _head(stream, checked.offset)))
            elif event in ("end_map", "end_array"):
                depth -= 1
            elif depth == 1:
                if key in ("format", "cinema_code"):
                    envelope[key] = value
                elif key == "transactions" and kind_of_transactions is None:
                    kind_of_transactions = event
            elif in_transactions:
                count += 1
    except FileRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - ijson's errors (and yajl's) have no common public base
        raise _json_problem(exc) from exc
    finally:
        stream.seek(0)
    if envelope.get("format") not in (None, FORMAT_TAG):
        raise FileRejected(f"Unknown format '{envelope.get('format')}'; this receiver reads '{FORMAT_TAG}'.")
    if kind_of_transactions != "start_array":
        raise FileRejected('The JSON has no "transactions" list.')
    if not count:
        raise FileRejected("The batch is empty: its \"transactions\" list has no records.")
    default_cinema = envelope.get("cinema_code")
    warnings: list[str] = []
    unknown: set[str] = set()

    def records():
        try:
            items = ijson.items(_Utf8Checked(stream), "transactions.item", use_float=False)
            for index, tx in enumerate(items):
                if isinstance(tx, dict):
                    unknown.update(k for k in tx if k not in FIELDS)
                    if default_cinema is not None and "cinema_code" not in tx:
                        tx = {**tx, "cinema_code": default_cinema}
                yield index, tx
        except Exception as exc:  # noqa: BLE001 - as above
            raise _json_problem(exc) from exc
        if unknown:
            # Known only once every record was read; the batch report is written after that.
            warnings.append("ignored unknown field(s): " + ", ".join(sorted(unknown)).replace("\x00", "\\u0000"))

    return RawRecords("json", warnings, records())


def _text(raw: dict, name: str) -> str:
    value = raw.get(name)
    if value.__class__ is str:  # nearly always (every CSV value): the cheapest test first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise rb.NOT_TEXT.error(name, type=type(value).__name__)
    return str(value)


def _instant(raw: dict, name: str) -> datetime.datetime:
    value = _text(raw, name)
    if not value:
        raise rb.INSTANT_REQUIRED.error(name)
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise rb.INSTANT_FORMAT.error(name, value=value) from None
    if moment.tzinfo is None or len(value) <= 10:
        raise rb.INSTANT_NO_OFFSET.error(name, value=value)
    return moment


def _tickets(raw: dict) -> int:
    value = raw.get("tickets")
    if isinstance(value, bool):
        raise rb.TICKETS_BOOLEAN.error()
    if isinstance(value, str) and TICKETS.fullmatch(value):
        value = int(value)
    if not isinstance(value, int):
        if value in (None, ""):
            raise rb.TICKETS_MISSING.error()
        raise rb.TICKETS_NOT_WHOLE.error(value=str(value))
    if not 1 <= value <= 1000:
        raise rb.TICKETS_RANGE.error(value=value)
    return value


def _amount(raw: dict) -> Decimal:
    value = raw.get("amount")
    if isinstance(value, bool) or value is None or value == "":
        raise rb.AMOUNT_REQUIRED.error()
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite() or value < 0 or value.as_tuple().exponent < -2:
            raise rb.AMOUNT_PLACES.error(value=str(value))
        return _bounded(value.quantize(CENT) if value <= limits.MAX_TICKET_AMOUNT else value)
    if not isinstance(value, str):
        raise rb.AMOUNT_TYPE.error(type=type(value).__name__)
    text = value.strip()
    if not AMOUNT.fullmatch(text):
        if re.fullmatch(r"[\d\s.,']+", text) and re.search(r"[,\s']", text):
            # A spreadsheet's local number format: say what to change rather than repeat the rule.
            raise rb.AMOUNT_GROUPING.error(value=text)
        raise rb.AMOUNT_FORMAT.error(value=text)
    return _bounded(Decimal(text).quantize(CENT))


def _bounded(amount: Decimal) -> Decimal:
    # Stored sums (per film, cinema, day, region, nationally) must fit Decimal(20, 2): see films/limits.py.
    if amount > limits.MAX_TICKET_AMOUNT:
        raise rb.AMOUNT_OVER_LIMIT.error(value=str(amount), limit=f"{limits.MAX_TICKET_AMOUNT:,.2f}")
    return amount


_EXTRA = re.compile(r"has (\d+) values but the header names (\d+) columns")


def _extra_values(text: str) -> RowError:
    match = _EXTRA.fullmatch(text)
    if match is None:  # films.tabular words it; should it ever change, its text stands
        return RowError("row", text)
    return rb.EXTRA_VALUES.error(values=int(match[1]), columns=int(match[2]))


def clean_record(position: int, raw: dict) -> SalesRecord:
    """Validate one record's fields on their own (no database); RowError names the first bad field."""
    if not isinstance(raw, dict):
        raise rb.NOT_AN_OBJECT.error()
    if "__extra__" in raw:
        raise _extra_values(raw["__extra__"])
    try:
        # One look at all the values at once; only a record with a NUL (or a value that is not text) is then
        # gone through value by value, to name the first offending field.
        suspect = "\x00" in "".join(raw.values())
    except TypeError:
        suspect = True
    if suspect:
        for name, value in raw.items():
            # No database text column can hold NUL; a record carrying one is refused, never half-stored.
            if value.__class__ is str and "\x00" in value:
                raise rb.NUL_CHARACTER.error(str(name).replace("\x00", "?")[:40])
    cinema = _text(raw, "cinema_code")
    if not CINEMA_CODE.fullmatch(cinema):
        raise rb.CINEMA_CODE_FORMAT.error(value=cinema) if cinema else rb.REQUIRED.error("cinema_code")
    tx_id = _text(raw, "transaction_id")
    if not PRINTABLE.fullmatch(tx_id):
        raise rb.TRANSACTION_ID_FORMAT.error(value=tx_id[:70]) if tx_id else rb.TRANSACTION_ID_REQUIRED.error()
    kind = _text(raw, "kind").lower()
    if kind not in KINDS:
        raise rb.KIND_FORMAT.error(value=kind) if kind else rb.KIND_REQUIRED.error()
    refund_of = _text(raw, "refund_of")
    if kind == TransactionKind.REFUND and not refund_of:
        raise rb.REFUND_WITHOUT_SALE.error()
    if kind == TransactionKind.SALE and refund_of:
        raise rb.SALE_WITH_REFUND_OF.error()
    if refund_of and not PRINTABLE.fullmatch(refund_of):
        raise rb.REFUND_OF_FORMAT.error()
    sold_at = _instant(raw, "sold_at")
    start = _instant(raw, "screening_start")
    screen = _text(raw, "screen")
    if not 1 <= len(screen) <= 32:
        raise rb.NAME_LENGTH.error("screen")
    film = _text(raw, "film_code")
    if not 1 <= len(film) <= 32:
        raise rb.NAME_LENGTH.error("film_code")
    tickets = _tickets(raw)
    amount = _amount(raw)
    home = settings.HOME_CURRENCY  # read per record (tests override it), but once
    currency = (_text(raw, "currency") or home).upper()
    if not CURRENCY.fullmatch(currency):
        raise rb.CURRENCY_FORMAT.error(value=currency, home=home)
    if currency != home:
        raise rb.CURRENCY_NOT_HOME.error(value=currency, home=home)
    fmt = _text(raw, "screening_format")
    if fmt:
        match = FORMATS.get(fmt.lower())
        if match is None:
            raise rb.FORMAT_UNKNOWN.error(value=fmt, choices=", ".join(ScreeningFormat.values))
        fmt = match
    lang = _text(raw, "screening_language").lower()
    if lang and not LANGUAGE.fullmatch(lang):
        raise rb.LANGUAGE_FORMAT.error(value=lang)
    canonical = "\x1f".join([
        cinema, tx_id, kind, refund_of, _utc(sold_at), _utc(start), screen, film, str(tickets), str(amount),
        currency, fmt, lang,
    ])
    return SalesRecord(position, cinema, tx_id, kind, refund_of, sold_at, start, screen, film, tickets, amount,
                       currency, fmt, lang, hashlib.sha256(canonical.encode()).hexdigest())


def _utc(moment: datetime.datetime) -> str:
    """YYYY-MM-DDTHH:MM:SS.ffffffZ in UTC, the form the content hash has always used."""
    utc = moment.astimezone(datetime.UTC)
    if utc.year < 1000:  # strftime writes such years unpadded ("999-…"); stored hashes depend on it
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    # isoformat is some 4× faster than strftime and gives the same text from year 1000 on; in UTC it always
    # ends in "+00:00", which becomes the "Z".
    return utc.isoformat(timespec="microseconds")[:-6] + "Z"


def text_of(value, limit: int) -> str:
    """A received value as storable text: NUL (which no database text column holds) shown as \\u0000."""
    return str(value).replace("\x00", "\\u0000")[:limit]


def raw_as_text(raw) -> dict:
    """The record as received, JSON-safe, for the batch report."""
    if not isinstance(raw, dict):
        return {"value": str(raw)[:500]}
    if "__extra__" not in raw and all(v.__class__ is str and "\x00" not in v and "\x00" not in k
                                      for k, v in raw.items()):
        return dict(raw)  # every CSV record: nothing to convert
    return {str(k).replace("\x00", "\\u0000"): (v.replace("\x00", "\\u0000") if isinstance(v, str) else
                                               v if isinstance(v, int) and not isinstance(v, bool) else str(v))
            for k, v in raw.items() if k != "__extra__"}


_KEY_JSON: dict[str, str] = {}  # a key's JSON text and colon: records repeat the same dozen or so keys


def raw_json(raw) -> str:
    """`raw_as_text(raw)` as JSON text (parsed as jsonb by the database, so spacing is free).

    The usual record (every CSV record) holds only text without NUL: its keys and values are encoded with the
    json module's own string encoder directly, some three times as fast as json.dumps; anything else goes
    through raw_as_text and json.dumps.
    """
    if raw.__class__ is dict and "__extra__" not in raw:
        try:
            values = "".join(raw.values())  # TypeError unless every value is text
        except TypeError:
            values = "\x00"
        if "\x00" not in values:
            parts = []
            for key, value in raw.items():
                head = _KEY_JSON.get(key)
                if head is None:
                    if key.__class__ is not str or "\x00" in key:
                        break
                    head = encode_basestring(key) + ":"
                    if len(_KEY_JSON) < 256:  # keys of JSON records are the sender's: keep the cache small
                        _KEY_JSON[key] = head
                parts.append(head + encode_basestring(value))
            else:
                return "{" + ",".join(parts) + "}"
    return json.dumps(raw_as_text(raw), ensure_ascii=False)
