"""POST /api/v1/sales/batches/: per-cinema tokens, the same service as the command, size and rate limits."""

import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from boxoffice.choices import BatchSource, BatchStatus
from boxoffice.models import Cinema, CinemaApiToken, ImportBatch, TicketTransaction
from boxoffice.tokens import hash_key, issue_api_token, revoke_api_token
from films.audit import Actor
from films.models import AuditEvent

from .helpers import CINEMA, as_csv, as_json, sale

URL = "/api/v1/sales/batches/"
pytestmark = pytest.mark.usefixtures("registers")


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def key():
    _, key = issue_api_token(cinema=Cinema.objects.get(code=CINEMA), actor=Actor(label="test"))
    return key


def post(body: bytes, key: str | None, content_type="application/json"):
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.post(URL, data=body, content_type=content_type)


def test_a_cinema_reports_its_own_sales(key):
    response = post(as_json([sale("T1"), sale("T2", tickets=0)], cinema_code=CINEMA), key)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["accepted"], body["rejected"]) == ("processed", 1, 1)
    assert body["records"][0]["field"] == "tickets"
    batch = ImportBatch.objects.get(pk=body["batch"])
    assert (batch.source, batch.cinema.code) == (BatchSource.API, CINEMA)
    # The same body again: a duplicate batch, nothing added.
    again = post(as_json([sale("T1"), sale("T2", tickets=0)], cinema_code=CINEMA), key)
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    assert TicketTransaction.objects.count() == 1


def test_another_cinemas_record_refuses_the_whole_batch(key):
    response = post(as_json([sale("T1"), sale("T2", cinema="KZ-C0002")]), key)
    assert response.status_code == 403
    assert "KZ-C0002" in response.json()["message"]
    assert not TicketTransaction.objects.exists()


def test_batch_level_problems_are_400_with_the_message(key):
    response = post(b'{"transactions": [', key)
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["message"]
    assert ImportBatch.objects.get().status == BatchStatus.REJECTED


@pytest.mark.parametrize("authorization", [None, "Token nope", "Token a b"])
def test_no_valid_token_is_401_and_stores_nothing(authorization):
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    response = client.post(URL, data=as_json([sale("T1")]), content_type="application/json")
    assert response.status_code == 401
    assert not ImportBatch.objects.exists()


def test_a_revoked_token_is_refused(key):
    token = CinemaApiToken.objects.get(key_hash=hash_key(key))
    assert revoke_api_token(token=token, actor=Actor(label="test"))
    assert post(as_json([sale("T1")]), key).status_code == 401


def test_tokens_are_stored_hashed_and_audited(key):
    token = CinemaApiToken.objects.get()
    assert key not in json.dumps(list(CinemaApiToken.objects.values()), default=str)
    assert token.key_hash == hash_key(key) and key.startswith(token.key_prefix)
    assert AuditEvent.objects.filter(object_type="boxoffice.cinemaapitoken", action="create").exists()


def test_body_over_the_limit_is_413_with_a_clear_message(key, settings):
    settings.SALES_API_MAX_BODY_BYTES = 200
    response = post(as_json([sale("T1"), sale("T2")]), key)
    assert response.status_code == 413
    assert "over the limit of 200 bytes" in response.json()["detail"]
    assert not ImportBatch.objects.exists()


def test_only_the_json_encoding_is_accepted(key):
    response = post(as_csv([sale("T1")]), key, content_type="text/csv")
    assert response.status_code == 415
    assert not ImportBatch.objects.exists()


def test_rate_limited_per_token(key, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "sales": "2/minute"},
    }
    from boxoffice.api.authentication import SalesThrottle

    SalesThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    try:
        codes = [post(as_json([sale(f"T{i}")]), key).status_code for i in range(3)]
    finally:
        from rest_framework.settings import api_settings

        SalesThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert codes == [201, 201, 429]


def test_the_command_issues_lists_and_revokes(capsys):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("cinema_token", "issue", CINEMA, stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert post(as_json([sale("T1")]), key).status_code == 201
    listing = StringIO()
    call_command("cinema_token", "list", stdout=listing)
    assert f"{CINEMA}\t{key[:8]}…\tlive" in listing.getvalue()
    call_command("cinema_token", "revoke", key[:8], stdout=StringIO())
    assert post(as_json([sale("T2")]), key).status_code == 401


def test_no_key_starts_with_a_dash_so_its_prefix_can_be_revoked_from_the_command_line(monkeypatch):
    """A key (1 in 64 of urlsafe ones) starting with "-" made `cinema_token revoke -AbC…` read as an option."""
    import secrets
    from io import StringIO

    drawn = iter(["-dashfirst" + "x" * 33, "plainkey" + "y" * 35])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda n: next(drawn))
    out = StringIO()
    call_command("cinema_token", "issue", CINEMA, stdout=out, stderr=StringIO())
    key = out.getvalue().strip()
    assert key.startswith("plainkey")
    call_command("cinema_token", "revoke", key[:8], stdout=StringIO())
    assert post(as_json([sale("T1")]), key).status_code == 401
