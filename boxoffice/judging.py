"""Judging each valid sales record against the registers, the stored history and the batch itself.

ticket-sales.md §2–3: records are taken in file order (a later record is judged against earlier ones);
a refund may name a sale stored earlier or anywhere in the same batch, so refunds are judged after every
sale of the batch has been seen.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from films.models import Film

from . import rulebook as rb
from .choices import Outcome, TransactionKind
from .models import BatchRecord, Cinema, Screen, Screening, TicketTransaction
from .records import SalesRecord

CHUNK = 500


@dataclass(slots=True)
class Decision:
    record: SalesRecord
    outcome: str
    field: str = ""
    code: str = ""  # a rulebook reason, with its parameters
    params: dict = dataclasses.field(default_factory=dict)
    # For accepted refunds: the sale they refund (a stored TicketTransaction id, or the in-batch record).
    sale_id: int | None = None
    sale_record: SalesRecord | None = None


@dataclass(slots=True)
class _SaleState:
    """What a refund is checked against: the sale and what has been refunded of it so far."""

    tickets: int
    amount: Decimal
    sold_at: object
    screen: str
    start: object
    film_code: str
    refunded_tickets: int = 0
    refunded_amount: Decimal = Decimal("0")
    stored_id: int | None = None
    record: SalesRecord | None = None


@dataclass
class RegisterView:
    """The registers as the judge needs them, loaded once per batch."""

    cinemas: dict[str, Cinema] = field(default_factory=dict)
    screens: dict[tuple[int, str], Screen] = field(default_factory=dict)
    films: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, records: list[SalesRecord]) -> RegisterView:
        view = cls()
        codes = {r.cinema_code for r in records}
        view.cinemas = {c.code: c for c in Cinema.objects.filter(code__in=codes)}
        for s in Screen.objects.filter(cinema__in=view.cinemas.values()):
            view.screens[(s.cinema_id, s.name)] = s
        film_codes = list({r.film_code for r in records})
        for i in range(0, len(film_codes), CHUNK):
            view.films.update(Film.objects.filter(code__in=film_codes[i:i + CHUNK]).values_list("code", "id"))
        return view


def _chunks(items, size=CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


class SalesJudge:
    """Gives every record exactly one outcome; reads the database, writes nothing."""

    def __init__(self, records: list[SalesRecord], registers: RegisterView | None = None,
                 *, ignore_held_ids: set[int] | None = None, encoding: str = "csv"):
        self.records = records
        self.encoding = encoding  # how positions are named in messages (line or index)
        self.reg = registers or RegisterView.load(records)
        # When re-judging held records, their own held rows must not count as earlier copies of themselves.
        self.ignore_held_ids = ignore_held_ids or set()
        self._load_history()

    def _load_history(self):
        by_cinema: dict[int, set[str]] = defaultdict(set)
        for r in self.records:
            cinema = self.reg.cinemas.get(r.cinema_code)
            if cinema:
                by_cinema[cinema.pk].add(r.transaction_id)
                if r.refund_of:
                    by_cinema[cinema.pk].add(r.refund_of)
        self.stored: dict[tuple[int, str], dict] = {}
        for cinema_id, ids in by_cinema.items():
            for part in _chunks(ids):
                for row in TicketTransaction.objects.filter(cinema_id=cinema_id, transaction_id__in=part).values(
                        "id", "transaction_id", "kind", "content_hash", "tickets", "amount", "sold_at",
                        "screening__screen__name", "screening__starts_at", "film__code"):
                    self.stored[(cinema_id, row["transaction_id"])] = row
        self.held: dict[tuple[str, str], dict] = {}
        codes = {r.cinema_code for r in self.records}
        for code in codes:
            ids = {r.transaction_id for r in self.records if r.cinema_code == code}
            ids |= {r.refund_of for r in self.records if r.cinema_code == code and r.refund_of}
            for part in _chunks(ids):
                for row in BatchRecord.objects.filter(outcome=Outcome.HELD, resolved_at__isnull=True,
                                                      cinema_code=code, transaction_id__in=part).values(
                        "id", "transaction_id", "content_hash"):
                    if row["id"] not in self.ignore_held_ids:
                        self.held[(code, row["transaction_id"])] = row
        # Refunds already stored against the sales this batch refunds.
        sale_ids = [row["id"] for row in self.stored.values() if row["kind"] == TransactionKind.SALE]
        self.refunded: dict[int, tuple[int, Decimal]] = {}
        for part in _chunks(sale_ids):
            for row in TicketTransaction.objects.filter(refund_of_id__in=part).values(
                    "refund_of_id", "tickets", "amount"):
                t, a = self.refunded.get(row["refund_of_id"], (0, Decimal("0")))
                self.refunded[row["refund_of_id"]] = (t + row["tickets"], a + row["amount"])
        # Films of the screenings the batch names, to catch a screening that changes film.
        keys = {(self.reg.screens[(self.reg.cinemas[r.cinema_code].pk, r.screen)].pk, r.screening_start)
                for r in self.records
                if r.cinema_code in self.reg.cinemas
                and (self.reg.cinemas[r.cinema_code].pk, r.screen) in self.reg.screens}
        self.screening_films: dict[tuple[int, object], str] = {}
        by_screen: dict[int, list] = defaultdict(list)
        for screen_id, start in keys:
            by_screen[screen_id].append(start)
        for screen_id, starts in by_screen.items():
            for part in _chunks(starts):
                for s in Screening.objects.filter(screen_id=screen_id, starts_at__in=part).values(
                        "screen_id", "starts_at", "film__code"):
                    self.screening_films[(s["screen_id"], s["starts_at"])] = s["film__code"]

    def judge(self) -> list[Decision]:
        decisions: list[Decision] = []
        seen: dict[tuple[str, str], SalesRecord] = {}  # accepted or held earlier in this batch
        held_keys: set[tuple[str, str]] = set()
        sales: dict[tuple[str, str], _SaleState] = {}
        refunds: list[int] = []
        for r in self.records:
            decision = self._judge_one(r, seen)
            if decision.outcome in (Outcome.ACCEPTED, Outcome.HELD):
                seen[r.key] = r
            if decision.outcome == Outcome.HELD:
                held_keys.add(r.key)
            if decision.outcome == Outcome.ACCEPTED:
                if r.kind == TransactionKind.SALE:
                    sales[r.key] = _SaleState(r.tickets, r.amount, r.sold_at, r.screen, r.screening_start,
                                              r.film_code, record=r)
                else:
                    refunds.append(len(decisions))
            decisions.append(decision)
        for index in refunds:
            decisions[index] = self._judge_refund(decisions[index].record, sales, held_keys)
        return decisions

    def _judge_one(self, r: SalesRecord, seen: dict) -> Decision:
        cinema = self.reg.cinemas.get(r.cinema_code)
        if cinema is None:
            return _decide(r, rb.CINEMA_UNKNOWN.verdict(cinema=r.cinema_code))
        earlier = seen.get(r.key)
        stored = self.stored.get((cinema.pk, r.transaction_id))
        held = self.held.get(r.key)
        tx = r.transaction_id
        for other_hash, same, other in (
                (stored and stored["content_hash"], rb.DUPLICATE_STORED, rb.CONFLICT_STORED),
                (held and held["content_hash"], rb.DUPLICATE_HELD, rb.CONFLICT_HELD),
                (earlier and earlier.content_hash, rb.DUPLICATE_IN_BATCH, rb.CONFLICT_IN_BATCH)):
            if other_hash is None:
                continue
            params = {"tx": tx}
            if same is rb.DUPLICATE_IN_BATCH:
                params["at"] = rb.position(self.encoding, earlier.position)
            return _decide(r, (same if other_hash == r.content_hash else other).verdict(**params))
        screen = self.reg.screens.get((cinema.pk, r.screen))
        if screen is None:
            return _decide(r, rb.SCREEN_UNREGISTERED.verdict(screen=r.screen, cinema=r.cinema_code))
        if r.film_code not in self.reg.films:
            return _decide(r, rb.FILM_UNREGISTERED.verdict(film=r.film_code))
        key = (screen.pk, r.screening_start)
        film_of_screening = self.screening_films.get(key)
        if film_of_screening is not None and film_of_screening != r.film_code:
            return _decide(r, rb.SCREENING_OTHER_FILM.verdict(screen=r.screen, start=r.screening_start.isoformat(),
                                                              shown=film_of_screening, film=r.film_code))
        self.screening_films[key] = r.film_code
        return Decision(r, Outcome.ACCEPTED)

    def _judge_refund(self, r: SalesRecord, sales: dict, held_keys: set) -> Decision:
        sale_key = (r.cinema_code, r.refund_of)
        sale = sales.get(sale_key)
        if sale is None:
            cinema = self.reg.cinemas[r.cinema_code]
            row = self.stored.get((cinema.pk, r.refund_of))
            if row is not None:
                if row["kind"] != TransactionKind.SALE:
                    return _decide(r, rb.REFUND_OF_REFUND.verdict(sale=r.refund_of))
                t, a = self.refunded.get(row["id"], (0, Decimal("0")))
                sale = _SaleState(row["tickets"], row["amount"], row["sold_at"], row["screening__screen__name"],
                                  row["screening__starts_at"], row["film__code"], t, a, stored_id=row["id"])
                sales[sale_key] = sale
        if sale is None:
            if sale_key in held_keys or sale_key in self.held:
                return _decide(r, rb.SALE_HELD.verdict(sale=r.refund_of))
            return _decide(r, rb.NO_SALE.verdict(sale=r.refund_of, cinema=r.cinema_code))
        if (sale.screen, sale.start, sale.film_code) != (r.screen, r.screening_start, r.film_code):
            return _decide(r, rb.REFUND_OTHER_SCREENING.verdict(sale=r.refund_of))
        if r.sold_at < sale.sold_at:
            return _decide(r, rb.REFUND_BEFORE_SALE.verdict(sold_at=r.sold_at.isoformat(),
                                                            sale_sold_at=sale.sold_at.isoformat()))
        if sale.refunded_tickets + r.tickets > sale.tickets:
            return _decide(r, rb.REFUND_OVER_TICKETS.verdict(sale=r.refund_of, total=sale.refunded_tickets + r.tickets,
                                                             sold=sale.tickets))
        if sale.refunded_amount + r.amount > sale.amount:
            total = sale.refunded_amount + r.amount
            return _decide(r, rb.REFUND_OVER_AMOUNT.verdict(sale=r.refund_of, total=str(total), paid=str(sale.amount)))
        sale.refunded_tickets += r.tickets
        sale.refunded_amount += r.amount
        return Decision(r, Outcome.ACCEPTED, sale_id=sale.stored_id, sale_record=sale.record)


def _decide(r: SalesRecord, verdict: tuple[str, str, str, dict]) -> Decision:
    outcome, field_name, code, params = verdict
    return Decision(r, outcome, field_name, code, params)
