"""Issue 8: grants are never deleted; withdrawal is a reviewed change that unpublishes on approval."""
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from films.models import AuditEvent
from funding.models import FilmMetrics, Grant, GrantChange


@pytest.mark.django_db
def test_withdrawal_is_proposed_then_approved_by_another_officer(client, registers, officer, officer2,
                                                                django_capture_on_commit_callbacks):
    grant = Grant.objects.filter(published=True, film__isnull=False, currency="KZT").order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("recompute_metrics", "--all", stdout=io.StringIO())
    awarded_before = FilmMetrics.objects.get(film=grant.film).awarded_kzt
    assert grant.identifier in client.get("/api/v1/grants/", {"search": grant.identifier}).content.decode()
    client.force_login(officer)
    assert "Propose withdrawal" in client.get(reverse("staff:grant", args=[grant.pk])).content.decode()
    client.post(reverse("staff:grant-withdraw", args=[grant.pk]), {"reason": "awarded in error"})
    change = GrantChange.objects.get(grant=grant, status="pending")
    assert change.withdraw and change.withdraw_reason == "awarded in error"
    grant.refresh_from_db()
    assert grant.published  # nothing moves before the review
    # The maker cannot approve it.
    client.post(reverse("staff:change-review", args=[change.pk, "approve"]))
    grant.refresh_from_db()
    assert grant.published
    client.force_login(officer2)
    page = client.get(reverse("staff:grant", args=[grant.pk]))
    assert ("published", "true", "false") in page.context["changes_360"]
    assert "awarded in error" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("staff:change-review", args=[change.pk, "approve"]))
    grant.refresh_from_db()
    assert not grant.published and Grant.objects.filter(pk=grant.pk).exists()
    event = AuditEvent.objects.filter(action="withdraw", object_id=str(grant.pk)).get()
    assert (event.before["published"], event.after["published"]) == (True, False)
    client.logout()
    assert grant.identifier not in client.get("/api/v1/grants/", {"search": grant.identifier}).content.decode()
    assert FilmMetrics.objects.get(film=grant.film).awarded_kzt == awarded_before - grant.amount_awarded


@pytest.mark.django_db
def test_an_unpublished_grant_has_nothing_to_withdraw(client, registers, officer):
    grant = Grant.objects.order_by("pk").first()
    grant.published = False
    grant.save()
    client.force_login(officer)
    client.post(reverse("staff:grant-withdraw", args=[grant.pk]), {"reason": "x"})
    assert not GrantChange.objects.filter(grant=grant).exists()
