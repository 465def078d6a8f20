"""Fixtures shared by every app's tests."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent
EXAMPLES = ROOT.parent / "shared" / "examples"
if not EXAMPLES.exists():  # a checkout without shared/ beside it: the copy the tests carry
    EXAMPLES = ROOT / "tests" / "data" / "examples"


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


def run_command(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def registers(db, examples_dir):
    """The example cinemas, films and grants, loaded with the clerk's commands."""
    run_command("import_cinemas", str(examples_dir / "cinemas.csv"))
    run_command("import_films", str(examples_dir / "films.csv"))
    run_command("import_grants", str(examples_dir / "grants.json"))


@pytest.fixture
def examples_loaded(registers, examples_dir, django_capture_on_commit_callbacks):
    """Registers plus the example ticket sales, with the on-commit metrics recompute run."""
    with django_capture_on_commit_callbacks(execute=True):
        run_command("import_sales", str(examples_dir / "ticket-sales-small.csv"))


@pytest.fixture
def postgres_only(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")


# --- staff roles (issue 4) -------------------------------------------------------------------------

ROLE_PASSWORD = "correct horse battery staple 4"  # noqa: S105 - test users only (tests/factories.py's too)


def make_user(username: str, *roles: str, superuser: bool = False):
    """A user in these role groups (tests/factories.py's UserFactory), signed in with ROLE_PASSWORD."""
    from tests.factories import UserFactory

    return UserFactory(username=username, roles=roles, is_superuser=superuser, password=ROLE_PASSWORD)


@pytest.fixture
def officer(db):
    return make_user("officer1", "grant_officer")


@pytest.fixture
def officer2(db):
    return make_user("officer2", "grant_officer")


@pytest.fixture
def auditor(db):
    return make_user("auditor1", "auditor")


@pytest.fixture
def operator(db):
    return make_user("operator1", "cinema_operator")


@pytest.fixture
def admin_user(db):
    return make_user("admin1", superuser=True)



@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """A transactional test starts after a flush, which empties what the data migrations loaded (regions,
    roles); load it again. (serialized_rollback would do this too, but its saved copy is not found on the
    connection once Playwright runs an event loop in the test thread.)"""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.auth.models import Group

    from films.models import Region
    from films.reference_data import create_roles, load_regions

    load_regions(Region)
    create_roles(Group)


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request under /kk/ or /ru/ leaves its language active in the test thread (nothing resets it after
    the response); without this, a later test's reverse() and pages would be in that language."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Let go of the test database at the end: a child process a test started (a killed import, a worker)
    may leave its session open a moment longer, and PostgreSQL will not drop a database still in use."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            " WHERE datname = current_database() AND pid <> pg_backend_pid()")
