"""Box-office fixtures: every sales-rule test runs through both import paths (PostgreSQL only for COPY)."""
import pytest
from django.db import connection


@pytest.fixture(params=["python", "copy"])
def import_path(request, settings, db):
    """Which path import_sales takes; the COPY path exists only on PostgreSQL."""
    if request.param == "copy" and connection.vendor != "postgresql":
        pytest.skip("the COPY path needs PostgreSQL: run with DATABASE_URL=postgres://…")
    settings.SALES_IMPORT_PATH = "auto" if request.param == "copy" else "python"
    return request.param
