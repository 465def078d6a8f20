"""Sales batch pages for signed-in staff and cinema operators: list, upload with progress, report, CSV."""

import logging
from functools import partial

from django.db import transaction
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
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
from .records import FIELDS
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
    return render(request, "boxoffice/upload.html", {"form": form, "operated": operated, "tokens": tokens})


@sales_batch_reader
def batch_progress(request, pk):
    """What the progress bar polls: the batch row (committed state) plus the live count from the cache."""
    batch = get_object_or_404(batches_visible_to(request.user), pk=pk)
    live = read_progress(batch.pk) or {}
    size = batch.size_bytes or 1
    percent = 100 if batch.status not in RUNNING else min(99, int(100 * live.get("bytes", 0) / size))
    return JsonResponse(
        {
            "status": batch.status,
            "running": batch.status in RUNNING,
            "percent": percent,
            "records": live.get("records", 0),
            "phase": live.get("phase", "waiting"),
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
        ([r.position, r.outcome, r.field, r.reason, *[r.data.get(f, "") for f in FIELDS]] for r in records),
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
