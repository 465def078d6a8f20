"""Organisations chosen, not typed (issue 13): search over the register, identifiers checked by their
scheme, a new organisation or programme only on purpose, and flagged for the reviewer."""

import pytest
from django.urls import reverse

from films.identifiers import bin_check_digit, identifier_problem
from films.models import Organisation, OrganisationAlias
from funding.models import Grant, Programme

from .test_staff_grants import GRANT_POST

CENTRE = "State Center for Support of National Cinema"
REGISTERED = {**GRANT_POST, "recipient_name": "Aldongar Productions LLP", "recipient_id": "KZ-BIN-110840007890",
              "new_recipient": ""}


def test_bin_check_digit_follows_the_official_algorithm():
    # 2·1 + 4·2 + 0·3 + 4·4 + 4·5 + 0·6 + 0·7 + 1·8 + 2·9 + 3·10 + 4·11 = 146 = 13·11 + 3
    assert bin_check_digit("24044001234") == 3
    assert identifier_problem("KZ-BIN-240440012343") is None
    assert "check digit" in identifier_problem("KZ-BIN-240440012344")
    assert "12 digits" in identifier_problem("KZ-BIN-19034000111")  # the 11-digit BIN
    # When weights 1…11 give 10, weights 3, 4, …, 11, 1, 2 decide: here 1·10 = 10, then 1·1 = 1.
    digits = "00000000010"
    assert sum(int(d) * w for d, w in zip(digits, range(1, 12), strict=True)) % 11 == 10
    assert bin_check_digit(digits) == 1
    assert identifier_problem("KZ-BIN-000000000101") is None
    assert identifier_problem("Steppe Films") is not None


def test_search_finds_names_aliases_and_identifiers(client, registers, officer):
    client.force_login(officer)
    url = reverse("staff:organisation-search")
    centre = Organisation.objects.get(name=CENTRE)
    OrganisationAlias.objects.create(organisation=centre, name="Ulttyq Kino Qoldau Ortalygy", identifier="")
    by_name = client.get(url, {"q": "support of"}).json()["results"]
    assert [o["name"] for o in by_name] == [CENTRE] and by_name[0]["identifier"] == "KZ-BIN-190340001111"
    assert client.get(url, {"q": "kino qoldau"}).json()["results"][0]["name"] == CENTRE
    assert client.get(url, {"q": "190340001"}).json()["results"][0]["name"] == CENTRE
    assert client.get(url, {"q": "x"}).json()["results"] == []


def test_a_registered_name_with_a_wrong_identifier_is_refused_with_the_right_one(client, registers, officer):
    client.force_login(officer)
    orgs = Organisation.objects.count()
    post = {**GRANT_POST, "recipient_name": CENTRE, "recipient_id": "KZ-BIN-19034000111", "new_recipient": "",
            "programme": "Debut film"}
    response = client.post(reverse("staff:grant-new"), post)
    assert response.status_code == 200 and not Grant.objects.filter(identifier=post["identifier"]).exists()
    errors = response.context["form"].errors
    assert "KZ-BIN-190340001111" in errors["recipient_id"][0]  # the registered one, to choose
    # Every error at once: the programme typo too, with a suggestion.
    assert "Did you mean “Debut films”?" in errors["programme"][0]
    assert Organisation.objects.count() == orgs


def test_an_unknown_organisation_needs_the_new_box_and_a_valid_identifier(client, registers, officer):
    client.force_login(officer)
    base = {**GRANT_POST, "recipient_name": "Steppe Films LLP"}
    cases = [({"recipient_id": "KZ-BIN-240440012343", "new_recipient": ""}, "is not in the register"),
             ({"recipient_id": "KZ-BIN-19034000111", "new_recipient": "on"}, "12 digits"),
             ({"recipient_id": "KZ-BIN-240440012344", "new_recipient": "on"}, "check digit")]
    for change, message in cases:
        response = client.post(reverse("staff:grant-new"), {**base, **change})
        assert message in response.context["form"].errors["recipient_id"][0], change
    assert not Organisation.objects.filter(name="Steppe Films LLP").exists()
    # Ticking a registered one as new is refused too.
    response = client.post(reverse("staff:grant-new"), {**REGISTERED, "new_recipient": "on"})
    assert "already in the register" in response.context["form"].errors["new_recipient"][0]


def test_the_reviewer_is_warned_of_what_a_grant_adds_to_the_register(client, registers, officer, officer2):
    client.force_login(officer)
    post = {**GRANT_POST, "programme": "Debut filmmakers 2025", "new_programme": "on"}
    assert client.post(reverse("staff:grant-new"), post).status_code == 302
    grant = Grant.objects.get(identifier=post["identifier"])
    client.force_login(officer2)
    page = client.get(reverse("staff:grant", args=[grant.pk])).content.decode()
    assert "New in the register" in page
    assert "Steppe Films LLP</strong> (KZ-BIN-240440012343)" in page and "Debut filmmakers 2025" in page
    assert Programme.objects.filter(title="Debut filmmakers 2025").exists()


def test_a_grant_to_registered_organisations_raises_no_flag(client, registers, officer, officer2):
    client.force_login(officer)
    assert client.post(reverse("staff:grant-new"), REGISTERED).status_code == 302
    grant = Grant.objects.get(identifier=REGISTERED["identifier"])
    assert grant.recipient.identifier == "KZ-BIN-110840007890"
    client.force_login(officer2)
    assert "New in the register" not in client.get(reverse("staff:grant", args=[grant.pk])).content.decode()


def test_the_form_offers_the_register_without_inline_script(client, registers, officer):
    client.force_login(officer)
    page = client.get(reverse("staff:grant-new")).content.decode()
    assert "js/org-search.js" in page and "<script>" not in page
    assert f'data-org-search="{reverse("staff:organisation-search")}"' in page
    assert '<option value="Debut films">' in page  # the programmes as a datalist


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_register_errors_in_the_users_language(client, registers, officer, lang):
    from django.utils import translation

    client.force_login(officer)
    with translation.override(lang):
        response = client.post(reverse("staff:grant-new"), {**GRANT_POST, "new_recipient": ""})
    assert "is not in the register" not in str(response.context["form"].errors)
    assert "KZ-BIN-240440012343" in str(response.context["form"].errors)
