"""Draining the recompute outbox (films/outbox.py), and the nightly full recompute that checks for drift.

The drain is the only way stored metrics follow the registers: a worker runs it when nudged after a commit,
and the beat job runs it every minute, so a request whose nudge never reached a worker (broker away, worker
killed) is recomputed within a minute of the broker answering again. It is idempotent: recomputing a film
twice stores the same row.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from boxoffice.recompute_stamps import stamp_recompute_finished
from films.models import Film, RecomputeRequest
from films.outbox import claim_pending, pending_film_ids

from .metrics import compute_film_metrics, films_by_id, recompute_film_metrics
from .models import FilmMetrics, MetricsDiscrepancy

CHUNK = 500
# Done requests are kept this long (what was recomputed, when and why), then pruned by the nightly job.
KEEP_DONE = datetime.timedelta(days=7)


def drain_recompute_outbox(*, limit: int = 200, rounds: int = 50) -> int:
    """Recompute the films of the pending requests, stamp their batches and mark them done; returns how many
    requests were done. Each round is one transaction: a failure leaves its requests pending for the next try."""
    done = 0
    for _ in range(rounds):
        with transaction.atomic():
            requests = claim_pending(limit=limit)
            if not requests:
                break
            film_ids = sorted({i for r in requests for i in r.film_ids})
            for i in range(0, len(film_ids), CHUNK):
                recompute_film_metrics(film_ids[i:i + CHUNK])
            now = timezone.now()
            batch_ids = [r.batch_id for r in requests if r.batch_id is not None]
            stamp_recompute_finished(batch_ids, at=now)
            RecomputeRequest.objects.filter(pk__in=[r.pk for r in requests]).update(done_at=now)
            done += len(requests)
        if len(requests) < limit:
            break
    return done


# --- the nightly full recompute ------------------------------------------------------------------------

FIGURES = [f.name for f in FilmMetrics._meta.concrete_fields if f.name not in ("film", "computed_at")]


def _plain(name: str, value):
    """A figure as comparable, JSON-ready text: decimals at the stored precision, moments in UTC."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        places = FilmMetrics._meta.get_field(name).decimal_places
        return str(value.quantize(Decimal(1).scaleb(-places)))
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    return value


def _picture(values: dict | None) -> dict | None:
    return None if values is None else {name: _plain(name, values[name]) for name in FIGURES}


def _has_figures(picture: dict) -> bool:
    return bool(picture["awarded"] or picture["disbursed"] or picture["sales_count"] or picture["admissions"])


def verify_film_metrics(*, repair: bool = True) -> int:
    """Recompute every film's metrics, compare with what is stored, record each difference as a discrepancy
    for auditors and (with repair) store the recomputed figures. Returns the number of discrepancies."""
    drain_recompute_outbox()  # what is merely queued is not drift
    ids = list(Film.objects.order_by("pk").values_list("pk", flat=True))
    found = 0
    for i in range(0, len(ids), CHUNK):
        with transaction.atomic():
            films = films_by_id(ids[i:i + CHUNK])
            stored = {m.film_id: m for m in
                      FilmMetrics.objects.select_for_update().filter(film_id__in=films).order_by("film_id")}
            fresh = compute_film_metrics(films)
            # A change committed while this ran has its request pending: its film lags for a moment, no drift.
            lagging = pending_film_ids()
            now = timezone.now()
            for film_id, values in fresh.items():
                have = stored.get(film_id)
                have_picture = _picture({n: getattr(have, n) for n in FIGURES}) if have else None
                want_picture = _picture(values)
                if have_picture == want_picture:
                    continue
                if film_id not in lagging and (have is not None or _has_figures(want_picture)):
                    MetricsDiscrepancy.objects.create(
                        film_id=film_id, stored=have_picture, recomputed=want_picture, repaired=repair,
                        fields=[n for n in FIGURES if have_picture is None or have_picture[n] != want_picture[n]])
                    found += 1
                if repair:
                    FilmMetrics.objects.update_or_create(film_id=film_id, defaults={**values, "computed_at": now})
    RecomputeRequest.objects.filter(done_at__lt=timezone.now() - KEEP_DONE).delete()
    return found
