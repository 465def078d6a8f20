from django.contrib import admin

from films.admin_audit import AuditedAdmin

from .models import Disbursement, FilmMetrics, Grant, Programme


class GrantInline(admin.TabularInline):
    model = Grant
    extra = 0
    fields = ["identifier", "title", "currency", "amount_awarded", "award_date", "funder", "recipient", "published"]
    autocomplete_fields = ["funder", "recipient"]
    show_change_link = True


class DisbursementInline(admin.TabularInline):
    model = Disbursement
    extra = 0


@admin.register(Grant)
class GrantAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["identifier", "title", "currency", "amount_awarded", "award_date", "funder", "film", "published"]
    list_filter = ["currency", "published", "funder", "programme", ("film", admin.EmptyFieldListFilter)]
    search_fields = ["identifier", "title", "film__code", "film_code", "recipient__name", "funder__name"]
    autocomplete_fields = ["funder", "recipient", "film", "programme"]
    date_hierarchy = "award_date"
    inlines = [DisbursementInline]


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["title", "funder", "code"]
    search_fields = ["title", "code", "funder__name"]
    list_filter = ["funder"]


@admin.register(FilmMetrics)
class FilmMetricsAdmin(admin.ModelAdmin):
    list_display = ["film", "awarded_kzt", "gross", "admissions", "return_on_funding", "computed_at"]
    search_fields = ["film__code", "film__title"]
    readonly_fields = [f.name for f in FilmMetrics._meta.fields]

    def has_add_permission(self, request):
        return False
