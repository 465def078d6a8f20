"""Set-based writes for the box-office report import and the day-level combination.

On PostgreSQL rows go in through psycopg 3's `cursor.copy()` (STYLE.md: bulk data through COPY, not the
ORM), and many rows' columns are updated through one COPY into a temp table and one `UPDATE … FROM`; raw SQL
is composed with `psycopg.sql`. Elsewhere (SQLite, the demo) the ORM's bulk operations do the same.
"""
from __future__ import annotations

import json

from django.db import connection, models


def _value(field: models.Field, obj: models.Model):
    value = getattr(obj, field.attname)
    if isinstance(field, models.JSONField):
        return None if value is None else json.dumps(value)
    return value


def insert_rows(model: type[models.Model], objs: list[models.Model]) -> None:
    """INSERT these unsaved objects (their pks are not read back)."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=2000)
        return
    from psycopg import sql

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for f in fields:  # auto_now(_add) fields are set by save()/bulk_create, not by COPY
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            from django.utils import timezone

            now = timezone.now()
            for o in objs:
                if getattr(o, f.attname) is None or f.auto_now:
                    setattr(o, f.attname, now)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields))
    connection.ensure_connection()
    with connection.connection.cursor() as cur, cur.copy(statement) as copy:
        for o in objs:
            copy.write_row([_value(f, o) for f in fields])


def update_rows(model: type[models.Model], objs: list[models.Model], names: list[str]) -> None:
    """UPDATE these columns of these saved objects to the values they hold."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, names, batch_size=2000)
        return
    from psycopg import sql

    pk = model._meta.pk
    fields = [model._meta.get_field(n) for n in names]
    temp = sql.Identifier(f"_update_{model._meta.db_table}")
    connection.ensure_connection()
    with connection.connection.cursor() as cur:
        cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(temp))
        cur.execute(sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
            temp, sql.SQL(", ").join(sql.Identifier(f.column) for f in [pk, *fields]),
            sql.Identifier(model._meta.db_table)))
        with cur.copy(sql.SQL("COPY {} FROM STDIN").format(temp)) as copy:
            for o in objs:
                copy.write_row([o.pk, *(_value(f, o) for f in fields)])
        cur.execute(sql.SQL("UPDATE {t} SET {sets} FROM {temp} u WHERE {t}.{pk} = u.{pk}").format(
            t=sql.Identifier(model._meta.db_table), temp=temp, pk=sql.Identifier(pk.column),
            sets=sql.SQL(", ").join(sql.SQL("{c} = u.{c}").format(c=sql.Identifier(f.column)) for f in fields)))


def insert_tuples(model: type[models.Model], names: list[str], rows: list[tuple]) -> None:
    """INSERT rows given as tuples of these fields' values (attnames), without building model instances.

    JSON fields are given as JSON text."""
    if not rows:
        return
    fields = [model._meta.get_field(n.removesuffix("_id")) for n in names]
    if connection.vendor != "postgresql":
        json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
        objs = []
        for r in rows:
            values = dict(zip(names, r, strict=True))
            for i in json_at:
                values[names[i]] = json.loads(r[i])
            objs.append(model(**values))
        model.objects.bulk_create(objs, batch_size=2000)
        return
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields))
    connection.ensure_connection()
    with connection.connection.cursor() as cur, cur.copy(statement) as copy:
        for r in rows:
            copy.write_row(r)


def update_tuples(model: type[models.Model], names: list[str], rows: list[tuple]) -> None:
    """UPDATE these fields from tuples of (pk, *values)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objs = [model(pk=r[0], **dict(zip(names, r[1:], strict=True))) for r in rows]
        model.objects.bulk_update(objs, names, batch_size=2000)
        return
    objs = []
    for r in rows:
        o = model(pk=r[0])
        for n, v in zip(names, r[1:], strict=True):
            setattr(o, n, v)
        objs.append(o)
    update_rows(model, objs, names)
