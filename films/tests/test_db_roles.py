"""Issue 8: the audit trail is append-only for the role the app connects as, not only by courtesy.

The app role that `manage.py db_roles` sets up is no superuser and owns no table: TRUNCATE, UPDATE, DELETE,
ALTER TABLE … DISABLE TRIGGER and SET session_replication_role = replica all fail for it on the audit table,
while INSERT and SELECT work (and ordinary writes elsewhere)."""
import os

import psycopg
import pytest
from django.db import connection

from conftest import run_command
from films.audit import Actor, record_change
from films.models import Region

AUDIT = "films_auditevent"
REFUSED = [
    f"TRUNCATE {AUDIT}",
    f"UPDATE {AUDIT} SET action = 'forged'",
    f"DELETE FROM {AUDIT}",
    f"ALTER TABLE {AUDIT} DISABLE TRIGGER ALL",
    f"ALTER TABLE {AUDIT} DISABLE TRIGGER films_auditevent_append_only",
    "SET session_replication_role = replica",
]


@pytest.mark.django_db(transaction=True)
def test_the_app_role_cannot_rewrite_the_audit_trail(postgres_only):
    role = f"tracker_app_test_{os.getpid()}"  # roles are cluster-wide: one of our own, dropped after
    region = Region.objects.order_by("pk").first()
    record_change(actor=Actor(), action="update", instance=region, before={"a": 1}, after={"a": 2})
    out, _ = run_command("db_roles", "--app-role", role, "--create-role", "--apply")
    assert f'GRANT SELECT, INSERT ON TABLE "public"."{AUDIT}" TO "{role}"' in out
    settings = connection.settings_dict
    try:
        with psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                             dbname=settings["NAME"], user=role, autocommit=True) as app:
            for statement in REFUSED:
                with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
                    app.execute(statement)
                # Refused for want of the right, not only by the append-only trigger (which also says 42501).
                message = str(refused.value)
                assert "permission denied" in message or "must be owner" in message, (statement, message)
            app.execute(f"INSERT INTO {AUDIT} (at, actor_label, door, action, object_type, object_id, object_repr)"
                        " VALUES (now(), 'app', 'system', 'create', 'films.region', '1', 'r')")
            assert app.execute(f"SELECT count(*) FROM {AUDIT}").fetchone()[0] == 2
            # Ordinary rights elsewhere: the app reads and writes its registers, and stages with temp tables.
            app.execute("UPDATE films_region SET name_en = name_en WHERE id = %s", [region.pk])
            app.execute("CREATE TEMP TABLE staging (x int) ON COMMIT DROP")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute("TRUNCATE films_region")
        assert connection.cursor().execute(f"SELECT count(*) FROM {AUDIT}").fetchone()[0] == 2
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')


@pytest.mark.django_db
def test_db_roles_refuses_a_superuser_or_the_owner_as_app_role(postgres_only):
    from django.core.management import CommandError

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        me = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="owner"):
        run_command("db_roles", "--app-role", me)
    with pytest.raises(CommandError, match="superuser"):
        run_command("db_roles", "--app-role", "postgres", "--owner", "someone_else")
