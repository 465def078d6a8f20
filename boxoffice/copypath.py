"""The PostgreSQL path of a sales batch: COPY into a staging table, judge set-based, INSERT … SELECT.

The records stream from the file through the same field checks as the plain path (records.clean_record, the
one definition of a well-formed record) straight into a TEMP table with psycopg 3's `cursor.copy()`; nothing
grows with the file in Python. Judging against the registers, the stored history and the batch itself is
done in SQL over the whole staging table, and reproduces SalesJudge's file-order outcomes exactly (the
parity tests run the same cases through both paths). Like SalesJudge it names every outcome through the
rulebook (boxoffice/rulebook.py, `Reason.sql`): a record's outcome, field, reason code and parameters come
from there, and no text is written here — it is rendered when shown, in the reader's language.

* copies already stored or held → duplicate / conflict;
* within the batch, the first occurrence of a key is judged; later ones are duplicates of it (or conflicts)
  if it was accepted or held — and judged afresh if it was rejected, which is the one order-dependent
  case: it is resolved in rounds, each settling every record up to the first such rejection;
* refunds are checked against their sale in file order; a refund that would push the total over the sale
  is rejected and does not count, so the running totals are recomputed after each such rejection (rounds
  again, one per over-refund of the same sale).

Everything runs in the caller's transaction: a killed process leaves nothing behind.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection
from psycopg import sql

from films.importing import RowError
from films.models import Film

from . import parts, rulebook
from .choices import AnomalyKind, Outcome, TransactionKind
from .models import (
    Anomaly,
    BatchRecord,
    Cinema,
    DailySales,
    ImportBatch,
    Screen,
    ScreenDaySales,
    Screening,
    TicketTransaction,
)
from .records import SalesRecord, raw_json, text_of
from .rulebook import LATE_SALE, LOW_PRICE_SHARE
from .storing import cinema_median_prices, hold_references, screening_day

STAGING_COLUMNS = [
    ("pos", "integer NOT NULL"),
    # The record as received, as JSON text: parsed as jsonb only for the records that go into the batch
    # report (those not accepted), not for every record on its way in.
    ("raw", "text NOT NULL"),
    ("outcome", "text"),
    ("field", "text"),
    ("code", "text"),  # the rulebook's reason (boxoffice/rulebook.py) …
    ("params", "jsonb"),  # … and its parameters; NULL for accepted records
    ("reason_text", "text"),  # a field error worded outside the rulebook (films.tabular), kept as worded
    ("cinema_code", "text"),
    ("transaction_id", "text"),
    ("kind", "text"),
    ("refund_of", "text"),
    ("sold_at", "timestamptz"),
    ("screening_start", "timestamptz"),
    ("sold_at_iso", "text"),  # as the sender wrote it (with its offset), for messages
    ("start_iso", "text"),
    ("day", "date"),  # the screening's day in the tracker's time zone (storing.screening_day)
    ("screen", "text"),
    ("film_code", "text"),
    ("tickets", "integer"),
    ("amount", "numeric(20,2)"),
    ("currency", "text"),
    ("screening_format", "text"),
    ("screening_language", "text"),
    ("content_hash", "text"),
    ("cinema_id", "bigint"),
    ("screen_id", "bigint"),
    ("film_id", "bigint"),
]
log = logging.getLogger(__name__)


def _case(branches: list[tuple[str, dict]], otherwise: dict | None = None) -> dict[str, sql.Composable]:
    """One CASE expression per part of a verdict (outcome, field, code, params): a branch per condition,
    each naming a rulebook reason through `Reason.sql`."""
    parts = {}
    for part in ("outcome", "field", "code", "params"):
        whens = sql.SQL(" ").join(
            sql.SQL("WHEN {} THEN {}").format(sql.SQL(condition), verdict[part]) for condition, verdict in branches)
        parts[part] = sql.SQL("CASE {} ELSE {} END").format(
            whens, otherwise[part] if otherwise else sql.SQL("NULL"))
    return parts


ACCEPTED = {"outcome": sql.Literal(Outcome.ACCEPTED), "field": sql.Literal(""), "code": sql.Literal(""),
            "params": sql.SQL("NULL::jsonb")}


def _at(encoding: str, expr: str) -> str:
    """A position as the rulebook's `at` parameter: {"line": n} for CSV, {"index": n} for JSON."""
    unit = "index" if encoding == "json" else "line"
    return f"jsonb_build_object('{unit}', {expr})"


def _t(model) -> sql.Identifier:
    return sql.Identifier(model._meta.db_table)


# Every statement is composed with psycopg.sql; table names come from the models, values are parameters.
NAMES = {
    "st": sql.Identifier("sales_staging"),
    "heads": sql.Identifier("sales_heads"),
    "verdict": sql.Identifier("sales_verdict"),
    "rf": sql.Identifier("sales_refunds"),
    "bs": sql.Identifier("sales_screenings"),
    "tx": _t(TicketTransaction),
    "screening": _t(Screening),
    "record": _t(BatchRecord),
    "film": _t(Film),
    "daily": _t(DailySales),
    "screenday": _t(ScreenDaySales),
    "anomaly": _t(Anomaly),
    # The staging columns the statements join, filter or group on: statistics on these are what the planner
    # needs, and sampling only these skips the record texts and messages.
    "judged": sql.SQL("({})").format(
        sql.SQL(", ").join(
            sql.Identifier(c)
            for c in ("outcome", "cinema_id", "transaction_id", "kind", "refund_of", "screen_id",
                      "screening_start", "film_id", "day")
        )
    ),
}


class _TimedCursor:
    """Logs each statement's duration at DEBUG: where a slow batch spends its time."""

    def __init__(self, cur):
        self._cur = cur

    def execute(self, query, params=None):
        started = time.perf_counter()
        self._cur.execute(query, params)
        if log.isEnabledFor(logging.DEBUG):
            text = query.as_string(self._cur) if hasattr(query, "as_string") else str(query)
            log.debug(
                "%.3f s, %s rows: %s",
                time.perf_counter() - started,
                self._cur.rowcount,
                " ".join(text.split())[:120],
            )

    def __getattr__(self, name):
        return getattr(self._cur, name)


def _q(template: str) -> sql.Composed:
    return sql.SQL(template).format(**NAMES)


class _Registers:
    """Codes → ids of cinemas, screens and films; the registers, not the history, so small."""

    def __init__(self):
        self.cinemas = dict(Cinema.objects.values_list("code", "id"))
        self.screens = {
            (c, n): (i, seats)
            for i, c, n, seats in Screen.objects.values_list("id", "cinema_id", "name", "seats")
        }
        self.films = dict(Film.objects.values_list("code", "id"))


# COPY's text format: a field is NULL as \N, and backslash, tab, newline and carriage return inside a value are
# escaped; every other character (the connection speaks UTF-8) goes as it is.
NULL = "\\N"
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: str) -> str:
    """A text value as one field of a COPY text line (the inverse of what the server does on input)."""
    return value.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(value) else value


def _rows(checked: Iterator, reg: _Registers, counter: list[int]) -> Iterator[str]:
    """Staging rows as COPY text lines, one per record, in file order; field errors and unknown cinemas are
    decided here.

    Written as text rather than through `copy.write_row`: that adapts ~25 Python values a record one by one,
    and the values here are texts already, or numbers and instants whose text we have in hand. An instant goes
    as its ISO text with offset (what psycopg itself sends for a datetime: the server reads the same instant),
    an amount as str(Decimal) (likewise).
    """
    for position, record, verdict in checked:
        counter[0] += 1
        raw = raw_json(record).replace("\\", "\\\\")  # JSON text holds no tab or line break, only \
        if isinstance(verdict, RowError):
            as_dict = isinstance(record, dict)
            if isinstance(verdict, rulebook.RuleError):
                named = (verdict.rule.code, copy_text(json.dumps(verdict.params, ensure_ascii=False)), NULL)
            else:
                named = ("", NULL, copy_text(verdict.reason))
            yield "\t".join((
                str(position),
                raw,
                Outcome.REJECTED,
                copy_text(verdict.field),
                *named,
                copy_text(text_of(record.get("cinema_code", ""), 64)) if as_dict else "",
                copy_text(text_of(record.get("transaction_id", ""), 200)) if as_dict else "",
                *_NULLS_AFTER_REJECTION,
            )) + "\n"
            continue
        r: SalesRecord = verdict
        # Validated already: the cinema code, kind, currency, format, language and hash hold none of the
        # characters COPY escapes; these four may (a transaction id a backslash, a screen name even a tab).
        tx_id, refund_of, screen, film = r.transaction_id, r.refund_of, r.screen, r.film_code
        if _COPY_SPECIAL.search(tx_id + refund_of + screen + film):
            tx_id, refund_of, screen, film = map(copy_text, (tx_id, refund_of, screen, film))
        cinema_id = reg.cinemas.get(r.cinema_code)
        if cinema_id is None:
            outcome, field, code, params = rulebook.CINEMA_UNKNOWN.verdict(cinema=r.cinema_code)
            judged = (outcome, field, code, json.dumps(params), NULL)
            ids = (NULL, NULL, NULL)
        else:
            judged = (NULL, NULL, NULL, NULL, NULL)
            screen_id = reg.screens.get((cinema_id, r.screen), (None,))[0]
            film_id = reg.films.get(r.film_code)
            ids = (str(cinema_id), NULL if screen_id is None else str(screen_id),
                   NULL if film_id is None else str(film_id))
        sold_at, start = r.sold_at.isoformat(), r.screening_start.isoformat()
        yield "\t".join((
            str(position),
            raw,
            *judged,
            r.cinema_code,
            tx_id,
            r.kind,
            refund_of,
            sold_at,  # sold_at (timestamptz) …
            start,
            sold_at,  # … and sold_at_iso, the same text
            start,
            str(screening_day(r.screening_start)),
            screen,
            film,
            str(r.tickets),
            str(r.amount),
            r.currency,
            r.screening_format,
            r.screening_language,
            r.content_hash,
            *ids,
        )) + "\n"


_NULLS_AFTER_REJECTION = (NULL,) * 18  # the columns after transaction_id
COPY_LINES_PER_WRITE = 1000
_COPY_STAGING = sql.SQL("COPY {st} ({cols}) FROM STDIN").format(
    st=NAMES["st"], cols=sql.SQL(", ").join(sql.Identifier(n) for n, _ in STAGING_COLUMNS))


TEMP_BUFFERS = "256MB"


def _enlarge_temp_buffers(cur):
    """The staging tables of a national-scale batch are hundreds of MB; with the default 8 MB of
    temp_buffers every statement over them goes through the OS page by page. The buffers are allocated only
    as used, and the setting can only be changed before the session first touches a temp table (later it
    is refused: keep what the session has)."""
    cur.execute(
        sql.SQL(
            "DO $$ BEGIN PERFORM set_config('temp_buffers', {size}, false); "
            "EXCEPTION WHEN invalid_parameter_value THEN NULL; END $$"
        ).format(size=sql.Literal(TEMP_BUFFERS))
    )


def import_checked_records(batch: ImportBatch, checked: Iterator, *,
                           ignore_held_ids: set[int] = frozenset()) -> tuple[dict, int, dict]:
    """Stage, judge and store one batch; returns (counts by outcome, total, {film id: first day shown}).

    `ignore_held_ids`: held records being released in this batch, which are not earlier copies of themselves.
    """
    with _staging_cursor() as cur:
        _create_staging(cur)
        registers = _Registers()  # before COPY starts: the connection serves nothing else during it
        counter = [0]
        started = time.perf_counter()
        with cur.copy(_COPY_STAGING) as copy:
            for data in parts.encoded(_rows(checked, registers, counter), COPY_LINES_PER_WRITE):
                copy.write(data)
        # The COPY is where reading, checking and sending every record happens (its Python included).
        log.debug("%.3f s, %s rows: reading, checking and COPYing the records", time.perf_counter() - started,
                  counter[0])
        return _judge_and_store(cur, batch, counter[0], ignore_held_ids)


def import_checked_in_two(batch: ImportBatch, own: Iterator, other: Callable[[], Iterator], *,
                          ignore_held_ids: set[int] = frozenset()) -> tuple[dict, int, dict]:
    """import_checked_records for a file read in two processes (boxoffice/parts.py): `own` the first half's
    checked records, `other()` the second's, made in a forked child. Raises parts.PartFailed when the halves
    could not be read so (the caller's savepoint then drops what was staged)."""
    with _staging_cursor() as cur:
        _create_staging(cur)
        registers, counter = _Registers(), [0]
        started = time.perf_counter()
        with cur.copy(_COPY_STAGING) as copy:
            received = parts.copy_lines_in_two(copy.write, _rows(own, registers, counter),
                                               lambda: _rows(other(), registers, [0]), COPY_LINES_PER_WRITE)
        total = counter[0] + received
        log.debug("%.3f s, %s rows: reading, checking and COPYing the records in two processes",
                  time.perf_counter() - started, total)
        return _judge_and_store(cur, batch, total, ignore_held_ids)


@contextmanager
def _staging_cursor():
    """A cursor on the connection's own psycopg connection (COPY), logging its statements' durations."""
    connection.ensure_connection()
    with connection.connection.cursor() as raw_cursor:
        yield _TimedCursor(raw_cursor)


def _create_staging(cur):
    _enlarge_temp_buffers(cur)
    for name in ("st", "heads", "verdict", "rf", "bs"):
        # ON COMMIT DROP is enough in production; several imports may share an outer transaction (tests).
        cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(NAMES[name]))
    cur.execute(
        # Half-empty pages: judging sets every row's outcome once, and with room on its page the new
        # row version is a HOT update (no new index entry, no page elsewhere to dirty).
        sql.SQL("CREATE TEMP TABLE {st} ({cols}) WITH (fillfactor = 50) ON COMMIT DROP").format(
            st=NAMES["st"],
            cols=sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind))
                for name, kind in STAGING_COLUMNS
            ),
        )
    )


def _judge_and_store(cur, batch: ImportBatch, total: int, ignore_held_ids) -> tuple[dict, int, dict]:
    if total == 0:
        return {}, 0, {}
    cur.execute(_q("CREATE INDEX ON {st} (cinema_id, transaction_id, pos)"))
    cur.execute(_q("ANALYZE {st} {judged}"))
    _judge(cur, batch.encoding, sorted(ignore_held_ids))
    # Temp tables are never auto-analysed; without fresh statistics the planner picks nested loops. Judging
    # changed only the outcomes (and messages): the other columns' statistics are still those above.
    cur.execute(_q("ANALYZE {st} (outcome)"))
    first_days = _store(cur, batch)
    cur.execute(_q("SELECT outcome, count(*) FROM {st} GROUP BY outcome"))
    counts = {o: 0 for o in Outcome.values}
    counts.update(dict(cur.fetchall()))
    return counts, total, first_days


# --- judging ----------------------------------------------------------------------------------------


def _judge(cur, encoding: str, ignore_held: list[int]):
    _against_history(cur, ignore_held)
    _within_batch(cur, encoding)
    _refunds(cur, ignore_held)


def _against_history(cur, ignore_held: list[int]):
    """A key already stored, or received earlier and held, makes a duplicate (same content) or a conflict."""
    for source, key, same, other in (
        (_q("SELECT cinema_id, transaction_id, content_hash FROM {tx}"), "cinema_id",
         rulebook.DUPLICATE_STORED, rulebook.CONFLICT_STORED),
        (
            _q(
                "SELECT DISTINCT ON (cinema_code, transaction_id) cinema_code, transaction_id, content_hash "
                "FROM {record} WHERE outcome = 'held' AND resolved_at IS NULL AND id <> ALL(%(ignore)s) "
                "ORDER BY cinema_code, transaction_id, id DESC"
            ),
            "cinema_code",
            rulebook.DUPLICATE_HELD, rulebook.CONFLICT_HELD,
        ),
    ):
        verdict = _case([("o.content_hash = s.content_hash", same.sql(tx="s.transaction_id"))],
                        other.sql(tx="s.transaction_id"))
        cur.execute(
            sql.SQL("""
            UPDATE {st} s SET outcome = {outcome}, field = {field}, code = {code}, params = {params}
            FROM ({source}) o
            WHERE s.outcome IS NULL AND o.transaction_id = s.transaction_id AND o.{key} = s.{key}
        """).format(st=NAMES["st"], source=source, key=sql.Identifier(key), **verdict),
            {"ignore": ignore_held},
        )


# The film each screening of the judged records shows: the stored one, else that of its first record (in file
# order) accepted so far or judged now ({heads}: the records judged now).
_SHOWS = """
    candidates AS (
      SELECT pos, screen_id, screening_start, film_id FROM {heads}
      WHERE screen_id IS NOT NULL AND film_id IS NOT NULL
      UNION ALL
      SELECT pos, screen_id, screening_start, film_id FROM {st} WHERE outcome = 'accepted'
    ), first_film AS (
      SELECT DISTINCT ON (screen_id, screening_start) screen_id, screening_start, film_id
      FROM candidates ORDER BY screen_id, screening_start, pos
    ), shows AS (
      SELECT f.screen_id, f.screening_start, COALESCE(sc.film_id, f.film_id) AS film_id
      FROM first_film f
      LEFT JOIN {screening} sc ON sc.screen_id = f.screen_id AND sc.starts_at = f.screening_start
    )
"""


def _verdicts(shown: str) -> list[tuple[str, dict]]:
    """A judged record `h`'s verdict, the film its screening shows being `shown`.code (f.code)."""
    return [
        ("h.screen_id IS NULL", rulebook.SCREEN_UNREGISTERED.sql(screen="h.screen", cinema="h.cinema_code")),
        ("h.film_id IS NULL", rulebook.FILM_UNREGISTERED.sql(film="h.film_code")),
        (f"{shown}.film_id <> h.film_id", rulebook.SCREENING_OTHER_FILM.sql(
            screen="h.screen", start="h.start_iso", shown="f.code", film="h.film_code")),
    ]


def _within_batch(cur, encoding: str):
    """File order within the batch: the first occurrence of each key decides; see the module docstring."""
    while True:
        if not _keys_repeat(cur):
            _judge_unrepeated(cur)
            return
        cur.execute(_q("DROP TABLE IF EXISTS {heads}; DROP TABLE IF EXISTS {verdict}"))
        cur.execute(
            _q("""
            CREATE TEMP TABLE {heads} ON COMMIT DROP AS
            SELECT DISTINCT ON (cinema_id, transaction_id) pos, cinema_id, transaction_id, content_hash,
                   screen_id,
                   film_id, screening_start, screen, film_code, cinema_code, start_iso,
                   -- Ordered by pos (the frame still the whole key) so that one sort serves both the
                   -- window and DISTINCT ON.
                   count(*) OVER (PARTITION BY cinema_id, transaction_id ORDER BY pos
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS copies
            FROM {st} WHERE outcome IS NULL
            ORDER BY cinema_id, transaction_id, pos
        """)
        )
        if cur.rowcount == 0:
            return
        cur.execute(
            sql.SQL("""
            CREATE TEMP TABLE {verdict} ON COMMIT DROP AS
            WITH {shows}
            SELECT h.pos, h.copies, {outcome} AS outcome, {field} AS field, {code} AS code, {params} AS params
            FROM {heads} h
            LEFT JOIN shows ON shows.screen_id = h.screen_id AND shows.screening_start = h.screening_start
            LEFT JOIN {film} f ON f.id = shows.film_id
        """).format(**NAMES, shows=_q(_SHOWS), **_case(_verdicts("shows"), ACCEPTED)),
            {},
        )
        # A rejected first occurrence lets the key's next occurrence be judged afresh, which may change the
        # film of a screening for every later record: settle everything up to the first such record only.
        cur.execute(_q("SELECT min(pos) FILTER (WHERE outcome = 'rejected' AND copies > 1), "
                       "bool_or(copies > 1) FROM {verdict}"))
        upto, repeated = cur.fetchone()
        cur.execute(
            _q("""
            UPDATE {st} s SET outcome = v.outcome, field = v.field, code = v.code, params = v.params
            FROM {verdict} v WHERE s.pos = v.pos AND v.pos <= %(upto)s
        """),
            {"upto": 2**31 - 1 if upto is None else upto},
        )
        if repeated:
            _later_copies(cur, encoding)
        if upto is None:
            # Every first occurrence is judged, and no rejected one has a later copy to judge afresh: the
            # later copies were all settled just now. No round is left (saves a pass over the staging table).
            return


def _keys_repeat(cur) -> bool:
    """Whether any key occurs more than once among the records not judged yet (the staging index answers)."""
    cur.execute(_q("""
        SELECT EXISTS (SELECT 1 FROM {st} WHERE outcome IS NULL
                       GROUP BY cinema_id, transaction_id HAVING count(*) > 1)
    """))
    return cur.fetchone()[0]


def _judge_unrepeated(cur):
    """The usual batch, every key once: each record not judged yet is its key's first occurrence, so no order
    between them matters but the screenings' first films, and the records are judged in place — no table of
    first occurrences, no table of verdicts (two passes over a national batch's million rows fewer).

    The records with an unregistered screen or film first (few); every other one has both, so its screening is
    among the shows."""
    for condition, verdict in _verdicts("s")[:2]:
        cur.execute(sql.SQL("""
            UPDATE {st} h SET outcome = {outcome}, field = {field}, code = {code}, params = {params}
            WHERE h.outcome IS NULL AND {condition}
        """).format(**NAMES, condition=sql.SQL(condition), **verdict))
    unjudged = {**NAMES, "heads": _q("(SELECT * FROM {st} WHERE outcome IS NULL) AS unjudged")}
    cur.execute(sql.SQL("""
        WITH {shows}
        UPDATE {st} h SET outcome = {outcome}, field = {field}, code = {code}, params = {params}
        FROM shows s JOIN {film} f ON f.id = s.film_id
        WHERE h.outcome IS NULL AND s.screen_id = h.screen_id AND s.screening_start = h.screening_start
    """).format(**NAMES, shows=sql.SQL(_SHOWS).format(**unjudged), **_case(_verdicts("s")[2:], ACCEPTED)))


def _later_copies(cur, encoding: str):
    """Later occurrences of a key whose first occurrence was accepted or held: duplicates or conflicts."""
    at = _at(encoding, "h.pos")
    verdict = _case([("first.content_hash = s.content_hash", rulebook.DUPLICATE_IN_BATCH.sql(tx="s.transaction_id",
                                                                                               at=at))],
                    rulebook.CONFLICT_IN_BATCH.sql(tx="s.transaction_id", at=at))
    cur.execute(
        sql.SQL("""
        UPDATE {st} s SET outcome = {outcome}, field = {field}, code = {code}, params = {params}
        FROM {heads} h JOIN {st} first ON first.pos = h.pos
        WHERE s.outcome IS NULL AND h.copies > 1 AND first.outcome IN ('accepted', 'held')
          AND s.cinema_id = h.cinema_id AND s.transaction_id = h.transaction_id AND s.pos > h.pos
    """).format(**NAMES, **verdict),
        {},
    )


def _refunds(cur, ignore_held: list[int]):
    """ticket-sales.md §3: a refund names an earlier sale of its cinema, is not dated before it, and the
    refunds of a sale never exceed its tickets or amount (checked in file order)."""
    cur.execute(
        _q("""
        CREATE TEMP TABLE {rf} ON COMMIT DROP AS
        SELECT r.pos, r.refund_of, r.cinema_code, r.tickets, r.amount, r.sold_at, r.sold_at_iso,
               r.screen_id, r.screening_start, r.film_id,
               COALESCE('b' || b.pos, 't' || t.id) AS sale_key, t.kind AS stored_kind,
               COALESCE(b.tickets, t.tickets) AS sale_tickets, COALESCE(b.amount, t.amount) AS sale_amount,
               COALESCE(b.sold_at, t.sold_at) AS sale_sold_at,
               COALESCE(b.sold_at_iso, to_char(t.sold_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
                 || CASE WHEN extract(microseconds FROM t.sold_at)::bigint %% 1000000 <> 0
                         THEN to_char(t.sold_at AT TIME ZONE 'UTC', '.US') ELSE '' END || '+00:00')
                 AS sale_sold_iso,
               COALESCE(b.screen_id, sc.screen_id) AS sale_screen_id,
               COALESCE(b.screening_start, sc.starts_at) AS sale_start,
               COALESCE(b.film_id, t.film_id) AS sale_film_id,
               COALESCE(prior.tickets, 0) AS base_tickets, COALESCE(prior.amount, 0) AS base_amount,
               (EXISTS (SELECT 1 FROM {st} h WHERE h.outcome = 'held' AND h.cinema_id = r.cinema_id
                                               AND h.transaction_id = r.refund_of)
                OR EXISTS (SELECT 1 FROM {record} h WHERE h.outcome = 'held' AND h.resolved_at IS NULL
                             AND h.cinema_code = r.cinema_code AND h.transaction_id = r.refund_of
                             AND h.id <> ALL(%(ignore)s)))
                 AS sale_held,
               true AS ok
        FROM {st} r
        LEFT JOIN {st} b ON b.outcome = 'accepted' AND b.kind = 'sale' AND b.cinema_id = r.cinema_id
                         AND b.transaction_id = r.refund_of
        LEFT JOIN {tx} t ON b.pos IS NULL AND t.cinema_id = r.cinema_id AND t.transaction_id = r.refund_of
        LEFT JOIN {screening} sc ON sc.id = t.screening_id
        LEFT JOIN LATERAL (SELECT sum(p.tickets) AS tickets, sum(p.amount) AS amount FROM {tx} p
                           WHERE p.refund_of_id = t.id) prior ON t.id IS NOT NULL
        WHERE r.outcome = 'accepted' AND r.kind = 'refund'
    """),
        {"ignore": ignore_held},
    )
    if cur.rowcount == 0:
        return
    cur.execute(
        sql.SQL("""
        WITH bad AS (
          SELECT pos, {outcome} AS outcome, {field} AS field, {code} AS code, {params} AS params
          FROM {rf}
          WHERE sale_key IS NULL OR stored_kind <> 'sale'
             OR (sale_screen_id, sale_start, sale_film_id) <> (screen_id, screening_start, film_id)
             OR sold_at < sale_sold_at
        ), marked AS (
          UPDATE {rf} SET ok = false FROM bad WHERE {rf}.pos = bad.pos
        )
        UPDATE {st} s SET outcome = bad.outcome, field = bad.field, code = bad.code, params = bad.params
        FROM bad WHERE s.pos = bad.pos
    """).format(**NAMES, **_case([
            ("sale_key IS NULL AND sale_held", rulebook.SALE_HELD.sql(sale="refund_of")),
            ("sale_key IS NULL", rulebook.NO_SALE.sql(sale="refund_of", cinema="cinema_code")),
            ("stored_kind <> 'sale'", rulebook.REFUND_OF_REFUND.sql(sale="refund_of")),
            ("(sale_screen_id, sale_start, sale_film_id) <> (screen_id, screening_start, film_id)",
             rulebook.REFUND_OTHER_SCREENING.sql(sale="refund_of")),
        ], rulebook.REFUND_BEFORE_SALE.sql(sold_at="sold_at_iso", sale_sold_at="sale_sold_iso"))),
        {},
    )
    # Running totals per sale in file order; the first refund that would exceed is rejected and no longer
    # counts, so the totals after it are computed again.
    over = _case([("o.total_tickets > o.sale_tickets", rulebook.REFUND_OVER_TICKETS.sql(
        sale="o.refund_of", total="o.total_tickets", sold="o.sale_tickets"))],
        rulebook.REFUND_OVER_AMOUNT.sql(sale="o.refund_of", total="o.total_amount::text", paid="o.sale_amount::text"))
    while True:
        cur.execute(
            sql.SQL("""
            WITH running AS (
              SELECT pos, refund_of, tickets, amount, sale_key, sale_tickets, sale_amount,
                base_tickets + sum(tickets) OVER w AS total_tickets,
                base_amount + sum(amount) OVER w AS total_amount
              FROM {rf} WHERE ok
              WINDOW w AS (PARTITION BY sale_key ORDER BY pos
                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
            ), first_over AS (
              SELECT DISTINCT ON (sale_key) * FROM running
              WHERE total_tickets > sale_tickets OR total_amount > sale_amount
              ORDER BY sale_key, pos
            ), marked AS (
              UPDATE {rf} SET ok = false FROM first_over o WHERE {rf}.pos = o.pos
            )
            UPDATE {st} s SET outcome = {outcome}, field = {field}, code = {code}, params = {params}
            FROM first_over o WHERE s.pos = o.pos
        """).format(**NAMES, **over),
            {},
        )
        if cur.rowcount == 0:
            return


# --- storing ----------------------------------------------------------------------------------------


def _store(cur, batch: ImportBatch) -> dict:
    params = {"batch": batch.pk}
    # Screenings: created with this batch's counters, or their counters increased — one statement.
    cur.execute(
        _q("""
        CREATE TEMP TABLE {bs} ON COMMIT DROP AS
        SELECT screen_id, screening_start, min(cinema_id) AS cinema_id, min(film_id) AS film_id,
          min(day) AS day,
          sum(CASE WHEN kind = 'sale' THEN tickets ELSE 0 END) AS sold,
          sum(CASE WHEN kind = 'sale' THEN tickets ELSE -tickets END) AS admissions,
          sum(CASE WHEN kind = 'sale' THEN amount ELSE -amount END) AS gross,
          bool_or(kind = 'sale') AS has_sales,
          NULL::bigint AS screening_id, NULL::integer AS sold_after
        FROM {st} WHERE outcome = 'accepted' GROUP BY screen_id, screening_start
    """)
    )
    if cur.rowcount == 0:
        _store_batch_records(cur, params)
        return {}
    cur.execute(_q("CREATE UNIQUE INDEX ON {bs} (screen_id, screening_start)"))
    cur.execute(_q("ANALYZE {bs}"))
    cur.execute(
        _q("""
        WITH up AS (
          INSERT INTO {screening} AS sc (cinema_id, screen_id, starts_at, film_id, tickets_sold, admissions,
                                         gross)
          SELECT cinema_id, screen_id, screening_start, film_id, sold, admissions, gross FROM {bs}
          ON CONFLICT (screen_id, starts_at) DO UPDATE SET
            tickets_sold = sc.tickets_sold + EXCLUDED.tickets_sold,
            admissions = sc.admissions + EXCLUDED.admissions,
            gross = sc.gross + EXCLUDED.gross
          RETURNING sc.id, sc.screen_id, sc.starts_at, sc.tickets_sold
        )
        UPDATE {bs} b SET screening_id = up.id, sold_after = up.tickets_sold
        FROM up WHERE b.screen_id = up.screen_id AND b.screening_start = up.starts_at
    """)
    )
    _hold_references(cur, batch)
    # Sales first, so that refunds of sales in this same batch find their ids. No ON CONFLICT: judging made every
    # accepted key new (against the stored tickets, under the import lock, and within the batch), so a conflict
    # here is a fault to stop the batch on — DO NOTHING would count a record accepted and store nothing — and
    # the speculative insertion it needs cost a third of this statement (8.4 → 6.0 s for 950,000 sales).
    insert_tx = """
        INSERT INTO {tx} (cinema_id, transaction_id, kind, refund_of_id, sold_at, screening_id, film_id,
                          tickets,
                          amount, currency, screening_format, screening_language, content_hash, batch_id)
        SELECT s.cinema_id, s.transaction_id, s.kind, {refund_of}, s.sold_at, b.screening_id, s.film_id,
               s.tickets, s.amount, s.currency, s.screening_format, s.screening_language, s.content_hash,
               %(batch)s
        FROM {st} s JOIN {bs} b ON b.screen_id = s.screen_id AND b.screening_start = s.screening_start
        {join}
        WHERE s.outcome = 'accepted' AND s.kind = %(kind)s
    """
    cur.execute(
        sql.SQL(insert_tx).format(refund_of=sql.SQL("NULL"), join=sql.SQL(""), **NAMES),
        {**params, "kind": TransactionKind.SALE},
    )
    cur.execute(
        sql.SQL(insert_tx).format(
            refund_of=sql.SQL("sale.id"),
            join=sql.SQL(
                "JOIN {tx} sale ON sale.cinema_id = s.cinema_id AND sale.transaction_id = s.refund_of"
            ).format(**NAMES),
            **NAMES,
        ),
        {**params, "kind": TransactionKind.REFUND},
    )
    # Daily summaries grow by this batch's figures (same transaction); a screening counts once, on its
    # first accepted sale.
    cur.execute(
        _q("""
        INSERT INTO {daily} AS d (film_id, cinema_id, day, admissions, gross, screenings, sales_count,
                                  last_sold_at)
        SELECT t.film_id, t.cinema_id, t.day, t.admissions, t.gross, COALESCE(n.screenings, 0), t.sales_count,
               t.last_sold_at
        FROM (
          SELECT film_id, cinema_id, day,
            sum(CASE WHEN kind = 'sale' THEN tickets ELSE -tickets END) AS admissions,
            sum(CASE WHEN kind = 'sale' THEN amount ELSE -amount END) AS gross,
            count(*) FILTER (WHERE kind = 'sale') AS sales_count,
            max(sold_at) FILTER (WHERE kind = 'sale') AS last_sold_at
          FROM {st} WHERE outcome = 'accepted' GROUP BY film_id, cinema_id, day
        ) t LEFT JOIN (
          SELECT film_id, cinema_id, day, count(*) AS screenings FROM {bs}
          WHERE sold_after > 0 AND sold_after = sold GROUP BY film_id, cinema_id, day
        ) n USING (film_id, cinema_id, day)
        ON CONFLICT (film_id, cinema_id, day) DO UPDATE SET
          admissions = d.admissions + EXCLUDED.admissions,
          gross = d.gross + EXCLUDED.gross,
          screenings = d.screenings + EXCLUDED.screenings,
          sales_count = d.sales_count + EXCLUDED.sales_count,
          last_sold_at = GREATEST(d.last_sold_at, EXCLUDED.last_sold_at)
    """)
    )
    # The market view's film × screen × day × format summary, likewise.
    cur.execute(
        _q("""
        INSERT INTO {screenday} AS d (film_id, screen_id, day, screening_format, admissions, gross, sales_count)
        SELECT s.film_id, s.screen_id, s.day, f.fmt,
          sum(CASE WHEN s.kind = 'sale' THEN s.tickets ELSE -s.tickets END),
          sum(CASE WHEN s.kind = 'sale' THEN s.amount ELSE -s.amount END),
          count(*) FILTER (WHERE s.kind = 'sale')
        FROM {st} s
        LEFT JOIN {tx} sale ON s.kind = 'refund' AND sale.cinema_id = s.cinema_id
                           AND sale.transaction_id = s.refund_of
        -- a refund counts under its sale's format (refunds often name none)
        CROSS JOIN LATERAL (SELECT COALESCE(CASE WHEN s.kind = 'refund' THEN sale.screening_format
                                                 ELSE s.screening_format END, '') AS fmt) f
        WHERE s.outcome = 'accepted' GROUP BY s.film_id, s.screen_id, s.day, f.fmt
        ON CONFLICT (film_id, screen_id, day, screening_format) DO UPDATE SET
          admissions = d.admissions + EXCLUDED.admissions,
          gross = d.gross + EXCLUDED.gross,
          sales_count = d.sales_count + EXCLUDED.sales_count
    """)
    )
    _flag_anomalies(cur, params)
    _store_batch_records(cur, params)
    cur.execute(
        _q("""
        SELECT film_id, COALESCE(min(day) FILTER (WHERE kind = 'sale'), min(day))
        FROM {st} WHERE outcome = 'accepted' GROUP BY film_id
    """)
    )
    return dict(cur.fetchall())


def _hold_references(cur, batch: ImportBatch):
    """The rows the batch's tickets will refer to, locked and checked once each (storing.hold_references):
    the ticket table's foreign keys are not checked row by row by the database."""
    cur.execute(_q("""
        SELECT array_agg(DISTINCT cinema_id), array_agg(DISTINCT film_id) FROM {st} WHERE outcome = 'accepted'
    """))
    cinemas, films = cur.fetchone()
    cur.execute(_q("SELECT array_agg(screening_id) FROM {bs}"))
    screenings = cur.fetchone()[0]
    cur.execute(_q("""
        SELECT array_agg(DISTINCT t.id) FROM {st} s
        JOIN {tx} t ON t.cinema_id = s.cinema_id AND t.transaction_id = s.refund_of
        WHERE s.outcome = 'accepted' AND s.kind = 'refund'
    """))
    sales = cur.fetchone()[0]
    for model, ids in ((Cinema, cinemas), (Film, films), (Screening, screenings), (ImportBatch, [batch.pk]),
                       (TicketTransaction, sales)):
        hold_references(model, ids or ())


def _flag_anomalies(cur, params: dict):
    """ticket-sales.md §7, the same rules as storing._flag_anomalies, applied to the whole batch at once."""
    anomaly = """
        INSERT INTO {anomaly} (kind, batch_id, screening_id, transaction_id, params, detail, flagged_at)
        {select}
        ON CONFLICT DO NOTHING
    """
    per_sale = """
        SELECT %(kind)s, %(batch)s, t.screening_id, t.id, {detail}, '', now()
        FROM {st} s JOIN {tx} t ON t.cinema_id = s.cinema_id AND t.transaction_id = s.transaction_id
        WHERE s.outcome = 'accepted' AND s.kind = 'sale' AND {condition}
    """
    for kind, condition, detail in (
        (
            AnomalyKind.LATE_SALE,
            "s.sold_at - s.screening_start > %(late)s",
            rulebook.anomaly_sql(AnomalyKind.LATE_SALE, sale="s.cinema_code || '/' || s.transaction_id",
                                 sold_at="s.sold_at_iso", hours="%(hours)s"),
        ),
        (
            AnomalyKind.ZERO_AMOUNT,
            "s.amount = 0",
            rulebook.anomaly_sql(AnomalyKind.ZERO_AMOUNT, sale="s.cinema_code || '/' || s.transaction_id",
                                 tickets="s.tickets"),
        ),
    ):
        select = sql.SQL(per_sale).format(detail=detail, condition=sql.SQL(condition), **NAMES)
        cur.execute(
            sql.SQL(anomaly).format(select=select, **NAMES),
            {**params, "kind": kind, "late": LATE_SALE, "hours": rulebook.LATE_SALE_HOURS},
        )
    cur.execute(
        sql.SQL("""
        INSERT INTO {anomaly} (kind, batch_id, screening_id, transaction_id, params, detail, flagged_at)
        SELECT 'over_capacity', %(batch)s, b.screening_id, NULL, {detail}, '', now()
        FROM {bs} b JOIN boxoffice_screen sc ON sc.id = b.screen_id
        WHERE b.has_sales AND b.sold_after > sc.seats
        ON CONFLICT DO NOTHING
    """).format(**NAMES, detail=rulebook.anomaly_sql(
            AnomalyKind.OVER_CAPACITY, sold="b.sold_after", screen="sc.name", seats="sc.seats",
            start="""to_char(b.screening_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS+00:00')""")),
        params,
    )
    cur.execute(_q("SELECT DISTINCT cinema_id FROM {bs} WHERE has_sales"))
    medians = cinema_median_prices({row[0] for row in cur.fetchall()})
    if medians:
        cur.execute(
            sql.SQL("""
            INSERT INTO {anomaly} (kind, batch_id, screening_id, transaction_id, params, detail, flagged_at)
            SELECT 'low_price', %(batch)s, sc.id, NULL, {detail}, '', now()
            FROM {bs} b JOIN {screening} sc ON sc.id = b.screening_id
            JOIN unnest(%(cinemas)s::bigint[], %(medians)s::numeric[]) AS m(cinema_id, median)
              ON m.cinema_id = sc.cinema_id
            WHERE b.has_sales AND sc.tickets_sold > 0 AND sc.gross > 0
              AND sc.gross / sc.tickets_sold < m.median * %(share)s
            ON CONFLICT DO NOTHING
        """).format(**NAMES, detail=rulebook.anomaly_sql(
                AnomalyKind.LOW_PRICE, price="round(sc.gross / sc.tickets_sold, 2)::text", share="%(percent)s",
                median="round(m.median, 2)::text")),
            {**params, "cinemas": list(medians), "medians": list(medians.values()), "share": LOW_PRICE_SHARE,
             "percent": rulebook.LOW_PRICE_PERCENT},
        )


def _store_batch_records(cur, params: dict):
    """Every record not accepted goes into the batch report, with the record as received."""
    hold_references(ImportBatch, [params["batch"]])
    cur.execute(
        _q("""
        INSERT INTO {record} (batch_id, position, outcome, field, reason_code, reason_params, reason,
                              cinema_code, transaction_id, content_hash, data, resolved_outcome, resolved_code,
                              resolved_params, resolved_reason)
        SELECT %(batch)s, pos, outcome, COALESCE(field, ''), COALESCE(code, ''), COALESCE(params, '{{}}'),
               COALESCE(reason_text, ''), COALESCE(cinema_code, ''),
               COALESCE(transaction_id, ''), COALESCE(content_hash, ''), raw::jsonb, '', '', '{{}}', ''
        FROM {st} WHERE outcome <> 'accepted'
    """),
        params,
    )
