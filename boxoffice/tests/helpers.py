"""Building ticket-sales/1 submissions in tests, and running them through the import service."""

from __future__ import annotations

import csv
import io
import json

from boxoffice.choices import BatchSource
from boxoffice.models import ImportBatch
from boxoffice.records import FIELDS
from boxoffice.services import import_sales
from films.audit import Actor

CINEMA = "KZ-C0001"  # example register: screens 1 (120 seats) and 2 (48 seats)
FILM = "FX-00001"
OTHER_FILM = "KZ-2024-0003"


def sale(
    tx: str,
    *,
    start="2025-03-18T19:00:00+05:00",
    sold="2025-03-18T12:00:00+05:00",
    screen="1",
    film=FILM,
    tickets=2,
    amount="5000.00",
    cinema=CINEMA,
    **extra,
) -> dict:
    return {
        "cinema_code": cinema,
        "transaction_id": tx,
        "kind": "sale",
        "sold_at": sold,
        "screening_start": start,
        "screen": screen,
        "film_code": film,
        "tickets": tickets,
        "amount": amount,
        **extra,
    }


def refund(tx: str, of: str, *, tickets=1, amount="2500.00", sold="2025-03-18T13:00:00+05:00", **kw) -> dict:
    return sale(tx, tickets=tickets, amount=amount, sold=sold, kind="refund", refund_of=of, **kw)


def as_json(records: list[dict], **envelope) -> bytes:
    return json.dumps({"format": "ticket-sales/1", **envelope, "transactions": records}).encode()


def as_csv(records: list[dict], delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    for r in records:
        writer.writerow({k: r.get(k, "") for k in FIELDS})
    return out.getvalue().encode()


def send(content: bytes | list[dict], *, source=BatchSource.CLI, cinema=None, filename="test") -> ImportBatch:
    if isinstance(content, list):
        content = as_json(content)
    return import_sales(
        stream=io.BytesIO(content),
        source=source,
        actor=Actor.command("test"),
        filename=filename,
        cinema=cinema,
    )


def outcomes(batch: ImportBatch) -> dict[int, tuple[str, str]]:
    """{position: (outcome, field)} of every record not accepted."""
    return {r.position: (r.outcome, r.field) for r in batch.records.all()}


def report(batch: ImportBatch) -> list[tuple]:
    """Everything the batch report says about its records, for comparing the two paths."""
    return [
        (r.position, r.outcome, r.field, r.reason_code, r.reason_params, r.reason, r.cinema_code, r.transaction_id,
         r.content_hash)
        for r in batch.records.order_by("position")
    ]


def random_records(rng, n: int, *, prefix="T", repeats=True) -> list[dict]:
    """A small, collision-rich mix: repeated and changed ids, refunds of sales (or of nothing, or too big),
    unknown films and screens, screenings that change film, bad fields — what exercises every outcome.
    `repeats=False`: no id twice in the batch (the usual batch; ids may still meet earlier batches')."""
    starts = ["2025-03-18T19:00:00+05:00", "2025-03-18T22:00:00+05:00", "2025-03-19T10:00:00+05:00"]
    solds = ["2025-03-18T09:00:00+05:00", "2025-03-18T12:00:00+05:00", "2025-03-20T12:00:00+05:00"]
    out: list[dict] = []
    for i in range(n):
        roll = rng.random()
        if not repeats and roll < 0.22:
            roll = 0.5 + roll  # a new sale instead of a resent one
        if out and roll < 0.15:
            r = dict(rng.choice(out))  # resent as is
        elif out and roll < 0.22:
            r = dict(rng.choice(out), tickets=rng.choice([1, 2, 3]))  # resent changed
        elif out and roll < 0.5:
            of = rng.choice(out)
            r = refund(
                f"{prefix}R{i}",
                of["transaction_id"],
                tickets=rng.choice([1, 1, 2, 3]),
                amount=rng.choice(["0.00", "100.00", "2500.00"]),
                sold=rng.choice(solds),
                start=of["screening_start"],
                screen=of["screen"],
                film=of["film_code"],
                cinema=of["cinema_code"],
            )
        else:
            r = sale(
                f"{prefix}{i}",
                start=rng.choice(starts),
                sold=rng.choice(solds),
                screen=rng.choice(["1", "1", "1", "2", "9"]),
                film=rng.choice([FILM, FILM, FILM, OTHER_FILM, "KZ-2031-0009"]),
                tickets=rng.choice([1, 2, 3, 60]),
                amount=rng.choice(["0.00", "100.00", "2500.00"]),
                cinema=rng.choice([CINEMA] * 6 + ["KZ-C0002", "KZ-NOPE-1"]),
            )
            if rng.random() < 0.05:
                r["tickets"] = 0
        out.append(r)
    return out
