"""The Django admin keeps the rules every other door keeps, or stays shut.

Each registered admin is one of two kinds:

- `ReadOnlyAdmin` / `ReadOnlyInline`: view only, for records that change only through a service with its
  own rules (grants and disbursements under maker-checker, film status history, organisations, sales
  data, derived metrics). No add, change or delete, whoever signs in.
- `AuditedAdmin`: every save, inline save, many-to-many change and delete leaves an audit event
  (door: admin) with the record before and after, in the same transaction as the change.

tests/test_admin_doors.py walks every registered admin and inline and proves it is one or the other.
"""
from __future__ import annotations

import hashlib

from django.contrib import admin
from django.db import models, transaction

from .audit import Actor, record_change, snapshot
from .choices import AuditAction, Door


def _actor(request) -> Actor:
    return Actor(door=Door.ADMIN, user=request.user)


def picture(instance: models.Model) -> dict:
    """The record's concrete fields and many-to-many ids, JSON-safe; a password only as a fingerprint."""
    out = snapshot(instance)
    if "password" in out:  # enough to show that it changed, nothing that helps to guess it
        out["password"] = hashlib.sha256(str(out["password"]).encode()).hexdigest()[:12]
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            out[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return out


def _stored(instance: models.Model) -> dict | None:
    """The record as the database holds it now (the form has already changed the instance in memory)."""
    if instance.pk is None:
        return None
    stored = type(instance)._default_manager.filter(pk=instance.pk).first()
    return picture(stored) if stored is not None else None


class ReadOnlyAdmin(admin.ModelAdmin):
    """View only: these records change through services with their own rules (see each admin's docstring)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline:
    """An inline that shows its rows and changes none of them (mix in before TabularInline/StackedInline)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin:
    """A ModelAdmin mixin: each change made through this admin leaves an audit event with before and after."""

    def save_model(self, request, obj, form, change):
        obj._admin_audit_before = _stored(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # After the many-to-many fields and inlines are saved, so that the event shows them too.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        record_change(actor=_actor(request), action=AuditAction.UPDATE if change else AuditAction.CREATE, instance=obj,
                      before=getattr(obj, "_admin_audit_before", None), after=picture(obj))

    def save_formset(self, request, form, formset, change):
        before = {}
        for inline_form in formset.initial_forms:
            if inline_form.instance.pk is not None and (
                    inline_form.has_changed() or inline_form in formset.deleted_forms):
                before[id(inline_form.instance)] = (str(inline_form.instance.pk), _stored(inline_form.instance))
        super().save_formset(request, form, formset, change)
        actor = _actor(request)
        for obj in formset.new_objects:
            record_change(actor=actor, action=AuditAction.CREATE, instance=obj, before=None, after=picture(obj))
        for obj, _fields in formset.changed_objects:
            record_change(actor=actor, action=AuditAction.UPDATE, instance=obj, before=before[id(obj)][1],
                          after=picture(obj))
        for obj in formset.deleted_objects:
            pk, was = before[id(obj)]
            record_change(actor=actor, action=AuditAction.DELETE, instance=obj, before=was, after=None, object_id=pk)

    def delete_model(self, request, obj):
        pk, before = str(obj.pk), picture(obj)
        super().delete_model(request, obj)
        record_change(actor=_actor(request), action=AuditAction.DELETE, instance=obj, before=before, after=None,
                      object_id=pk)

    def delete_queryset(self, request, queryset):
        # "Delete selected" would otherwise delete in one query, past delete_model and its audit event.
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
