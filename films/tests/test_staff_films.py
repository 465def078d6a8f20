"""Films, organisations and the audit trail through the staff pages; signing in safely."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from conftest import ROLE_PASSWORD
from films.models import AuditEvent, Film, FilmStatusChange, Organisation

FILM_POST = {
    "film_code": "KZ-2025-0100",
    "title": "Дала",
    "title_en": "Steppe",
    "year": "2025",
    "kind": "feature",
    "genres": "drama|history",
    "languages": "kk",
    "countries": "KZ",
    "producer": "Steppe Films LLP",
    "producer_id": "KZ-BIN-000000000100",
    "status": "development",
}


def test_register_a_film_then_change_its_status_with_date_and_reason(client, db, officer):
    client.force_login(officer)
    response = client.post(reverse("staff:film-new"), FILM_POST)
    assert response.status_code == 302
    film = Film.objects.get(code="KZ-2025-0100")
    assert film.producer.identifier == "KZ-BIN-000000000100"
    client.post(
        reverse("staff:film", args=[film.code]),
        {"status": "production", "changed_on": "2025-02-01", "reason": "shooting started"},
    )
    change = FilmStatusChange.objects.filter(film=film).latest("id")
    assert (change.previous_status, change.status, str(change.changed_on), change.reason) == (
        "development",
        "production",
        "2025-02-01",
        "shooting started",
    )
    assert change.recorded_by == officer
    event = AuditEvent.objects.filter(object_type="films.film", action="update").latest("id")
    assert event.door == "page" and event.actor == officer
    assert (event.before["status"], event.after["status"]) == ("development", "production")


def test_bad_film_input_is_explained_and_nothing_saved(client, db, officer):
    client.force_login(officer)
    response = client.post(reverse("staff:film-new"), {**FILM_POST, "countries": "Kazakhstan"})
    assert response.status_code == 200
    assert "is not an ISO 3166-1 alpha-2 code" in response.content.decode()
    assert not Film.objects.exists()
    future = client.post(reverse("staff:film-new"), FILM_POST)
    assert future.status_code == 302
    bad_date = client.post(
        reverse("staff:film", args=["KZ-2025-0100"]),
        {"status": "production", "changed_on": "2999-01-01", "reason": "x"},
    )
    assert "cannot be dated in the future" in bad_date.content.decode()


def test_merged_organisation_stays_searchable_by_old_name_and_identifier(client, registers, officer):
    keep, merge = Organisation.objects.filter(merged_into__isnull=True).order_by("pk")[:2]
    old_name, old_id = merge.name, merge.identifier
    client.force_login(officer)
    client.post(reverse("staff:organisation", args=[merge.pk]), {"keep": keep.pk})
    merge.refresh_from_db()
    assert merge.merged_into == keep
    for q in (old_name, old_id):
        found = list(client.get(reverse("staff:organisations"), {"q": q}).context["page"])
        assert found == [keep], q
    assert AuditEvent.objects.filter(action="merge", object_id=str(merge.pk), door="page").exists()


def test_audit_trail_filters_and_exports_what_the_page_shows(client, registers, auditor):
    client.force_login(auditor)
    params = {"object_type": "funding.grant", "door": "command"}
    page = client.get(reverse("staff:audit"), params)
    shown = page.context["page"].paginator.count
    assert shown == AuditEvent.objects.filter(object_type="funding.grant", door="command").count() > 0
    exported = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("staff:audit-export", args=["csv"]), params).content.decode())
        )
    )
    assert len(exported) == shown
    assert {(r["object_type"], r["door"]) for r in exported} == {("funding.grant", "command")}
    xlsx = client.get(reverse("staff:audit-export", args=["xlsx"]), params)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_audit_events_cannot_be_edited_or_deleted(registers):
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_the_database_refuses_to_change_the_audit_trail(registers, postgres_only):
    event = AuditEvent.objects.first()
    for statement in (
        lambda: AuditEvent.objects.filter(pk=event.pk).update(action="forged"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            statement()
    with connection.cursor() as cur:
        cur.execute("SELECT action FROM films_auditevent WHERE id = %s", [event.pk])
        assert cur.fetchone()[0] == event.action


def test_lockout_after_repeated_failed_sign_ins(client, officer):
    url = reverse("login")
    for _ in range(5):
        client.post(url, {"username": officer.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    locked = client.post(
        url, {"username": officer.username, "password": ROLE_PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_sign_in_then_reach_the_workspace(client, officer):
    response = client.post(
        reverse("login"),
        {"username": officer.username, "password": ROLE_PASSWORD, "next": reverse("staff:dashboard")},
        REMOTE_ADDR="10.0.0.8",
    )
    assert response.status_code == 302 and response["Location"] == reverse("staff:dashboard")
    assert client.get(reverse("staff:dashboard")).status_code == 200


def test_production_settings_pass_check_deploy(tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60 + "Yz9!",
        "ALLOWED_HOSTS": "tracker.example",
        "DATABASE_URL": f"sqlite:///{tmp_path}/c.sqlite3",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_film_form_reports_every_error_in_one_submit(client, registers, officer):
    """Issue 13: not three round trips (year, then country, then genre)."""
    client.force_login(officer)
    response = client.post(reverse("staff:film-new"),
                           {**FILM_POST, "year": "20x5", "countries": "Kazakhstan", "languages": "Kazakh"})
    errors = response.context["form"].errors
    assert {"year", "countries", "languages"} <= set(errors), errors
    assert not Film.objects.filter(code=FILM_POST["film_code"]).exists()
