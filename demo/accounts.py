"""The demo's sign-in accounts, one or two per role, with one documented password (README, "Try it").

Only for a demo machine: `load_demo` creates them when the settings allow it (`DEMO_ACCOUNTS`, on in
local and test settings, forced off in production), never with production settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from films.permissions import AUDITOR, CINEMA_OPERATOR, GRANT_OFFICER

DEMO_PASSWORD = "demo-tracker-2024"  # noqa: S105 - documented demo password, refused under production settings


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str  # a group name, or "administrator" for the superuser
    what: str


DEMO_ACCOUNTS = (
    DemoAccount("officer", GRANT_OFFICER, "enters films, grants, uploads; approves officer2's changes"),
    DemoAccount("officer2", GRANT_OFFICER, "a second officer, so that maker-checker can be tried"),
    DemoAccount("auditor", AUDITOR, "reads everything, exports reports and the audit trail, changes nothing"),
    DemoAccount("operator", CINEMA_OPERATOR, "sends one cinema's ticket sales"),
    DemoAccount("admin", "administrator", "superuser: the Django admin, users and roles"),
)


@transaction.atomic
def ensure_demo_accounts() -> list[str]:
    """Create (or reset the password and role of) each demo account; one line per account for the command."""
    User = get_user_model()
    Cinema = apps.get_model("boxoffice", "Cinema")  # looked up by name: films sits below boxoffice
    cinema = Cinema.objects.filter(connected_since__isnull=False).order_by("code").first()
    lines = []
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=account.username)
        user.set_password(DEMO_PASSWORD)
        user.is_active = True
        user.is_superuser = user.is_staff = account.role == "administrator"
        user.save()
        if account.role != "administrator":
            user.groups.set([Group.objects.get_or_create(name=account.role)[0]])
        note = account.what
        if account.role == CINEMA_OPERATOR:
            if cinema is not None:
                cinema.operators.add(user)
                note = f"{note}: {cinema.code} {cinema.name}"
            else:
                note = f"{note}: no connected cinema registered yet, so none tied"
        lines.append(f"  {account.username:<9} {account.role:<15} {note}")
    return lines
