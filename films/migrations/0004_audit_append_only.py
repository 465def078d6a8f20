"""The audit trail is append-only in the database too: on PostgreSQL a trigger refuses UPDATE and DELETE.

The model already refuses save-after-create and delete(); this stops queryset.update(), raw SQL and
anyone with a database shell. TRUNCATE (test databases being reset) does not fire row triggers.
"""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION films_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'films_auditevent is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS films_auditevent_append_only ON films_auditevent;
CREATE TRIGGER films_auditevent_append_only BEFORE UPDATE OR DELETE ON films_auditevent
    FOR EACH ROW EXECUTE FUNCTION films_auditevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS films_auditevent_append_only ON films_auditevent;
DROP FUNCTION IF EXISTS films_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # None: the % in the PL/pgSQL is not a placeholder


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("films", "0003_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
