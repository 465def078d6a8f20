"""Loading box-office reports (shared/spec/box-office-reports.md, format `box-office-report/1`).

Read (CSV or JSON) → check each row against the registers and the rows already held → write the new and
corrected rows set-wise, one audit event with before and after per correction, in one transaction; then the
touched films' recompute is requested in the import's own transaction (the outbox, films/outbox.py).
"""
from __future__ import annotations

import datetime
import hashlib
import io
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from films.audit import Actor, record_change
from films.choices import AuditAction, RecomputeReason
from films.importing import RegisterImportReport, RowError
from films.models import Film, Region
from films.outbox import request_recompute
from films.tabular import FileRejected, not_utf8_message, peek_kind, read_csv

from .bulkcopy import insert_tuples, update_rows
from .models import Cinema, ReportImport, ReportRow

FORMAT = "box-office-report/1"
REQUIRED = ["film_code", "period_start", "period_end", "gross", "source"]
FIELDS = ["film_code", "period_start", "period_end", "gross", "currency", "admissions", "screenings", "screens",
          "region", "cinema_code", "source", "reference"]
FIGURES = ("gross", "currency", "admissions", "screenings", "screens", "reference")
MAX_INT = 2**62
CENT = Decimal("0.01")
IMPORT_LOCK_KEY = 7_301_002  # next to the sales import's 7_301_001


@dataclass
class ParsedRow:
    line: int
    key_text: str
    film_id: int
    period_start: datetime.date
    period_end: datetime.date
    gross: Decimal
    currency: str
    admissions: int | None
    screenings: int | None
    screens: int | None
    region_id: int | None
    cinema_id: int | None
    source: str
    reference: str

    @property
    def key(self):
        return (self.film_id, self.period_start, self.period_end, self.region_id, self.cinema_id, self.source)

    @property
    def place(self):
        return (self.region_id, self.cinema_id)

    def figures(self) -> dict:
        return {f: getattr(self, f) for f in FIGURES}


# --- reading -------------------------------------------------------------------------------------------

def read_rows(stream: BinaryIO) -> tuple[list[tuple[int, dict]], list[str], str]:
    """(position, row of text values) pairs, warnings, and 'csv' or 'json'; FileRejected if the file is unusable."""
    if peek_kind(stream) == "json":
        return _read_json(stream)
    table = read_csv(stream, required=REQUIRED, known=FIELDS, what="box-office report")
    warnings = []
    if table.unknown_columns:
        warnings.append(_("ignored unknown column(s): %(cols)s") % {"cols": ", ".join(table.unknown_columns)})
    return list(table.rows), warnings, "csv"


def _read_json(stream: BinaryIO):
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected(not_utf8_message(exc)) from exc
    try:
        # Exact decimals: numbers are kept as their text and parsed as Decimal, never through float.
        doc = json.loads(text, parse_float=str, parse_int=str)
    except ValueError as exc:
        raise FileRejected(_("The file is not valid JSON: %(error)s.") % {"error": exc}) from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise FileRejected(_('The JSON file must be an object with "format": "%(format)s" and a "rows" list.')
                           % {"format": FORMAT})
    rows = doc.get("rows")
    if not isinstance(rows, list):
        raise FileRejected(_('The JSON file has no "rows" list.'))
    out, unknown = [], set()
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            out.append((i, {"__extra__": _("is not an object")}))
            continue
        unknown |= {k for k in row if k not in FIELDS}
        out.append((i, {k: ("" if v is None else v if isinstance(v, str) else str(v) if not isinstance(v, bool)
                            else v) for k, v in row.items()}))
    warnings = [_("ignored unknown field(s): %(cols)s") % {"cols": ", ".join(sorted(unknown))}] if unknown else []
    return out, warnings, "json"


# --- checking one row ----------------------------------------------------------------------------------

class Registers:
    """The registered films, regions and cinemas, read once per file."""

    def __init__(self, rows):
        codes = {str(r.get("film_code", "")).strip() for _, r in rows}
        self.films = dict(Film.objects.filter(code__in=codes).values_list("code", "pk"))
        self.regions = dict(Region.objects.values_list("code", "pk"))
        cinema_codes = {str(r.get("cinema_code", "")).strip() for _, r in rows} - {""}
        self.cinemas = dict(Cinema.objects.filter(code__in=cinema_codes).values_list("code", "pk"))


def _text(row, name) -> str:
    value = row.get(name, "")
    if value.__class__ is str:  # nearly always: CSV values and JSON strings
        return value.strip()
    if isinstance(value, bool):
        raise RowError(name, _("must be text, not true/false"))
    return str(value).strip()


def _date(row, name) -> datetime.date:
    value = _text(row, name)
    if not value:
        raise RowError(name, _("is required (an ISO date such as 2024-03-01)"))
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise RowError(name, _("'%(value)s' is not an ISO date (YYYY-MM-DD)") % {"value": value}) from None


def _count(row, name) -> int | None:
    value = _text(row, name)
    if not value:
        return None
    if not value.isdigit():
        raise RowError(name, _("'%(value)s' is not a whole number ≥ 0") % {"value": value})
    n = int(value)
    if n > MAX_INT:
        raise RowError(name, _("%(value)s is too large") % {"value": value})
    return n


def _gross(row) -> Decimal:
    value = _text(row, "gross")
    if not value:
        raise RowError("gross", _("is required (a decimal such as 12500.00)"))
    try:
        d = Decimal(value)
    except (InvalidOperation, ValueError):
        raise RowError("gross", _("'%(value)s' is not a number: write it without spaces or grouping, "
                                  "with '.' as the decimal point (12500.00)") % {"value": value}) from None
    if not d.is_finite():
        raise RowError("gross", _("'%(value)s' is not a number") % {"value": value})
    if d < 0:
        raise RowError("gross", _("%(value)s is negative; gross must be ≥ 0") % {"value": value})
    if d != d.quantize(CENT):
        raise RowError("gross", _("%(value)s has more than 2 decimal places") % {"value": value})
    if d >= Decimal("1e18"):
        raise RowError("gross", _("%(value)s is too large") % {"value": value})
    return d.quantize(CENT)


class _Problems:
    """The errors of one row, gathered so that the row reports every one of them at once (issue 13)."""

    def __init__(self):
        self.found: list[RowError] = []

    def check(self, fn, *args):
        """fn(*args), or None after noting its RowError."""
        try:
            return fn(*args)
        except RowError as exc:
            self.found.append(exc)
            return None

    def add(self, field_name: str, reason: str) -> None:
        self.found.append(RowError(field_name, reason))

    def raise_any(self) -> None:
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            raise RowError(", ".join(e.field for e in self.found),
                           "; ".join(f"{e.field}: {e.reason}" for e in self.found))


def parse_row(line: int, row: dict, reg: Registers) -> ParsedRow:
    """Check one row against the format and the registers; RowError names the field(s) and why, every error
    of the row at once ("gross: …; source: …")."""
    if "__extra__" in row:
        raise RowError("row", row["__extra__"])
    problems = _Problems()
    code = problems.check(_text, row, "film_code")
    if code is not None and not code:
        problems.add("film_code", _("is required"))
    elif code and code not in reg.films:
        problems.add("film_code", _("%(code)s is not a registered film: register it first (import_films), "
                                    "then send the row again") % {"code": code})
    start, end = problems.check(_date, row, "period_start"), problems.check(_date, row, "period_end")
    if start and end and end < start:
        problems.add("period_end", _("%(end)s is before period_start %(start)s")
                     % {"end": end.isoformat(), "start": start.isoformat()})
    gross = problems.check(_gross, row)
    currency = (problems.check(_text, row, "currency") or "").upper() or settings.HOME_CURRENCY
    if currency != settings.HOME_CURRENCY:
        problems.add("currency", _("%(cur)s: box office is kept in %(home)s; convert the figure to %(home)s "
                                   "or leave it out") % {"cur": currency, "home": settings.HOME_CURRENCY})
    admissions, screenings, screens = (problems.check(_count, row, name)
                                       for name in ("admissions", "screenings", "screens"))
    region_code = (problems.check(_text, row, "region") or "").upper()
    cinema_code = (problems.check(_text, row, "cinema_code") or "").upper()
    region_id = cinema_id = None
    if region_code and cinema_code:
        problems.add("cinema_code", _("a row names at most one of region and cinema_code; leave one empty"))
    elif region_code:
        region_id = reg.regions.get(region_code)
        if region_id is None:
            problems.add("region", _("%(code)s is not a region code of the country (see kz-regions.csv)")
                         % {"code": region_code})
    elif cinema_code:
        cinema_id = reg.cinemas.get(cinema_code)
        if cinema_id is None:
            problems.add("cinema_code", _("%(code)s is not a registered cinema: register it first "
                                          "(import_cinemas)") % {"code": cinema_code})
    source = problems.check(_text, row, "source")
    if source is not None and not source:
        problems.add("source", _("is required: who published the figure (EAIS, a distributor's name, …)"))
    elif source and len(source) > 100:
        problems.add("source", _("has %(n)s characters; at most 100") % {"n": len(source)})
    reference = problems.check(_text, row, "reference") or ""
    if len(reference) > 500:
        problems.add("reference", _("has %(n)s characters; at most 500") % {"n": len(reference)})
    problems.raise_any()
    place = f"cinema {cinema_code}" if cinema_code else f"region {region_code}" if region_code else "country"
    return ParsedRow(line=line, key_text=f"{code} {start}..{end} {place} {source}", film_id=reg.films[code],
                     period_start=start, period_end=end, gross=gross, currency=currency, admissions=admissions,
                     screenings=screenings, screens=screens, region_id=region_id, cinema_id=cinema_id,
                     source=source, reference=reference)


ONE_DAY = datetime.timedelta(days=1)


class Periods:
    """The periods of one film and place, indexed by the days they cover, to find a partial overlap fast.

    The periods held are nested or apart. A new period [s, e] partly overlaps one of them exactly when a
    period covering day s starts before s and ends before e, or a period covering day e ends after e and
    starts after s; any other period that meets it lies inside it or contains it. So only the periods
    covering two days are looked at, however many the film has.
    """

    def __init__(self):
        self.covering: dict[datetime.date, list] = {}

    def add(self, row) -> None:
        d = row.period_start
        while d <= row.period_end:
            self.covering.setdefault(d, []).append(row)
            d += ONE_DAY

    def partly_overlapping(self, start: datetime.date, end: datetime.date):
        for other in self.covering.get(start, ()):
            if other.period_start < start and other.period_end < end:
                return other
        for other in self.covering.get(end, ()):
            if other.period_end > end and other.period_start > start:
                return other
        return None


@dataclass
class Held:
    """A report row already held, as the import compares it."""

    pk: int
    film_id: int
    period_start: datetime.date
    period_end: datetime.date
    region_id: int | None
    cinema_id: int | None
    source: str
    import_id: int
    figures: dict


def _describe(row) -> str:
    if isinstance(row, Held):
        return _("the held row %(start)s–%(end)s of %(source)s (box-office import %(import)s)") % {
            "start": row.period_start, "end": row.period_end, "source": row.source, "import": row.import_id}
    return _("line %(line)s (%(start)s–%(end)s of %(source)s)") % {
        "line": row.line, "start": row.period_start, "end": row.period_end, "source": row.source}


# --- the service ---------------------------------------------------------------------------------------

def import_box_office(*, stream: BinaryIO, actor: Actor, filename: str = "") -> RegisterImportReport:
    """Load one box-office-report/1 file: new rows created, corrections updated (audited), bad rows reported.

    Loading the same file twice changes nothing. FileRejected when the file is unusable as a whole.
    """
    data = stream.read()
    sha = hashlib.sha256(data).hexdigest()
    rows, warnings, encoding = read_rows(io.BytesIO(data))
    report = RegisterImportReport("box office", position_label="line" if encoding == "csv" else "index")
    report.warnings.extend(warnings)
    reg = Registers(rows)
    parsed: list[ParsedRow] = []
    seen: dict[tuple, int] = {}
    for line, row in rows:
        key_text = str(row.get("film_code", "")).strip()
        try:
            p = parse_row(line, row, reg)
            if p.key in seen:
                raise RowError("period_start", _("the same film, period, place and source was already given on "
                                                 "line %(line)s of this file") % {"line": seen[p.key]})
            seen[p.key] = line
            parsed.append(p)
        except RowError as exc:
            report.add(line, key_text, "rejected", exc.field, exc.reason)

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One report import at a time checks overlaps against the rows held: two files adding partly
            # overlapping rows at once would otherwise both pass.
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        imp = ReportImport.objects.create(
            submitted_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
            submitted_by_label=actor.display, door=actor.door, filename=filename[:300], sha256=sha,
            size_bytes=len(data), encoding=encoding)
        film_ids = sorted({p.film_id for p in parsed})
        held: dict[tuple, list] = {}
        by_key: dict[tuple, Held] = {}
        # Plain tuples, not model instances: a re-import of a large file compares every row it holds.
        for v in (ReportRow.objects.select_for_update().filter(film_id__in=film_ids)
                  .values_list("pk", "film_id", "period_start", "period_end", "region_id", "cinema_id", "source",
                               "imported_by_id", *FIGURES)):
            h = Held(*v[:8], figures=dict(zip(FIGURES, v[8:], strict=True)))
            held.setdefault((h.film_id, h.region_id, h.cinema_id), []).append(h)
            by_key[(h.film_id, h.period_start, h.period_end, h.region_id, h.cinema_id, h.source)] = h
        periods: dict[tuple, Periods] = {}
        new_rows: list[tuple] = []
        now = timezone.now()
        changed: list[tuple[ReportRow, dict]] = []
        touched: dict[int, datetime.date] = {}
        for p in parsed:
            existing = by_key.get(p.key)
            if existing is not None:
                before = existing.figures
                if before == p.figures():
                    report.add(p.line, p.key_text, "unchanged")
                    continue
                row = ReportRow(pk=existing.pk, film_id=p.film_id, period_start=p.period_start,
                                period_end=p.period_end, region_id=p.region_id, cinema_id=p.cinema_id,
                                source=p.source, imported_by_id=imp.pk, updated_at=now, **p.figures())
                changed.append((row, before))
                report.add(p.line, p.key_text, "updated")
            else:
                place = (p.film_id, p.region_id, p.cinema_id)
                group = periods.get(place)
                if group is None:  # built when a new row first needs it: updates and repeats never do
                    group = periods[place] = Periods()
                    for h in held.get(place, ()):
                        group.add(h)
                other = group.partly_overlapping(p.period_start, p.period_end)
                if other is not None:
                    report.add(p.line, p.key_text, "rejected", "period_start", _(
                        "%(start)s–%(end)s partly overlaps %(other)s for the same film and place: periods must "
                        "be equal, nested or apart, or figures would count twice")
                        % {"start": p.period_start, "end": p.period_end, "other": _describe(other)})
                    continue
                group.add(p)
                new_rows.append((p.film_id, p.period_start, p.period_end, p.region_id, p.cinema_id, p.source,
                                 imp.pk, p.gross, p.currency, p.admissions, p.screenings, p.screens, p.reference,
                                 now, now, *UNSPOKEN))
                report.add(p.line, p.key_text, "created")
            touched[p.film_id] = min(p.period_start, touched.get(p.film_id, p.period_start))
        insert_tuples(ReportRow, NEW_ROW_COLUMNS, new_rows)
        if changed:
            update_rows(ReportRow, [r for r, _b in changed], [*FIGURES, "imported_by", "updated_at"])
            for r, before in changed:
                record_change(actor=actor, action=AuditAction.UPDATE, instance=r, object_id=str(r.pk),
                              before=_picture(before), after=_picture({f: getattr(r, f) for f in FIGURES}))
        report.rows.sort(key=lambda r: r.line)  # file order, whichever check found the problem
        ReportImport.objects.filter(pk=imp.pk).update(
            created=report.count("created"), updated=report.count("updated"),
            unchanged=report.count("unchanged"), rejected=report.count("rejected"), warnings=report.warnings,
            problems=report.summary()["problems"])
        report.import_id = imp.pk
        if touched:
            _mark_released(touched, actor)
            # Inside the transaction: the request commits with the rows or not at all (films/outbox.py).
            request_recompute(film_ids=sorted(touched), reason=RecomputeReason.BOX_OFFICE_IMPORT,
                              detail=f"box-office import {imp.pk}")
    return report


NEW_ROW_COLUMNS = ["film_id", "period_start", "period_end", "region_id", "cinema_id", "source", "imported_by_id",
                   *FIGURES, "created_at", "updated_at", "spoken_days", "spoken_gross", "spoken_admissions",
                   "covered_ticket_gross", "covered_ticket_admissions", "covered_ticket_days"]
UNSPOKEN = (0, Decimal("0.00"), None, Decimal("0.00"), 0, 0)  # until the recompute combines the row


def _picture(figures: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in figures.items()}


def _mark_released(first_days: dict[int, datetime.date], actor: Actor):
    """A film with a row that speaks counts as released from the first day a row speaks for.

    The earliest period_start of a film's rows is always spoken for: on that day the widest row covering it
    speaks. Only rows created or corrected now can move it earlier.
    """
    from films.services import mark_released_by_sales

    today = timezone.localdate()
    days = {f: d for f, d in first_days.items() if d <= today}
    if days:
        mark_released_by_sales(first_screening_days=days, actor=actor,
                               reason=_("first day spoken for by a box-office report"))
