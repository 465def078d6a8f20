"""Recording audit events: every service that changes a register calls `record_change` in its transaction."""
from __future__ import annotations

import datetime
import getpass
import os
from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from .choices import Door
from .models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who is acting and through which door; passed to every service that writes."""

    door: str = Door.SYSTEM
    user: object | None = None
    label: str = ""

    @classmethod
    def command(cls, name: str) -> Actor:
        """A management command: the label names the operating-system user who ran it."""
        return cls(door=Door.COMMAND, label=f"cli:{os_user()} manage.py {name}"[:150])

    @property
    def display(self) -> str:
        if self.user is not None and getattr(self.user, "is_authenticated", False):
            if self.door == Door.COMMAND and self.label:  # an officer named on the command line, and who ran it
                return f"{self.user.get_username()} ({self.label})"[:150]
            return self.user.get_username()
        return self.label or self.door


def os_user() -> str:
    """Who runs this process, for the audit trail of the command line (uid when there is no name)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in the environment and no passwd entry (some containers)
        return f"uid {os.getuid()}"


def jsonable(value):
    """`value` with every Decimal, date and record made JSON-safe, nested ones too, and exactly: a Decimal
    becomes its digits as a string (never a float, which would turn 12345678901234567.89 into …568)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return value


_jsonable = jsonable  # the name older callers know


def snapshot(instance: models.Model | None, fields: list[str] | None = None) -> dict | None:
    """A JSON-safe picture of a record's concrete fields (foreign keys by id)."""
    if instance is None:
        return None
    out = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in ("created_at", "updated_at"):
            continue
        out[field.attname] = _jsonable(getattr(instance, field.attname))
    return out


def record_change(*, actor: Actor, action: str, instance: models.Model, before: dict | None,
                  after: dict | None, object_id: str | None = None) -> AuditEvent | None:
    """Append one audit event; a no-op when nothing changed."""
    before, after = jsonable(before), jsonable(after)
    if action == "update" and before == after:
        return None
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=actor.display,
        door=actor.door,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=object_id or str(instance.pk),
        object_repr=str(instance)[:300],
        before=before,
        after=after,
    )
