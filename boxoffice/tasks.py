"""Celery tasks of the box office: thin shells over services, idempotent and safe to retry."""
import datetime

from celery import shared_task
from django.utils import timezone

from films.choices import RecomputeReason
from films.models import RecomputeRequest
from films.outbox import request_recompute

from .selectors import batches_awaiting_recompute
from .services import films_touched_by, mark_interrupted_batches

# A recompute requested this long ago and not finished, with no request in the outbox, was lost.
STALE_RECOMPUTE = datetime.timedelta(minutes=2)


@shared_task
def requeue_pending_recomputes_task() -> int:
    """Batches awaiting recompute with no request in the outbox (stored before it existed): write one.

    Every batch stored since writes its request in its own transaction (films/outbox.py) and the funding
    beat job drains the outbox every minute; this only catches batches older than that."""
    cutoff = timezone.now() - STALE_RECOMPUTE
    queued = set(RecomputeRequest.objects.filter(done_at__isnull=True, batch_id__isnull=False)
                 .values_list("batch_id", flat=True))
    n = 0
    for batch in batches_awaiting_recompute().filter(recompute_requested_at__lt=cutoff).exclude(pk__in=queued):
        request_recompute(film_ids=films_touched_by(batch), reason=RecomputeReason.SALES, batch_id=batch.pk,
                          detail=f"sales batch {batch.pk} (its request was lost)")
        n += 1
    return n


@shared_task(acks_late=True)
def process_uploaded_batch_task(batch_id: int, path: str, user_id: int | None = None) -> str:
    """Process a file received on the upload page (the same service as the command and the API)."""
    from pathlib import Path

    from django.contrib.auth import get_user_model

    from films.audit import Actor
    from films.choices import Door

    from .choices import BatchStatus
    from .models import ImportBatch
    from .services import process_sales_batch

    batch = ImportBatch.objects.select_related("cinema").get(pk=batch_id)
    if batch.status != BatchStatus.RECEIVED:  # a retry after the batch was done (acks_late): nothing to do
        return batch.status
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    file = Path(path)
    with file.open("rb") as stream:
        process_sales_batch(batch=batch, stream=stream, actor=Actor(door=Door.UPLOAD, user=user))
    file.unlink(missing_ok=True)
    return batch.status


# An upload still only "received" this long after it arrived lost its task (worker killed, broker down).
STALE_UPLOAD = datetime.timedelta(minutes=5)


@shared_task
def requeue_received_uploads_task() -> int:
    """Send again the uploads whose processing task never ran; the file waits at its batch's path."""
    from .choices import BatchSource, BatchStatus
    from .models import ImportBatch
    from .uploads import upload_path_for

    n = 0
    stale = ImportBatch.objects.filter(source=BatchSource.UPLOAD, status=BatchStatus.RECEIVED,
                                       received_at__lt=timezone.now() - STALE_UPLOAD)
    for batch in stale:
        path = upload_path_for(batch.pk)
        if path.exists():
            process_uploaded_batch_task.delay(batch.pk, str(path), batch.submitted_by_id)
            n += 1
    return n


@shared_task
def verify_daily_summaries_task() -> int:
    from .market_summaries import verify_market_summaries
    from .summaries import verify_daily_summaries, verify_references

    verify_references()  # logged as errors; nothing to repair automatically
    found = verify_daily_summaries(repair=True)
    verify_market_summaries(repair=True)  # logged, and the films' summaries rebuilt from their screen-day rows
    return found


@shared_task
def mark_interrupted_batches_task() -> int:
    """Batches whose import process died show as interrupted (the next import does this too)."""
    return mark_interrupted_batches()
