"""The upload page (processed by the Celery task), the progress endpoint, the batch page and its CSV."""

import csv
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from boxoffice.choices import BatchSource, BatchStatus
from boxoffice.models import ImportBatch, TicketTransaction
from boxoffice.progress import set_progress
from boxoffice.services import receive_sales_batch
from conftest import make_user
from films.audit import Actor

from .helpers import as_csv, sale

pytestmark = pytest.mark.usefixtures("registers")


@pytest.fixture
def staff(client, django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    cache.clear()  # progress of earlier tests' batches (ids are reused)
    client.force_login(make_user("clerk", "grant_officer"))
    return client


def test_pages_need_a_signed_in_user(client):
    for name in ("boxoffice:upload", "boxoffice:batches"):
        assert client.get(reverse(name)).status_code == 302


def test_upload_is_processed_by_the_task_and_shows_the_report(
    staff, django_capture_on_commit_callbacks, tmp_path
):
    content = as_csv([sale("T1"), sale("T2", tickets=0), sale("T3", film="KZ-2031-0001")])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("boxoffice:upload"),
            {"file": SimpleUploadedFile("sales.csv", content, content_type="text/csv")},
        )
    batch = ImportBatch.objects.get()
    assert response.url == reverse("boxoffice:batch", args=[batch.pk])
    assert (batch.source, batch.submitted_by.username, batch.filename) == (
        BatchSource.UPLOAD,
        "clerk",
        "sales.csv",
    )
    assert (batch.status, batch.accepted, batch.rejected, batch.held) == (BatchStatus.PROCESSED, 1, 1, 1)
    assert not list((tmp_path / "sales-uploads").iterdir())  # the worker's copy is removed when done
    page = staff.get(response.url).content.decode()
    assert "0 is outside 1–1000" in page and "not-accepted.csv" in page and "<progress" not in page

    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    staff.get(reverse("boxoffice:batch-records-csv", args=[batch.pk])).streaming_content
                ).decode()
            )
        )
    )
    assert rows[0][:4] == ["line", "outcome", "field", "reason"]
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
        ("3", "rejected", "tickets"),
        ("4", "held", "film_code"),
    ]
    assert rows[2][rows[0].index("film_code")] == "KZ-2031-0001"
    assert TicketTransaction.objects.count() == 1


def test_a_running_batch_shows_a_progress_bar_fed_by_the_cache(staff):
    content = as_csv([sale("T1")])
    batch = receive_sales_batch(
        stream=io.BytesIO(content), source=BatchSource.UPLOAD, actor=Actor(label="test")
    )
    assert "<progress" in staff.get(reverse("boxoffice:batch", args=[batch.pk])).content.decode()
    url = reverse("boxoffice:batch-progress", args=[batch.pk])
    assert staff.get(url).json() == {
        "status": "received",
        "running": True,
        "percent": 0,
        "records": 0,
        "phase": "waiting",
    }
    set_progress(batch.pk, records=7, bytes=len(content) * 3 // 4 + 1, size=len(content), phase="reading")
    state = staff.get(url).json()
    assert (state["records"], state["percent"], state["phase"]) == (7, 75, "reading")


def test_with_the_broker_down_an_upload_is_processed_in_the_request(
    staff, django_capture_on_commit_callbacks
):
    from .test_broker import DEAD_BROKER, broker

    with broker(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        staff.post(
            reverse("boxoffice:upload"),
            {"file": SimpleUploadedFile("sales.csv", as_csv([sale("T1")]), content_type="text/csv")},
        )
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.accepted) == (BatchStatus.PROCESSED, 1)
    assert (
        batch.recompute_requested_at is not None and batch.recompute_finished_at is None
    )  # awaits the requeue


def test_a_cinema_operator_reports_only_for_its_cinema_and_sees_only_its_batches(client, settings, tmp_path,
                                                                                django_capture_on_commit_callbacks):
    from boxoffice.models import Cinema

    settings.MEDIA_ROOT = str(tmp_path)
    operator = make_user("cinema-clerk", "cinema_operator")
    Cinema.objects.get(code="KZ-C0001").operators.add(operator)
    client.force_login(operator)
    own = as_csv([sale("OWN-1", cinema="KZ-C0001")]).decode()
    other = as_csv([sale("OWN-2", cinema="KZ-C0001"), sale("X-1", cinema="KZ-C0002")]).decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("boxoffice:upload"), {"file": SimpleUploadedFile("own.csv", own.encode())})
        client.post(reverse("boxoffice:upload"), {"file": SimpleUploadedFile("other.csv", other.encode())})
    mine, refused = ImportBatch.objects.order_by("pk")
    assert (mine.status, mine.accepted, mine.cinema.code) == (BatchStatus.PROCESSED, 1, "KZ-C0001")
    assert refused.status == BatchStatus.REJECTED and "KZ-C0002" in refused.message
    assert not TicketTransaction.objects.filter(transaction_id__in=["OWN-2", "X-1"]).exists()
    cli = receive_sales_batch(stream=io.BytesIO(own.encode()), source=BatchSource.CLI,
                              actor=Actor.command("import_sales"))
    listing = client.get(reverse("boxoffice:batches")).content.decode()
    assert f'href="{reverse("boxoffice:batch", args=[mine.pk])}"' in listing
    assert f'href="{reverse("boxoffice:batch", args=[cli.pk])}"' not in listing
    assert client.get(reverse("boxoffice:batch", args=[cli.pk])).status_code == 404
    assert client.get(reverse("boxoffice:alerts")).status_code == 403


def test_an_upload_whose_task_was_lost_is_sent_again(staff, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    from boxoffice.tasks import requeue_received_uploads_task
    from boxoffice.uploads import upload_path_for

    content = as_csv([sale("LOST-1")])
    batch = receive_sales_batch(stream=io.BytesIO(content), source=BatchSource.UPLOAD, actor=Actor.command("t"))
    upload_path_for(batch.pk).write_bytes(content)  # as the upload page leaves it; its task never ran
    assert requeue_received_uploads_task() == 0, "a fresh upload is still in the queue: leave it"
    ImportBatch.objects.filter(pk=batch.pk).update(received_at=timezone.now() - datetime.timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_received_uploads_task() == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PROCESSED and batch.accepted == 1
    assert not upload_path_for(batch.pk).exists()
    assert requeue_received_uploads_task() == 0
