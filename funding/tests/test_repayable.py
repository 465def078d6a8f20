"""Issue 9 item 4: repayable support (360Giving extension `repayable`), its repayments (recoveries), what is
outstanding and, past the due date, overdue; one computation for pages, API and export."""
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from films.audit import Actor
from funding.exactjson import dumps
from funding.exports import grants_package
from funding.giving360 import package_validator
from funding.models import Grant
from funding.selectors import repayment_of
from funding.services import import_grants


def grant(**overrides):
    g = {"id": "360G-R-1", "title": "Refundable support", "description": "d", "currency": "KZT",
         "amountAwarded": 1000000, "awardDate": "2022-01-05",
         "recipientOrganization": [{"id": "KZ-BIN-1", "name": "Studio"}],
         "fundingOrganization": [{"id": "KZ-BIN-2", "name": "Fund"}], "filmProject": {"code": "F-1"},
         "repayable": {"amount": 400000, "dueDate": "2024-12-31"},
         "disbursementTransaction": [
             {"id": "T1", "value": 1000000, "transactionDate": "2022-02-01"},
             {"id": "T2", "value": -150000, "transactionDate": "2023-06-01", "description": "first repayment"},
         ]}
    g.update(overrides)
    return g


def load(*grants):
    return import_grants(stream=io.BytesIO(dumps({"grants": list(grants)}).encode()), actor=Actor.command("t"))


@pytest.mark.django_db
def test_repayable_repaid_outstanding_and_overdue():
    report = load(grant())
    assert report.count("created") == 1, report.summary()
    g = Grant.objects.get()
    assert (g.repayable_amount, g.repayable_due_date) == (Decimal("400000.00"), datetime.date(2024, 12, 31))
    before_due = repayment_of(g, today=datetime.date(2024, 6, 1))
    assert (before_due.repayable, before_due.repaid, before_due.outstanding, before_due.overdue) == (
        Decimal("400000.00"), Decimal("150000.00"), Decimal("250000.00"), Decimal("0.00"))
    after_due = repayment_of(g, today=datetime.date(2025, 1, 1))
    assert after_due.overdue == Decimal("250000.00") and after_due.is_overdue


@pytest.mark.django_db
def test_repaid_more_than_repayable_leaves_nothing_outstanding_and_a_plain_grant_has_no_repayment():
    load(grant(disbursementTransaction=[{"id": "T1", "value": 1000000, "transactionDate": "2022-02-01"},
                                        {"id": "T2", "value": -500000, "transactionDate": "2023-06-01"}]),
         {k: v for k, v in grant(id="360G-R-2").items() if k != "repayable"})
    r = repayment_of(Grant.objects.get(identifier="360G-R-1"), today=datetime.date(2025, 1, 1))
    assert (r.repaid, r.outstanding, r.overdue) == (Decimal("500000.00"), Decimal("0.00"), Decimal("0.00"))
    assert repayment_of(Grant.objects.get(identifier="360G-R-2")) is None


@pytest.mark.django_db
@pytest.mark.parametrize(("repayable", "field", "reason"), [
    ({"amount": 1000000.01, "dueDate": "2024-12-31"}, "repayable/amount", "more than the 1000000.00 awarded"),
    ({"amount": -1}, "repayable/amount", "negative"),
    ({"dueDate": "2024-12-31"}, "repayable/amount", "required"),
    ({"amount": 10, "dueDate": "31.12.2024"}, "repayable/dueDate", "not a date"),
    ("half", "repayable", "must be an object"),
])
def test_a_bad_repayable_is_refused_naming_the_field(repayable, field, reason):
    report = load(grant(repayable=repayable))
    problem = report.summary()["problems"][0]
    assert problem["field"] == field and reason in problem["reason"]
    assert not Grant.objects.exists()


@pytest.mark.django_db
def test_the_flattened_csv_columns():
    csv = ("Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
           "Recipient Org:Name,Funding Org:Identifier,Funding Org:Name,Repayable:Amount,Repayable:Due Date\n"
           "360G-R-9,Loan,d,KZT,500.00,2022-01-05,KZ-BIN-1,Studio,KZ-BIN-2,Fund,200.00,2026-06-30\n")
    report = import_grants(stream=io.BytesIO(csv.encode()), actor=Actor.command("t"))
    assert report.count("created") == 1, report.summary()
    g = Grant.objects.get()
    assert (g.repayable_amount, str(g.repayable_due_date)) == (Decimal("200.00"), "2026-06-30")
    assert g.source_data["repayable"] == {"amount": Decimal("200.00"), "dueDate": "2026-06-30"}


@pytest.mark.django_db
def test_the_360giving_export_round_trips_repayable_and_validates():
    load(grant())
    package = json.loads(dumps(grants_package()))
    assert not list(package_validator().iter_errors(package))
    assert package["grants"][0]["repayable"] == {"amount": 400000.0, "dueDate": "2024-12-31"}
    text = dumps(grants_package())
    Grant.objects.all().delete()
    report = import_grants(stream=io.BytesIO(text.encode()), actor=Actor.command("t"))
    assert report.count("created") == 1
    g = Grant.objects.get()
    assert (g.repayable_amount, g.repayable_due_date) == (Decimal("400000.00"), datetime.date(2024, 12, 31))
    assert repayment_of(g).repaid == Decimal("150000.00")


@pytest.mark.django_db
def test_api_staff_and_public_pages_show_the_same_repayment(client, auditor):
    from django.core.cache import cache

    from films.services import import_films

    cache.clear()  # pages cached by an earlier test go stale only on a commit, which tests never reach

    import_films(stream=io.BytesIO(b"film_code,title\nF-1,Film\n"), actor=Actor.command("t"))
    load(grant())
    g = Grant.objects.get()
    api = client.get("/api/v1/grants/360G-R-1/").json()
    r = repayment_of(g)
    assert api["repayment"] == {"currency": "KZT", "repayable": "400000.00", "due_date": "2024-12-31",
                                "repaid": "150000.00", "outstanding": "250000.00", "overdue": str(r.overdue)}
    film = client.get(reverse("films:detail", args=["F-1"])).content.decode()
    assert "outstanding 250,000.00" in film.replace("\xa0", " ") or "outstanding 250 000" in film
    client.force_login(auditor)
    staff = client.get(reverse("staff:grant", args=[g.pk])).content.decode()
    assert "Repayable support" in staff and "Outstanding" in staff and "250,000.00" in staff


@pytest.mark.django_db
def test_the_staff_form_proposes_repayable_support_for_another_officer_to_approve(client, registers, officer,
                                                                                  officer2):
    from funding.tests.test_staff_grants import GRANT_POST, _approve_pending

    client.force_login(officer)
    post = {**GRANT_POST, "repayable_amount": "50000000.00", "repayable_due_date": "2027-12-31"}
    assert client.post(reverse("staff:grant-new"), post).status_code == 302
    g = Grant.objects.get(identifier="360G-TEST-0001")
    _approve_pending(client, g, officer2)
    assert g.published and (g.repayable_amount, str(g.repayable_due_date)) == (Decimal("50000000.00"), "2027-12-31")
    client.force_login(officer)
    too_much = {**post, "identifier": "360G-TEST-0002", "repayable_amount": "150000000.56"}
    response = client.post(reverse("staff:grant-new"), too_much)
    assert response.status_code == 200 and "repayable/amount" in response.content.decode()
