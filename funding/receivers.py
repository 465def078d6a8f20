"""Reactions to box-office and film events; each queues one task or calls one service."""
from films.audit import Actor

from .services import link_unlinked_grants_for, queue_metrics_recompute
from .tasks import recompute_film_metrics_task


def recompute_after_sales(sender, batch_id, film_ids, **kwargs):
    """A sales batch committed: one task recomputes exactly the films it touched."""
    recompute_film_metrics_task.delay(list(film_ids), batch_id=batch_id)


def recompute_after_box_office_report(sender, import_id, film_ids, **kwargs):
    """Box-office report rows created or corrected: recompute those films once the import commits."""
    queue_metrics_recompute(film_ids)


def link_grants_to_new_films(sender, codes, **kwargs):
    link_unlinked_grants_for(codes=list(codes), actor=Actor(label="grant linked when its film was registered"))
