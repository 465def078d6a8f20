"""Sales-batch pages as clerks live in them (issue 13): why a batch was rejected, honest progress, the
format and a template offered beside the upload."""

import csv
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from boxoffice.choices import BatchSource, BatchStatus
from boxoffice.models import Cinema, ImportBatch
from boxoffice.progress import set_progress
from boxoffice.records import FIELDS
from boxoffice.services import receive_sales_batch
from conftest import make_user
from films.audit import Actor

from .helpers import as_csv, sale

pytestmark = pytest.mark.usefixtures("registers")


@pytest.fixture
def staff(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    cache.clear()
    client.force_login(make_user("clerk", "grant_officer"))
    return client


def _upload(client, name: str, content: bytes, capture):
    with capture(execute=True):
        return client.post(reverse("boxoffice:upload"), {"file": SimpleUploadedFile(name, content)})


def test_the_batch_list_says_why_a_batch_was_rejected(staff, django_capture_on_commit_callbacks):
    _upload(staff, "bad.csv", b"cinema_code,transaction_id\nKZ-C0001,T1\n", django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.REJECTED and batch.message
    html = staff.get(reverse("boxoffice:batches")).content.decode()
    assert 'class="why"' in html and batch.message[:60] in html.replace("&#x27;", "'").replace("&quot;", '"')


def test_under_eager_celery_the_upload_page_leads_to_the_final_report(staff, django_capture_on_commit_callbacks,
                                                                     settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert "processed while you wait" in staff.get(reverse("boxoffice:upload")).content.decode()
    response = _upload(staff, "s.csv", as_csv([sale("T1"), sale("T2")]), django_capture_on_commit_callbacks)
    page = staff.get(response.url).content.decode()
    assert "<progress" not in page and "2: 2 accepted" in page


def test_a_running_batch_never_shows_zero_accepted_nor_a_stuck_99(staff):
    content = as_csv([sale("T1")])
    batch = receive_sales_batch(stream=io.BytesIO(content), source=BatchSource.UPLOAD, actor=Actor(label="t"))
    page = staff.get(reverse("boxoffice:batch", args=[batch.pk])).content.decode()
    assert "0 accepted" not in page and "counted when the batch is committed" in page
    # The poller is a static file: no inline script for the Content-Security-Policy to forbid.
    assert "js/batch-progress.js" in page and "<script>" not in page
    url = reverse("boxoffice:batch-progress", args=[batch.pk])
    set_progress(batch.pk, records=1, bytes=len(content), size=len(content), phase="storing")
    state = staff.get(url).json()
    assert (state["phase"], state["percent"], state["running"]) == ("storing", None, True)


def test_the_upload_page_links_the_format_and_a_template_that_imports(
    staff, django_capture_on_commit_callbacks
):
    upload = staff.get(reverse("boxoffice:upload")).content.decode()
    assert reverse("boxoffice:format") in upload and reverse("boxoffice:template") in upload
    page = staff.get(reverse("boxoffice:format")).content.decode()
    assert all(f"<code>{f}</code>" in page for f in FIELDS) and "not by tabs" in page
    template = staff.get(reverse("boxoffice:template"))
    assert template["Content-Disposition"].endswith('ticket-sales-template.csv"')
    rows = list(csv.reader(io.StringIO(template.content.decode())))
    assert rows[0] == FIELDS and len(rows) == 2
    # The example row is a valid record: sent as it is, it is accepted.
    _upload(staff, "template.csv", template.content, django_capture_on_commit_callbacks)
    assert ImportBatch.objects.get().accepted == 1


def test_an_operators_template_names_its_own_cinema(client, registers):
    cinema = Cinema.objects.order_by("-code").first()
    user = make_user("op", "cinema_operator")
    cinema.operators.add(user)
    client.force_login(user)
    rows = list(csv.reader(io.StringIO(client.get(reverse("boxoffice:template")).content.decode())))
    assert rows[1][0] == cinema.code


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_format_page_speaks_the_users_language(staff, lang):
    from django.utils import translation

    with translation.override(lang):
        page = staff.get(reverse("boxoffice:format")).content.decode()
    assert "not by tabs" not in page and "<code>amount</code>" in page


@pytest.mark.parametrize("amount", ["7,500", "7 500", "7,500.00"])
def test_a_comma_or_grouped_amount_is_told_to_use_a_point(staff, django_capture_on_commit_callbacks, amount):
    _upload(staff, "s.csv", as_csv([sale("T1", amount=amount)]), django_capture_on_commit_callbacks)
    record = ImportBatch.objects.get().records.get()
    assert record.field == "amount" and "use a point as the decimal separator" in record.reason
