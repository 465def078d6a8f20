"""A pending grant, ticket-level records, cinema tokens and staff names appear in no public page, file or
API response."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from boxoffice.models import CinemaApiToken, TicketTransaction
from films.models import Film, FilmStatusChange, Organisation
from funding.metrics import recompute_film_metrics
from funding.models import Grant, Programme

from .public_helpers import crawl, no_throttle  # noqa: F401

START = [
    "/en/",
    "/ru/",
    "/kk/",
    "/en/films/",
    "/en/funders/",
    "/en/programmes/",
    "/en/organisations/",
    "/en/cinemas/",
    "/en/regions/",
    "/en/open-data/",
    "/en/about/methodology/",
    "/en/funding/reports/funded-vs-released/",
    "/api/v1/",
    "/api/v1/films/?limit=500",
    "/api/v1/grants/?limit=500",
    "/api/v1/organisations/?limit=500",
    "/api/v1/programmes/?limit=500",
    "/api/v1/film-metrics/?limit=500",
    "/api/v1/funders/",
    "/api/v1/cinemas/?limit=500",
    "/api/v1/regions/?limit=500",
    "/api/v1/reports/funded-vs-released/",
    "/api/v1/reports/funding-by-year/",
    "/api/v1/reports/box-office-by-year/",
    "/api/schema/",
    "/open-data/grants-360giving.json",
]


@pytest.fixture
def secrets(examples_loaded):
    """A pending grant with its own funder, recipient and programme, a staff member and a cinema token."""
    film = Film.objects.get(code="KZ-2024-0003")
    funder = Organisation.objects.create(identifier="KZ-BIN-PENDINGFUNDER", name="Pendingfunder Qwxz Agency")
    recipient = Organisation.objects.create(identifier="KZ-BIN-PENDINGRECIP", name="Hiddenrecipient Zzyq LLP")
    programme = Programme.objects.create(funder=funder, title="Secretprogramme Vqx")
    Grant.objects.create(
        identifier="360G-PENDING-ZQX-1",
        title="Pendinggrant Title Xqz",
        currency="KZT",
        amount_awarded=Decimal("777777777.77"),
        award_date=datetime.date(2018, 3, 1),
        funder=funder,
        recipient=recipient,
        programme=programme,
        film=film,
        published=False,
    )
    staff = get_user_model().objects.create_user(
        "clerk_zyxw_staffname", password="x" * 12, first_name="Staffnamezz", last_name="Qlerkovaa"
    )
    FilmStatusChange.objects.create(
        film=film, status="released", previous_status="production", reason="", recorded_by=staff
    )
    token = CinemaApiToken.objects.create(
        cinema_id=TicketTransaction.objects.first().cinema_id,
        key_prefix="tkPrfXz9",
        key_hash="f" * 64,
        created_by=staff,
    )
    recompute_film_metrics([film.pk])
    cache.clear()
    return {
        "film": film,
        "token": token,
        "transactions": list(TicketTransaction.objects.values_list("transaction_id", flat=True)[:20]),
    }


def detail_urls() -> list[str]:
    """The API's detail endpoints of every public record (list answers name them by key, not by link)."""
    from boxoffice.models import Cinema
    from films.models import Region

    urls = [f"/api/v1/films/{c}/" for c in Film.objects.values_list("code", flat=True)]
    urls += [
        f"/api/v1/film-metrics/{c}/"
        for c in Film.objects.filter(metrics__isnull=False).values_list("code", flat=True)
    ]
    urls += [f"/api/v1/grants/{i}/" for i in Grant.objects.published().values_list("identifier", flat=True)]
    urls += [f"/api/v1/cinemas/{c}/" for c in Cinema.objects.values_list("code", flat=True)]
    urls += [f"/api/v1/regions/{c}/" for c in Region.objects.values_list("code", flat=True)[:3]]
    return urls


@pytest.mark.usefixtures("no_throttle")
def test_nothing_pending_or_private_reaches_the_public(client, secrets):
    pages = crawl(client, START + detail_urls(), limit=600)
    # The crawl reached every kind of public view, so the absence below means something.
    for must in (
        "/en/films/KZ-2024-0003/",
        "/ru/funders/",
        "/open-data/grants.csv",
        "/open-data/films.json",
        "/api/v1/films/KZ-2024-0003/",
        "/en/organisations/",
    ):
        assert any(url.startswith(must) for url in pages), f"the crawl never reached {must}"
    assert len(pages) > 60
    markers = [
        "360G-PENDING-ZQX-1",
        "Pendinggrant",
        "Pendingfunder",
        "PENDINGFUNDER",
        "Hiddenrecipient",
        "PENDINGRECIP",
        "Secretprogramme",
        "777777777",
        "777,777,777",
        "777\u00a0777\u00a0777",
        "clerk_zyxw_staffname",
        "Staffnamezz",
        "Qlerkovaa",
        "tkPrfXz9",
        "f" * 64,
        *secrets["transactions"],
    ]
    for url, body in pages.items():
        text = body.decode("utf-8", "replace")
        for marker in markers:
            assert marker not in text, f"{marker!r} leaked through {url}"


def test_the_pending_grant_is_really_there_for_staff(secrets):
    """Guards the test above: the secrets exist, so their absence from public output is the filter's doing."""
    assert Grant.objects.filter(identifier="360G-PENDING-ZQX-1", published=False).exists()
    assert not Grant.objects.published().filter(identifier="360G-PENDING-ZQX-1").exists()
    assert "777777777.77" not in str(secrets["film"].metrics.awarded)
