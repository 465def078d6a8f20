"""Review at the speed of the queue (issue 13): bulk approval through the same service, pending items
marked where they appear, a grant added from its film's page."""

import pytest
from django.urls import reverse

from funding.choices import ChangeStatus
from funding.models import Grant, GrantChange

from .test_staff_grants import GRANT_POST


def _post(identifier):
    """GRANT_POST for another grant: its new recipient is ticked new only until the first one registers it."""
    from films.models import Organisation

    known = Organisation.objects.filter(identifier=GRANT_POST["recipient_id"]).exists()
    return {**GRANT_POST, "identifier": identifier, "new_recipient": "" if known else "on"}


def _propose(client, n):
    ids = []
    for i in range(n):
        post = _post(f"360G-BULK-{i}")
        assert client.post(reverse("staff:grant-new"), post).status_code == 302
        ids.append(GrantChange.objects.get(grant__identifier=post["identifier"]).pk)
    return ids


def test_a_colleague_approves_three_changes_at_once(client, registers, officer, officer2):
    client.force_login(officer)
    ids = _propose(client, 3)
    client.force_login(officer2)
    queue = client.get(reverse("staff:queue")).content.decode()
    assert all(f'name="change" value="{i}"' in queue for i in ids) and "awaiting approval" in queue
    page = client.post(reverse("staff:changes-approve"), {"change": ids}, follow=True).content.decode()
    assert "3 changes approved" in page
    assert Grant.objects.filter(identifier__startswith="360G-BULK-", published=True).count() == 3
    assert set(GrantChange.objects.filter(pk__in=ids).values_list("status", flat=True)) == {ChangeStatus.APPROVED}


def test_bulk_approval_still_refuses_the_makers_own_change(client, registers, officer, officer2):
    client.force_login(officer)
    mine = _propose(client, 2)
    client.force_login(officer2)
    other = _post("360G-BULK-OTHER")
    client.post(reverse("staff:grant-new"), other)
    theirs = GrantChange.objects.get(grant__identifier="360G-BULK-OTHER").pk
    client.force_login(officer)
    queue = client.get(reverse("staff:queue")).content.decode()
    assert f'value="{mine[0]}"' not in queue  # no box to tick for one's own change
    # Even when posted anyway, the service refuses it; the colleague's change is approved.
    page = client.post(reverse("staff:changes-approve"), {"change": [*mine, theirs]}, follow=True).content.decode()
    assert "1 change approved: 360G-BULK-OTHER" in page and "Not approved — 360G-BULK-0" in page
    assert GrantChange.objects.get(pk=mine[0]).status == ChangeStatus.PENDING
    assert GrantChange.objects.get(pk=theirs).status == ChangeStatus.APPROVED


def test_auditors_cannot_bulk_approve(client, registers, officer, auditor):
    client.force_login(officer)
    ids = _propose(client, 1)
    client.force_login(auditor)
    assert client.post(reverse("staff:changes-approve"), {"change": ids}).status_code == 403
    assert GrantChange.objects.get(pk=ids[0]).status == ChangeStatus.PENDING


def test_a_proposed_disbursement_is_marked_pending(client, registers, officer, officer2):
    grant = Grant.objects.filter(published=True).first()
    client.force_login(officer)
    client.post(reverse("staff:grant-disburse", args=[grant.pk]),
                {"kind": "disbursement", "amount": "1 000 000", "date": "2024-04-01", "note": "tranche X"})
    page = client.get(reverse("staff:grant", args=[grant.pk])).content.decode()
    row = page[page.index('<tr class="pending">'):]
    row = row[:row.index("</tr>")]
    assert "tranche X" in row and "awaiting approval" in row and "1,000,000.00" in row
    film_page = client.get(reverse("staff:film", args=[grant.film.code])).content.decode()
    assert "change pending" in film_page


@pytest.mark.parametrize("lang", ["en", "kk"])
def test_a_grant_is_added_from_its_films_page(client, registers, officer, lang):
    from django.utils import translation

    client.force_login(officer)
    with translation.override(lang):
        film_page = client.get(reverse("staff:film", args=["KZ-2023-0001"])).content.decode()
        link = reverse("staff:grant-new") + "?film_code=KZ-2023-0001"
        assert f'href="{link}"' in film_page
        form = client.get(link).content.decode()
    assert 'value="KZ-2023-0001"' in form
