"""Tying cinema operators to their cinemas: it grants upload rights for that cinema's sales, so it is audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from films.audit import Actor, record_change
from films.choices import AuditAction
from films.permissions import CINEMA_OPERATOR

from .models import Cinema


def _operators(cinema: Cinema) -> dict:
    return {"operators": sorted(cinema.operators.values_list("username", flat=True))}


@transaction.atomic
def add_cinema_operator(*, cinema: Cinema, user, actor: Actor) -> bool:
    """Let `user` (of the cinema_operator role) report `cinema`'s sales; False if it already did."""
    if not user.groups.filter(name=CINEMA_OPERATOR).exists():
        raise ValidationError(f"{user.get_username()} is not in the {CINEMA_OPERATOR} role; add the role first")
    cinema = Cinema.objects.select_for_update().get(pk=cinema.pk)
    before = _operators(cinema)
    if user.get_username() in before["operators"]:
        return False
    cinema.operators.add(user)
    record_change(actor=actor, action=AuditAction.OPERATOR_ADD, instance=cinema, before=before,
                  after=_operators(cinema))
    return True


@transaction.atomic
def remove_cinema_operator(*, cinema: Cinema, user, actor: Actor) -> bool:
    """Take `cinema`'s upload rights from `user`; False if it had none."""
    cinema = Cinema.objects.select_for_update().get(pk=cinema.pk)
    before = _operators(cinema)
    if user.get_username() not in before["operators"]:
        return False
    cinema.operators.remove(user)
    record_change(actor=actor, action=AuditAction.OPERATOR_REMOVE, instance=cinema, before=before,
                  after=_operators(cinema))
    return True


def find_user(username: str):
    return get_user_model().objects.filter(username=username).first()
