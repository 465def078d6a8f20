import io
import json
from decimal import Decimal

import pytest

from films.audit import Actor
from films.models import AuditEvent, Film
from funding.models import Disbursement, Grant
from funding.services import clean_grant, import_grants, read_grants


def load(data: bytes | str):
    return import_grants(stream=io.BytesIO(data.encode() if isinstance(data, str) else data),
                         actor=Actor.command("import_grants"))


def grant(**overrides):
    g = {"id": "360G-T-1", "title": "Support", "description": "d", "currency": "KZT", "amountAwarded": 100.10,
         "awardDate": "2022-01-05", "recipientOrganization": [{"id": "KZ-BIN-1", "name": "Studio"}],
         "fundingOrganization": [{"id": "KZ-BIN-2", "name": "Ministry"}], "filmProject": {"code": "F-1"}}
    g.update(overrides)
    return g


@pytest.mark.django_db
def test_examples_json_then_csv(registers, examples_dir):
    assert Grant.objects.count() == 12
    unlinked = list(Grant.objects.unlinked().values_list("identifier", flat=True))
    expected = json.loads((examples_dir / "expected.json").read_text())
    assert unlinked == expected["unlinked_grants"]
    usd = Grant.objects.get(identifier="360G-KZ-SCSNC-00011")
    assert (usd.currency, usd.amount_awarded, usd.film.code) == ("USD", Decimal("250000.00"), "KZ-2019-0002")
    assert Grant.objects.get(identifier="360G-KZ-SCSNC-00001").amount_awarded == Decimal("156000000.01")
    report = import_grants(stream=(examples_dir / "grants.csv").open("rb"), actor=Actor.command("t"))
    assert report.count("rejected") == 0 and Grant.objects.count() == 12


def test_amounts_are_read_exactly_not_through_float():
    text = '{"grants": [' + json.dumps(grant()).replace("100.1", "987654321098765.43") + "]}"
    (position, parsed), = read_grants(io.BytesIO(text.encode()))[0]
    assert clean_grant(parsed)["amount_awarded"] == Decimal("987654321098765.43")


@pytest.mark.django_db
def test_amounts_are_stored_exactly(postgres_only):
    # SQLite keeps decimals as floating point (15 significant digits), which is why production runs PostgreSQL.
    load('{"grants": [' + json.dumps(grant()).replace("100.1", "987654321098765.43") + "]}")
    assert Grant.objects.get().amount_awarded == Decimal("987654321098765.43")


@pytest.mark.django_db
def test_same_file_twice_changes_nothing_and_a_change_is_audited():
    load(json.dumps({"grants": [grant()]}))
    again = load(json.dumps({"grants": [grant()]}))
    assert again.count("unchanged") == 1
    changed = load(json.dumps({"grants": [grant(amountAwarded=200)]}))
    assert changed.count("updated") == 1
    event = AuditEvent.objects.filter(object_type="funding.grant", action="update").get()
    assert (event.before["amount_awarded"], event.after["amount_awarded"]) == ("100.10", "200.00")


@pytest.mark.django_db
def test_invalid_grants_are_reported_with_the_field_and_valid_ones_kept():
    report = load(json.dumps({"grants": [grant(), grant(id="360G-T-2", awardDate="5 May"),
                                         {"id": "360G-T-3", "title": "x"}]}))
    problems = report.summary()["problems"]
    assert [p["key"] for p in problems] == ["360G-T-2", "360G-T-3"]
    assert problems[0]["field"] == "awardDate"
    assert "missing required 360Giving field(s)" in problems[1]["reason"]
    assert Grant.objects.count() == 1


@pytest.mark.django_db
def test_unlinked_grant_is_linked_when_its_film_is_registered(tmp_path, django_capture_on_commit_callbacks):
    load(json.dumps({"grants": [grant()]}))
    assert Grant.objects.get().film is None
    films = tmp_path / "films.csv"
    films.write_text("film_code,title\nF-1,Film\n")
    from conftest import run_command

    with django_capture_on_commit_callbacks(execute=True):
        run_command("import_films", str(films))
    g = Grant.objects.get()
    assert g.film == Film.objects.get(code="F-1")
    assert g.film.metrics.awarded_kzt == Decimal("100.10")


@pytest.mark.django_db
def test_disbursements_and_recoveries():
    txs = [{"id": "D1", "value": 80, "transactionDate": "2022-02-01"},
           {"id": "D2", "value": -5.5, "transactionDate": "2023-02-01", "description": "unspent funds returned"}]
    load(json.dumps({"grants": [grant(disbursementTransaction=txs)]}))
    assert sorted((d.identifier, d.kind, d.amount) for d in Disbursement.objects.all()) == [
        ("D1", "disbursement", Decimal("80.00")), ("D2", "recovery", Decimal("5.50"))]


@pytest.mark.django_db
@pytest.mark.parametrize("content,needle", [
    (b"", "empty"), (b'{"grants": []}', "empty"), (b'{"x": 1}', "360Giving package"),
    (b"Identifier,Title\nA,B\n", "lacks the required columns"), (b"\xff\xfe{", "not UTF-8"),
    (b'{"grants": [', "not valid JSON"),
])
def test_file_level_problems_raise_one_message(content, needle):
    from films.tabular import FileRejected

    with pytest.raises(FileRejected, match=needle):
        load(content)
    assert not Grant.objects.exists()
