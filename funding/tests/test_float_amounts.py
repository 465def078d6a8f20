"""Issue 9 item 5: a valid 360Giving grant is never refused for its number's form.

Two of 1,258 grants in real 360Giving files carried amounts such as 41133.770000000004 (a spreadsheet's
floating-point artefact). They are stored rounded half up to the cent, with a data-quality warning naming
the number; the publisher's own number stays, exact, in source_data."""
import io
import json
from decimal import Decimal

import pytest

from films.audit import Actor
from funding.exactjson import dumps
from funding.exports import grants_package
from funding.giving360 import package_validator
from funding.models import Disbursement, Grant
from funding.services import import_grants

GRANT = ('{"id": "360G-T-1", "title": "Support", "description": "d", "currency": "GBP", '
         '"amountAwarded": 41133.770000000004, "awardDate": "2022-01-05", '
         '"recipientOrganization": [{"id": "GB-CHC-1", "name": "Studio"}], '
         '"fundingOrganization": [{"id": "GB-CHC-2", "name": "Fund"}]%s}')
CSV = ("Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
       "Recipient Org:Name,Funding Org:Identifier,Funding Org:Name,Amount Disbursed\n"
       "360G-T-2,Support,d,GBP,2999.9999999999995,2022-01-05,GB-CHC-1,Studio,GB-CHC-2,Fund,10.005\n")


def load(text: str):
    return import_grants(stream=io.BytesIO(text.encode()), actor=Actor.command("import_grants"))


@pytest.mark.django_db
def test_a_float_artefact_amount_is_rounded_to_the_cent_with_a_warning_and_kept_exact_in_the_source():
    report = load('{"grants": [' + GRANT % "" + "]}")
    assert report.count("created") == 1 and report.count("rejected") == 0
    grant = Grant.objects.get()
    assert grant.amount_awarded == Decimal("41133.77")
    warning = next(w for w in report.warnings if "41133.770000000004" in w)
    assert warning.startswith("grant 360G-T-1: amountAwarded") and "41133.77" in warning
    assert "41133.770000000004" in report.human()
    assert grant.data_quality == [warning.removeprefix("grant 360G-T-1: ")]
    # The publisher's own number, digit for digit.
    assert grant.source_data["amountAwarded"] == Decimal("41133.770000000004")
    assert load('{"grants": [' + GRANT % "" + "]}").count("unchanged") == 1


@pytest.mark.django_db
def test_the_export_publishes_the_rounded_amount_and_validates():
    load('{"grants": [' + GRANT % "" + "]}")
    package = json.loads(dumps(grants_package()), parse_float=Decimal)
    assert package["grants"][0]["amountAwarded"] == Decimal("41133.77")
    assert not list(package_validator().iter_errors(json.loads(dumps(grants_package()))))


@pytest.mark.django_db
def test_csv_amounts_round_half_up_and_keep_the_publishers_text():
    report = load(CSV)
    assert report.count("created") == 1, report.summary()
    grant = Grant.objects.get()
    assert grant.amount_awarded == Decimal("3000.00")
    assert grant.amount_disbursed == Decimal("10.01")  # half up, not half even
    assert len(grant.data_quality) == 2
    assert grant.source_data["amountAwarded"] == Decimal("2999.9999999999995")


@pytest.mark.django_db
def test_disbursement_amounts_with_artefacts_are_rounded_with_a_warning():
    tx = ', "disbursementTransaction": [{"id": "T1", "value": 1000.0049999999999, "transactionDate": "2022-02-01"}]'
    report = load('{"grants": [' + GRANT % tx + "]}")
    assert report.count("rejected") == 0
    assert Disbursement.objects.get().amount == Decimal("1000.00")
    assert any("disbursementTransaction/0/value" in w and "1000.0049999999999" in w for w in report.warnings)


@pytest.mark.django_db
def test_a_non_number_is_still_refused():
    report = load(CSV.replace("2999.9999999999995", "3000 GBP"))
    assert report.count("rejected") == 1
    assert report.summary()["problems"][0]["field"] == "Amount Awarded"


@pytest.mark.django_db
def test_the_staff_grant_page_shows_the_data_quality_warning(client, auditor):
    from django.urls import reverse

    load('{"grants": [' + GRANT % "" + "]}")
    client.force_login(auditor)
    page = client.get(reverse("staff:grant", args=[Grant.objects.get().pk])).content.decode()
    assert "Data quality" in page and "41133.770000000004" in page
