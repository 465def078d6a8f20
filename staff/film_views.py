"""Staff workspace: films with their status history, organisations (search, merge) and the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy

from films.audit import Actor
from films.choices import Door, RegisterOutcome
from films.filtersets import AuditEventFilterSet, StaffFilmFilterSet, StaffOrganisationFilterSet, validated
from films.importing import RowError
from films.models import AuditEvent, Film, Organisation
from films.permissions import (
    can_edit_registers,
    can_read_workspace,
    can_see_sales_batches,
    reader_view,
    register_editor,
    workspace_reader,
)
from films.selectors import film_detail as select_film
from films.selectors import search_organisations
from films.services import change_film_status, merge_organisations, upsert_film
from films.tables import MOMENT, Column, Table, download
from funding.models import Grant, GrantChange

from .film_forms import FilmForm, MergeForm, StatusChangeForm


# The register services answer with machine words (also printed by the commands); pages say them in words.
def outcome_text(outcome: str) -> str:
    return str(RegisterOutcome(outcome).label) if outcome in RegisterOutcome.values else outcome


def page_actor(request) -> Actor:
    """Changes made through these pages are recorded with the signed-in user and door 'page'."""
    return Actor(door=Door.PAGE, user=request.user)


def after_sign_in(request):
    """Where sign-in leads when no page asked for it: officers and auditors to the workspace, cinema
    operators to their sales batches, anyone else to the public home page."""
    if can_read_workspace(request.user):
        return redirect("staff:dashboard")
    if can_see_sales_batches(request.user):
        return redirect("boxoffice:batches")
    return redirect("home")


# --- films ---------------------------------------------------------------------------------------


@workspace_reader
def film_list(request):
    films = Film.objects.select_related("producer").order_by("code")
    films = validated(StaffFilmFilterSet(request.GET, queryset=films)).qs
    q, status = request.GET.get("q", "").strip(), request.GET.get("status", "")
    page = Paginator(films, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/film_list.html",
        {"page": page, "q": q, "status": status, "statuses": Film._meta.get_field("status").choices},
    )


@register_editor
def film_create(request):
    form = FilmForm(request.POST or None, initial={"film_code": request.GET.get("film_code", "")})
    if request.method == "POST" and form.is_valid():
        if Film.objects.filter(code=form.cleaned_data["data"]["code"]).exists():
            form.add_error("film_code", gettext("A film with this code is already registered; edit it instead."))
        else:
            film, _ = upsert_film(data=form.cleaned_data["data"], actor=page_actor(request))
            messages.success(request, gettext("Film %(code)s registered.") % {"code": film.code})
            return redirect("staff:film", code=film.code)
    return render(request, "staff/film_form.html", {"form": form, "film": None})


@register_editor
def film_edit(request, code):
    film = get_object_or_404(Film, code=code)
    form = FilmForm(request.POST or None, film=film, initial=FilmForm.initial_for(film))
    if request.method == "POST" and form.is_valid():
        try:
            _, outcome = upsert_film(data=form.cleaned_data["data"], actor=page_actor(request))
        except RowError as exc:  # a status date the history does not allow
            form.add_error(exc.field if exc.field in form.fields else None, exc.reason)
        else:
            messages.success(
                request, gettext("Film %(code)s: %(outcome)s.") % {"code": film.code, "outcome": outcome_text(outcome)}
            )
            return redirect("staff:film", code=film.code)
    return render(request, "staff/film_form.html", {"form": form, "film": film})


@reader_view
def film_detail(request, code):
    try:
        film = select_film(code)
    except Film.DoesNotExist:
        from django.http import Http404

        raise Http404(f"No film with code {code}") from None
    form = StatusChangeForm(request.POST or None, initial={"status": film.status})
    if request.method == "POST" and form.is_valid():
        change = change_film_status(
            film=film,
            status=form.cleaned_data["status"],
            actor=page_actor(request),
            reason=form.cleaned_data["reason"],
            changed_on=form.cleaned_data["changed_on"],
        )
        if change is None:
            messages.info(request, gettext("The film already has that status; nothing changed."))
        else:
            messages.success(
                request, gettext("Status changed to %(status)s.") % {"status": change.get_status_display()}
            )
        return redirect("staff:film", code=film.code)

    return render(
        request,
        "staff/film_detail.html",
        {
            "film": film,
            "form": form,
            "can_edit": can_edit_registers(request.user),
            "grants": Grant.objects.filter(film=film).select_related("funder").order_by("award_date")
            .annotate(has_pending=Exists(GrantChange.objects.filter(grant=OuterRef("pk"), status="pending"))),
            "events": AuditEvent.objects.filter(object_type="films.film", object_id=str(film.pk))[:50],
        },
    )


# --- organisations ---------------------------------------------------------------------------------


@workspace_reader
def organisation_list(request):
    orgs = Organisation.objects.filter(merged_into__isnull=True).prefetch_related("aliases").order_by("name")
    # Merged names and identifiers stay searchable through the aliases they became.
    orgs = validated(StaffOrganisationFilterSet(request.GET, queryset=orgs)).qs
    q = request.GET.get("q", "").strip()
    page = Paginator(orgs, 50).get_page(request.GET.get("page"))
    return render(request, "staff/organisation_list.html", {"page": page, "q": q})


@workspace_reader
def organisation_search(request):
    """Search-as-you-type for the forms that name an organisation (static/js/org-search.js)."""
    return JsonResponse({"results": search_organisations(request.GET.get("q", ""))})


@reader_view
def organisation_detail(request, org_id):

    org = get_object_or_404(Organisation.objects.prefetch_related("aliases"), pk=org_id)
    form = MergeForm(request.POST or None, merge=org)
    if request.method == "POST" and form.is_valid():
        if org.merged_into_id:
            messages.error(request, gettext("This record was already merged."))
        else:
            keep = merge_organisations(keep=form.cleaned_data["keep"], merge=org, actor=page_actor(request))
            messages.success(
                request,
                gettext("%(merged)s merged into %(kept)s; its name stays searchable.")
                % {"merged": org.name, "kept": keep.name},
            )
            return redirect("staff:organisation", org_id=keep.pk)
    return render(
        request,
        "staff/organisation_detail.html",
        {
            "org": org,
            "form": form,
            "can_edit": can_edit_registers(request.user),
            "films": org.films.order_by("code")[:200],
            "grants_received": org.grants_received.order_by("award_date").annotate(  # pending ones marked
                has_pending=Exists(GrantChange.objects.filter(grant=OuterRef("pk"), status="pending")))[:200],
            "grants_made": org.grants_made.count(),
            "merged_records": org.merged_records.all(),
        },
    )


# --- audit trail ---------------------------------------------------------------------------------

AUDIT_FILTERS = ["object_type", "action", "door", "actor", "q", "since", "until"]


def audit_events(params):
    """The audit trail filtered as the page and its exports ask (AuditEventFilterSet; the views refuse a
    parameter or value it cannot read before calling this)."""
    events = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
    filterset = AuditEventFilterSet({k: v for k, v in params.items() if v}, queryset=events)
    return filterset.qs if filterset.is_valid() else events.none()


def _audit_params(request) -> dict:
    """The audit filters of the request, each one validated: an unknown parameter or a bad date is a 400."""
    filterset = validated(AuditEventFilterSet(request.GET, queryset=AuditEvent.objects.none()))
    return {k: request.GET.get(k, "").strip() for k in AUDIT_FILTERS if k in filterset.form.cleaned_data}


def audit_table(params) -> Table:
    import json

    events = audit_events(params)
    return Table(
        slug="audit-trail",
        title=gettext_lazy("Audit trail"),
        columns=[
            Column("at", gettext_lazy("When"), MOMENT),
            Column("actor", gettext_lazy("Who")),
            Column("door", gettext_lazy("Door")),
            Column("action", gettext_lazy("Action")),
            Column("object_type", gettext_lazy("Record type")),
            Column("object_id", gettext_lazy("Record id")),
            Column("object_repr", gettext_lazy("Record")),
            Column("before", gettext_lazy("Before")),
            Column("after", gettext_lazy("After")),
        ],
        rows=[
            {
                "at": e.at,
                "actor": e.actor_label or (e.actor.get_username() if e.actor else ""),
                "door": e.door,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "object_repr": e.object_repr,
                "before": json.dumps(e.before, ensure_ascii=False, sort_keys=True)
                if e.before is not None
                else "",
                "after": json.dumps(e.after, ensure_ascii=False, sort_keys=True)
                if e.after is not None
                else "",
            }
            for e in events.iterator(chunk_size=2000)
        ],
        filters={k: params[k] for k in AUDIT_FILTERS if params.get(k)},
    )


@workspace_reader
def audit_list(request):
    params = _audit_params(request)
    page = Paginator(audit_events(params), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/audit_list.html",
        {
            "page": page,
            "params": params,
            "query": query.urlencode(),
            "object_types": AuditEvent.objects.values_list("object_type", flat=True)
            .distinct()
            .order_by("object_type"),
            "actions": AuditEvent.objects.values_list("action", flat=True).distinct().order_by("action"),
            "doors": Door.choices,
        },
    )


@workspace_reader
def audit_download(request, fmt):
    return download(audit_table(_audit_params(request)), fmt)
