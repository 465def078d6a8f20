"""Maker-checker, disbursements and linking through the staff pages, and what the public sees meanwhile."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from films.models import AuditEvent, Film
from funding.choices import ChangeStatus
from funding.exports import grants_package
from funding.metrics import recompute_film_metrics
from funding.models import Grant, GrantChange

GRANT_POST = {
    "identifier": "360G-TEST-0001",
    "title": "Production support: Steppe",
    "description": "State support",
    "currency": "KZT",
    "amount_awarded": "150000000.55",
    "award_date": "2024-03-01",
    "recipient_name": "Steppe Films LLP",
    "recipient_id": "KZ-BIN-240440012343",
    "new_recipient": "on",  # not in the example register: added on purpose (issue 13)
    "funder_name": "State Center for Support of National Cinema",
    "funder_id": "KZ-BIN-190340001111",
    "programme": "Feature films",
    "planned_start": "",
    "planned_end": "",
    "film_code": "KZ-2023-0001",
}


def test_a_new_grant_stays_unpublished_until_another_officer_approves(client, registers, officer, officer2):
    client.force_login(officer)
    response = client.post(reverse("staff:grant-new"), GRANT_POST)
    grant = Grant.objects.get(identifier="360G-TEST-0001")
    assert response.status_code == 302
    assert grant.published is False and grant.amount_awarded == Decimal("150000000.55")
    assert grant.film.code == "KZ-2023-0001"
    change = GrantChange.objects.get(grant=grant, status=ChangeStatus.PENDING)
    # Pending: nowhere public — not the 360Giving export, not the public film page, not the report.
    assert "360G-TEST-0001" not in [g["id"] for g in grants_package()["grants"]]
    public = Client().get(reverse("films:detail", args=["KZ-2023-0001"])).content.decode()
    assert "360G-TEST-0001" not in public and "150,000,000.55" not in public

    # The maker cannot check their own change.
    client.post(reverse("staff:change-review", args=[change.pk, "approve"]))
    grant.refresh_from_db()
    assert grant.published is False

    client.force_login(officer2)
    client.post(reverse("staff:change-review", args=[change.pk, "approve"]))
    grant.refresh_from_db()
    change.refresh_from_db()
    assert grant.published is True and change.status == ChangeStatus.APPROVED
    assert change.reviewed_by == officer2
    assert "360G-TEST-0001" in [g["id"] for g in grants_package()["grants"]]
    actions = list(
        AuditEvent.objects.filter(object_type="funding.grant", object_id=str(grant.pk)).values_list(
            "action", flat=True
        )
    )
    assert "propose" in actions and "approve" in actions


def test_a_change_to_a_published_grant_keeps_the_approved_version_public(
    client, registers, officer, officer2, auditor
):
    grant = Grant.objects.get(identifier="360G-KZ-SCSNC-00001")
    old_amount = grant.amount_awarded
    client.force_login(officer)
    edit = client.get(reverse("staff:grant-edit", args=[grant.pk]))
    data = {k: (v if v is not None else "") for k, v in edit.context["form"].initial.items()}
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else str(v)) for k, v in data.items()}
    data["amount_awarded"] = "999.99"
    client.post(reverse("staff:grant-edit", args=[grant.pk]), data)
    grant.refresh_from_db()
    assert grant.amount_awarded == old_amount  # the public version is untouched
    change = grant.changes.get(status=ChangeStatus.PENDING)
    assert change.proposed["amountAwarded"] == Decimal("999.99")
    exported = {g["id"]: g for g in grants_package()["grants"]}
    assert exported[grant.identifier]["amountAwarded"] == old_amount

    # Auditors see both versions side by side.
    client.force_login(auditor)
    page = client.get(reverse("staff:grant", args=[grant.pk]))
    versions = {label: (approved, proposed) for label, approved, proposed, _ in page.context["versions"]}
    assert versions["Amount awarded"] == (f"{old_amount:.2f}", "999.99")
    assert page.context["can_review"] is False

    client.force_login(officer2)
    client.post(reverse("staff:change-review", args=[change.pk, "approve"]))
    grant.refresh_from_db()
    assert grant.amount_awarded == Decimal("999.99")


def test_rejection_leaves_the_approved_grant_and_records_why(client, registers, officer, officer2):
    grant = Grant.objects.get(identifier="360G-KZ-SCSNC-00001")
    client.force_login(officer)
    data = {
        k: (v.isoformat() if hasattr(v, "isoformat") else ("" if v is None else str(v)))
        for k, v in client.get(reverse("staff:grant-edit", args=[grant.pk])).context["form"].initial.items()
    }
    data["title"] = "Renamed"
    client.post(reverse("staff:grant-edit", args=[grant.pk]), data)
    change = grant.changes.get(status=ChangeStatus.PENDING)
    client.force_login(officer2)
    client.post(reverse("staff:change-review", args=[change.pk, "reject"]), {"note": "wrong title"})
    change.refresh_from_db()
    grant.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED and change.review_note == "wrong title"
    assert grant.title != "Renamed"


def test_uploaded_grants_await_approval(client, registers, officer, examples_dir):
    client.force_login(officer)
    csv_text = (examples_dir / "grants.csv").read_text(encoding="utf-8-sig").splitlines()
    # One new grant and one existing grant with a changed amount.
    header, first = csv_text[0], csv_text[1]
    changed = first.replace("156000000.01", "156000000.02")
    new = first.replace("360G-KZ-SCSNC-00001", "360G-KZ-SCSNC-09999")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("grants.csv", "\n".join([header, changed, new]).encode())
    response = client.post(reverse("staff:upload", args=["grants"]), {"file": upload})
    summary = response.context["report"].summary()
    assert (summary["created"], summary["updated"], summary["rejected"]) == (1, 1, 0)
    assert Grant.objects.get(identifier="360G-KZ-SCSNC-00001").amount_awarded == Decimal("156000000.01")
    assert Grant.objects.get(identifier="360G-KZ-SCSNC-09999").published is False
    assert GrantChange.objects.filter(status=ChangeStatus.PENDING).count() == 2
    assert AuditEvent.objects.filter(door="upload", action="propose").count() == 2


def _approve_pending(client, grant, reviewer):
    change = grant.changes.get(status=ChangeStatus.PENDING)
    client.force_login(reviewer)
    response = client.post(reverse("staff:change-review", args=[change.pk, "approve"]))
    assert response.status_code == 302
    grant.refresh_from_db()
    return change


def _public_disbursed(grant):
    film_page = Client().get(f"/api/v1/film-metrics/{grant.film.code}/").json()
    return film_page["disbursed"]


def test_disbursements_are_proposed_and_count_only_once_another_officer_approves(
    client, examples_loaded, officer, officer2, django_capture_on_commit_callbacks
):
    grant = Grant.objects.get(identifier="360G-KZ-SCSNC-00001")
    recompute_film_metrics([grant.film_id])
    before = sorted(grant.disbursements.values_list("identifier", "amount"))
    net_before = sum((d.signed_amount for d in grant.disbursements.all()), Decimal("0"))
    public_before = _public_disbursed(grant)
    client.force_login(officer)
    url = reverse("staff:grant-disburse", args=[grant.pk])
    client.post(
        url, {"kind": "disbursement", "amount": "1000000.10", "date": "2024-05-01", "note": "tranche 1"}
    )
    # A second proposal before the review builds on the first instead of undoing it.
    client.post(url, {"kind": "recovery", "amount": "0.10", "date": "2024-06-01", "note": "unspent"})
    too_much = client.post(url, {"kind": "recovery", "amount": "99999999999.00", "date": "2024-06-02"})
    assert too_much.status_code == 200 and "exceeds" in too_much.content.decode()

    # Nothing has moved yet: not the register, not the public figures; the reviewer sees both versions.
    assert sorted(grant.disbursements.values_list("identifier", "amount")) == before
    assert _public_disbursed(grant) == public_before
    page = client.get(reverse("staff:grant", args=[grant.pk])).content.decode()
    assert "+1000000.10 KZT (tranche 1)" in page and "−0.10 KZT (unspent)" in page
    assert "another grant officer must approve it" in page
    # The maker cannot approve their own proposal.
    change = grant.changes.get(status=ChangeStatus.PENDING)
    client.post(reverse("staff:change-review", args=[change.pk, "approve"]))
    assert grant.disbursements.count() == len(before)

    with django_capture_on_commit_callbacks(execute=True):
        _approve_pending(client, grant, officer2)
    assert grant.disbursements.count() == len(before) + 2
    net = sum((d.signed_amount for d in grant.disbursements.all()), Decimal("0"))
    assert net == net_before + Decimal("1000000.00")
    assert Decimal(str(_public_disbursed(grant)["KZT"])) == (
        Decimal(str(public_before.get("KZT", "0"))) + Decimal("1000000.00"))
    assert AuditEvent.objects.filter(
        door="page", action="propose", object_type="funding.grant", object_id=str(grant.pk)
    ).count() == 2
    # The 360Giving export carries the approved transactions, recoveries negative.
    exported = next(g for g in grants_package()["grants"] if g["id"] == grant.identifier)
    values = {t["description"]: t["value"] for t in exported["disbursementTransaction"] if "description" in t}
    assert values["tranche 1"] == Decimal("1000000.10") and values["unspent"] == Decimal("-0.10")


def test_linking_an_unlinked_grant_is_a_change_another_officer_approves(client, registers, officer, officer2):
    grant = Grant.objects.get(identifier="360G-KZ-SCSNC-00012")
    assert grant.film is None
    film = Film.objects.order_by("code").first()
    client.force_login(officer)
    bad = client.post(reverse("staff:grant-link", args=[grant.pk]), {"film_code": "NO-SUCH"})
    assert "No film with code NO-SUCH" in bad.content.decode()
    client.post(reverse("staff:grant-link", args=[grant.pk]), {"film_code": film.code})
    grant.refresh_from_db()
    assert grant.film is None
    assert AuditEvent.objects.filter(action="propose", object_id=str(grant.pk), door="page").exists()
    # The queue still lists it as unlinked, but as awaiting review rather than with a second link form.
    queue = client.get(reverse("staff:queue")).content.decode()
    assert "A change awaits review" in queue
    assert reverse("staff:grant-link", args=[grant.pk]) not in queue
    _approve_pending(client, grant, officer2)
    assert grant.film == film
    assert grant.source_data["filmProject"]["code"] == film.code


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("amount_awarded", "12.345", "decimal places"),
        ("currency", "tenge", "currency"),
        ("award_date", "2024-13-01", "valid date"),
    ],
)
def test_bad_grant_input_gets_a_clear_message_and_saves_nothing(
    client, registers, officer, field, value, message
):
    client.force_login(officer)
    response = client.post(reverse("staff:grant-new"), {**GRANT_POST, field: value})
    assert response.status_code == 200
    assert (
        message in response.content.decode().lower()
        or message in str(response.context["form"].errors).lower()
    )
    assert not Grant.objects.filter(identifier="360G-TEST-0001").exists()


def test_another_officers_pending_change_is_reviewed_before_a_new_proposal(
    client, registers, officer, officer2, examples_dir
):
    """A new proposal builds on the pending one; built on a colleague's, it would let that colleague approve
    their own change. So the colleague's change must be approved or rejected first."""
    grant = Grant.objects.get(identifier="360G-KZ-SCSNC-00001")
    client.force_login(officer)
    client.post(reverse("staff:grant-disburse", args=[grant.pk]),
                {"kind": "disbursement", "amount": "500.00", "date": "2024-05-01", "note": "tranche 1"})
    first = grant.changes.get(status=ChangeStatus.PENDING)

    client.force_login(officer2)
    refused = client.post(reverse("staff:grant-disburse", args=[grant.pk]),
                          {"kind": "disbursement", "amount": "700.00", "date": "2024-06-01"}, follow=True)
    assert "proposed by officer1" in refused.content.decode() and "Approve or reject it first" in (
        refused.content.decode())
    linked = client.post(reverse("staff:grant-link", args=[grant.pk]),
                         {"film_code": Film.objects.exclude(pk=grant.film_id).first().code}, follow=True)
    assert "Approve or reject it first" in linked.content.decode()
    assert list(grant.changes.filter(status=ChangeStatus.PENDING)) == [first]

    from django.core.files.uploadedfile import SimpleUploadedFile

    header, *rows = (examples_dir / "grants.csv").read_text(encoding="utf-8-sig").splitlines()
    row = next(r for r in rows if r.startswith("360G-KZ-SCSNC-00001,"))
    upload = SimpleUploadedFile("grants.csv", "\n".join([header, row.replace("156000000.01", "1.00")]).encode())
    report = client.post(reverse("staff:upload", args=["grants"]), {"file": upload}).context["report"]
    assert report.summary()["rejected"] == 1
    assert list(grant.changes.filter(status=ChangeStatus.PENDING)) == [first]

    # Once officer2 has reviewed it (here: rejected), officer2's own proposal goes through.
    client.post(reverse("staff:change-review", args=[first.pk, "reject"]), {"note": "wrong date"})
    client.post(reverse("staff:grant-disburse", args=[grant.pk]),
                {"kind": "disbursement", "amount": "700.00", "date": "2024-06-01"})
    mine = grant.changes.get(status=ChangeStatus.PENDING)
    assert mine.proposed_by == officer2
    assert [t["value"] for t in mine.proposed["disbursementTransaction"]] == [Decimal("700.00")]


def test_the_upload_page_shows_the_columns_and_offers_a_template(client, registers, officer):
    """Issue 13: the upload page says what the file must hold and gives a file to fill in, per register."""
    import csv as csv_module
    import io as io_module

    client.force_login(officer)
    page = client.get(reverse("staff:upload", args=["grants"])).content.decode()
    assert "<code>Award Date</code> *" in page and "<code>Film Project:Code</code>," in page
    assert reverse("staff:upload-template", args=["grants"]) in page
    template = client.get(reverse("staff:upload-template", args=["grants"]))
    header = next(csv_module.reader(io_module.StringIO(template.content.decode())))
    assert "Recipient Org:Identifier" in header and template["Content-Disposition"].endswith('grants-template.csv"')
    from films.audit import Actor
    from films.tabular import FileRejected
    from funding.services import import_grants

    # The template's header is one the upload reads: the file is only refused for having no rows yet.
    with pytest.raises(FileRejected, match="has a header but no grants"):
        import_grants(stream=io_module.BytesIO(template.content), actor=Actor(label="t"), review=True)
    films = client.get(reverse("staff:upload-template", args=["films"])).content.decode()
    assert films.startswith("film_code,title,")
