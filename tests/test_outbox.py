"""Recomputes that cannot be lost, and Redis going away (unreachable or hung) costing a request < 2 s.

The broker and the cache here are real Redis clients pointed at a closed port or at a socket that accepts
and never answers, with the production settings (config/settings/base.py)."""
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from boxoffice.models import Cinema, DailySales, ImportBatch
from boxoffice.tests.helpers import CINEMA, FILM, as_json, sale
from boxoffice.tokens import issue_api_token
from config.settings.base import CELERY_BEAT_SCHEDULE
from films import outbox
from films.audit import Actor
from films.choices import RecomputeReason
from films.models import Film, RecomputeRequest
from films.signals import recompute_requested
from funding.choices import ChangeStatus
from funding.metrics import recompute_film_metrics
from funding.models import FilmMetrics, Grant, GrantChange, MetricsDiscrepancy
from funding.tasks import drain_recompute_outbox_task, verify_film_metrics_task
from funding.tests.test_staff_grants import GRANT_POST

from .outage import REDIS_URL, broker, outage, real_redis_or_skip, redis_cache

OUTAGES = ["unreachable", "hung"]


def pending():
    return RecomputeRequest.objects.filter(done_at__isnull=True)


def published_kzt(film: Film) -> Decimal:
    return sum((g.amount_awarded for g in Grant.objects.published().filter(film=film, currency="KZT")),
               Decimal("0"))


# --- the outbox ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", OUTAGES)
def test_a_grant_approval_with_the_broker_away_answers_at_once_and_reaches_the_metrics(
    kind, client, registers, officer, officer2, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    client.post(reverse("staff:grant-new"), GRANT_POST)
    change = GrantChange.objects.get(grant__identifier=GRANT_POST["identifier"], status=ChangeStatus.PENDING)
    film = Film.objects.get(code=GRANT_POST["film_code"])
    drain_recompute_outbox_task()  # what the registers fixture queued
    before = FilmMetrics.objects.get(film=film).awarded_kzt

    client.force_login(officer2)
    with outage(kind) as url, broker(url):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):  # the nudge to the (absent) broker
            response = client.post(reverse("staff:change-review", args=[change.pk, "approve"]))
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 2, f"the approval waited {elapsed:.1f} s on a {kind} broker"
    request = pending().get()
    assert (request.reason, request.film_ids) == (RecomputeReason.GRANT, [film.pk])
    assert FilmMetrics.objects.get(film=film).awarded_kzt == before  # not recomputed yet: nothing was lost

    # The broker answers again: the beat job's drain recomputes the film.
    assert drain_recompute_outbox_task() == 1
    assert FilmMetrics.objects.get(film=film).awarded_kzt == published_kzt(film) == before + Decimal("150000000.55")
    assert not pending().exists()


@pytest.mark.parametrize("kind", OUTAGES)
def test_a_sales_upload_with_redis_away_answers_at_once_and_the_drain_stamps_the_batch(
    kind, settings, registers, django_capture_on_commit_callbacks
):
    _, key = issue_api_token(cinema=Cinema.objects.get(code=CINEMA), actor=Actor(label="test"))
    drain_recompute_outbox_task()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with outage(kind) as url, broker(url):
        settings.CACHES = redis_cache(url)  # the throttle, progress and cache bumps meet the same outage
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post("/api/v1/sales/batches/", data=as_json([sale("T1"), sale("T2")]),
                                content_type="application/json")
        elapsed = time.monotonic() - started
    assert response.status_code == 201, response.content
    assert elapsed < 2, f"the upload waited {elapsed:.1f} s on a {kind} Redis"
    batch = ImportBatch.objects.get(pk=response.json()["batch"])
    assert batch.recompute_requested_at is not None and batch.recompute_finished_at is None
    request = pending().get()
    assert (request.reason, request.batch_id) == (RecomputeReason.SALES, batch.pk)

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert drain_recompute_outbox_task() == 1
    batch.refresh_from_db()
    assert batch.recompute_finished_at is not None
    assert FilmMetrics.objects.get(film__code=FILM).admissions == 4


def test_the_request_commits_with_its_change_or_not_at_all(registers, django_capture_on_commit_callbacks):
    drain_recompute_outbox_task()
    film = Film.objects.get(code="KZ-2023-0001")
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.request_recompute(film_ids=[film.pk], reason=RecomputeReason.GRANT)
        raise RuntimeError("the change failed")
    assert not pending().exists()

    # However many requests a transaction writes (an import of many grants), one nudge follows its commit.
    nudges = []

    def count(sender, **kwargs):
        nudges.append(sender)

    recompute_requested.connect(count)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            for _ in range(3):
                outbox.request_recompute(film_ids=[film.pk, None], reason=RecomputeReason.GRANT)
    finally:
        recompute_requested.disconnect(count)
    assert len(nudges) == 1
    assert not pending().exists()  # the nudge drained them (eager here)


def test_every_door_that_changed_a_film_writes_the_outbox(registers, examples_dir, django_capture_on_commit_callbacks):
    """Grant import, sales batch and summary repair: each leaves a request naming its reason."""
    from boxoffice.tasks import verify_daily_summaries_task
    from conftest import run_command

    reasons = set(pending().values_list("reason", flat=True))
    assert RecomputeReason.GRANT in reasons  # the registers fixture imported grants
    drain_recompute_outbox_task()
    run_command("import_sales", str(examples_dir / "ticket-sales-small.csv"))
    assert set(pending().values_list("reason", flat=True)) == {RecomputeReason.SALES}
    drain_recompute_outbox_task()
    wrong = DailySales.objects.first()
    DailySales.objects.filter(pk=wrong.pk).update(admissions=999)
    assert verify_daily_summaries_task() == 1
    assert set(pending().values_list("reason", flat=True)) == {RecomputeReason.SUMMARY_REPAIR}
    # Only the film whose summary was wrong is recomputed, not every film with sales.
    assert DailySales.objects.values("film_id").distinct().count() > 1
    assert [r.film_ids for r in pending()] == [[wrong.film_id]]
    # Both summaries wrong, for two films: one request names both.
    from boxoffice.models import ScreenDaySales

    drain_recompute_outbox_task()
    other = ScreenDaySales.objects.exclude(film_id=wrong.film_id).first()
    DailySales.objects.filter(pk=wrong.pk).update(admissions=999)
    ScreenDaySales.objects.filter(pk=other.pk).update(admissions=999)
    assert verify_daily_summaries_task() == 1
    assert [sorted(r.film_ids) for r in pending()] == [sorted([wrong.film_id, other.film_id])]


def test_a_batch_stored_before_the_outbox_gets_a_request_from_the_requeue_job(
    registers, examples_dir, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from boxoffice.tasks import requeue_pending_recomputes_task
    from conftest import run_command

    run_command("import_sales", str(examples_dir / "ticket-sales-small.csv"))
    batch = ImportBatch.objects.get()
    pending().delete()  # as if stored before the outbox existed
    ImportBatch.objects.filter(pk=batch.pk).update(recompute_requested_at=timezone.now() - datetime.timedelta(hours=1))
    assert requeue_pending_recomputes_task() == 1
    assert requeue_pending_recomputes_task() == 0  # its request is pending now
    drain_recompute_outbox_task()
    batch.refresh_from_db()
    assert batch.recompute_finished_at is not None


def test_beat_drains_the_outbox_every_minute_and_recomputes_everything_nightly():
    from config.celery_app import app

    by_task = {e["task"]: e["schedule"] for e in CELERY_BEAT_SCHEDULE.values()}
    assert by_task["funding.tasks.drain_recompute_outbox_task"] <= 60
    nightly = by_task["funding.tasks.verify_film_metrics_task"]
    assert nightly.hour == {3} and len(nightly.minute) == 1
    app.loader.import_default_modules()
    assert {"funding.tasks.drain_recompute_outbox_task", "funding.tasks.verify_film_metrics_task"} <= set(app.tasks)


@pytest.mark.django_db(transaction=True)
def test_the_drain_skips_requests_another_drain_holds(postgres_only, registers):
    """Two workers draining at once: the second takes what the first has not locked, and does not wait."""
    import threading

    from django.db import connection

    drain_recompute_outbox_task()
    film = Film.objects.get(code="KZ-2023-0001")
    # Written directly: request_recompute would nudge the (eager) drain at once.
    first = RecomputeRequest.objects.create(film_ids=[film.pk], reason=RecomputeReason.GRANT)
    second = RecomputeRequest.objects.create(film_ids=[film.pk], reason=RecomputeReason.GRANT)
    locked, release = threading.Event(), threading.Event()

    def hold_first():
        with transaction.atomic():
            list(RecomputeRequest.objects.select_for_update().filter(pk=first.pk))
            locked.set()
            release.wait(20)
        connection.close()

    holder = threading.Thread(target=hold_first)
    holder.start()
    try:
        assert locked.wait(10)
        started = time.monotonic()
        assert drain_recompute_outbox_task() == 1
        assert time.monotonic() - started < 5
        assert set(pending().values_list("pk", flat=True)) == {first.pk}
    finally:
        release.set()
        holder.join()
    assert drain_recompute_outbox_task() == 1 and not pending().exists()
    assert second.pk not in set(pending().values_list("pk", flat=True))


# --- the nightly full recompute ----------------------------------------------------------------------


def test_the_nightly_recompute_finds_no_drift_where_there_is_none(examples_loaded):
    assert verify_film_metrics_task() == 0
    assert not MetricsDiscrepancy.objects.exists()


def test_the_nightly_recompute_records_drift_repairs_it_and_shows_auditors(client, examples_loaded, auditor):
    m = FilmMetrics.objects.select_related("film").get(film__code="KZ-2024-0003")
    right = m.gross
    FilmMetrics.objects.filter(pk=m.pk).update(gross=Decimal("1.00"))  # a recompute that never happened
    assert verify_film_metrics_task() == 1
    found = MetricsDiscrepancy.objects.get()
    assert (found.film_id, found.fields, found.repaired) == (m.film_id, ["gross"], True)
    assert (found.stored["gross"], found.recomputed["gross"]) == ("1.00", str(right))
    assert FilmMetrics.objects.get(pk=m.pk).gross == right
    assert verify_film_metrics_task() == 0  # repaired

    client.force_login(auditor)
    page = client.get(reverse("staff:report", args=["metrics-discrepancies"])).content.decode()
    assert "KZ-2024-0003" in page and "gross=1.00" in page
    csv = client.get(reverse("staff:report-export", args=["metrics-discrepancies", "csv"])).content.decode()
    assert "KZ-2024-0003" in csv


def test_a_film_waiting_for_its_recompute_is_repaired_but_not_reported(examples_loaded):
    film = Film.objects.get(code="KZ-2024-0003")
    with transaction.atomic():
        DailySales.objects.filter(film=film).update(gross=Decimal("1.00"))
        outbox.request_recompute(film_ids=[film.pk], reason=RecomputeReason.SALES)
    # The drain before the check takes it: not drift.
    assert verify_film_metrics_task() == 0
    assert FilmMetrics.objects.get(film=film).gross == DailySales.objects.filter(film=film).count()


# --- the throttle ---------------------------------------------------------------------------------------


def test_the_sales_throttle_still_limits_while_the_cache_is_unreachable(settings, registers):
    from boxoffice.api.authentication import SalesThrottle

    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")
    _, key = issue_api_token(cinema=Cinema.objects.get(code=CINEMA), actor=Actor(label="test"))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    saved = SalesThrottle.THROTTLE_RATES
    SalesThrottle.THROTTLE_RATES = {**saved, "sales": "2/minute"}
    getattr(SalesThrottle, "_local", {}).clear()  # counts of earlier tests' outages
    try:
        # A body of the wrong type costs nothing to refuse, but the throttle counts it first.
        responses = [api.post("/api/v1/sales/batches/", data=b"x", content_type="text/csv") for _ in range(3)]
    finally:
        SalesThrottle.THROTTLE_RATES = saved
        getattr(SalesThrottle, "_local", {}).clear()
    assert [r.status_code for r in responses] == [415, 415, 429]
    assert int(responses[2]["Retry-After"]) > 0
    assert "throttled" in responses[2].json()["detail"].lower()


# --- the public cache after an outage ----------------------------------------------------------------


@pytest.mark.parametrize("change", ["metrics", "register"])
def test_a_change_made_while_the_cache_was_away_is_seen_once_it_is_back(
    change, settings, client, examples_loaded, django_capture_on_commit_callbacks
):
    real_redis_or_skip().flushdb()  # our own Redis database
    settings.CACHES = redis_cache(REDIS_URL)
    url = "/en/films/KZ-2024-0003/"
    film = Film.objects.get(code="KZ-2024-0003")
    first = client.get(url).content.decode()
    assert client.get(url).content.decode() == first  # cached
    assert any(k.startswith(b":1:public:page") for k in real_redis_or_skip().keys())

    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")  # Redis goes away
    with django_capture_on_commit_callbacks(execute=True):
        if change == "metrics":
            DailySales.objects.filter(film=film).update(gross=Decimal("1.00"))
            recompute_film_metrics([film.pk])
            expected = f"{DailySales.objects.filter(film=film).count()}.00 KZT"
        else:
            film.title_en = "Tomiris, renamed while Redis was away"
            film.save()
            expected = film.title_en
    assert expected not in first

    settings.CACHES = redis_cache(REDIS_URL)  # and comes back
    deadline = time.monotonic() + 5
    while expected not in (page := client.get(url).content.decode()) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert expected in page, "the page cached before the outage is still served"
    cache.clear()
