"""Storing a judged batch: screenings, transactions, daily summaries and anomalies, in the caller's transaction."""
from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from films.models import Film

from . import rulebook as rb
from .choices import AnomalyKind, Outcome, TransactionKind
from .judging import Decision, RegisterView
from .models import Anomaly, Cinema, DailySales, ImportBatch, ScreenDaySales, Screening, TicketTransaction
from .rulebook import LATE_SALE, LOW_PRICE_SHARE, MEDIAN_WINDOW_DAYS


class MissingReference(Exception):
    """A row an accepted record refers to vanished while the batch was judged: the batch stores nothing."""


def hold_references(model, ids) -> None:
    """Lock the rows of `model` these ids name until the transaction ends, and check that every one exists.

    The ticket table's references are not checked by database triggers row by row (models.TicketTransaction):
    both engines call this once per referenced table before inserting, which does what those triggers did —
    on PostgreSQL FOR KEY SHARE, so the referenced rows cannot be deleted (or their key changed) until the
    batch commits — once per referenced row instead of once per ticket."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return
    found: set[int] = set()
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cur:
            cur.execute(f"SELECT id FROM {table} WHERE id = ANY(%s) FOR KEY SHARE", [wanted])  # noqa: S608
            found = {row[0] for row in cur.fetchall()}
    else:  # SQLite: the import holds the database's write lock; a plain look suffices
        for i in range(0, len(wanted), 500):
            found.update(model.objects.filter(pk__in=wanted[i:i + 500]).values_list("pk", flat=True))
    missing = set(wanted) - found
    if missing:
        raise MissingReference(f"{model._meta.verbose_name} {sorted(missing)[:5]} vanished during the import")


def screening_day(start: datetime.datetime) -> datetime.date:
    """Sales count on the day of the screening, in the tracker's time zone (TIME_ZONE, not the request's)."""
    return start.astimezone(timezone.get_default_timezone()).date()


def store_accepted(batch: ImportBatch, decisions: list[Decision], reg: RegisterView) -> dict[int, datetime.date]:
    """Write the accepted records; returns {film id: earliest screening day} of the films touched."""
    accepted = [d for d in decisions if d.outcome == Outcome.ACCEPTED]
    if not accepted:
        return {}
    # Per-screening counters from this batch: new screenings are created with them, existing ones updated.
    deltas: dict[tuple, list] = defaultdict(lambda: [0, 0, Decimal("0")])  # sold, admissions, gross
    for d in accepted:
        r = d.record
        key = (reg.screens[(reg.cinemas[r.cinema_code].pk, r.screen)].pk, r.screening_start)
        delta = deltas[key]
        if r.kind == TransactionKind.SALE:
            delta[0] += r.tickets
            delta[1] += r.tickets
            delta[2] += r.amount
        else:
            delta[1] -= r.tickets
            delta[2] -= r.amount
    screenings, sales_before = _screenings_for(accepted, reg, deltas)

    sale_objs: dict[tuple[str, str], TicketTransaction] = {}
    new_sales, new_refunds = [], []
    for d in accepted:
        r = d.record
        cinema = reg.cinemas[r.cinema_code]
        screening = screenings[(reg.screens[(cinema.pk, r.screen)].pk, r.screening_start)]
        tx = TicketTransaction(
            cinema=cinema, transaction_id=r.transaction_id, kind=r.kind, sold_at=r.sold_at, screening=screening,
            film_id=screening.film_id, tickets=r.tickets, amount=r.amount, currency=r.currency,
            screening_format=r.screening_format, screening_language=r.screening_language,
            content_hash=r.content_hash, batch=batch)
        if r.kind == TransactionKind.SALE:
            sale_objs[r.key] = tx
            new_sales.append(tx)
        else:
            tx.refund_of_id = d.sale_id
            new_refunds.append((tx, d))
    hold_references(Cinema, {tx.cinema_id for tx in new_sales} | {tx.cinema_id for tx, _ in new_refunds})
    hold_references(Film, {s.film_id for s in screenings.values()})
    hold_references(Screening, {s.pk for s in screenings.values()})
    hold_references(ImportBatch, [batch.pk])
    hold_references(TicketTransaction, {d.sale_id for _, d in new_refunds})
    TicketTransaction.objects.bulk_create(new_sales, batch_size=1000)
    for tx, d in new_refunds:
        if tx.refund_of_id is None:
            tx.refund_of_id = sale_objs[d.sale_record.key].pk
    TicketTransaction.objects.bulk_create([tx for tx, _ in new_refunds], batch_size=1000)

    summary: dict[tuple[int, int, datetime.date], dict] = defaultdict(
        lambda: {"admissions": 0, "gross": Decimal("0"), "screenings": 0, "sales_count": 0, "last_sold_at": None})
    for tx in new_sales + [tx for tx, _ in new_refunds]:
        s = tx.screening
        row = summary[(s.film_id, s.cinema_id, screening_day(s.starts_at))]
        sign = 1 if tx.kind == TransactionKind.SALE else -1
        row["admissions"] += sign * tx.tickets
        row["gross"] += sign * tx.amount
        if tx.kind == TransactionKind.SALE:
            row["sales_count"] += 1
            if row["last_sold_at"] is None or tx.sold_at > row["last_sold_at"]:
                row["last_sold_at"] = tx.sold_at
    for key, s in screenings.items():
        if sales_before[key] == 0 and s.tickets_sold > 0:
            summary[(s.film_id, s.cinema_id, screening_day(s.starts_at))]["screenings"] += 1
    apply_summary_deltas(summary)
    apply_screen_day_deltas([(tx, tx.screening_format) for tx in new_sales] + _refund_formats(new_refunds))

    _flag_anomalies(batch, new_sales, screenings, reg)

    first_days: dict[int, datetime.date] = {}
    for tx in new_sales:
        day = screening_day(tx.screening.starts_at)
        if tx.film_id not in first_days or day < first_days[tx.film_id]:
            first_days[tx.film_id] = day
    for tx, _ in new_refunds:
        first_days.setdefault(tx.film_id, screening_day(tx.screening.starts_at))
    return first_days


def _screenings_for(accepted: list[Decision], reg: RegisterView, deltas: dict) -> tuple[dict, dict]:
    """The batch's screenings with its counters added; returns them and each one's seats sold before."""
    wanted: dict[tuple[int, datetime.datetime], tuple] = {}
    for d in accepted:
        r = d.record
        cinema = reg.cinemas[r.cinema_code]
        screen = reg.screens[(cinema.pk, r.screen)]
        wanted.setdefault((screen.pk, r.screening_start), (cinema.pk, screen.pk, reg.films[r.film_code]))
    found: dict[tuple[int, datetime.datetime], Screening] = {}
    by_screen = defaultdict(list)
    for screen_id, start in wanted:
        by_screen[screen_id].append(start)
    for screen_id, starts in by_screen.items():
        for i in range(0, len(starts), 500):
            for s in Screening.objects.filter(screen_id=screen_id, starts_at__in=starts[i:i + 500]):
                found[(s.screen_id, s.starts_at)] = s
    # Aware datetimes compare and hash by instant, so a record's +05:00 start finds the stored UTC one.
    sold_before = {key: found[key].tickets_sold if key in found else 0 for key in wanted}
    existing = []
    for key, s in found.items():
        sold, adm, gross = deltas[key]
        s.tickets_sold += sold
        s.admissions += adm
        s.gross += gross
        existing.append(s)
    # Imports hold the import lock, so counters read at the start of the batch are still current.
    Screening.objects.bulk_update(existing, ["tickets_sold", "admissions", "gross"], batch_size=500)
    missing = []
    for key, (c, sc, f) in wanted.items():
        if key not in found:
            sold, adm, gross = deltas[key]
            missing.append(Screening(cinema_id=c, screen_id=sc, starts_at=key[1], film_id=f, tickets_sold=sold,
                                     admissions=adm, gross=gross))
    for s in Screening.objects.bulk_create(missing, batch_size=1000):
        found[(s.screen_id, s.starts_at)] = s
    return {key: found[key] for key in wanted}, sold_before


def apply_summary_deltas(summary: dict[tuple[int, int, datetime.date], dict]):
    """Add this batch's per film × cinema × day figures to the stored summaries (creating rows as needed)."""
    keys = list(summary)
    existing = {}
    for i in range(0, len(keys), 300):
        part = keys[i:i + 300]
        films = {k[0] for k in part}
        cinemas = {k[1] for k in part}
        days = {k[2] for k in part}
        for row in DailySales.objects.filter(film_id__in=films, cinema_id__in=cinemas, day__in=days):
            existing[(row.film_id, row.cinema_id, row.day)] = row
    new_rows, changed = [], []
    for key, delta in summary.items():
        row = existing.get(key)
        if row is None:
            new_rows.append(DailySales(film_id=key[0], cinema_id=key[1], day=key[2], **delta))
            continue
        row.admissions += delta["admissions"]
        row.gross += delta["gross"]
        row.screenings += delta["screenings"]
        row.sales_count += delta["sales_count"]
        if delta["last_sold_at"] and (row.last_sold_at is None or delta["last_sold_at"] > row.last_sold_at):
            row.last_sold_at = delta["last_sold_at"]
        changed.append(row)
    DailySales.objects.bulk_create(new_rows, batch_size=1000)
    DailySales.objects.bulk_update(changed, ["admissions", "gross", "screenings", "sales_count", "last_sold_at"],
                                   batch_size=1000)


def _refund_formats(new_refunds: list[tuple[TicketTransaction, Decision]]) -> list[tuple[TicketTransaction, str]]:
    """A refund returns seats of its sale, so it counts under the sale's format (refunds often name none)."""
    stored_ids = [d.sale_id for _, d in new_refunds if d.sale_record is None and d.sale_id]
    stored = dict(TicketTransaction.objects.filter(pk__in=stored_ids).values_list("pk", "screening_format"))
    return [(tx, d.sale_record.screening_format if d.sale_record is not None else stored.get(d.sale_id, ""))
            for tx, d in new_refunds]


def apply_screen_day_deltas(transactions: list[tuple[TicketTransaction, str]]):
    """Add these transactions, each with its format, to the film × screen × day × format summary."""
    delta: dict[tuple, list] = defaultdict(lambda: [0, Decimal("0"), 0])  # admissions, gross, sales
    for tx, fmt in transactions:
        s = tx.screening
        row = delta[(s.film_id, s.screen_id, screening_day(s.starts_at), fmt or "")]
        sign = 1 if tx.kind == TransactionKind.SALE else -1
        row[0] += sign * tx.tickets
        row[1] += sign * tx.amount
        row[2] += 1 if tx.kind == TransactionKind.SALE else 0
    keys = list(delta)
    existing = {}
    for i in range(0, len(keys), 300):
        part = keys[i:i + 300]
        for row in ScreenDaySales.objects.filter(film_id__in={k[0] for k in part}, screen_id__in={k[1] for k in part},
                                                 day__in={k[2] for k in part}):
            existing[(row.film_id, row.screen_id, row.day, row.screening_format)] = row
    new_rows, changed = [], []
    for key, (adm, gross, sales) in delta.items():
        row = existing.get(key)
        if row is None:
            new_rows.append(ScreenDaySales(film_id=key[0], screen_id=key[1], day=key[2], screening_format=key[3],
                                           admissions=adm, gross=gross, sales_count=sales))
            continue
        row.admissions += adm
        row.gross += gross
        row.sales_count += sales
        changed.append(row)
    ScreenDaySales.objects.bulk_create(new_rows, batch_size=1000)
    ScreenDaySales.objects.bulk_update(changed, ["admissions", "gross", "sales_count"], batch_size=1000)


def cinema_median_prices(cinema_ids: set[int]) -> dict[int, Decimal]:
    """Median average ticket price per cinema over its daily summaries of the last year (bounded, not history)."""
    since = timezone.localdate() - datetime.timedelta(days=MEDIAN_WINDOW_DAYS)
    prices = defaultdict(list)
    rows = DailySales.objects.filter(cinema_id__in=cinema_ids, admissions__gt=0, gross__gt=0)
    latest = rows.order_by("-day").values_list("day", flat=True).first()
    if latest is not None:
        since = min(since, latest - datetime.timedelta(days=MEDIAN_WINDOW_DAYS))
    for cinema_id, gross, admissions in rows.filter(day__gte=since).values_list("cinema_id", "gross", "admissions"):
        prices[cinema_id].append(gross / admissions)
    return {c: Decimal(statistics.median(v)) for c, v in prices.items() if v}


def _flag_anomalies(batch, new_sales, screenings, reg):
    """ticket-sales.md §7, with the rulebook's thresholds; the details are the rulebook's texts' parameters."""
    flags: list[Anomaly] = []
    for tx in new_sales:
        if tx.sold_at - tx.screening.starts_at > LATE_SALE:
            flags.append(Anomaly(kind=AnomalyKind.LATE_SALE, batch=batch, screening=tx.screening, transaction=tx,
                                 params=rb.anomaly_params(AnomalyKind.LATE_SALE,
                                                          sale=f"{tx.cinema.code}/{tx.transaction_id}",
                                                          sold_at=tx.sold_at.isoformat(), hours=rb.LATE_SALE_HOURS)))
        if tx.amount == 0:
            flags.append(Anomaly(kind=AnomalyKind.ZERO_AMOUNT, batch=batch, screening=tx.screening, transaction=tx,
                                 params=rb.anomaly_params(AnomalyKind.ZERO_AMOUNT,
                                                          sale=f"{tx.cinema.code}/{tx.transaction_id}",
                                                          tickets=tx.tickets)))
    touched = {tx.screening.pk: tx.screening for tx in new_sales}
    seats = {s.pk: s.seats for s in reg.screens.values()}
    screen_names = {s.pk: s.name for s in reg.screens.values()}  # the cinema's own name, never our id
    medians = cinema_median_prices({s.cinema_id for s in touched.values()})
    for s in touched.values():
        if s.tickets_sold > seats[s.screen_id]:
            flags.append(Anomaly(kind=AnomalyKind.OVER_CAPACITY, batch=batch, screening=s,
                                 params=rb.anomaly_params(AnomalyKind.OVER_CAPACITY, sold=s.tickets_sold,
                                                          screen=screen_names[s.screen_id], seats=seats[s.screen_id],
                                                          start=_utc_text(s.starts_at))))
        median = medians.get(s.cinema_id)
        if median and s.tickets_sold and s.gross > 0 and s.gross / s.tickets_sold < median * LOW_PRICE_SHARE:
            flags.append(Anomaly(kind=AnomalyKind.LOW_PRICE, batch=batch, screening=s,
                                 params=rb.anomaly_params(AnomalyKind.LOW_PRICE,
                                                          price=f"{s.gross / s.tickets_sold:.2f}",
                                                          share=rb.LOW_PRICE_PERCENT, median=f"{median:.2f}")))
    Anomaly.objects.bulk_create(flags, ignore_conflicts=True)


def _utc_text(moment: datetime.datetime) -> str:
    """A screening's start as the anomaly texts show it (UTC, seconds), on both engines."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
