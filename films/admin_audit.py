"""A ModelAdmin mixin: every admin save or delete leaves an audit event (door: admin)."""
from .audit import Actor, record_change, snapshot
from .choices import Door


class AuditedAdmin:
    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        record_change(actor=Actor(door=Door.ADMIN, user=request.user), action="update" if change else "create",
                      instance=obj, before=before, after=snapshot(obj))

    def delete_model(self, request, obj):
        before = snapshot(obj)
        record_change(actor=Actor(door=Door.ADMIN, user=request.user), action="delete", instance=obj,
                      before=before, after=None)
        super().delete_model(request, obj)
