"""Issue 8: every input is bounded before it can cost memory, time or a 500 (films/limits.py holds the bounds)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from boxoffice.models import Cinema, ImportBatch
from boxoffice.tests.helpers import CINEMA, as_json, sale
from boxoffice.tokens import issue_api_token
from films.audit import Actor
from films.tabular import FileRejected
from funding.services import read_grants

SALES_API = "/api/v1/sales/batches/"
DEEP = 100_000


def deep_sales_body(depth: int = DEEP) -> bytes:
    """About 200 KB: a valid envelope whose one record is a list nested `depth` deep."""
    return b'{"format": "ticket-sales/1", "transactions": [' + b"[" * depth + b"]" * depth + b"]}"


@pytest.fixture
def token_key(registers):
    cache.clear()  # the sales throttle counts in the cache
    _, key = issue_api_token(cinema=Cinema.objects.get(code=CINEMA), actor=Actor(label="test"))
    return key


def post_sales(body: bytes, key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.post(SALES_API, data=body, content_type="application/json")


# --- 1. JSON nesting ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [9, 1_000, DEEP])
def test_deeply_nested_sales_json_is_a_400_with_a_batch_message(token_key, depth):
    response = post_sales(deep_sales_body(depth), token_key)
    assert response.status_code == 400, response.content[:300]
    message = response.json()["message"]
    # {"format"…, "transactions": [ is 2 levels; the 7th bracket of the record opens level 9.
    position = len(b'{"format": "ticket-sales/1", "transactions": [') + 6
    assert message.startswith(f"The JSON is nested more than 8 levels deep at byte {position}")
    assert "a ticket-sales file has at most 3 levels" in message
    assert ImportBatch.objects.get().message == message


def test_a_record_with_a_nested_value_is_refused_on_its_own(token_key):
    body = as_json([sale("T1"), {**sale("T2"), "screen": [[["1"]]]}], cinema_code=CINEMA)
    response = post_sales(body, token_key)
    assert response.status_code == 201, response.content
    assert (response.json()["accepted"], response.json()["rejected"]) == (1, 1)


MEASURE = textwrap.dedent("""
    import io, resource, sys
    # Fail fast instead of taking the machine if the reader ever builds per-depth state again.
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024, resource.getrlimit(resource.RLIMIT_AS)[1]))
    import django
    django.setup()
    from boxoffice.records import read_records
    from films.tabular import FileRejected
    from funding.services import read_grants
    body = open(sys.argv[1], "rb").read()
    reader = read_records if sys.argv[2] == "sales" else read_grants
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        reader(io.BytesIO(body))
        print("accepted")
    except FileRejected as exc:
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print((after - before) // 1024, str(exc)[:60])
""")


@pytest.mark.parametrize("reader", ["sales", "grants"])
def test_a_100000_deep_body_is_refused_in_little_memory(tmp_path, reader):
    """Measured in a fresh process (ru_maxrss is its high-water mark): the peak grows by a few MB at most."""
    body = deep_sales_body() if reader == "sales" else (b'{"grants": [' + b"[" * DEEP + b"]" * DEEP + b"]}")
    path = tmp_path / "deep.json"
    path.write_bytes(body)
    script = tmp_path / "measure.py"
    script.write_text(MEASURE)
    done = subprocess.run([sys.executable, str(script), str(path), reader], capture_output=True, text=True,
                          timeout=120, check=False,
                          env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": str(__import__("pathlib").Path(__file__).resolve().parents[1])})
    assert done.returncode == 0, done.stderr[-2000:]
    grown_mb, message = done.stdout.strip().split(" ", 1)
    assert message.startswith("The JSON is nested more than")
    print(f"{reader}: {len(body):,}-byte body nested {DEEP:,} deep refused; peak RSS grew {grown_mb} MB")
    assert int(grown_mb) < 50


def test_deeply_nested_grants_json_is_refused_with_a_message():
    head = b'{"grants": [{"id": "G-1", "x": '
    body = head + b"[" * 2_000 + b"]" * 2_000 + b"}]}"
    # Three levels before "x"; its 14th bracket opens level 17.
    with pytest.raises(FileRejected, match=f"nested more than 16 levels deep at byte {len(head) + 13}; a 360Giving "
                                           "grants file has at most 7 levels"):
        read_grants(io.BytesIO(body))


def test_an_ordinary_grants_package_still_reads():
    grant = {"id": "G-1", "recipientOrganization": [{"id": "O", "location": [{"name": "Almaty"}]}]}
    rows, _, _ = read_grants(io.BytesIO(json.dumps({"grants": [grant]}).encode()))
    assert rows[0][1]["id"] == "G-1"
