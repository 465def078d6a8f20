"""Who may do what: the staff roles (groups created by migration 0003) and the checks views use.

grant_officer edits the registers and approves other officers' grants; auditor reads everything, including
what is not public, and exports, but changes nothing; cinema_operator reports one cinema's sales and has no
business in the ministry's workspace; administrators are superusers.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

GRANT_OFFICER = "grant_officer"
AUDITOR = "auditor"
CINEMA_OPERATOR = "cinema_operator"


def has_role(user, *roles: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object: a page asks several times per request.
    names = getattr(user, "_role_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._role_names = names
    return bool(names & set(roles))


def can_edit_registers(user) -> bool:
    return has_role(user, GRANT_OFFICER)


def can_read_workspace(user) -> bool:
    return has_role(user, GRANT_OFFICER, AUDITOR)


def operated_cinema_ids(user) -> list[int]:
    """The cinemas a cinema operator reports for (none for other roles)."""
    if not has_role(user, CINEMA_OPERATOR) or user.is_superuser:
        return []
    return list(user.operated_cinemas.values_list("pk", flat=True))


def can_report_sales(user) -> bool:
    """Officers and administrators send any cinema's sales; an operator only once tied to a cinema."""
    return can_edit_registers(user) or bool(operated_cinema_ids(user))


def can_see_sales_batches(user) -> bool:
    return can_read_workspace(user) or bool(operated_cinema_ids(user))


def _guard(check):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied("Your role does not allow this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Pages that only read: officers, auditors and administrators.
workspace_reader = _guard(can_read_workspace)
# Anything that changes a register: officers and administrators; auditors change nothing.
register_editor = _guard(can_edit_registers)
# Sales batches: readers see all, an operator only its cinema's (the selector narrows the rows).
sales_batch_reader = _guard(can_see_sales_batches)
sales_reporter = _guard(can_report_sales)


def reader_view(view):
    """GET for every workspace reader; POST (and other writes) only for register editors."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        guard = workspace_reader if request.method in ("GET", "HEAD") else register_editor
        return guard(view)(request, *args, **kwargs)

    return wrapped
