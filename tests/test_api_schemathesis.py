"""schemathesis generates requests from the live OpenAPI schema and checks every answer against it.

Only GET operations: the public API is read-only, and the staff/cinema write endpoints others own have
their own tests. Runs in-process through the WSGI app, on the example data set.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application).include(
    method="GET",
    path_regex=r"^/api/v1/(films|film-metrics|grants|funders|programmes|organisations|cinemas|regions|reports)",
)


@pytest.fixture
def data(examples_loaded, monkeypatch):
    """The example data; throttling lifted so that the generated requests reach the views (429 is
    documented and tested in test_api_public.py)."""
    from django.core.cache import cache
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1000000/minute"})
    cache.clear()
    # As Django's test client does: the WSGI handler would otherwise close the test's transaction's
    # connection at the end of each request (on PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("data")
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_public_api_conforms_to_its_schema(case):
    # Every check runs, server errors and response conformance included, on positive and negative data,
    # except "negative data must be rejected": like django-filter, the API ignores an empty or repeated
    # parameter instead of answering 400, so a browser form's blank field still works. Nor "valid data must be
    # accepted": a funder or region code is any text to the schema, but one that names no record is a 400
    # with a message (issue 11: no filter is ever ignored), which tests/test_public_money.py checks.
    case.call_and_validate(excluded_checks=[negative_data_rejection, positive_data_acceptance])
