"""The one door through which apps above box office mark a batch's recompute done (funding's outbox drain
and its recompute task): they name the batches, box office writes its own ImportBatch rows."""
from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from .models import ImportBatch


def stamp_recompute_finished(batch_ids: Iterable[int], *, at: datetime.datetime | None = None) -> int:
    """Stamp these batches' figures as recomputed (at `at`, default now); a batch already stamped keeps its
    first stamp. Returns how many batches were stamped now."""
    ids = [i for i in batch_ids if i is not None]
    if not ids:
        return 0
    return ImportBatch.objects.filter(pk__in=ids, recompute_finished_at__isnull=True).update(
        recompute_finished_at=at or timezone.now())
