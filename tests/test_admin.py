"""Staff can open every register in the Django admin: list, search, filters and the add form."""
import pytest
from django.contrib import admin
from django.urls import reverse

from films.models import AuditEvent, Film


@pytest.mark.django_db
def test_every_admin_list_search_and_form_opens(admin_client, examples_loaded):
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        listing = admin_client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "KZ"})
        assert listing.status_code == 200, model
        if model_admin.has_add_permission(listing.wsgi_request):
            assert admin_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200, model
    film = Film.objects.get(code="KZ-2024-0003")
    page = admin_client.get(reverse("admin:films_film_change", args=[film.pk]))
    assert "360G-KZ-SCSNC-00005" in page.content.decode()  # grants inline on their film


@pytest.mark.django_db
def test_admin_edits_leave_an_audit_event_and_the_trail_is_read_only(admin_client, registers):
    film = Film.objects.get(code="FX-00001")
    url = reverse("admin:films_film_change", args=[film.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(title="Renamed", kind="feature", status="production", genres=[], languages=[], countries=[])
    for prefix in ("status_changes", "grants"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data["status_changes-TOTAL_FORMS"] = 0
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(door="admin", object_id=str(film.pk)).get()
    assert (event.before["title"], event.after["title"]) == ("Foreign Picture 1", "Renamed")
    assert admin_client.get(reverse("admin:films_auditevent_change", args=[event.pk])).status_code == 200
    delete = admin_client.post(reverse("admin:films_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert delete.status_code == 403
    with pytest.raises(PermissionError):
        event.delete()
