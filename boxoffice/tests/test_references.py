"""The ticket table's references hold without row-by-row database checks (models.TicketTransaction)."""
import pytest
from django.db import connection
from django.db.models import ProtectedError

from boxoffice.models import ImportBatch, Screening, TicketTransaction
from boxoffice.storing import MissingReference, hold_references
from boxoffice.summaries import verify_references
from films.models import Film

from .helpers import FILM, refund, sale, send

pytestmark = pytest.mark.usefixtures("registers", "import_path")


def test_a_referenced_film_screening_batch_or_sale_cannot_be_deleted():
    batch = send([sale("T1"), refund("R1", "T1")])
    assert batch.accepted == 2
    for obj in (Film.objects.get(code=FILM), Screening.objects.get(), ImportBatch.objects.get(pk=batch.pk),
                TicketTransaction.objects.get(transaction_id="T1")):
        with pytest.raises(ProtectedError):
            obj.delete()
    assert verify_references() == 0


def test_the_import_refuses_a_reference_that_vanished():
    with pytest.raises(MissingReference, match="vanished during the import"):
        hold_references(Film, [Film.objects.get(code=FILM).pk, 10**9])
    hold_references(Film, [Film.objects.get(code=FILM).pk])  # all present: nothing raised


def test_the_nightly_check_finds_a_ticket_whose_film_a_raw_writer_removed():
    send([sale("T1")])
    film = Film.objects.get(code=FILM)
    with connection.cursor() as cur:  # around the ORM's PROTECT, as only raw SQL could
        cur.execute("UPDATE boxoffice_tickettransaction SET film_id = %s", [film.pk + 10**6])
    assert verify_references() == 1
