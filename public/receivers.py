"""Bump the public cache versions after any change to what public pages show (public/caching.py).

A register edit makes everything stale. Metrics are recomputed by Celery after sales and after grant
changes; that save makes stale the recomputed film's own pages and every page that aggregates films, but
not the other films' pages. Daily sales are not watched: every sales commit is followed by a metrics
recompute, and bumping per summary row would be thousands of bumps per batch. The bump waits for the
commit, so a reader never caches the state before it.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .caching import bump_film_figures, bump_version

UID = "public-cache-bump"


def _bump(sender, **kwargs):
    transaction.on_commit(bump_version)


def _bump_film(sender, instance, **kwargs):
    from films.models import Film

    code = Film.objects.filter(pk=instance.film_id).values_list("code", flat=True).first()
    if code is None:  # the film itself was deleted: that bumped everything
        return
    transaction.on_commit(lambda: bump_film_figures(code))


def connect():
    from boxoffice.models import Cinema, Screen
    from films.models import Film, FilmStatusChange, Organisation, Region
    from funding.models import Disbursement, FilmMetrics, Grant, Programme

    post_save.connect(_bump_film, sender=FilmMetrics, dispatch_uid=f"{UID}-save-FilmMetrics")
    post_delete.connect(_bump_film, sender=FilmMetrics, dispatch_uid=f"{UID}-delete-FilmMetrics")
    for model in (
        Grant,
        Disbursement,
        Programme,
        Film,
        FilmStatusChange,
        Organisation,
        Region,
        Cinema,
        Screen,
    ):
        post_save.connect(_bump, sender=model, dispatch_uid=f"{UID}-save-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"{UID}-delete-{model.__name__}")
    for through in (Film.genres.through, Film.languages.through, Film.countries.through):
        m2m_changed.connect(_bump, sender=through, dispatch_uid=f"{UID}-m2m-{through.__name__}")
