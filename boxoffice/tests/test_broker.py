"""Redis down is not data loss, and a real Celery worker recomputes metrics after an import."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from boxoffice.choices import BatchStatus
from films.models import RecomputeRequest
from funding.models import FilmMetrics
from funding.tasks import drain_recompute_outbox_task
from tests.outage import broker

from .helpers import FILM, sale, send

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3")
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1




def redis_available() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.mark.usefixtures("registers")
def test_a_dead_broker_leaves_the_batch_stored_and_awaiting_recompute(django_capture_on_commit_callbacks):
    started = time.monotonic()
    with broker(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        batch = send([sale("T1"), sale("T2")])
    assert time.monotonic() - started < 2, "the broker connection attempt must fail fast"
    batch.refresh_from_db()
    assert (batch.status, batch.accepted) == (BatchStatus.PROCESSED, 2)
    assert batch.recompute_requested_at is not None and batch.recompute_finished_at is None
    assert not FilmMetrics.objects.filter(film__code=FILM).exists()

    # The request was written with the batch; with the broker back (eager here), the beat job's drain runs it.
    assert RecomputeRequest.objects.filter(done_at__isnull=True, batch_id=batch.pk).exists()
    assert drain_recompute_outbox_task() >= 1
    batch.refresh_from_db()
    assert batch.recompute_finished_at is not None
    assert FilmMetrics.objects.get(film__code=FILM).admissions == 4


@pytest.fixture
def worker():
    if not redis_available():
        pytest.skip(f"needs Redis at {REDIS_URL}")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker is another process and must see the test database")
    redis.Redis.from_url(REDIS_URL).flushdb()  # our own DB number: stale tasks of earlier runs
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("registers")
def test_a_real_worker_recomputes_and_stamps_the_batch(worker):
    with broker(REDIS_URL):
        batch = send([sale("W1", tickets=3), sale("W2", tickets=2)])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.recompute_finished_at is not None:
            break
        assert worker.poll() is None, worker.stderr.read().decode()
        time.sleep(0.2)
    assert batch.recompute_finished_at is not None, "the worker did not recompute within a minute"
    assert batch.recompute_finished_at - batch.recompute_requested_at < datetime.timedelta(seconds=60)
    assert FilmMetrics.objects.get(film__code=FILM).admissions == 5
