"""360Giving both ways: the export validates against the shared 1.4.3 schemas and round-trips unchanged."""

import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from films.models import Organisation
from funding import exactjson
from funding.giving360 import format_checker
from funding.models import Disbursement, Grant

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "shared" / "schema" / "360giving"


def package_validator():
    """The package schema refers to the grant schema by its 1.4.2 URL; the file carries the 1.4.3 id.
    A registry answers both URLs with the vendored grant schema, so validation works offline."""
    package = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    grant = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text())
    # Its "$schema" (http:, no "#") is not a dialect referencing knows, so name the draft explicitly.
    resource = Resource(contents=grant, specification=DRAFT202012)
    ref = package["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources([(grant["$id"], resource), (ref, resource)])
    return Draft202012Validator(package, registry=registry, format_checker=format_checker())


def _as_json_numbers(text: str):
    # Validate the bytes as published: parse the export exactly as any 360Giving consumer would.
    return json.loads(text)


def _picture():
    """Everything a round trip must keep: grants, organisations, amounts, dates, disbursements."""
    grants = []
    for g in (
        Grant.objects.published()
        .select_related("funder", "recipient", "programme", "film")
        .order_by("identifier")
    ):
        grants.append(
            (
                g.identifier,
                g.title,
                g.description,
                g.currency,
                g.amount_awarded,
                g.amount_disbursed,
                g.award_date,
                g.planned_start,
                g.planned_end,
                g.funder.identifier,
                g.funder.name,
                g.recipient.identifier if g.recipient else None,
                g.programme.title if g.programme else None,
                g.film.code if g.film else g.film_code,
                sorted((d.identifier, d.kind, d.amount, d.date) for d in g.disbursements.all()),
            )
        )
    orgs = sorted(
        {(o.identifier, o.name) for g in Grant.objects.published() for o in (g.funder, g.recipient) if o},
        key=str,
    )
    return grants, orgs


@pytest.fixture
def exported(client, registers, auditor):
    g = Grant.objects.get(identifier="360G-KZ-SCSNC-00001")
    Disbursement.objects.create(
        grant=g,
        identifier="tx-1",
        kind="disbursement",
        amount=Decimal("100.10"),
        currency="KZT",
        date=datetime.date(2024, 1, 5),
    )
    Disbursement.objects.create(
        grant=g,
        identifier="tx-2",
        kind="recovery",
        amount=Decimal("0.10"),
        currency="KZT",
        date=datetime.date(2024, 2, 5),
    )
    client.force_login(auditor)
    response = client.get(reverse("staff:grants-360giving"))
    assert response.status_code == 200
    return response.content.decode()


def test_export_validates_against_the_shared_schema(exported):
    doc = _as_json_numbers(exported)
    errors = sorted(package_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, errors[0].message
    assert len(doc["grants"]) == Grant.objects.published().count() > 0


def test_schema_check_can_fail(exported):
    doc = _as_json_numbers(exported)
    del doc["grants"][0]["awardDate"]
    assert list(package_validator().iter_errors(doc))


def test_export_round_trips_into_an_empty_tracker(exported):
    before = _picture()
    # An empty tracker: the registers gone (films stay, so grants link back to the same films).
    Disbursement.objects.all().delete()
    Grant.objects.all().delete()
    from funding.models import Programme

    Programme.objects.all().delete()
    from films.models import Film

    Film.objects.update(producer=None)
    Organisation.objects.all().delete()
    assert not Grant.objects.exists()
    from films.audit import Actor
    from funding.services import import_grants

    report = import_grants(stream=io.BytesIO(exported.encode()), actor=Actor.command("import_grants"))
    assert report.count("rejected") == 0
    after = _picture()
    assert after[0] == before[0]
    assert after[1] == before[1]
    # Exact decimals survive: no float rounding on the way out or in.
    assert (
        exactjson.loads(exported)["grants"][0]["amountAwarded"]
        == Grant.objects.order_by("identifier").first().amount_awarded
    )
