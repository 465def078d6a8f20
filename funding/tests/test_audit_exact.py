"""Issue 8: the audit trail and grant proposals keep money exact (Decimal as its digits, never a float)."""
from decimal import Decimal

import pytest

from films.audit import Actor, record_change, snapshot
from films.choices import Door
from funding import exactjson
from funding.models import Grant, GrantChange
from funding.services import approve_grant_change, clean_grant, latest_version, propose_grant

BIG = "12345678901234567.89"


@pytest.mark.django_db
def test_an_audit_event_of_an_imported_grant_keeps_its_source_decimals(registers):
    """The admin's save of an imported grant answered 500: source_data holds Decimals, JSON did not take them."""
    grant = Grant.objects.get(identifier="360G-KZ-SCSNC-00001")
    assert isinstance(grant.source_data["amountAwarded"], Decimal)
    before = snapshot(grant)
    grant.title = "Renamed"
    event = record_change(actor=Actor(door=Door.ADMIN), action="update", instance=grant, before=before,
                          after=snapshot(grant))
    event.refresh_from_db()
    assert event.after["source_data"]["amountAwarded"] == "156000000.01"
    assert event.after["amount_awarded"] == "156000000.01"


def _propose_big(officer):
    grant = Grant.objects.get(identifier="360G-KZ-SCSNC-00001")
    data = latest_version(grant)
    data["amountAwarded"] = exactjson.loads(BIG)
    assert data["amountAwarded"] == Decimal(BIG)
    return propose_grant(data=clean_grant(data), actor=Actor(door=Door.PAGE, user=officer))


@pytest.mark.django_db
def test_proposed_amounts_are_exact_in_the_change_and_its_audit_event(postgres_only, registers, officer, officer2):
    from films.models import AuditEvent

    grant, change, outcome = _propose_big(officer)
    assert outcome == "updated"
    assert GrantChange.objects.get(pk=change.pk).proposed["amountAwarded"] == Decimal(BIG)
    proposed = AuditEvent.objects.filter(action="propose", object_id=str(grant.pk)).latest("pk")
    assert proposed.after["proposed"]["amountAwarded"] == BIG  # was 12345678901234568 through a float
    approve_grant_change(change=change, actor=Actor(door=Door.PAGE, user=officer2))
    grant.refresh_from_db()
    assert grant.amount_awarded == Decimal(BIG)
    approved = AuditEvent.objects.filter(action="approve", object_id=str(grant.pk)).latest("pk")
    assert approved.after["amount_awarded"] == BIG
    assert approved.after["source_data"]["amountAwarded"] == BIG
    assert approved.before["source_data"]["amountAwarded"] == "156000000.01"
