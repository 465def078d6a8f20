"""Staff workspace: the cinemas register, its screens, and each cinema's reporting at a glance."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from boxoffice.filtersets import StaffCinemaFilterSet
from boxoffice.models import Cinema
from boxoffice.selectors import cinemas_with_activity
from boxoffice.services import upsert_cinema_screen
from films.filtersets import validated
from films.permissions import can_edit_registers, reader_view, register_editor, workspace_reader

from .cinema_forms import CinemaScreenForm
from .film_views import outcome_text, page_actor


@workspace_reader
def cinema_list(request):
    cinemas = validated(StaffCinemaFilterSet(request.GET, queryset=cinemas_with_activity().order_by("code"))).qs
    q = request.GET.get("q", "").strip()
    page = Paginator(cinemas, 50).get_page(request.GET.get("page"))
    return render(request, "staff/cinema_list.html", {"page": page, "q": q})


@register_editor
def cinema_create(request):
    form = CinemaScreenForm(
        request.POST or None, initial={"cinema_code": request.GET.get("cinema_code", ""), "screen": "1"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["data"]
        if Cinema.objects.filter(code=data["code"]).exists():
            form.add_error("cinema_code", gettext("This cinema is registered; add screens on its page."))
        else:
            upsert_cinema_screen(data=data, actor=page_actor(request))
            messages.success(
                request,
                gettext("Cinema %(code)s registered with screen %(screen)s.")
                % {"code": data["code"], "screen": data["screen"]},
            )
            return redirect("staff:cinema", code=data["code"])
    return render(request, "staff/cinema_form.html", {"form": form, "cinema": None})


@reader_view
def cinema_detail(request, code):
    """The cinema, its screens, and one form that edits the cinema and adds or resizes a screen."""
    cinema = get_object_or_404(Cinema.objects.select_related("region"), code=code)
    form = CinemaScreenForm(request.POST or None, cinema=cinema, initial=CinemaScreenForm.initial_for(cinema))
    if request.method == "POST" and form.is_valid():
        outcome = upsert_cinema_screen(data=form.cleaned_data["data"], actor=page_actor(request))
        messages.success(
            request, gettext("Cinema %(code)s: %(outcome)s.") % {"code": cinema.code, "outcome": outcome_text(outcome)}
        )
        return redirect("staff:cinema", code=cinema.code)
    return render(
        request,
        "staff/cinema_detail.html",
        {
            "cinema": cinema,
            "form": form,
            "screens": cinema.screens.order_by("name"),
            "can_edit": can_edit_registers(request.user),
            "batches": cinema.batches.order_by("-received_at")[:20],
        },
    )
