"""PostgreSQL roles as production runs them: an owner that migrates, an app role that can only use the data.

The web and worker processes connect as the app role: not a superuser, not the owner of any table, so it
cannot TRUNCATE the audit trail, ALTER TABLE … DISABLE TRIGGER, or SET session_replication_role = replica
(each needs ownership or superuser). On the audit table it may only SELECT and INSERT; elsewhere it has the
ordinary SELECT, INSERT, UPDATE, DELETE. Default privileges give it the same on tables later migrations add.
Run after every `migrate` (it is idempotent).
"""
from __future__ import annotations

from psycopg import sql

AUDIT_TABLE = "films_auditevent"
APPEND_ONLY_TABLES = [AUDIT_TABLE]
TABLE_RIGHTS = sql.SQL("SELECT, INSERT, UPDATE, DELETE")
APPEND_ONLY_RIGHTS = sql.SQL("SELECT, INSERT")


class RoleProblem(Exception):
    """The app role asked for would keep the rights this is meant to take away."""


def role_statements(*, app_role: str, owner: str, database: str, schema: str = "public",
                    create: bool = False) -> list[sql.Composed]:
    """The statements, in order, that give `app_role` its rights (run them as `owner` or a superuser)."""
    app, own, db, sch = (sql.Identifier(n) for n in (app_role, owner, database, schema))
    out = []
    if create:
        out.append(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS")
                   .format(app))
    out += [
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(db, app),  # TEMP: the COPY staging tables
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sch, app),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(sch, app),
        sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA {} TO {}").format(TABLE_RIGHTS, sch, app),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(sch, app),
    ]
    for table in APPEND_ONLY_TABLES:
        tbl = sql.Identifier(schema, table)
        out += [sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(tbl, app),
                sql.SQL("GRANT {} ON TABLE {} TO {}").format(APPEND_ONLY_RIGHTS, tbl, app)]
    out += [
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT {} ON TABLES TO {}")
        .format(own, sch, TABLE_RIGHTS, app),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}")
        .format(own, sch, app),
    ]
    return out


def check_app_role(cursor, *, app_role: str, owner: str) -> bool:
    """Refuse an app role that is a superuser or the owner; True if the role exists already."""
    if app_role == owner:
        raise RoleProblem(f"the app role must not be the owner ({owner}) that runs migrate")
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
    row = cursor.fetchone()
    if row and row[0]:
        raise RoleProblem(f"{app_role} is a superuser: it could disable the audit trail's protection")
    cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = %s", [app_role])
    if cursor.fetchone()[0]:
        raise RoleProblem(f"{app_role} owns tables: an owner can disable their triggers")
    return row is not None


def apply_roles(connection, *, app_role: str, owner: str | None = None, create: bool = False) -> list[str]:
    """Give `app_role` its rights on this Django connection's database; returns the statements run."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database(), current_schema()")
        current, database, schema = cursor.fetchone()
        owner = owner or current
        exists = check_app_role(cursor, app_role=app_role, owner=owner)
        statements = role_statements(app_role=app_role, owner=owner, database=database, schema=schema,
                                     create=create and not exists)
        raw = cursor.connection  # psycopg's own connection: it renders sql.Composed
        texts = [s.as_string(raw) for s in statements]
        for text in texts:
            cursor.execute(text)
    return texts
