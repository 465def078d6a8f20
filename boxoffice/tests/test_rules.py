"""Every rule of shared/spec/ticket-sales.md, each test run through the plain and the COPY path."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from boxoffice.choices import AnomalyKind, BatchStatus, Outcome
from boxoffice.models import Anomaly, BatchRecord, DailySales, Screening, TicketTransaction
from boxoffice.services import release_held_records
from films.audit import Actor
from films.models import Film

from .helpers import CINEMA, FILM, OTHER_FILM, as_csv, as_json, outcomes, refund, sale, send

pytestmark = pytest.mark.usefixtures("registers", "import_path")


def test_good_records_are_accepted_and_stored_exactly():
    batch = send([sale("T1", amount="2500.50"), sale("T2", tickets=3, amount=7000)])
    assert (batch.status, batch.accepted, batch.total) == (BatchStatus.PROCESSED, 2, 2)
    assert TicketTransaction.objects.aggregate(s=Sum("amount"))["s"] == Decimal("9500.50")
    screening = Screening.objects.get()
    assert (screening.tickets_sold, screening.admissions, screening.gross) == (5, 5, Decimal("9500.50"))


def test_csv_and_json_give_the_same_outcomes():
    records = [sale("T1"), sale("T2", tickets=0), sale("T3", film="NOPE-1")]
    a = send(as_csv(records, delimiter=";"))
    from_csv = outcomes(a)
    TicketTransaction.objects.all().delete()
    BatchRecord.objects.all().delete()
    Screening.objects.all().delete()
    b = send(as_json(records))
    assert (a.accepted, a.rejected, a.held) == (b.accepted, b.rejected, b.held) == (1, 1, 1)
    # CSV positions are lines (header is line 1), JSON positions indexes.
    assert from_csv == {3: ("rejected", "tickets"), 4: ("held", "film_code")}
    assert outcomes(b) == {1: ("rejected", "tickets"), 2: ("held", "film_code")}


def test_duplicate_of_a_stored_record_is_ignored_and_a_changed_one_is_a_conflict():
    send([sale("T1")])
    batch = send([sale("T1"), sale("T1-x"), sale("T1", amount="1.00")][::2])
    assert outcomes(batch) == {0: ("duplicate", "transaction_id"), 1: ("rejected", "transaction_id")}
    assert "conflict" in batch.records.get(position=1).reason
    assert TicketTransaction.objects.get(transaction_id="T1").amount == Decimal("5000.00")


def test_within_a_batch_a_later_record_is_judged_against_earlier_ones():
    batch = send([sale("T1"), sale("T1"), sale("T1", tickets=9)])
    assert outcomes(batch) == {1: ("duplicate", "transaction_id"), 2: ("rejected", "transaction_id")}
    assert TicketTransaction.objects.count() == 1


def test_a_screening_keeps_its_film():
    send([sale("T1")])
    batch = send(
        [sale("T2", film=OTHER_FILM), sale("T3", start="2025-03-18T22:00:00+05:00", film=OTHER_FILM)]
    )
    assert outcomes(batch) == {0: ("rejected", "film_code")}
    assert "shows film FX-00001" in batch.records.get().reason


def test_a_rejected_first_copy_lets_the_next_copy_be_judged_afresh():
    """The one order-dependent case: T2's first copy is refused (the screening shows FILM), its second copy
    then decides the film of the 22:00 screening, so T3 (earlier in the file than nothing) loses."""
    late = "2025-03-18T22:00:00+05:00"
    batch = send(
        [
            sale("T1"),
            sale("T2", film=OTHER_FILM),
            sale("T2", film=OTHER_FILM, start=late),
            sale("T3", start=late),
            sale("T4", start=late, film=OTHER_FILM),
        ]
    )
    assert outcomes(batch) == {1: ("rejected", "film_code"), 3: ("rejected", "film_code")}
    assert set(TicketTransaction.objects.values_list("transaction_id", flat=True)) == {"T1", "T2", "T4"}


def test_unknown_cinema_is_rejected_with_an_actionable_reason():
    batch = send([sale("T1", cinema="KZ-NOPE")])
    rec = batch.records.get()
    assert (rec.outcome, rec.field) == ("rejected", "cinema_code")
    assert "not in the register" in rec.reason


def test_unknown_screen_or_film_is_held_then_applied_on_registration():
    batch = send(
        [sale("T1", screen="99"), sale("T2", film="KZ-2030-0001"), refund("R2", "T2", film="KZ-2030-0001")]
    )
    assert outcomes(batch) == {0: ("held", "screen"), 1: ("held", "film_code"), 2: ("held", "film_code")}
    again = send([sale("T2", film="KZ-2030-0001"), sale("T1", screen="99", amount="1.00")])
    assert outcomes(again) == {0: ("duplicate", "transaction_id"), 1: ("rejected", "transaction_id")}
    Film.objects.create(code="KZ-2030-0001", title="New", year=2025)
    released = release_held_records(actor=Actor(label="test"))
    assert released.accepted == 2
    assert set(TicketTransaction.objects.values_list("transaction_id", flat=True)) == {"T2", "R2"}
    assert BatchRecord.objects.filter(outcome=Outcome.HELD, resolved_at__isnull=True).count() == 1


def test_refund_rules():
    send([sale("S1", tickets=3, amount="9000.00")])
    batch = send(
        [
            refund("R1", "S1", tickets=1, amount="3000.00"),
            refund("R2", "S1", tickets=3, amount="3000.00"),  # 4 tickets in all: over
            refund("R3", "S1", tickets=2, amount="6000.01"),  # amount over
            refund("R4", "S1", tickets=2, amount="6000.00"),  # exactly the rest: fine
            refund("R5", "S9"),  # no such sale
            refund("R6", "S1", sold="2025-03-18T11:00:00+05:00"),  # before its sale
            refund("R7", "R1"),  # a refund of a refund
            refund("R8", "S1", screen="2"),  # another screening
            sale("S2", tickets=1, amount="100.00"),
            refund("R9", "S2", tickets=1, amount="100.00"),
            refund("R10", "S2", tickets=1, amount="0.00"),
        ]
    )
    assert outcomes(batch) == {
        1: ("rejected", "tickets"),
        2: ("rejected", "amount"),
        4: ("rejected", "refund_of"),
        5: ("rejected", "sold_at"),
        6: ("rejected", "refund_of"),
        7: ("rejected", "refund_of"),
        10: ("rejected", "tickets"),
    }
    assert batch.records.get(position=1).reason == "refunds of S1 would total 4 tickets, more than the 3 sold"
    assert (
        batch.records.get(position=2).reason
        == "refunds of S1 would total 9000.01, more than the 9000.00 paid"
    )
    # Across batches too: the sale is now fully refunded.
    later = send([refund("R11", "S1", tickets=1, amount="0.00")])
    assert outcomes(later) == {0: ("rejected", "tickets")}
    assert DailySales.objects.aggregate(a=Sum("admissions"))["a"] == 0


def test_record_level_problems_never_abort_the_batch():
    batch = send([sale("T1"), {"transaction_id": "T2"}, "not an object", sale("T3", amount="1,5")])
    assert (batch.status, batch.accepted, batch.rejected) == (BatchStatus.PROCESSED, 1, 3)
    assert outcomes(batch) == {
        1: ("rejected", "cinema_code"),
        2: ("rejected", "record"),
        3: ("rejected", "amount"),
    }


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"\xff\xfe" + "cinema_code".encode("utf-16-le"), "not UTF-8"),
        (b"cinema_code,transaction_id\nKZ-C0001,T1\n", "lacks the required columns"),
        (
            b"cinema_code,transaction_id,kind,sold_at,screening_start,screen,film_code,tickets,amount\n",
            "empty",
        ),
        (b'{"transactions": []}', "empty"),
        (b'{"transactions": [', "not valid JSON"),
    ],
)
def test_batch_level_problems_reject_the_batch_whole(content, words):
    batch = send(content)
    assert batch.status == BatchStatus.REJECTED
    assert words in batch.message
    assert not TicketTransaction.objects.exists() and not batch.records.exists()


def test_a_byte_identical_resubmission_is_a_duplicate_batch():
    content = as_csv([sale("T1"), sale("T2")])
    first = send(content)
    second = send(content)
    assert (second.status, second.duplicate_of_id, second.duplicate) == (BatchStatus.DUPLICATE, first.pk, 2)
    assert TicketTransaction.objects.count() == 2


def test_anomalies_are_accepted_and_flagged():
    send([sale(f"N{i}", start=f"2025-03-{10 + i}T19:00:00+05:00", amount="5000.00") for i in range(5)])
    batch = send(
        [
            sale("Z1", amount="0.00"),
            sale("L1", start="2025-03-18T10:00:00+05:00", sold="2025-03-19T11:00:00+05:00"),
            sale("C1", screen="2", tickets=40, start="2025-03-20T19:00:00+05:00"),
            sale("C2", screen="2", tickets=9, start="2025-03-20T19:00:00+05:00"),
            sale("P1", tickets=10, amount="100.00", start="2025-03-21T19:00:00+05:00"),
        ]
    )
    assert batch.accepted == 5
    assert set(Anomaly.objects.filter(batch=batch).values_list("kind", "transaction__transaction_id")) == {
        (AnomalyKind.ZERO_AMOUNT, "Z1"),
        (AnomalyKind.LATE_SALE, "L1"),
        (AnomalyKind.OVER_CAPACITY, None),
        (AnomalyKind.LOW_PRICE, None),
    }


def test_daily_summaries_grow_with_each_batch():
    send([sale("T1"), sale("T2", start="2025-03-19T01:00:00+05:00")])
    send([sale("T3"), refund("R1", "T1")])
    rows = {
        r.day.isoformat(): (r.admissions, r.gross, r.screenings, r.sales_count)
        for r in DailySales.objects.filter(film__code=FILM, cinema__code=CINEMA)
    }
    assert rows == {"2025-03-18": (3, Decimal("7500.00"), 1, 2), "2025-03-19": (2, Decimal("5000.00"), 1, 1)}


def test_api_credentials_refuse_another_cinemas_record_whole():
    from boxoffice.models import Cinema

    batch = send([sale("T1"), sale("T2", cinema="KZ-C0002")], cinema=Cinema.objects.get(code=CINEMA))
    assert batch.status == BatchStatus.REJECTED
    assert "KZ-C0002" in batch.message
    assert not TicketTransaction.objects.exists()


def test_registering_the_film_applies_held_records_and_recomputes(
    tmp_path, django_capture_on_commit_callbacks
):
    from conftest import run_command
    from funding.models import FilmMetrics

    batch = send([sale("H1", film="KZ-2030-0007", tickets=3), sale("H2", screen="77")])
    assert outcomes(batch) == {0: ("held", "film_code"), 1: ("held", "screen")}
    films = tmp_path / "films.csv"
    films.write_text(
        "film_code;title;year;kind;status\nKZ-2030-0007;New film;2025;feature;production\n", encoding="utf-8"
    )
    with django_capture_on_commit_callbacks(execute=True):
        run_command("import_films", str(films))
    assert TicketTransaction.objects.get().transaction_id == "H1"
    assert FilmMetrics.objects.get(film__code="KZ-2030-0007").admissions == 3
    held = BatchRecord.objects.get(transaction_id="H1")
    assert (held.resolved_outcome, held.resolved_at is not None) == ("accepted", True)
    assert BatchRecord.objects.get(transaction_id="H2").resolved_at is None  # its screen is still unknown
