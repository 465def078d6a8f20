"""Issue 8: import_grants publishes directly (the administrator's bulk door, audited with the OS user), and
--review --as OFFICER proposes the file's changes for a second officer instead."""
import getpass
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import run_command
from films.audit import Actor
from films.choices import Door
from films.models import AuditEvent
from funding.choices import ChangeStatus
from funding.models import Grant, GrantChange
from funding.services import approve_grant_change

GRANT = "360G-KZ-SCSNC-00001"


def _changed_file(tmp_path, examples_dir, amount="200000000.00"):
    package = json.loads((examples_dir / "grants.json").read_text(encoding="utf-8"))
    for grant in package["grants"]:
        if grant["id"] == GRANT:
            grant["amountAwarded"] = float(amount)
    path = tmp_path / "grants.json"
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_grants_publishes_at_once_and_audits_the_os_user(registers, examples_dir, tmp_path):
    path = _changed_file(tmp_path, examples_dir)
    out, _ = run_command("import_grants", str(path))
    assert "1 updated" in out
    grant = Grant.objects.get(identifier=GRANT)
    assert grant.published and grant.amount_awarded == Decimal("200000000.00")
    event = AuditEvent.objects.filter(object_type="funding.grant", object_id=str(grant.pk), action="update").get()
    assert event.door == "command"
    assert event.actor_label == f"cli:{getpass.getuser()} manage.py import_grants"
    assert (event.before["amount_awarded"], event.after["amount_awarded"]) == ("156000000.01", "200000000.00")


def test_import_grants_help_says_it_publishes_without_a_second_officer(capsys):
    with pytest.raises(SystemExit):
        call_command("import_grants", "--help")
    text = " ".join(capsys.readouterr().out.split())
    assert "published at once, without a second officer" in text and "--review" in text


@pytest.mark.django_db
def test_import_grants_review_proposes_for_a_second_officer(client, registers, examples_dir, tmp_path, officer,
                                                             officer2):
    path = _changed_file(tmp_path, examples_dir)
    out, _ = run_command("import_grants", str(path), "--review", "--as", officer.username)
    assert "awaits approval by another grant officer" in out
    grant = Grant.objects.get(identifier=GRANT)
    assert grant.amount_awarded == Decimal("156000000.01")  # the public still sees the approved version
    change = GrantChange.objects.get(grant=grant, status=ChangeStatus.PENDING)
    assert change.proposed_by == officer and change.door == "command"
    assert change.proposed_by_label == f"{officer.username} (cli:{getpass.getuser()} manage.py import_grants)"
    client.force_login(officer2)
    assert GRANT in client.get(reverse("staff:queue")).content.decode()
    approve_grant_change(change=change, actor=Actor(door=Door.PAGE, user=officer2))
    grant.refresh_from_db()
    assert grant.amount_awarded == Decimal("200000000.00")


@pytest.mark.django_db
def test_import_grants_review_needs_a_named_officer(registers, examples_dir, tmp_path, auditor):
    path = _changed_file(tmp_path, examples_dir)
    with pytest.raises(CommandError, match="--as USERNAME"):
        run_command("import_grants", str(path), "--review")
    with pytest.raises(CommandError, match="not an active grant officer"):
        run_command("import_grants", str(path), "--review", "--as", auditor.username)
    assert Grant.objects.get(identifier=GRANT).amount_awarded == Decimal("156000000.01")
