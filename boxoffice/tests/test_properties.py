"""Property tests (hypothesis) on the parsers and the import: never a crash, idempotent, refunds bounded."""

import io
import itertools
import random

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boxoffice.choices import BatchStatus, TransactionKind
from boxoffice.models import DailySales, TicketTransaction
from boxoffice.records import clean_record, read_records
from films.importing import RowError
from films.tabular import FileRejected

from .helpers import as_csv, as_json, random_records, send

HEADER = (
    b"cinema_code,transaction_id,kind,refund_of,sold_at,screening_start,screen,film_code,tickets,amount\n"
)
ROW = b"KZ-C0001,T1,sale,,2025-03-18T12:00:00+05:00,2025-03-18T19:00:00+05:00,1,FX-00001,2,5000.00\n"
# Bytes near the formats (headers, braces, quotes, separators) find more than uniformly random bytes.
near_formats = st.one_of(
    st.binary(max_size=300),
    st.builds(
        lambda head, tail: head + tail,
        st.sampled_from([HEADER, HEADER + ROW, b"{", b'{"transactions": [', b"\xef\xbb\xbf" + HEADER]),
        st.binary(max_size=200),
    ),
    st.text(max_size=200).map(str.encode),
)
RUN = itertools.count()
slow = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@settings(max_examples=400, deadline=None)
@given(near_formats)
def test_any_bytes_are_read_as_records_or_rejected_whole(content):
    """The reader and the field checks never raise anything but their two clear errors."""
    try:
        raw = read_records(io.BytesIO(content))
        for position, record in raw.records:
            try:
                clean_record(position, record)
            except RowError as exc:
                assert exc.field and exc.reason
    except FileRejected as exc:
        assert str(exc)


@slow
@given(near_formats)
@pytest.mark.usefixtures("registers")
def test_any_bytes_get_a_batch_outcome(content):
    batch = send(content)
    assert batch.status in (BatchStatus.PROCESSED, BatchStatus.REJECTED, BatchStatus.DUPLICATE)
    if batch.status == BatchStatus.REJECTED:
        assert batch.message
    else:
        assert batch.total == batch.accepted + batch.duplicate + batch.rejected + batch.held


def _totals():
    return (
        TicketTransaction.objects.count(),
        TicketTransaction.objects.aggregate(s=Sum("amount"))["s"],
        list(DailySales.objects.order_by("pk").values_list("admissions", "gross", "screenings")),
    )


@slow
@given(st.integers(0, 10**6), st.integers(1, 40), st.booleans())
@pytest.mark.usefixtures("registers", "import_path")
def test_importing_twice_equals_importing_once(seed, n, csv_first):
    # Examples share the test's database; a fresh prefix keeps each example's records its own.
    records = random_records(random.Random(seed), n, prefix=f"P{next(RUN)}-")
    encode = [as_csv, as_json] if csv_first else [as_json, as_csv]
    first = send(encode[0](records))
    once = _totals()
    # The same records in the other encoding: not byte-identical, so judged record by record.
    second = send(encode[1](records))
    assert _totals() == once
    assert second.accepted == 0
    # What was stored or held the first time is a duplicate now; what was refused is refused again.
    assert second.duplicate == first.accepted + first.duplicate + first.held
    assert second.rejected == first.rejected


@slow
@given(st.integers(0, 10**6), st.integers(1, 60))
@pytest.mark.usefixtures("registers", "import_path")
def test_refunds_never_exceed_their_sale(seed, n):
    rng = random.Random(seed)
    prefix = f"Q{next(RUN)}-"
    for _ in range(2):  # the same ids twice: the second batch's refunds also meet the first batch's sales
        send(random_records(rng, n, prefix=prefix))
    for sale in TicketTransaction.objects.filter(kind=TransactionKind.SALE).annotate(
        refunded_tickets=Sum("refunds__tickets"), refunded_amount=Sum("refunds__amount")
    ):
        assert (sale.refunded_tickets or 0) <= sale.tickets
        assert (sale.refunded_amount or 0) <= sale.amount
    for refund in TicketTransaction.objects.filter(kind=TransactionKind.REFUND).select_related("refund_of"):
        assert refund.refund_of.kind == TransactionKind.SALE
        assert refund.sold_at >= refund.refund_of.sold_at


@pytest.mark.django_db
@pytest.mark.parametrize("content", [
    b"cinema_code,transaction_id,kind,sold_at,screening_start,screen,film_code,tickets,amount\nKZ-C0001,A\x00,sale",
    b'{"transactions": [{"cinema_code": "KZ-C0001", "transaction_id": "T\\u0000", "kind": "sale"}]}',
    b'{"transactions": [{"cinema_code": "KZ-C0001", "x\\u0000": "1"}]}',
])
def test_nul_characters_get_an_outcome_on_every_database(content):
    """No text column of PostgreSQL can hold NUL: such input is refused with a message, never a crash."""
    from boxoffice.choices import BatchSource
    from boxoffice.services import import_sales
    from films.audit import Actor

    batch = import_sales(stream=io.BytesIO(content), source=BatchSource.CLI, actor=Actor.command("t"))
    assert batch.status in ("processed", "rejected")
    assert batch.rejected == 1 or "NUL" in batch.message
