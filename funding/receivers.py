"""Reactions to box-office and film events; each queues one task or calls one service."""
from films.audit import Actor

from .services import link_unlinked_grants_for, queue_metrics_recompute
from .tasks import recompute_film_metrics_task


def recompute_after_sales(sender, batch_id, film_ids, **kwargs):
    """A sales batch committed: one task recomputes exactly the films it touched."""
    recompute_film_metrics_task.delay(list(film_ids), batch_id=batch_id)


def link_grants_to_new_films(sender, codes, **kwargs):
    link_unlinked_grants_for(codes=list(codes), actor=Actor(label="grant linked when its film was registered"))


def recompute_after_film_change(sender, film_ids, **kwargs):
    """A film value its figures use changed (the admin's exhibitor share): recompute it after the commit."""
    queue_metrics_recompute(set(film_ids))
