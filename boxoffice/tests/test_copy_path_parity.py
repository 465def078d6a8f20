"""The COPY path gives exactly the plain path's outcomes, on random collision-rich batches over a history."""

import random

import pytest
from django.db import transaction
from django.test import override_settings

from boxoffice.models import Anomaly, DailySales, ImportBatch, Screening, TicketTransaction

from .helpers import random_records, report, send

pytestmark = pytest.mark.usefixtures("registers", "postgres_only")


def _state(batches) -> dict:
    """Everything an import writes, without database ids (which differ between runs)."""
    return {
        "reports": [report(b) for b in batches],
        "counts": [b.summary() | {"batch": None} for b in batches],
        "transactions": sorted(
            TicketTransaction.objects.values_list(
                "cinema__code",
                "transaction_id",
                "kind",
                "refund_of__transaction_id",
                "tickets",
                "amount",
                "film__code",
                "screening__starts_at",
                "screening__screen__name",
                "content_hash",
            )
        ),
        "screenings": sorted(
            Screening.objects.values_list(
                "screen__name", "starts_at", "film__code", "tickets_sold", "admissions", "gross"
            )
        ),
        "daily": sorted(
            DailySales.objects.values_list(
                "film__code",
                "cinema__code",
                "day",
                "admissions",
                "gross",
                "screenings",
                "sales_count",
                "last_sold_at",
            )
        ),
        "anomalies": sorted(
            Anomaly.objects.values_list("kind", "transaction__transaction_id", "screening__starts_at")
        ),
    }


def _run(path: str, files: list[list[dict]]) -> dict:
    with override_settings(SALES_IMPORT_PATH=path):
        batches = [send(f) for f in files]
    return _state(batches)


class _Rollback(Exception):
    pass


def _agree(files, monkeypatch) -> list[str]:
    """Both paths on the same files give the same state; returns how the COPY path judged within each batch."""
    from boxoffice import copypath

    ways = []
    unrepeated, general = copypath._judge_unrepeated, copypath._later_copies
    monkeypatch.setattr(copypath, "_judge_unrepeated", lambda cur: ways.append("unrepeated") or unrepeated(cur))
    monkeypatch.setattr(copypath, "_later_copies", lambda cur, e: ways.append("rounds") or general(cur, e))
    plain = None
    try:
        with transaction.atomic():
            plain = _run("python", files)
            raise _Rollback
    except _Rollback:
        pass
    assert not TicketTransaction.objects.exists()
    fast = _run("auto", files)
    assert fast == plain
    assert any(fast["reports"])  # the mix really produced non-accepted records
    return ways


@pytest.mark.parametrize("seed", range(12))
def test_both_paths_agree(seed, monkeypatch):
    rng = random.Random(seed)
    ways = _agree([random_records(rng, rng.randint(5, 40)) for _ in range(3)], monkeypatch)
    assert "rounds" in ways  # repeated keys: judged in rounds of first occurrences


@pytest.mark.parametrize("seed", range(8))
def test_both_paths_agree_on_batches_without_repeated_keys(seed, monkeypatch):
    rng = random.Random(100 + seed)
    ways = _agree([random_records(rng, rng.randint(5, 40), repeats=False) for _ in range(3)], monkeypatch)
    assert ways.count("unrepeated") == 3 and "rounds" not in ways  # each batch judged in place


def test_a_key_stored_after_judging_stops_the_batch_instead_of_being_dropped(monkeypatch):
    """The set-based insert has no ON CONFLICT: should judging ever let an already stored key through (here it
    is made to look past the stored tickets), the batch stops whole with the internal-error message rather than
    count the record accepted and store nothing."""
    from boxoffice import copypath
    from boxoffice.choices import BatchStatus

    from .helpers import sale

    first = send([sale("K1")])
    assert first.summary()["accepted"] == 1
    monkeypatch.setattr(copypath, "_against_history", lambda cur, ignore_held: None)
    with pytest.raises(Exception, match="duplicate key"):
        send([sale("K1", amount="3000.00"), sale("K2")])
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == BatchStatus.REJECTED and "internal error" in batch.message
    stored = TicketTransaction.objects.get()  # the first batch's sale alone, unchanged
    assert (stored.transaction_id, stored.batch_id, str(stored.amount)) == ("K1", first.pk, sale("K1")["amount"])
