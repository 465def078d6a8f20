"""The progress of an import is visible to other processes while its transaction is still open."""

import time

import pytest
from django.core.cache.backends.redis import RedisCache

from boxoffice.choices import BatchStatus
from boxoffice.models import ImportBatch
from boxoffice.progress import _key

from .test_broker import REDIS_URL, redis_available
from .test_interrupted import _big_file, _manage


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("registers", "postgres_only")
def test_another_process_sees_the_progress_before_the_commit(tmp_path):
    if not redis_available():
        pytest.skip(f"needs Redis at {REDIS_URL}")
    path = tmp_path / "sales.csv"
    n, _ = _big_file(path)
    # The web process reads what the importing process writes, through Redis (as in production).
    cache = RedisCache(REDIS_URL, {})
    proc = _manage(
        "import_sales",
        str(path),
        DJANGO_SETTINGS_MODULE="config.settings.local",
        REDIS_URL=REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER="true",
        LOG_LEVEL="ERROR",
    )
    seen = []
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        batch = ImportBatch.objects.filter(status=BatchStatus.PROCESSING).first()
        if batch is not None:
            state = cache.get(_key(batch.pk))
            # Read the status after the progress: a 'processing' batch means the transaction is still open.
            if state and ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.PROCESSING:
                seen.append(state["records"])
        time.sleep(0.02)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert ImportBatch.objects.get().accepted == n
    assert seen and 0 < seen[0] < n, "no progress was visible while the import ran"
    assert seen == sorted(seen)
