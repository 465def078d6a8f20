"""Celery tasks of the funding app: thin shells over services, idempotent and safe to retry."""
from celery import shared_task
from django.utils import timezone

from boxoffice.models import ImportBatch

from .metrics import recompute_all_metrics, recompute_film_metrics


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5, acks_late=True)
def recompute_film_metrics_task(self, film_ids: list[int], batch_id: int | None = None) -> int:
    """Recompute the metrics of the films a batch touched, then stamp the batch."""
    recompute_film_metrics(film_ids)
    if batch_id is not None:
        ImportBatch.objects.filter(pk=batch_id, recompute_finished_at__isnull=True).update(
            recompute_finished_at=timezone.now())
    return len(film_ids)


@shared_task
def recompute_all_metrics_task() -> int:
    return recompute_all_metrics()
