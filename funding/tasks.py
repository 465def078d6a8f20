"""Celery tasks of the funding app: thin shells over services, idempotent and safe to retry."""
from celery import shared_task

from boxoffice.recompute_stamps import stamp_recompute_finished

from .metrics import recompute_all_metrics, recompute_film_metrics
from .recompute import drain_recompute_outbox, verify_film_metrics


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5, acks_late=True)
def drain_recompute_outbox_task(self) -> int:
    """Recompute the films of every pending recompute request (films/outbox.py); nudged after each commit
    that wrote one, and run by beat every minute for the requests no nudge reached."""
    return drain_recompute_outbox()


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5, acks_late=True)
def recompute_film_metrics_task(self, film_ids: list[int], batch_id: int | None = None) -> int:
    """Recompute these films now and stamp the batch. Superseded by the outbox drain; kept so that messages
    queued before an upgrade still run."""
    recompute_film_metrics(film_ids)
    if batch_id is not None:
        stamp_recompute_finished([batch_id])
    return len(film_ids)


@shared_task
def recompute_all_metrics_task() -> int:
    return recompute_all_metrics()


@shared_task
def verify_film_metrics_task() -> int:
    """Nightly: recompute every film, record any drift from the stored metrics for auditors, repair it."""
    return verify_film_metrics(repair=True)
