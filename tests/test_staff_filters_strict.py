"""Issue 10 in the workspace: staff lists, the audit trail and the auditor reports filter through FilterSets,
and a filter is never silently ignored: an unknown parameter or a value that cannot be read is a 400 naming
it (config/strict_query.py), while a good filter narrows the list."""

import pytest
from django.urls import reverse

from funding.models import Grant

# Every auditor report, by its address (the reports' registry moves between apps; the addresses stay).
SLUGS = ["funded-vs-released", "stalled-projects", "return-on-funding", "recipients", "data-completeness",
         "anomalies", "unlinked-grants", "metrics-discrepancies", "reported-vs-ticketed", "gross-provenance"]
PAGES = ["staff:films", "staff:grants", "staff:organisations", "staff:cinemas", "staff:audit"]


@pytest.mark.parametrize("name", PAGES)
def test_a_parameter_the_list_does_not_read_is_refused(client, examples_loaded, auditor, name):
    client.force_login(auditor)
    assert client.get(reverse(name)).status_code == 200
    response = client.get(reverse(name), {"fundr": "1"})
    assert response.status_code == 400 and "fundr" in response.content.decode()


@pytest.mark.parametrize("name, params", [
    ("staff:grants", {"state": "lost"}), ("staff:films", {"status": "sleeping"}),
    ("staff:audit", {"since": "yesterday"}), ("staff:audit", {"door": "window"}),
])
def test_a_value_the_list_cannot_read_is_refused(client, examples_loaded, auditor, name, params):
    client.force_login(auditor)
    assert client.get(reverse(name), params).status_code == 400


def test_a_good_filter_narrows(client, examples_loaded, auditor):
    client.force_login(auditor)
    page = client.get(reverse("staff:grants"), {"state": "unlinked"}).context["page"]
    assert page.paginator.count == Grant.objects.filter(film__isnull=True).count() < Grant.objects.count()
    events = client.get(reverse("staff:audit"), {"object_type": "funding.grant"}).context["page"]
    assert events.paginator.count > 0 and all(e.object_type == "funding.grant" for e in events)
    export = client.get(reverse("staff:audit-export", args=["csv"]), {"object_type": "funding.grant", "x": "1"})
    assert export.status_code == 400 and b"x:" in export.content  # a download says it too, in plain text


def test_the_list_of_reports_is_the_index_of_reports(client, auditor, db):
    client.force_login(auditor)
    assert sorted(r.slug for r in client.get(reverse("staff:reports")).context["reports"]) == sorted(SLUGS)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_report_refuses_what_it_cannot_filter_by(client, examples_loaded, auditor, slug):
    client.force_login(auditor)
    page = client.get(reverse("staff:report", args=[slug]), {"page": "1"})
    assert page.status_code == 200
    assert client.get(reverse("staff:report", args=[slug]), {"fundr": "1"}).status_code == 400
    assert client.get(reverse("staff:report-export", args=[slug, "csv"]), {"fundr": "1"}).status_code == 400
    for f, _choices, _value in page.context["filters"]:  # a value that is none of the filter's choices
        assert client.get(reverse("staff:report", args=[slug]), {f.name: "no-such-value"}).status_code == 400


def test_a_report_filter_still_narrows(client, examples_loaded, auditor):
    client.force_login(auditor)
    funder = Grant.objects.published().filter(currency="KZT").values_list("funder_id", flat=True).first()
    table = client.get(reverse("staff:report", args=["unlinked-grants"]), {"funder": funder}).context["table"]
    everyone = client.get(reverse("staff:report", args=["unlinked-grants"])).context["table"]
    assert "Funder" in table.filters and len(table.rows) <= len(everyone.rows)
    assert all(Grant.objects.get(identifier=r["identifier"]).funder_id == funder for r in table.rows)
