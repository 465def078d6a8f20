"""Sales batch pages for signed-in staff and cinema operators: list, upload with progress, report, CSV."""

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from films import downloads
from films.audit import Actor
from films.choices import Door
from films.middleware import upload_limit
from films.permissions import operated_cinema_ids, sales_batch_reader, sales_reporter, workspace_reader

from .choices import BatchSource, BatchStatus
from .forms import SalesUploadForm
from .models import Cinema, CinemaApiToken
from .progress import read_progress
from .records import FIELDS, FORMAT_TAG, REQUIRED
from .selectors import anomalies, batches_visible_to, recent_batches, summary_discrepancies
from .services import receive_sales_batch
from .tasks import process_uploaded_batch_task
from .uploads import save_upload, upload_path_for

log = logging.getLogger(__name__)
RUNNING = (BatchStatus.RECEIVED, BatchStatus.PROCESSING)


@sales_batch_reader
def batch_list(request):
    return render(request, "boxoffice/batch_list.html", {"batches": recent_batches(100, user=request.user)})


@sales_batch_reader
def batch_detail(request, pk):
    batch = get_object_or_404(batches_visible_to(request.user).select_related("cinema", "duplicate_of"), pk=pk)
    return render(
        request,
        "boxoffice/batch_detail.html",
        {
            "batch": batch,
            "running": batch.status in RUNNING,
            "records": batch.records.exclude(outcome="duplicate")[:500],
            "anomalies": batch.anomalies.select_related("screening")[:200],
        },
    )


def _queue(batch_id: int, path: str, user_id: int):
    """After the commit: to the worker; with the broker down, here and now rather than never."""
    try:
        process_uploaded_batch_task.delay(batch_id, path, user_id)
    except Exception:  # noqa: BLE001 - kombu raises many kinds when Redis is away
        log.warning("broker unreachable; processing upload batch %s in the request", batch_id, exc_info=True)
        process_uploaded_batch_task(batch_id, path, user_id)


@upload_limit("SALES_MAX_UPLOAD_BYTES")
@sales_reporter
@require_http_methods(["GET", "POST"])
def upload(request):
    # An operator's file may hold only its own cinema's records: the batch is refused whole otherwise.
    operated = Cinema.objects.filter(pk__in=operated_cinema_ids(request.user)).order_by("code")
    form = SalesUploadForm(request.POST or None, request.FILES or None, cinemas=operated)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        path = save_upload(uploaded)
        with path.open("rb") as stream:
            batch = receive_sales_batch(
                stream=stream,
                source=BatchSource.UPLOAD,
                actor=Actor(door=Door.UPLOAD, user=request.user),
                filename=uploaded.name,
                cinema=form.cleaned_data.get("cinema"),
            )
        path = path.rename(upload_path_for(batch.pk))
        transaction.on_commit(partial(_queue, batch.pk, str(path), request.user.pk))
        return redirect("boxoffice:batch", pk=batch.pk)
    tokens = CinemaApiToken.objects.filter(cinema__in=operated).select_related("cinema").order_by("-created_at")
    eager = settings.CELERY_TASK_ALWAYS_EAGER  # no worker: the upload is processed within the request
    return render(request, "boxoffice/upload.html",
                  {"form": form, "operated": operated, "tokens": tokens, "eager": eager})


@sales_batch_reader
def batch_progress(request, pk):
    """What the progress bar polls: the batch row (committed state) plus the live count from the cache."""
    batch = get_object_or_404(batches_visible_to(request.user), pk=pk)
    live = read_progress(batch.pk) or {}
    size = batch.size_bytes or 1
    phase = live.get("phase", "waiting") if batch.status in RUNNING else "done"
    # While storing, the share of the file read says nothing about the time left: no percentage then.
    percent = {"done": 100, "storing": None}.get(phase, min(99, int(100 * live.get("bytes", 0) / size)))
    return JsonResponse(
        {
            "status": batch.status,
            "running": batch.status in RUNNING,
            "percent": percent,
            "records": live.get("records", 0),
            "phase": phase,
        }
    )


@sales_batch_reader
def batch_records_csv(request, pk):
    """Every record of the batch that was not accepted, with where, why, and the record as received."""
    batch = get_object_or_404(batches_visible_to(request.user), pk=pk)
    position = "line" if batch.encoding == "csv" else "index"
    records = batch.records.order_by("position").iterator(chunk_size=2000)
    # The record as received is text from the sender (a CSV cell may be "=HYPERLINK(…)"): only the position
    # is a number.
    rows = downloads.csv_lines(
        [position, "outcome", "field", "reason", *FIELDS],
        ([r.position, r.outcome, r.field, r.reason_en, *[r.data.get(f, "") for f in FIELDS]] for r in records),
    )
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}-not-accepted.csv"'
    return response


@workspace_reader
def alerts(request):
    """For auditors: suspicious records accepted and flagged, and summaries the nightly check found wrong."""
    return render(
        request,
        "boxoffice/alerts.html",
        {"anomalies": anomalies()[:500], "discrepancies": summary_discrepancies()[:200]},
    )


# The ticket-sales/1 fields as ../shared/spec/ticket-sales.md defines them, in words for the upload page.
FORMAT_FIELDS = [
    ("cinema_code", _("registered cinema code: capital letters, digits and hyphens, 3–32 characters"),
     _("the cinema that reports"), "KZ-C0001"),
    ("transaction_id", _("1–64 printable characters, unique within the cinema"), _("the cinema's own id"), "S-1"),
    ("kind", _("sale or refund"), "", "sale"),
    ("refund_of", _("for refunds: the transaction_id of the refunded sale of the same cinema"), "", ""),
    ("sold_at", _("ISO 8601 date and time with UTC offset"), _("when paid or refunded"),
     "2025-03-18T19:02:11+05:00"),
    ("screening_start", _("ISO 8601 date and time with UTC offset"), _("start of the show"),
     "2025-03-18T20:00:00+05:00"),
    ("screen", _("1–32 characters: a screen (hall) registered for the cinema"), "", "1"),
    ("film_code", _("1–32 characters: the film's distribution certificate number as registered"), "",
     "KZ-2024-0003"),
    ("tickets", _("whole number 1–1000, positive for refunds too"), _("seats in the transaction"), "2"),
    ("amount", _("decimal ≥ 0, at most 2 decimal places, a point as decimal separator, no digit grouping"),
     _("money paid (or returned)"), "7000.00"),
    ("currency", _("ISO 4217 code, KZT if left out"), "", "KZT"),
    ("screening_format", _("2D, 3D, IMAX, 4DX or other"), "", "2D"),
    ("screening_language", _("ISO 639-1 code (kk, ru, en, …)"), "", "kk"),
]


@sales_batch_reader
def sales_format(request):
    """What a sales file must hold (the ticket-sales/1 contract), with a template to start from."""
    fields = [{"name": n, "required": n in REQUIRED, "format": f, "meaning": m, "example": e}
              for n, f, m, e in FORMAT_FIELDS]
    return render(request, "boxoffice/format.html", {"fields": fields, "format_tag": FORMAT_TAG})


@sales_batch_reader
def sales_template_csv(request):
    """A CSV to fill in: the header row and one example sale (the operator's own cinema when it has one)."""
    operated = Cinema.objects.filter(pk__in=operated_cinema_ids(request.user)).order_by("code").first()
    example = {n: e for n, _f, _m, e in FORMAT_FIELDS}
    if operated is not None:
        example["cinema_code"] = operated.code
    response = HttpResponse(downloads.csv_text(FIELDS, [[example[n] for n in FIELDS]], numeric=["tickets", "amount"]),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ticket-sales-template.csv"'
    return response
