"""Getting in and around (issue 13): demo accounts per role, where sign-in lands, and a navigation that
offers each role only pages it may open."""
from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from boxoffice.models import Cinema
from conftest import make_user, run_command
from demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

NAV = re.compile(r"<nav\b[^>]*>(.*?)</nav>", re.S)
HREF = re.compile(r'href="([^"#]+)')


def sign_in(username: str, password: str = DEMO_PASSWORD, lang: str = "en"):
    client = Client()
    response = client.post(f"/{lang}/accounts/login/", {"username": username, "password": password})
    return client, response


@pytest.mark.django_db
def test_load_demo_makes_one_documented_account_per_role(registers):
    out, _ = run_command("load_demo", "--if-empty")  # films exist: only the accounts are made
    assert "demo not loaded again" in out and DEMO_PASSWORD in out
    operator_cinema = Cinema.objects.filter(connected_since__isnull=False).order_by("code").first()
    for account in DEMO_ACCOUNTS:
        assert account.username in out
        client, response = sign_in(account.username)
        assert response.status_code == 302, account
        landing = client.get(response["Location"], follow=True)
        assert landing.status_code == 200
    officer = Cinema.objects.get(pk=operator_cinema.pk).operators.get()
    assert officer.username == "operator" and operator_cinema.code in out
    # Run again: nothing duplicated, passwords reset to the documented one.
    run_command("load_demo", "--if-empty")
    assert sign_in("officer2")[1].status_code == 302


@pytest.mark.django_db
@override_settings(DEMO_ACCOUNTS=False)
def test_no_demo_accounts_where_the_settings_forbid_them(registers):
    from django.contrib.auth.models import User

    out, _ = run_command("load_demo", "--if-empty")
    assert "demo accounts not created" in out
    assert not User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).exists()


def test_production_settings_never_allow_demo_accounts(monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "tracker.example")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///tmp/x.sqlite3")
    monkeypatch.setenv("DEMO_ACCOUNTS", "true")
    sys.modules.pop("config.settings.production", None)
    production = importlib.import_module("config.settings.production")
    assert production.DEMO_ACCOUNTS is False
    sys.modules.pop("config.settings.production", None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "landing"),
    [("grant_officer", "/en/staff/"), ("auditor", "/en/staff/"), ("cinema_operator", "/en/boxoffice/batches/"),
     ("admin", "/en/staff/"), ("nobody", "/en/")],
)
def test_sign_in_lands_where_the_work_is(registers, role, landing):
    from conftest import ROLE_PASSWORD

    user = make_user("u", *([] if role in ("admin", "nobody") else [role]), superuser=role == "admin")
    if role == "cinema_operator":
        Cinema.objects.order_by("code").first().operators.add(user)
    client, response = sign_in("u", ROLE_PASSWORD)
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == landing


def _nav_links(html: str) -> set[str]:
    return {h for block in NAV.findall(html) for h in HREF.findall(block) if h.startswith("/") and "/i18n/" not in h}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["grant_officer", "auditor", "cinema_operator", "admin"])
@pytest.mark.parametrize("lang", ["en", "kk"])
def test_every_nav_link_a_role_sees_opens(registers, role, lang):
    user = make_user("u", *([] if role == "admin" else [role]), superuser=role == "admin")
    if role == "cinema_operator":
        Cinema.objects.order_by("code").first().operators.add(user)
    client = Client()
    client.force_login(user)
    home = "boxoffice/batches/" if role == "cinema_operator" else "staff/"
    start = [f"/{lang}/", f"/{lang}/{home}"]
    seen, todo = set(), list(start)
    while todo:  # follow nav links page by page: every page's nav, not only the first's
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, (role, url, response.status_code)
        if "text/html" in response["Content-Type"]:
            html = response.content.decode()
            todo += [u for u in _nav_links(html) | _action_links(html) if u not in seen]
    assert (f"/{lang}/staff/" in seen) == (role != "cinema_operator")
    assert (f"/{lang}/boxoffice/batches/upload/" in seen) == (role != "auditor")


def _action_links(html: str) -> set[str]:
    """Links of the sales-batch list's header line (upload, alerts), which are role-dependent too."""
    m = re.search(r'<p class="actions">(.*?)</p>', html, re.S)
    return set(HREF.findall(m.group(1))) if m else set()
