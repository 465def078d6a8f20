from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from .admin_audit import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline, picture
from .audit import Actor, record_change
from .choices import AuditAction, Door
from .models import AuditEvent, Film, FilmStatusChange, Organisation, OrganisationAlias, Region
from .signals import film_figures_changed


class StatusChangeInline(ReadOnlyInline, admin.TabularInline):
    """Status history is dated and kept: it changes through the films register (upload or staff page)."""

    model = FilmStatusChange
    fields = ["changed_on", "previous_status", "status", "reason", "recorded_by"]


@admin.register(Film)
class FilmAdmin(AuditedAdmin, admin.ModelAdmin):
    """Descriptive fields and the exhibitor share (recomputed on change), audited. Code, status and
    release date drive links and figures: they change through the films register (import_films, the
    staff pages), which keeps the dated history and recomputes. Films are registered there too (a new
    code links the grants waiting for it), and never deleted."""

    list_display = ["code", "title", "title_en", "kind", "status", "release_date", "producer"]
    list_filter = ["status", "kind", "genres", "languages", "countries", "year"]
    search_fields = ["code", "title", "title_en", "title_ru", "title_kk", "producer__name"]
    autocomplete_fields = ["producer"]
    filter_horizontal = ["genres", "languages", "countries"]
    readonly_fields = ["code", "status", "release_date"]

    # The film's grants are shown below it by funding's admin (funding/admin.py): films does not know funding.
    inlines = [StatusChangeInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(form.instance, "_admin_audit_before", None) or {}
        if before.get("exhibitor_share") != picture(form.instance)["exhibitor_share"]:
            film_figures_changed.send(sender=Film, film_ids=[form.instance.pk])

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AliasInline(ReadOnlyInline, admin.TabularInline):
    model = OrganisationAlias


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    """Organisations are funders and recipients of grants: they change (and merge) through the staff
    pages' services, which keep aliases and the audit trail."""

    list_display = ["name", "identifier", "merged_into"]
    search_fields = ["name", "identifier", "aliases__name", "aliases__identifier"]
    inlines = [AliasInline]


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    """Reference data loaded by a data migration from shared/spec/kz-regions.csv."""

    list_display = ["code", "name_en", "name_kk", "name_ru"]
    search_fields = ["code", "name_en", "name_kk", "name_ru"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "door", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["door", "action", "object_type"]
    search_fields = ["object_id", "object_repr", "actor_label"]


# Accounts and roles: who may approve grants and upload sales. Changes are audited like any register's.
User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    def user_change_password(self, request, id, form_url=""):  # noqa: A002 - Django's signature
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            record_change(actor=Actor(door=Door.ADMIN, user=request.user), action=AuditAction.PASSWORD, instance=user,
                          before={"password": "(previous)"}, after={"password": "(changed in the admin)"})
        return response


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdmin, GroupAdmin):
    pass


def _audit_third_party_admins():
    """API keys of DRF's authtoken are not used by this project (cinemas have their own tokens): no door.
    django-axes's lockout records may be deleted (that unlocks a sign-in): audited."""
    from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from rest_framework.authtoken.models import TokenProxy

    if admin.site.is_registered(TokenProxy):
        admin.site.unregister(TokenProxy)
    for model, base in ((AccessAttempt, AccessAttemptAdmin), (AccessLog, AccessLogAdmin),
                        (AccessFailureLog, AccessFailureLogAdmin)):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, type(f"Audited{base.__name__}", (AuditedAdmin, base), {}))


_audit_third_party_admins()
