from django.contrib import admin

from .admin_audit import AuditedAdmin
from .models import AuditEvent, Film, FilmStatusChange, Organisation, OrganisationAlias, Region


class StatusChangeInline(admin.TabularInline):
    model = FilmStatusChange
    extra = 0
    fields = ["changed_on", "previous_status", "status", "reason", "recorded_by"]
    readonly_fields = ["recorded_by"]


def _grant_inline():
    # Grants live in the funding app; it supplies the inline so films does not import funding at load time.
    from funding.admin import GrantInline

    return GrantInline


@admin.register(Film)
class FilmAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["code", "title", "title_en", "kind", "status", "release_date", "producer"]
    list_filter = ["status", "kind", "genres", "languages", "countries", "year"]
    search_fields = ["code", "title", "title_en", "title_ru", "title_kk", "producer__name"]
    autocomplete_fields = ["producer"]
    filter_horizontal = ["genres", "languages", "countries"]

    def get_inlines(self, request, obj):
        return [StatusChangeInline, _grant_inline()]


class AliasInline(admin.TabularInline):
    model = OrganisationAlias
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "identifier", "merged_into"]
    search_fields = ["name", "identifier", "aliases__name", "aliases__identifier"]
    inlines = [AliasInline]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_kk", "name_ru"]
    search_fields = ["code", "name_en", "name_kk", "name_ru"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "door", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["door", "action", "object_type"]
    search_fields = ["object_id", "object_repr", "actor_label"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
