from django.contrib import admin

from films.admin import FilmAdmin
from films.admin_audit import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline
from films.models import Film

from .models import Disbursement, FilmMetrics, Grant, GrantChange, Programme


class GrantInline(ReadOnlyInline, admin.TabularInline):
    """A film's grants, shown; they change only through maker-checker (the staff grant pages)."""

    model = Grant
    fields = ["identifier", "title", "currency", "amount_awarded", "award_date", "funder", "recipient", "published"]
    show_change_link = True


class FilmWithGrantsAdmin(FilmAdmin):
    """The films admin (films/admin.py) with the film's grants below its status history: funding adds
    them here, so films, the bottom layer, never imports funding."""

    inlines = [*FilmAdmin.inlines, GrantInline]


admin.site.unregister(Film)
admin.site.register(Film, FilmWithGrantsAdmin)


class DisbursementInline(ReadOnlyInline, admin.TabularInline):
    model = Disbursement
    fields = ["identifier", "kind", "amount", "currency", "date", "note"]


class GrantChangeInline(ReadOnlyInline, admin.TabularInline):
    model = GrantChange
    fields = ["proposed_at", "proposed_by_label", "door", "status", "reviewed_by", "reviewed_at", "review_note"]


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    """Grants, their disbursements and their film link are public money: they change only through
    maker-checker on the staff pages (`/staff/grants/`), which audits and recomputes, and are never
    deleted (withdrawal is a reviewed change). The admin shows them."""

    list_display = ["identifier", "title", "currency", "amount_awarded", "award_date", "funder", "film", "published"]
    list_filter = ["currency", "published", "funder", "programme", ("film", admin.EmptyFieldListFilter)]
    search_fields = ["identifier", "title", "film__code", "film_code", "recipient__name", "funder__name"]
    date_hierarchy = "award_date"
    inlines = [DisbursementInline, GrantChangeInline]


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["title", "funder", "code"]
    search_fields = ["title", "code", "funder__name"]
    list_filter = ["funder"]
    autocomplete_fields = ["funder"]

    def has_delete_permission(self, request, obj=None):
        return False  # grants name their programme; the 360Giving export must keep naming it


@admin.register(FilmMetrics)
class FilmMetricsAdmin(ReadOnlyAdmin):
    """Derived by the recompute from grants and daily sales (`recompute_metrics`)."""

    list_display = ["film", "awarded_kzt", "gross", "admissions", "return_on_funding", "computed_at"]
    search_fields = ["film__code", "film__title"]
