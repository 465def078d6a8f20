"""All-or-nothing batches: a process really killed inside the import's transaction leaves nothing behind."""

import datetime
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Sum

from boxoffice.choices import BatchStatus
from boxoffice.models import DailySales, ImportBatch, TicketTransaction
from boxoffice.services import IMPORT_LOCK_KEY, INTERRUPTED_MESSAGE, mark_interrupted_batches

from .helpers import as_csv, sale

ROOT = Path(__file__).resolve().parents[2]
N = 40_000


def _big_file(path: Path) -> tuple[int, Decimal]:
    records = [
        sale(
            f"K{i}",
            start=f"2025-03-{1 + i % 28:02d}T{10 + i % 12}:00:00+05:00",
            screen=str(1 + i % 2),
            tickets=1 + i % 3,
            amount=f"{1000 + i % 977}.{i % 100:02d}",
        )
        for i in range(N)
    ]
    path.write_bytes(as_csv(records))
    return N, sum(Decimal(r["amount"]) for r in records)


def _manage(*args, **extra_env) -> subprocess.Popen:
    """manage.py in another process, on this test's database."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        **extra_env,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for(condition, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _import_lock_holder() -> int | None:
    """The backend pid holding the import lock: taken first thing inside the import's transaction."""
    with connection.cursor() as cur:
        # pg_locks shows every database of the server; other test databases run imports too.
        cur.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = %s "
            "AND classid = 0 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [IMPORT_LOCK_KEY],
        )
        row = cur.fetchone()
    return row[0] if row else None


def _backend_gone(pid: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cur.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("registers", "postgres_only")
def test_killed_import_leaves_nothing_and_a_rerun_equals_one_clean_run(tmp_path):
    path = tmp_path / "sales.csv"
    n, total = _big_file(path)
    proc = _manage("import_sales", str(path))
    try:
        _wait_for(
            lambda: _import_lock_holder() is not None or proc.poll() is not None, what="the import to start"
        )
        holder = _import_lock_holder()
        assert holder is not None, proc.communicate()
        time.sleep(0.5)  # well inside: reading, copying, judging
        assert proc.poll() is None, "the import finished before it could be killed; make the file bigger"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    _wait_for(lambda: _backend_gone(holder), what="PostgreSQL to notice the dead client")
    killed = ImportBatch.objects.get()
    assert killed.status == BatchStatus.PROCESSING
    assert not TicketTransaction.objects.exists() and not DailySales.objects.exists()

    assert mark_interrupted_batches() == 1
    killed.refresh_from_db()
    assert (killed.status, killed.message) == (BatchStatus.INTERRUPTED, INTERRUPTED_MESSAGE)

    rerun = _manage("import_sales", "--json", str(path))
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert TicketTransaction.objects.count() == n
    assert TicketTransaction.objects.aggregate(s=Sum("amount"))["s"] == total
    assert DailySales.objects.aggregate(s=Sum("gross"))["s"] == total
    # And once more: byte-identical, so a duplicate batch that adds nothing.
    again = _manage("import_sales", str(path))
    again.communicate(timeout=300)
    assert TicketTransaction.objects.count() == n
    assert list(ImportBatch.objects.order_by("pk").values_list("status", flat=True)) == [
        BatchStatus.INTERRUPTED,
        BatchStatus.PROCESSED,
        BatchStatus.DUPLICATE,
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("postgres_only")
def test_a_batch_still_being_worked_on_is_not_marked():
    """Another session holding the batch's lock means a live import: it must stay 'processing'."""
    import psycopg

    from boxoffice.services import BATCH_LOCK_NAMESPACE

    batch = ImportBatch.objects.create(source="cli", sha256="x", status=BatchStatus.PROCESSING)
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"]) as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [BATCH_LOCK_NAMESPACE, batch.pk])
        assert mark_interrupted_batches() == 0
        # Release explicitly: a closed connection's backend lets go of its locks only when it has exited,
        # which PostgreSQL does asynchronously, so asserting right after close() would race.
        other.execute("SELECT pg_advisory_unlock(%s, %s)", [BATCH_LOCK_NAMESPACE, batch.pk])
        assert mark_interrupted_batches() == 1


@pytest.mark.django_db
def test_without_advisory_locks_a_batch_is_stale_after_a_while(settings):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL uses advisory locks (tested above)")
    from django.utils import timezone

    batch = ImportBatch.objects.create(source="cli", sha256="x", status=BatchStatus.PROCESSING)
    assert mark_interrupted_batches() == 0
    ImportBatch.objects.filter(pk=batch.pk).update(
        received_at=timezone.now() - datetime.timedelta(seconds=settings.SALES_STALE_AFTER_SECONDS + 1)
    )
    assert mark_interrupted_batches() == 1
