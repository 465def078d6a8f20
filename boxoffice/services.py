"""Writes to the cinemas register and the sales feed. The command, upload page, API and tasks all call these."""
from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
import re
from collections.abc import Iterator
from functools import partial
from typing import BinaryIO

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from films.audit import Actor, record_change, snapshot
from films.choices import AuditAction, RecomputeReason, RegisterOutcome
from films.importing import RegisterImportReport, RowError, load_register
from films.models import Region
from films.outbox import request_recompute
from films.services import mark_released_by_sales
from films.tabular import FileRejected, read_csv
from films.text import clean_name

from . import parts, rulebook
from .choices import BatchSource, BatchStatus, Outcome
from .judging import RegisterView, SalesJudge
from .models import BatchRecord, Cinema, ImportBatch, Screen
from .progress import ProgressReporter
from .records import ForeignCinemaRecord, RawRecords, SalesRecord, clean_record, raw_as_text, read_records, text_of
from .storing import hold_references, store_accepted

log = logging.getLogger(__name__)

CINEMA_COLUMNS = ["cinema_code", "cinema_name", "region", "city", "chain", "connected_since", "screen", "seats"]
# One import at a time judges against the stored history; on PostgreSQL this lock serialises them.
IMPORT_LOCK_KEY = 7_301_001


# --- cinemas register ---------------------------------------------------------------------------

def find_region(value: str) -> Region | None:
    """A region of the deployment's country by code (KZ-75, KG-C) or name (English, Kazakh or Russian),
    case-insensitive, ' Region' optional (registers.md)."""
    v = " ".join(value.split()).casefold()
    if not v:
        return None
    regions = [(r, {n.casefold() for n in (r.name_en, r.name_kk, r.name_ru) if n}) for r in Region.objects.all()]
    # Exact first: "Almaty" is the city (KZ-75), "Almaty Region" the region around it (KZ-19).
    for region, names in regions:
        if v == region.code.casefold() or v in names:
            return region
    bare = v.removesuffix(" region")
    for region, names in regions:
        if f"{v} region" in names or bare in {n.removesuffix(" region") for n in names}:
            return region
    return None


def region_example() -> str:
    """How a clerk may name a region here, e.g. 'KZ-75 or Almaty Region'."""
    region = Region.objects.order_by("code").first()
    return f"{region.code} or {region.name_en}" if region else "its ISO 3166-2 code"


def parse_cinema_row(row: dict[str, str]) -> dict:
    if "__extra__" in row:
        raise RowError("row", row["__extra__"])
    code = row.get("cinema_code", "")
    if not re.fullmatch(r"[A-Z0-9-]{3,32}", code):
        raise rulebook.CINEMA_CODE_FORMAT.error(value=code) if code else rulebook.REQUIRED.error("cinema_code")
    for name in ("cinema_name", "city", "screen"):
        if not row.get(name):
            raise RowError(name, "required")
    for name in ("cinema_name", "city", "chain"):
        # Any script (Кинотеатр «Ала-Тоо», Бішкек), but no control characters or punctuation-only names.
        clean_name(row.get(name, ""), name)
    if len(row["screen"]) > 32:
        raise RowError("screen", "at most 32 characters")
    region = find_region(row.get("region", ""))
    if region is None:
        raise RowError("region", f"'{row.get('region', '')}' is not a region of {settings.TRACKER_COUNTRY} "
                                 f"(give its code or name, e.g. {region_example()})")
    connected = row.get("connected_since") or None
    if connected:
        try:
            connected = datetime.date.fromisoformat(connected)
        except ValueError:
            raise RowError("connected_since", f"'{connected}' is not an ISO date (YYYY-MM-DD)") from None
    seats = row.get("seats", "")
    if not re.fullmatch(r"\d{1,4}", seats) or not 1 <= int(seats) <= 2000:
        raise RowError("seats", f"'{seats}' must be a whole number from 1 to 2000")
    return {"code": code, "name": row["cinema_name"], "region": region, "city": row["city"],
            "chain": row.get("chain", ""), "connected_since": connected, "screen": row["screen"],
            "seats": int(seats)}


@transaction.atomic
def upsert_cinema_screen(*, data: dict, actor: Actor) -> str:
    """Create or update a cinema and one of its screens; returns created, updated or unchanged."""
    fields = {k: data[k] for k in ("name", "region", "city", "chain", "connected_since")}
    cinema = Cinema.objects.filter(code=data["code"]).first()
    changed = False
    if cinema is None:
        cinema = Cinema.objects.create(code=data["code"], **fields)
        record_change(actor=actor, action=AuditAction.CREATE, instance=cinema, before=None, after=snapshot(cinema))
    else:
        before = snapshot(cinema)
        for k, v in fields.items():
            setattr(cinema, k, v)
        after = snapshot(cinema)
        if after != before:
            cinema.save()
            record_change(actor=actor, action=AuditAction.UPDATE, instance=cinema, before=before, after=after)
            changed = True
    # The row stands for one screen: created when the screen is new, updated when it or its cinema changed.
    screen = Screen.objects.filter(cinema=cinema, name=data["screen"]).first()
    if screen is None:
        screen = Screen.objects.create(cinema=cinema, name=data["screen"], seats=data["seats"])
        record_change(actor=actor, action=AuditAction.CREATE, instance=screen, before=None, after=snapshot(screen))
        transaction.on_commit(partial(release_held_after_registration, cinema_code=cinema.code))
        return RegisterOutcome.CREATED
    if screen.seats != data["seats"]:
        before = snapshot(screen)
        screen.seats = data["seats"]
        screen.save()
        record_change(actor=actor, action=AuditAction.UPDATE, instance=screen, before=before, after=snapshot(screen))
        changed = True
    return RegisterOutcome.UPDATED if changed else RegisterOutcome.UNCHANGED


def import_cinemas(*, stream: BinaryIO, actor: Actor) -> RegisterImportReport:
    """Load cinemas.csv (one row per screen); good rows saved, bad rows reported; idempotent."""
    table = read_csv(stream, required=["cinema_code", "cinema_name", "region", "city", "screen", "seats"],
                     known=CINEMA_COLUMNS, what="cinemas")
    first_row_of: dict[str, tuple[int, dict]] = {}
    seen_screens: dict[tuple[str, str], int] = {}

    def load_row(line: int, row: dict) -> str:
        data = parse_cinema_row(row)
        screen_key = (data["code"], data["screen"])
        if screen_key in seen_screens:
            raise RowError("screen", f"screen already given on line {seen_screens[screen_key]}")
        first = first_row_of.setdefault(data["code"], (line, data))
        for f in ("name", "region", "city", "chain", "connected_since"):
            if first[1][f] != data[f]:
                raise RowError("cinema_name" if f == "name" else f,
                               f"differs from line {first[0]} for the same cinema ({first[1][f]} vs {data[f]})")
        seen_screens[screen_key] = line
        return upsert_cinema_screen(data=data, actor=actor)

    return load_register(RegisterImportReport.of_table("cinemas", table), table.rows, load_row,
                         key_of=lambda row: f"{row.get('cinema_code', '')}/{row.get('screen', '')}")


# --- the sales feed -------------------------------------------------------------------------------

def sha256_of(stream: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(partial(stream.read, 1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def import_sales(*, stream: BinaryIO, source: str, actor: Actor, filename: str = "",
                 cinema: Cinema | None = None) -> ImportBatch:
    """Receive one submission of ticket sales and give every record exactly one outcome (all three doors)."""
    batch = receive_sales_batch(stream=stream, source=source, actor=actor, filename=filename, cinema=cinema)
    return process_sales_batch(batch=batch, stream=stream, actor=actor)


def receive_sales_batch(*, stream: BinaryIO, source: str, actor: Actor, filename: str = "",
                        cinema: Cinema | None = None) -> ImportBatch:
    """Record that a submission arrived (who, when, SHA-256, size); processing follows, here or in a worker."""
    digest, size = sha256_of(stream)
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    return ImportBatch.objects.create(source=source, submitted_by=user, submitted_by_label=actor.display,
                                      cinema=cinema, filename=filename[:300], sha256=digest, size_bytes=size,
                                      status=BatchStatus.RECEIVED)


def process_sales_batch(*, batch: ImportBatch, stream: BinaryIO, actor: Actor,
                        held_ids: list[int] | None = None) -> ImportBatch | None:
    """Judge and store a received batch.

    `held_ids` (release_held_records) says the batch is the held records with these ids, in this order: they
    are judged as any batch, without counting as earlier copies of themselves, and each is resolved by its
    outcome. When none of them could be applied the batch leaves no trace and None is returned.

    The status change is committed first (so a rejected or interrupted batch leaves a trace); the records
    are judged and stored in one transaction, so a crash leaves all of the batch's accepted records or
    none. A batch with a cinema (API tokens) must report only that cinema's records, or it is refused whole.
    """
    mark_interrupted_batches()
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.PROCESSING)
        batch.status = BatchStatus.PROCESSING
        # Held for as long as this process works on the batch; visible to others only with the new status.
        _batch_lock(batch.pk, "pg_advisory_lock")
    size, digest = batch.size_bytes, batch.sha256
    try:
        if size == 0:
            raise FileRejected("The file is empty: it has no header row and no records.")
        if size > settings.SALES_MAX_UPLOAD_BYTES:
            raise FileRejected(f"The file is {size:,} bytes, over the limit of "
                               f"{settings.SALES_MAX_UPLOAD_BYTES:,}; split it into smaller batches.")
        with transaction.atomic():
            _lock_imports()
            earlier = None if held_ids is not None else (
                ImportBatch.objects.filter(sha256=digest, status=BatchStatus.PROCESSED)
                .exclude(pk=batch.pk).order_by("pk").first())
            if earlier is not None:
                _mark_duplicate_batch(batch, earlier)
                return batch
            _process(batch, stream, batch.cinema, actor, held_ids)
    except NothingReleased:
        ImportBatch.objects.filter(pk=batch.pk).delete()
        return None
    except FileRejected as exc:
        _reject_batch(batch, str(exc))
        # Not stored: the API answers 403 when the credentials were the problem.
        batch.refused_for_credentials = isinstance(exc, ForeignCinemaRecord)
    except Exception:
        log.exception("sales batch %s failed", batch.pk)
        _reject_batch(batch, "The import stopped on an internal error; nothing from this batch was stored. "
                             "Send it again, and tell the tracker's administrators if it happens again.")
        raise
    finally:
        try:
            _batch_lock(batch.pk, "pg_advisory_unlock")
        except DatabaseError:  # the connection is gone, and the session lock with it
            log.warning("could not release the lock of batch %s", batch.pk, exc_info=True)
    return batch


# Advisory locks: (namespace, batch id) marks a batch being worked on; IMPORT_LOCK_KEY serialises imports.
BATCH_LOCK_NAMESPACE = 7302
INTERRUPTED_MESSAGE = ("The import was interrupted (the process stopped before it finished, e.g. a restart "
                       "or a killed worker); nothing from this batch was stored. Send the file again.")


_BATCH_LOCK_SQL = {name: f"SELECT {name}(%s, %s)" for name in  # noqa: S608 - three fixed function names
                   ("pg_advisory_lock", "pg_try_advisory_lock", "pg_advisory_unlock")}


def _batch_lock(batch_id: int, function: str) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cur:
        cur.execute(_BATCH_LOCK_SQL[function], [BATCH_LOCK_NAMESPACE, batch_id % 2**31])
        return cur.fetchone()[0]


def mark_interrupted_batches() -> int:
    """Batches left 'processing' by a process that died are marked interrupted (their import rolled back).

    On PostgreSQL a batch is being worked on exactly while its advisory lock is held (a session lock, so it
    goes with a killed process's connection); elsewhere, after SALES_STALE_AFTER_SECONDS.
    """
    processing = ImportBatch.objects.filter(status=BatchStatus.PROCESSING)
    if connection.vendor == "postgresql":
        dead = []
        for batch_id in processing.values_list("pk", flat=True):
            if _batch_lock(batch_id, "pg_try_advisory_lock"):
                _batch_lock(batch_id, "pg_advisory_unlock")
                dead.append(batch_id)
    else:
        cutoff = timezone.now() - datetime.timedelta(seconds=settings.SALES_STALE_AFTER_SECONDS)
        dead = list(processing.filter(received_at__lt=cutoff).values_list("pk", flat=True))
    if dead:
        log.warning("sales batches %s were interrupted; marking them", dead)
        ImportBatch.objects.filter(pk__in=dead, status=BatchStatus.PROCESSING).update(
            status=BatchStatus.INTERRUPTED, message=INTERRUPTED_MESSAGE, processed_at=timezone.now())
    return len(dead)


def _lock_imports():
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def _mark_duplicate_batch(batch: ImportBatch, earlier: ImportBatch):
    batch.status = BatchStatus.DUPLICATE
    batch.duplicate_of = earlier
    batch.encoding = earlier.encoding
    batch.total = earlier.total
    batch.duplicate = earlier.total
    batch.message = (f"This file is byte-for-byte the same as batch {earlier.pk} received "
                     f"{timezone.localtime(earlier.received_at):%Y-%m-%d %H:%M}; nothing was added.")
    batch.processed_at = timezone.now()
    batch.save()


def _reject_batch(batch: ImportBatch, message: str):
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.REJECTED, message=message,
                                                   processed_at=timezone.now())
    batch.refresh_from_db()


class NothingReleased(Exception):  # noqa: N818 - not an error: the held records all stay held
    """A release of held records in which every one stays held (or another release took them first)."""


def _process(batch: ImportBatch, stream: BinaryIO, cinema: Cinema | None, actor: Actor,
             held_ids: list[int] | None = None):
    if held_ids is not None and BatchRecord.objects.filter(pk__in=held_ids, resolved_at__isnull=True).count() != len(
            held_ids):
        raise NothingReleased  # another release (under the import lock) resolved some of them first
    raw = read_records(stream)
    batch.encoding = raw.encoding
    ignore = set(held_ids or ())
    if use_copy_path():
        (counts, total, first_days), raw = _import_copied(batch, raw, stream, cinema, ignore)
    else:
        counts, total, first_days = _import_in_python(batch, _checked(batch, raw, stream, cinema),
                                                      ignore_held_ids=ignore)
    # Known only once every record was read (JSON is streamed).
    batch.warnings = raw.warnings
    if total == 0:
        raise FileRejected("The batch is empty: it has a header but no records.")
    if held_ids is not None:
        total = _resolve_held(batch, held_ids, counts, total)
    _finish_batch(batch, counts, total, first_days, actor)


def _resolve_held(batch: ImportBatch, held_ids: list[int], counts: dict, total: int) -> int:
    """Each released held record gets its outcome in this batch; those still held stay with the batch that
    brought them. Returns the batch's total (the records it resolved)."""
    judged = {r.position: r for r in batch.records.all()}  # every record not accepted
    originals = BatchRecord.objects.in_bulk(held_ids)
    now = timezone.now()
    resolved = []
    for index, held_id in enumerate(held_ids):
        h, r = originals[held_id], judged.get(index)
        if r is not None and r.outcome == Outcome.HELD:
            continue
        h.resolved_at = now
        if r is None:
            h.resolved_outcome, h.resolved_code, h.resolved_params = (
                Outcome.ACCEPTED, rulebook.APPLIED_IN_BATCH.code, {"batch": batch.pk})
        else:
            h.resolved_outcome, h.resolved_code, h.resolved_params = r.outcome, r.reason_code, r.reason_params
        resolved.append(h)
    if not resolved:
        raise NothingReleased
    BatchRecord.objects.bulk_update(resolved, ["resolved_at", "resolved_outcome", "resolved_code", "resolved_params"])
    batch.records.filter(outcome=Outcome.HELD).delete()
    still_held = counts.get(Outcome.HELD, 0)
    counts[Outcome.HELD] = 0
    return total - still_held


def use_copy_path() -> bool:
    """PostgreSQL takes the COPY path unless settings say otherwise; SQLite always the plain one."""
    return connection.vendor == "postgresql" and settings.SALES_IMPORT_PATH != "python"


CheckedRecord = tuple[int, object, SalesRecord | RowError]


def _checked(batch: ImportBatch, raw, stream: BinaryIO | None, cinema: Cinema | None) -> Iterator[CheckedRecord]:
    """Every record in file order with its field-level verdict; the one definition both paths share.

    Streams (constant memory), reports progress outside the transaction (read from `stream`'s position; none
    without one: the second half's reader of parts.py), and refuses the whole batch when API credentials meet
    another cinema's record.
    """
    progress = ProgressReporter(batch.pk, batch.size_bytes, stream) if stream is not None else _NO_PROGRESS
    for position, record in raw.records:
        try:
            verdict: SalesRecord | RowError = clean_record(position, record)
        except RowError as exc:
            verdict = exc
        else:
            if cinema is not None and verdict.cinema_code != cinema.code:
                raise ForeignCinemaRecord.at(raw.encoding, position, verdict.cinema_code, cinema.code)
        progress.tick()
        yield position, record, verdict
    progress.done_reading()


class _NoProgress:
    def tick(self):
        pass

    def done_reading(self):
        pass


_NO_PROGRESS = _NoProgress()


def _import_copied(batch: ImportBatch, raw, stream: BinaryIO, cinema: Cinema | None, ignore: set[int]):
    """The COPY path: a large plain CSV file read in two processes (boxoffice/parts.py), anything else — or a
    file whose halves could not be read so — in this one."""
    from .copypath import import_checked_in_two, import_checked_records

    halves = parts.split(stream, raw.table, batch.size_bytes) if raw.encoding == "csv" else None
    if halves is not None:
        raw.table.let_go()  # its reader would close the file when collected
        first, where = parts.part_records(stream, raw.table, halves[0], shown_end=batch.size_bytes)

        def second():
            return _checked(batch, RawRecords("csv", [], parts.part_records(stream, raw.table, halves[1])[0]),
                            None, cinema)

        try:
            with transaction.atomic():
                return import_checked_in_two(batch, _checked(batch, RawRecords("csv", [], first), where, cinema),
                                             second, ignore_held_ids=ignore), raw
        except parts.PartFailed as exc:
            log.info("sales batch %s is read in one process: %s", batch.pk, exc)
            stream.seek(0)
            raw = read_records(stream)
    return import_checked_records(batch, _checked(batch, raw, stream, cinema), ignore_held_ids=ignore), raw


def rejected_record(batch: ImportBatch, position: int, record, exc: RowError) -> BatchRecord:
    """The batch-report row of a record that failed its field checks."""
    as_dict = isinstance(record, dict)
    code, params, text = ((exc.rule.code, exc.params, "") if isinstance(exc, rulebook.RuleError)
                          else ("", {}, exc.reason))
    return BatchRecord(batch=batch, position=position, outcome=Outcome.REJECTED, field=exc.field,
                       reason_code=code, reason_params=params, reason_text=text, data=raw_as_text(record),
                       cinema_code=text_of(record.get("cinema_code", ""), 64) if as_dict else "",
                       transaction_id=text_of(record.get("transaction_id", ""), 200) if as_dict else "")


def _import_in_python(batch: ImportBatch, checked: Iterator[CheckedRecord], *,
                      ignore_held_ids: set[int] = frozenset()) -> tuple[dict, int, dict]:
    """The plain path (SQLite, or SALES_IMPORT_PATH=python): judge in memory, store with the ORM."""
    valid: list[SalesRecord] = []
    invalid: list[BatchRecord] = []
    raws: dict[int, dict] = {}
    for position, record, verdict in checked:
        if isinstance(verdict, RowError):
            invalid.append(rejected_record(batch, position, record, verdict))
        else:
            valid.append(verdict)
            raws[position] = record
    total = len(valid) + len(invalid)
    if total == 0:
        return {}, 0, {}
    reg = RegisterView.load(valid)
    decisions = SalesJudge(valid, reg, ignore_held_ids=ignore_held_ids, encoding=batch.encoding).judge()
    first_days = store_accepted(batch, decisions, reg)
    for d in decisions:
        if d.outcome != Outcome.ACCEPTED:
            r = d.record
            invalid.append(BatchRecord(batch=batch, position=r.position, outcome=d.outcome, field=d.field,
                                       reason_code=d.code, reason_params=d.params, cinema_code=r.cinema_code,
                                       transaction_id=r.transaction_id, content_hash=r.content_hash,
                                       data=raw_as_text(raws[r.position])))
    hold_references(ImportBatch, [batch.pk])
    BatchRecord.objects.bulk_create(invalid, batch_size=1000)
    counts = {o: 0 for o in Outcome.values}
    for d in decisions:
        counts[d.outcome] += 1
    counts[Outcome.REJECTED] += total - len(valid)
    return counts, total, first_days


def _finish_batch(batch: ImportBatch, counts: dict, total: int, first_days: dict, actor: Actor):
    if first_days:
        mark_released_by_sales(first_screening_days=first_days, actor=actor,
                               reason=f"first ticket sales reported (batch {batch.pk})")
    now = timezone.now()
    batch.total = total
    batch.accepted = counts[Outcome.ACCEPTED]
    batch.duplicate = counts[Outcome.DUPLICATE]
    batch.rejected = counts[Outcome.REJECTED]
    batch.held = counts[Outcome.HELD]
    batch.progress = total
    batch.status = BatchStatus.PROCESSED
    batch.processed_at = now
    film_ids = sorted(first_days)
    if film_ids:
        batch.recompute_requested_at = now
    batch.save()
    if film_ids:
        # In the batch's own transaction: the batch cannot commit without its recompute request.
        request_recompute(film_ids=film_ids, reason=RecomputeReason.SALES, batch_id=batch.pk,
                          detail=f"sales batch {batch.pk}")


def films_touched_by(batch: ImportBatch) -> list[int]:
    return sorted(set(batch.transactions.values_list("film_id", flat=True)))


# --- held records -----------------------------------------------------------------------------------

def release_held_after_registration(*, film_codes: list[str] | None = None, cinema_code: str | None = None):
    """Apply the held records a new film or screen unblocks (ticket-sales.md: never lost)."""
    held = BatchRecord.objects.filter(outcome=Outcome.HELD, resolved_at__isnull=True)
    if film_codes is not None:
        held = held.filter(data__film_code__in=film_codes)
    if cinema_code is not None:
        held = held.filter(cinema_code=cinema_code)
    if not held.exists():
        return None
    return release_held_records(actor=Actor(label="held records released on registration"))


def release_held_records(*, actor: Actor) -> ImportBatch | None:
    """Judge every open held record again, in the order received, as a batch like any other.

    The held records, as received, become a ticket-sales/1 JSON batch (source "held") that goes through the
    same lifecycle as every submission — size limit, batch lock, interrupted marking, the engine of the
    database — and each is resolved by its outcome there. Returns the batch, or None when nothing could be
    applied (then no batch is left behind). Over the size limit, the records are released in several batches.
    """
    held = list(BatchRecord.objects.filter(outcome=Outcome.HELD, resolved_at__isnull=True)
                .order_by("batch_id", "position").values_list("pk", "data"))
    if not held:
        return None
    released = None
    for ids, body in _held_bodies(held, settings.SALES_MAX_UPLOAD_BYTES):
        stream = io.BytesIO(body)
        batch = receive_sales_batch(stream=stream, source=BatchSource.HELD, actor=actor,
                                    filename="held records released")
        released = process_sales_batch(batch=batch, stream=stream, actor=actor, held_ids=ids) or released
    return released


def _held_bodies(held: list[tuple[int, dict]], limit: int) -> Iterator[tuple[list[int], bytes]]:
    """The held records as ticket-sales/1 JSON bodies, each under the size limit, in the order received."""
    head, tail = b'{"format": "ticket-sales/1", "transactions": [', b"]}"
    ids: list[int] = []
    parts: list[bytes] = []
    size = len(head) + len(tail)
    for pk, data in held:
        part = json.dumps(data, ensure_ascii=False).encode()
        if parts and size + len(part) + 1 > limit:
            yield ids, head + b",".join(parts) + tail
            ids, parts, size = [], [], len(head) + len(tail)
        ids.append(pk)
        parts.append(part)
        size += len(part) + 1
    if parts:
        yield ids, head + b",".join(parts) + tail
