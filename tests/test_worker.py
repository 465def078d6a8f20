"""The core loop with a real Celery worker process on real Redis and PostgreSQL (not eager mode)."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from boxoffice.models import ImportBatch
from conftest import run_command
from films.models import Film

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1"


def _redis_or_skip():
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {REDIS_URL}: CI starts it")
    return client


@pytest.fixture
def celery_worker_process(postgres_only, tmp_path):
    """A `celery worker` subprocess using this test's PostgreSQL database and Redis as broker."""
    client = _redis_or_skip()
    client.flushdb()
    from config.celery_app import app

    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL, result_backend=REDIS_URL)
    app._pool = None  # drop any connection pool made for the in-memory broker
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "CELERY_TASK_ALWAYS_EAGER": "false",
           "REDIS_URL": REDIS_URL, "CELERY_BROKER_URL": REDIS_URL,
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    log = tmp_path / "worker.log"
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
                             "--loglevel", "info", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                            cwd=settings.BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while "ready" not in log.read_text() and time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-2000:]
        time.sleep(0.2)
    yield log
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    app.conf.update(**saved)
    app._pool = None


def _wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_worker_recomputes_the_touched_films_after_an_import(celery_worker_process, examples_dir):
    for command, name in (("import_cinemas", "cinemas.csv"), ("import_films", "films.csv"),
                          ("import_grants", "grants.json")):
        run_command(command, str(examples_dir / name))
    started = time.monotonic()
    out, _ = run_command("import_sales", "--json", str(examples_dir / "ticket-sales-small.csv"))
    batch = ImportBatch.objects.get(pk=json.loads(out)["batch"])
    assert batch.recompute_requested_at is not None
    assert _wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).recompute_finished_at is not None), \
        Path(celery_worker_process).read_text()[-3000:]
    elapsed = time.monotonic() - started
    batch.refresh_from_db()
    assert batch.recompute_finished_at >= batch.processed_at
    assert elapsed < 30
    expected = json.loads((examples_dir / "expected.json").read_text())["films"]
    for code, figures in expected.items():
        metrics = Film.objects.get(code=code).metrics
        assert (str(metrics.gross), metrics.admissions) == (figures["gross"], figures["admissions"])
    worker_log = Path(celery_worker_process).read_text()
    assert "funding.tasks.drain_recompute_outbox_task" in worker_log and "succeeded" in worker_log
