"""The permission matrix: every URL the project resolves, visited as each role and as an anonymous visitor.

The URL list is read from the resolver, so a page added later is visited too: a staff page must be
classified below (the test fails until it is), and every other page must at least never fail with a
server error nor show a grant that is still awaiting approval to the public.
"""

from __future__ import annotations

import itertools
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from conftest import make_user
from films.models import AuditEvent, Film, Organisation
from funding.models import Grant, GrantChange
from funding.services import clean_grant, propose_grant

# Staff pages that change registers (officers and administrators only) ...
STAFF_EDITOR_ONLY = {
    "staff:film-new",
    "staff:film-edit",
    "staff:grant-new",
    "staff:grant-edit",
    "staff:grant-disburse",
    "staff:grant-link",
    "staff:grant-withdraw",
    "staff:change-review",
    "staff:changes-approve",
    "staff:cinema-new",
    "staff:upload",
}
# ... and those every workspace reader (auditors too) may open; POSTs to them are for officers.
STAFF_READ = {
    "staff:dashboard",
    "staff:upload-template",
    "staff:films",
    "staff:film",
    "staff:organisations",
    "staff:organisation-search",
    "staff:organisation",
    "staff:grants",
    "staff:grants-360giving",
    "staff:grant",
    "staff:cinemas",
    "staff:cinema",
    "staff:queue",
    "staff:audit",
    "staff:audit-export",
    "staff:reports",
    "staff:report",
    "staff:report-export",
}
# Sales pages: who may open them (the operator of the world below is tied to no batch's cinema).
SALES_PAGES = {
    "boxoffice:batches": {"cinema_operator": 200, "auditor": 200},
    "boxoffice:batch": {"cinema_operator": 404, "auditor": 200},
    "boxoffice:batch-progress": {"cinema_operator": 404, "auditor": 200},
    "boxoffice:batch-records-csv": {"cinema_operator": 404, "auditor": 200},
    "boxoffice:upload": {"cinema_operator": 200, "auditor": 403},
    "boxoffice:alerts": {"cinema_operator": 403, "auditor": 200},
    "boxoffice:format": {"cinema_operator": 200, "auditor": 200},
    "boxoffice:template": {"cinema_operator": 200, "auditor": 200},
}
ROLES = ["anonymous", "cinema_operator", "auditor", "admin", "grant_officer"]
PENDING_ID = "360G-PENDING-0001"


def _walk(resolver, prefix_names=()):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix_names + ((p.namespace,) if p.namespace else ()))
        elif isinstance(p, URLPattern):
            yield ":".join(prefix_names + (p.name,)) if p.name else None, p


def _candidates(param: str, name: str, objects: dict) -> list[str]:
    """Values to try for one URL parameter: real objects, so that detail pages render their content."""
    by_param = {
        "code": [objects["cinema"].code] if "cinema" in name else [objects["film"].code],
        "org_id": [str(objects["org"].pk)],
        "grant_id": [str(objects["pending_grant"].pk)],
        "change_id": [str(objects["change"].pk)],
        "pk": [str(objects["batch_pk"])],
        "register": ["films", "cinemas", "grants"],
        "decision": ["approve", "reject"],
        "fmt": ["csv", "xlsx", "json"],
        "format": ["json"],
        "app_label": ["films", "funding", "boxoffice", "auth"],
        "slug": [
            "funded-vs-released",
            "stalled-projects",
            "return-on-funding",
            "recipients",
            "data-completeness",
            "anomalies",
            "unlinked-grants",
        ],
    }
    return by_param.get(param, ["1"])


def every_url(objects) -> list[tuple[str, str]]:
    """(name, path) for every pattern, with each parameter filled in every way it accepts."""
    out = []
    for name, pattern in _walk(get_resolver()):
        params = list(pattern.pattern.regex.groupindex)
        if name is None:
            route = str(pattern.pattern).lstrip("^").rstrip("$")
            if not params and not re.search(r"[\\()\[\]*+?|]", route):
                out.append(("(unnamed)", "/" + route))
            continue
        found = False
        for combo in itertools.product(*[_candidates(p, name, objects) for p in params]):
            try:
                out.append((name, reverse(name, kwargs=dict(zip(params, combo, strict=True)))))
                found = True
            except NoReverseMatch:
                continue
        assert found or params, f"could not build a URL for {name}"
    return out


@pytest.fixture
def world(examples_loaded, django_capture_on_commit_callbacks):
    from boxoffice.models import Cinema, ImportBatch

    users = {
        "cinema_operator": make_user("op", "cinema_operator"),
        "auditor": make_user("aud", "auditor"),
        "admin": make_user("root", superuser=True),
        "grant_officer": make_user("off", "grant_officer"),
    }
    maker = make_user("maker", "grant_officer")
    from films.audit import Actor
    from films.choices import Door

    source = dict(Grant.objects.get(identifier="360G-KZ-SCSNC-00001").source_data)
    source.update(id=PENDING_ID, title="Pending grant awaiting approval")
    source.pop("disbursementTransaction", None)
    grant, change, _ = propose_grant(data=clean_grant(source), actor=Actor(door=Door.PAGE, user=maker))
    # The operator reports for the last cinema; the batches of the examples came by command, for no cinema.
    Cinema.objects.order_by("code").last().operators.add(users["cinema_operator"])
    objects = {
        "film": Film.objects.order_by("code").first(),
        "cinema": Cinema.objects.order_by("code").first(),
        "org": Organisation.objects.order_by("pk").first(),
        "pending_grant": grant,
        "change": change,
        "batch_pk": ImportBatch.objects.order_by("pk").first().pk,
    }
    return users, objects


def _client(role, users):
    c = Client()
    if role != "anonymous":
        c.force_login(users[role])
    return c


@pytest.mark.django_db
def test_every_url_as_every_role(world):
    users, objects = world
    urls = every_url(objects)
    staff_names = {n for n, _ in urls if n.startswith("staff:")}
    unclassified = staff_names - STAFF_EDITOR_ONLY - STAFF_READ
    assert not unclassified, f"classify these staff pages in test_permissions.py: {sorted(unclassified)}"
    assert staff_names == STAFF_EDITOR_ONLY | STAFF_READ, "a classified staff page no longer exists"
    visited = 0
    for role in ROLES:
        client = _client(role, users)
        for name, url in urls:
            if name.startswith("admin:") and role not in ("anonymous", "admin", "auditor"):
                continue  # the admin's ~120 pages behave alike for every non-superuser; two roles suffice
            response = client.get(url)
            visited += 1
            where = f"GET {url} ({name}) as {role}"
            assert response.status_code < 500, where
            if name.startswith("staff:"):
                _check_staff_get(role, name, response, where)
            elif name in SALES_PAGES:
                expected = {"anonymous": 302, "admin": 200, "grant_officer": 200, **SALES_PAGES[name]}[role]
                assert response.status_code == expected, where
            elif name.startswith("admin:") and role != "admin" and name != "admin:login":
                assert response.status_code in (302, 404, 405), where
            if role == "anonymous" and response.status_code == 200 and not response.streaming:
                assert PENDING_ID.encode() not in response.content, f"pending grant shown publicly: {where}"
    assert visited > 100


def _check_staff_get(role, name, response, where):
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], where
    elif role == "cinema_operator":
        assert response.status_code == 403, where
    elif role == "auditor":
        assert response.status_code == (200 if name in STAFF_READ else 403), where
    else:
        expected = (302,) if name in ("staff:change-review", "staff:changes-approve") else (200,)
        assert response.status_code in expected, where


@pytest.mark.django_db
def test_only_officers_can_post_and_auditors_change_nothing(world):
    users, objects = world
    staff_urls = [(n, u) for n, u in every_url(objects) if n.startswith("staff:")]
    for role in ["anonymous", "cinema_operator", "auditor"]:
        client = _client(role, users)
        events, changes = AuditEvent.objects.count(), GrantChange.objects.count()
        for name, url in staff_urls:
            response = client.post(url, {})
            where = f"POST {url} ({name}) as {role}"
            if role == "anonymous":
                assert response.status_code == 302 and "/accounts/login/" in response["Location"], where
            elif role == "cinema_operator":
                assert response.status_code == 403, where
            else:
                writes = name in STAFF_EDITOR_ONLY or name in {
                    "staff:film",
                    "staff:organisation",
                    "staff:cinema",
                    "staff:queue",
                }
                assert response.status_code == 403 if writes else response.status_code < 400, where
        assert (AuditEvent.objects.count(), GrantChange.objects.count()) == (events, changes), role
    officer = _client("grant_officer", users)
    for name, url in staff_urls:
        response = officer.post(url, {})
        assert response.status_code < 400 or (response.status_code == 404 and "export" in name), (
            f"POST {url} ({name}) as grant_officer: {response.status_code}"
        )
