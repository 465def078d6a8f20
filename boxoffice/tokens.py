"""Cinemas' API tokens for POST /api/v1/sales/batches/: issued and revoked by staff, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from films.audit import Actor, record_change, snapshot
from films.choices import AuditAction

from .models import Cinema, CinemaApiToken

PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_api_token(*, cinema: Cinema, actor: Actor) -> tuple[CinemaApiToken, str]:
    """A new token for one cinema; the key is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    while key.startswith("-"):  # its prefix would read as an option on the command line (cinema_token revoke)
        key = secrets.token_urlsafe(32)
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    token = CinemaApiToken.objects.create(
        cinema=cinema, key_prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key), created_by=user
    )
    record_change(actor=actor, action=AuditAction.CREATE, instance=token, before=None, after=snapshot(token))
    return token, key


@transaction.atomic
def revoke_api_token(*, token: CinemaApiToken, actor: Actor) -> bool:
    """Refuse the token from now on; False if it was already revoked."""
    token = CinemaApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return False
    before = snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_change(actor=actor, action=AuditAction.UPDATE, instance=token, before=before, after=snapshot(token))
    return True


def token_for_key(key: str) -> CinemaApiToken | None:
    """The live token with this key, or None (unknown or revoked); compares hashes, never keys."""
    token = (
        CinemaApiToken.objects.select_related("cinema")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        CinemaApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
