"""The recompute outbox: the need to recompute films' metrics is written in the transaction of the change.

A grant change, a sales batch, a box-office import or a register edit calls request_recompute inside its
own transaction, so the request commits with the change or not at all: a broker that is away when the
change commits cannot lose it. After the commit, recompute_requested is sent once and funding nudges a
worker (best effort, bounded time: config/settings/base.py); what no nudge reached is drained by the beat
job every minute (funding.recompute.drain_recompute_outbox).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from functools import partial

from django.db import transaction

from .models import RecomputeRequest
from .signals import recompute_requested

log = logging.getLogger(__name__)


def request_recompute(*, film_ids: Iterable[int | None], reason: str, batch_id: int | None = None,
                      detail: str = "") -> RecomputeRequest | None:
    """Record, in the current transaction, that these films' stored metrics must be recomputed."""
    ids = sorted({int(i) for i in film_ids if i})
    if not ids and batch_id is None:
        return None
    row = RecomputeRequest.objects.create(film_ids=ids, reason=reason, batch_id=batch_id, detail=detail[:200])
    _local.written = getattr(_local, "written", 0) + 1
    transaction.on_commit(partial(_nudge, _local.written))
    return row


# Requests written and nudged by this thread, counted: one nudge per commit, however many requests the
# transaction wrote (an import of 500 grants writes 500). The first callback after a commit nudges for all
# that this thread wrote so far (they committed together, or rolled back and never call back).
_local = threading.local()


def _nudge(written: int):
    if written <= getattr(_local, "nudged", 0):
        return  # the nudge sent for an earlier request of the same commit covers this one
    _local.nudged = _local.written
    try:
        recompute_requested.send(sender=RecomputeRequest)
    except Exception:  # noqa: BLE001 - the request is stored; the beat job drains it within a minute
        log.warning("could not nudge a worker to recompute metrics; the outbox keeps the request", exc_info=True)


def claim_pending(*, limit: int = 200) -> list[RecomputeRequest]:
    """The oldest pending requests, locked until the caller's transaction ends. Rows another drain holds are
    skipped, not waited for (PostgreSQL; SQLite has one writer at a time anyway)."""
    qs = RecomputeRequest.objects.filter(done_at__isnull=True).order_by("id")
    if transaction.get_connection().features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    return list(qs[:limit])


def pending_film_ids() -> set[int]:
    """Films some pending request names: their stored metrics may lag the registers for a moment."""
    return {i for ids in RecomputeRequest.objects.filter(done_at__isnull=True).values_list("film_ids", flat=True)
            for i in ids}
