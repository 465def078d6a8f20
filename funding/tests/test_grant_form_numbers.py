"""Numbers as people type them, in forms only; warnings, not refusals, for the implausible (issue 13)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from films.formfields import parse_local_decimal
from funding.models import Grant

from .test_staff_grants import GRANT_POST


@pytest.mark.parametrize(
    ("text", "separator", "expected"),
    [("150 000 000", ",", "150000000"), ("150,000,000", ".", "150000000"), ("150,000,000", ",", "150000000"),
     ("150\u00a0000\u00a0000,50", ",", "150000000.50"), ("150,000,000.50", ".", "150000000.50"),
     ("150.000.000,50", ",", "150000000.50"), ("2500,5", ",", "2500.5"), ("2500.5", ".", "2500.5"),
     ("7,500", ",", "7.500"), ("7,500", ".", "7500"), ("abc", ".", None), ("1,2,3", ".", None)],
)
def test_local_numbers(text, separator, expected):
    assert parse_local_decimal(text, separator) == (Decimal(expected) if expected is not None else None)


@pytest.mark.parametrize(("lang", "typed"), [("en", "150,000,000.55"), ("ru", "150 000 000,55"),
                                             ("kk", "150 000 000,55")])
def test_the_grant_form_takes_the_users_grouping(client, registers, officer, lang, typed):
    from django.utils import translation

    client.force_login(officer)
    with translation.override(lang):
        response = client.post(reverse("staff:grant-new"), {**GRANT_POST, "amount_awarded": typed})
    assert response.status_code == 302, response.context["form"].errors
    assert Grant.objects.get(identifier=GRANT_POST["identifier"]).amount_awarded == Decimal("150000000.55")


def test_machine_files_keep_the_spec_format(registers):
    """The CSV a program sends is read as the spec says: a grouped amount is an error there."""
    from films.importing import RowError
    from funding.services import csv_row_to_360

    with pytest.raises(RowError):
        csv_row_to_360({"identifier": "X", "title": "t", "currency": "KZT", "amount awarded": "150,000,000",
                        "award date": "2024-01-01", "recipient org:identifier": "KZ-BIN-1",
                        "recipient org:name": "r", "funding org:identifier": "KZ-BIN-2", "funding org:name": "f"})


def test_implausible_grants_and_disbursements_are_warned_not_refused(client, registers, officer, officer2):
    client.force_login(officer)
    response = client.post(reverse("staff:grant-new"), {**GRANT_POST, "award_date": "2030-03-01",
                                                        "amount_awarded": "150 000 000"}, follow=True)
    grant = Grant.objects.get(identifier=GRANT_POST["identifier"])  # saved all the same
    page = response.content.decode()
    assert "The award date 2030-03-01 is in the future." in page
    response = client.post(reverse("staff:grant-disburse", args=[grant.pk]),
                           {"kind": "disbursement", "amount": "500,000,000", "date": "2024-04-01"}, follow=True)
    page = response.content.decode()
    assert "Disbursed 500,000,000.00 KZT is more than the 150,000,000.00 KZT awarded." in page
    response = client.post(reverse("staff:grant-disburse", args=[grant.pk]),
                           {"kind": "recovery", "amount": "1000", "date": "2024-05-01"}, follow=True)
    assert "comes before the grant was awarded (2030-03-01)" in response.content.decode()
    # The colleague who reviews sees the same warnings beside the proposal.
    client.force_login(officer2)
    review = client.get(reverse("staff:grant", args=[grant.pk])).content.decode()
    assert "Please check before approving" in review and "is more than the" in review


def test_a_repayment_due_before_the_grant_is_warned_not_refused():
    import datetime
    from decimal import Decimal

    from funding.plausibility import grant_warnings

    data = {"award_date": datetime.date(2024, 3, 1), "amount_awarded": Decimal("100.00"), "currency": "KZT",
            "disbursements": [], "repayable_due_date": datetime.date(2023, 12, 31)}
    assert grant_warnings(data, today=datetime.date(2025, 1, 1)) == [
        "The repayment is due on 2023-12-31, before the grant was awarded (2024-03-01)."]
    assert grant_warnings({**data, "repayable_due_date": datetime.date(2026, 1, 1)},
                          today=datetime.date(2025, 1, 1)) == []
