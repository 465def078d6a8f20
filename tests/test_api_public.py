"""The public REST API: read-only, paginated, filtered, throttled for anonymous callers, cached with
headers, described by OpenAPI 3 with offline docs."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from conftest import run_command

from .public_helpers import no_throttle  # noqa: F401

ENDPOINTS = [
    "films",
    "film-metrics",
    "grants",
    "funders",
    "programmes",
    "organisations",
    "cinemas",
    "regions",
]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


pytestmark = pytest.mark.usefixtures("no_throttle")


@pytest.mark.parametrize("name", ENDPOINTS)
def test_endpoints_are_read_only_and_paginated(client, examples_loaded, name):
    page = client.get(f"/api/v1/{name}/?limit=2")
    assert page.status_code == 200
    body = page.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert len(body["results"]) == min(2, body["count"])
    assert body["count"] > 0
    assert "public" in page["Cache-Control"]
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(
            f"/api/v1/{name}/", {}, content_type="application/json"
        ).status_code in (403, 405)


def test_film_detail_has_figures_and_history(client, examples_loaded):
    film = client.get("/api/v1/films/KZ-2024-0003/").json()
    assert film["released"] is True
    assert film["metrics"]["gross"] == "213000.00" and film["metrics"]["admissions"] == 66
    assert film["metrics"]["computed_at"] and film["metrics"]["last_sale_at"]
    assert isinstance(film["status_history"], list)
    assert "recorded_by" not in json.dumps(film)
    assert client.get("/api/v1/films/NO-SUCH-FILM/").status_code == 404


def test_api_figures_equal_the_command_and_expected_examples(client, examples_loaded, examples_dir):
    expected = json.loads((examples_dir / "expected.json").read_text())
    for code, figures in expected["films"].items():
        m = client.get(f"/api/v1/film-metrics/{code}/").json()
        assert (m["gross"], m["admissions"]) == (figures["gross"], figures["admissions"])
    cli = json.loads(run_command("report", "funded-vs-released", "--format", "json")[0])
    assert client.get("/api/v1/reports/funded-vs-released/").json()["rows"] == cli


def test_report_filtered_by_funder_equals_the_command(client, examples_loaded):
    from films.models import Organisation

    funder = Organisation.objects.get(identifier="KZ-BIN-190340001111")
    cli = json.loads(
        run_command("report", "funded-vs-released", "--format", "json", "--funder", funder.identifier)[0]
    )
    api = client.get(f"/api/v1/reports/funded-vs-released/?funder={funder.identifier}").json()["rows"]
    assert api == cli
    assert api != client.get("/api/v1/reports/funded-vs-released/").json()["rows"]


def test_grant_filters(client, examples_loaded):
    all_grants = client.get("/api/v1/grants/?limit=500").json()["results"]
    usd = client.get("/api/v1/grants/?currency=usd&limit=500").json()["results"]
    assert usd and all(g["currency"] == "USD" for g in usd) and len(usd) < len(all_grants)
    by_film = client.get("/api/v1/grants/?film=KZ-2023-0001").json()["results"]
    assert by_film and {g["film"] for g in by_film} == {"KZ-2023-0001"}
    assert client.get("/api/v1/grants/?currency=KZT&sort=-amount&limit=1").json()["results"][0][
        "amount_awarded"
    ] == max((g["amount_awarded"] for g in all_grants if g["currency"] == "KZT"), key=lambda a: float(a))


def test_anonymous_callers_are_throttled(client, examples_loaded, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import AnonRateThrottle

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}
    AnonRateThrottle.THROTTLE_RATES = {"anon": "3/minute"}
    try:
        codes = [client.get("/api/v1/regions/").status_code for _ in range(5)]
    finally:
        AnonRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


def test_openapi_schema_and_offline_docs(client, examples_loaded):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    doc = schema.json()
    assert doc["openapi"].startswith("3.")
    for path in (
        "/api/v1/films/",
        "/api/v1/films/{code}/",
        "/api/v1/grants/",
        "/api/v1/reports/funded-vs-released/",
        "/api/v1/regions/",
        "/api/v1/cinemas/",
        "/api/v1/film-metrics/{code}/",
    ):
        assert path in doc["paths"], path
    params = {p["name"] for p in doc["paths"]["/api/v1/films/"]["get"]["parameters"]}
    assert {
        "year",
        "status",
        "genre",
        "language",
        "country",
        "funder",
        "funder_id",
        "region",
        "limit",
    } <= params
    for docs in ("/api/schema/redoc/", "/api/schema/swagger/"):
        html = client.get(docs).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html and "cdn" not in html.lower()


@pytest.mark.django_db
def test_an_organisation_is_found_by_a_name_it_had_before_a_merge(client, examples_loaded):
    from films.audit import Actor
    from films.models import Organisation
    from films.services import merge_organisations

    keep = Organisation.objects.get(identifier="KZ-BIN-201140001122")  # Nomad Pictures LLP
    duplicate = Organisation.objects.create(name="Nomad Pictures Kazakhstan", identifier="KZ-BIN-999999999999")
    merge_organisations(keep=keep, merge=duplicate, actor=Actor.command("test"))
    cache.clear()
    found = client.get("/api/v1/organisations/", {"q": "Pictures Kazakhstan"}).json()["results"]
    assert [o["name"] for o in found] == ["Nomad Pictures LLP"]
    assert client.get("/api/v1/organisations/", {"q": "KZ-BIN-999999999999"}).json()["count"] == 1
