"""With REDIS_URL set and Redis gone, pages still render from the database and imports still commit."""
import json

import pytest
from django.core.cache import cache

from conftest import run_command

DEAD_REDIS = {"default": {"BACKEND": "config.cache_backends.ResilientRedisCache",
                          "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
                          "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}


@pytest.mark.django_db
def test_public_pages_api_and_imports_work_while_the_cache_is_down(settings, client, registers, examples_dir,
                                                                    django_capture_on_commit_callbacks):
    settings.CACHES = DEAD_REDIS
    assert cache.get("anything", "missed") == "missed"
    with django_capture_on_commit_callbacks(execute=True):  # the cache version bump runs on commit
        out, _ = run_command("import_sales", "--json", str(examples_dir / "ticket-sales-small.csv"))
    assert json.loads(out)["accepted"] == 166
    assert client.get("/en/").status_code == 200
    page = client.get("/en/films/KZ-2024-0003/")
    assert page.status_code == 200 and "213,000.00" in page.content.decode()
    assert client.get("/api/v1/films/").status_code == 200
