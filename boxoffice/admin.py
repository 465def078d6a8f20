from django.contrib import admin

from films.admin_audit import AuditedAdmin, ReadOnlyAdmin

from .models import (
    Anomaly,
    BatchRecord,
    Cinema,
    CinemaApiToken,
    DailySales,
    ImportBatch,
    ReportImport,
    ReportRow,
    Screen,
)


class ScreenInline(admin.TabularInline):
    model = Screen
    extra = 0
    can_delete = False  # screenings name their screen




@admin.register(Cinema)
class CinemaAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["code", "name", "region", "city", "chain", "connected_since"]
    list_filter = ["region", "chain", ("connected_since", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name", "city", "chain"]
    inlines = [ScreenInline]
    # Tying an operator to a cinema grants upload rights for its sales: `manage.py cinema_operator add|remove`
    # does it through an audited service; here it is shown only.
    readonly_fields = ["operator_names"]
    exclude = ["operators"]

    @admin.display(description="operators (manage.py cinema_operator)")
    def operator_names(self, obj):
        return ", ".join(u.get_username() for u in obj.operators.order_by("username")) or "—"

    def get_readonly_fields(self, request, obj=None):
        # Sales name the cinema by its code: a code once in use stays.
        return [*self.readonly_fields, "code"] if obj is not None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # sales, batches and tokens point at the cinema


# Sales data (ReadOnlyAdmin) changes only through imports, so that every figure traces back to a batch.


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["pk", "received_at", "source", "filename", "status", "accepted", "duplicate", "rejected", "held",
                    "recompute_finished_at"]
    list_filter = ["status", "source"]
    search_fields = ["filename", "sha256"]


@admin.register(BatchRecord)
class BatchRecordAdmin(ReadOnlyAdmin):
    list_display = ["batch", "position", "outcome", "cinema_code", "transaction_id", "field", "reason", "resolved_at"]
    list_filter = ["outcome", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["transaction_id", "cinema_code", "reason_code", "reason_text"]


@admin.register(Anomaly)
class AnomalyAdmin(ReadOnlyAdmin):
    list_display = ["kind", "detail", "batch", "flagged_at"]
    list_filter = ["kind"]


@admin.register(DailySales)
class DailySalesAdmin(ReadOnlyAdmin):
    list_display = ["film", "cinema", "day", "admissions", "gross", "screenings"]
    list_filter = ["day"]
    search_fields = ["film__code", "cinema__code"]


@admin.action(description="Issue an API token for the selected cinemas (keys shown once)")
def issue_tokens(modeladmin, request, queryset):
    from films.audit import Actor
    from films.choices import Door

    from .tokens import issue_api_token

    for cinema in queryset:
        token, key = issue_api_token(cinema=cinema, actor=Actor(door=Door.ADMIN, user=request.user))
        modeladmin.message_user(request, f"{cinema.code}: new API token {key} — copy it now, it is not kept.")


CinemaAdmin.actions = [issue_tokens]


@admin.register(CinemaApiToken)
class CinemaApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are issued from the cinema list (action) and revoked here; keys are never shown again."""

    list_display = ["cinema", "key_prefix", "created_at", "created_by", "revoked_at", "last_used_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["cinema__code", "key_prefix"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_staff  # for the revoke action; every field is read-only

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "key_hash"]

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        from films.audit import Actor
        from films.choices import Door

        from .tokens import revoke_api_token

        n = sum(revoke_api_token(token=t, actor=Actor(door=Door.ADMIN, user=request.user)) for t in queryset)
        self.message_user(request, f"{n} token(s) revoked")


@admin.register(ReportImport)
class ReportImportAdmin(ReadOnlyAdmin):
    list_display = ["pk", "received_at", "submitted_by_label", "door", "filename", "created", "updated",
                    "unchanged", "rejected"]
    search_fields = ["filename", "sha256"]


@admin.register(ReportRow)
class ReportRowAdmin(ReadOnlyAdmin):
    """Report rows change only through an import (a correction is a new file), so each change is audited."""

    list_display = ["film", "period_start", "period_end", "region", "cinema", "source", "gross", "admissions",
                    "spoken_days", "spoken_gross", "covered_ticket_gross"]
    list_filter = ["source"]
    search_fields = ["film__code", "source", "reference"]
    list_select_related = ["film", "region", "cinema"]
