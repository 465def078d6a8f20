"""Reactions to box-office and film events; each queues one task or calls one service."""
from films.audit import Actor
from films.choices import RecomputeReason

from .services import link_unlinked_grants_for, queue_metrics_recompute
from .tasks import drain_recompute_outbox_task


def drain_after_commit(sender, **kwargs):
    """A commit wrote recompute requests (films/outbox.py): ask a worker to drain them now. If the broker is
    away this fails within a second (settings: CELERY_BROKER_*); the beat job drains them instead."""
    drain_recompute_outbox_task.delay()


def link_grants_to_new_films(sender, codes, **kwargs):
    link_unlinked_grants_for(codes=list(codes), actor=Actor(label="grant linked when its film was registered"))


def recompute_after_film_change(sender, film_ids, **kwargs):
    """A film value its figures use changed (the admin's exhibitor share): recompute it after the commit."""
    queue_metrics_recompute(set(film_ids), RecomputeReason.REGISTER, detail="exhibitor share")
