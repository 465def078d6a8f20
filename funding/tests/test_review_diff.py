"""Issue 8: the reviewer sees every changed field of a proposal, nested ones included."""
from decimal import Decimal

import pytest
from django.urls import reverse

from films.audit import Actor
from films.choices import Door
from funding.models import Grant
from funding.services import clean_grant, latest_version, propose_grant
from funding.versions import changed_fields


@pytest.mark.django_db
def test_a_disbursed_amount_only_proposal_shows_that_field_to_the_reviewer(client, registers, officer, officer2):
    grant = Grant.objects.get(identifier="360G-KZ-SCSNC-00001")
    data = latest_version(grant)
    old = data.get("amountDisbursed")
    data["amountDisbursed"] = Decimal("999.99")
    _, change, outcome = propose_grant(data=clean_grant(data), actor=Actor(door=Door.PAGE, user=officer))
    assert outcome == "updated"
    client.force_login(officer2)
    page = client.get(reverse("staff:grant", args=[grant.pk]))
    rows = page.context["changes_360"]
    assert rows == [("amountDisbursed", "" if old is None else str(old), "999.99")]
    html = page.content.decode()
    assert "<code>amountDisbursed</code>" in html and "999.99" in html


def test_nested_changes_are_named_by_their_path():
    current = {"amountAwarded": Decimal("100"), "filmProject": {"code": "KZ-1"},
               "disbursementTransaction": [{"id": "a", "value": Decimal("10")}, {"id": "b", "value": 5}],
               "repayable": False, "extra": "gone"}
    proposed = {"amountAwarded": Decimal("100.00"), "filmProject": {"code": "KZ-2"},
                "disbursementTransaction": [{"id": "a", "value": Decimal("10.00")}, {"id": "b", "value": 7}],
                "repayable": True}
    assert changed_fields(current, proposed) == [
        ("filmProject.code", "KZ-1", "KZ-2"),
        ("disbursementTransaction[1].value", "5", "7"),
        ("repayable", "false", "true"),
        ("extra", "gone", ""),
    ]
