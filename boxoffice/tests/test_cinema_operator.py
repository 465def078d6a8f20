"""Issue 8: tying an operator to a cinema grants upload rights; staff do it with an audited command."""
import getpass

import pytest
from django.core.management import CommandError

from boxoffice.models import Cinema
from conftest import run_command
from films.models import AuditEvent


@pytest.mark.django_db
def test_cinema_operator_add_and_remove_are_audited_with_the_os_user(registers, operator):
    cinema = Cinema.objects.order_by("code").first()
    out, _ = run_command("cinema_operator", "add", operator.username, cinema.code)
    assert "now reports" in out
    assert list(operator.operated_cinemas.all()) == [cinema]
    event = AuditEvent.objects.filter(action="operator-add", object_id=str(cinema.pk)).get()
    assert (event.before, event.after) == ({"operators": []}, {"operators": [operator.username]})
    assert event.door == "command" and event.actor_label.startswith(f"cli:{getpass.getuser()} ")
    assert "already" in run_command("cinema_operator", "add", operator.username, cinema.code)[0]
    assert AuditEvent.objects.filter(action="operator-add").count() == 1
    assert cinema.code in run_command("cinema_operator", "list")[0]
    run_command("cinema_operator", "remove", operator.username, cinema.code)
    assert not operator.operated_cinemas.exists()
    event = AuditEvent.objects.filter(action="operator-remove").get()
    assert (event.before, event.after) == ({"operators": [operator.username]}, {"operators": []})


@pytest.mark.django_db
def test_cinema_operator_refuses_a_user_without_the_role(registers, officer):
    cinema = Cinema.objects.order_by("code").first()
    with pytest.raises(CommandError, match="cinema_operator role"):
        run_command("cinema_operator", "add", officer.username, cinema.code)
    with pytest.raises(CommandError, match="no user"):
        run_command("cinema_operator", "add", "nobody", cinema.code)
    assert not cinema.operators.exists()
