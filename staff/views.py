"""Staff workspace: grants (maker-checker, disbursements, linking), uploads, the queue, auditor reports."""

from __future__ import annotations

import dataclasses
import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, gettext_lazy, ngettext

from boxoffice.reporting import import_box_office
from boxoffice.selectors import open_held_records
from boxoffice.services import import_cinemas
from films.audit import Actor
from films.choices import Door
from films.filtersets import validated
from films.importing import RowError
from films.middleware import upload_limit
from films.models import AuditEvent
from films.permissions import can_edit_registers, reader_view, register_editor, workspace_reader
from films.services import import_films
from films.tables import cell_text, download, page_cell
from films.tabular import FileRejected
from funding import exactjson
from funding.choices import ChangeStatus, DisbursementKind
from funding.exports import grants_package
from funding.filtersets import StaffGrantFilterSet, report_filterset
from funding.models import Grant, GrantChange
from funding.plausibility import grant_warnings
from funding.selectors import new_in_register, repayment_of
from funding.services import (
    approve_grant_change,
    approved_version,
    clean_grant,
    import_grants,
    latest_version,
    propose_disbursement,
    propose_grant,
    propose_link,
    propose_withdrawal,
    reject_grant_change,
)
from funding.versions import changed_fields

from .auditor import REPORTS
from .film_views import page_actor
from .forms import DisbursementForm, GrantForm, LinkForm, ReviewForm, UploadForm, WithdrawForm


def _warn_implausible(request, grant: Grant):
    """After a save: what looks wrong in the grant as it now stands (with the pending proposals)."""
    try:
        data = clean_grant(latest_version(grant))
    except RowError:
        return
    for warning in grant_warnings(data):
        messages.warning(request, gettext("Please check: %(warning)s") % {"warning": warning})


def _pending_movements(grant: Grant, pending: GrantChange | None) -> list[dict]:
    """Disbursements and recoveries the pending proposal adds: listed, and marked as awaiting approval."""
    if pending is None:
        return []
    try:
        proposed = clean_grant(pending.proposed)["disbursements"]
    except RowError:
        return []
    have = set(grant.disbursements.values_list("identifier", flat=True))
    return [m for m in proposed if m["identifier"] not in have]


def _proposal_warnings(pending: GrantChange | None) -> list[str]:
    if pending is None:
        return []
    try:
        return grant_warnings(clean_grant(pending.proposed))
    except RowError:
        return []


def _awaits_approval(grant: Grant) -> str:
    if grant.published:
        return gettext("The public keeps seeing the approved version until another grant officer approves it.")
    return gettext("The grant stays unpublished until another grant officer approves it.")


@workspace_reader
def dashboard(request):
    return render(
        request,
        "staff/dashboard.html",
        {
            "pending": GrantChange.objects.filter(status=ChangeStatus.PENDING).count(),
            "unlinked": Grant.objects.unlinked().count(),
            "held": open_held_records().count(),
            "recent": AuditEvent.objects.select_related("actor")[:15],
            "can_edit": can_edit_registers(request.user),
            "reports": REPORTS.values(),
        },
    )


# --- grants --------------------------------------------------------------------------------------


@workspace_reader
def grant_list(request):
    grants = Grant.objects.select_related("funder", "recipient", "film").order_by("-award_date", "identifier")
    grants = validated(StaffGrantFilterSet(request.GET, queryset=grants)).qs
    state, q = request.GET.get("state", ""), request.GET.get("q", "").strip()
    page = Paginator(grants, 50).get_page(request.GET.get("page"))
    pending_ids = set(
        GrantChange.objects.filter(status=ChangeStatus.PENDING).values_list("grant_id", flat=True)
    )
    return render(
        request, "staff/grant_list.html", {"page": page, "state": state, "q": q, "pending_ids": pending_ids}
    )


@register_editor
def grant_create(request):
    # From a film's page: the grant names that film already.
    form = GrantForm(request.POST or None, initial={"film_code": request.GET.get("film_code", "")[:32]})
    if request.method == "POST" and form.is_valid():
        if Grant.objects.filter(identifier=form.cleaned_data["data"]["identifier"]).exists():
            form.add_error("identifier", gettext("A grant with this identifier exists; edit it instead."))
        else:
            grant, _, _ = propose_grant(data=form.cleaned_data["data"], actor=page_actor(request))
            messages.success(
                request,
                gettext(
                    "Grant %(identifier)s saved. It stays unpublished until another grant officer approves it."
                )
                % {"identifier": grant.identifier},
            )
            _warn_implausible(request, grant)
            return redirect("staff:grant", grant_id=grant.pk)
    return render(request, "staff/grant_form.html", {"form": form, "grant": None})


@register_editor
def grant_edit(request, grant_id):
    grant = get_object_or_404(
        Grant.objects.select_related("funder", "recipient", "programme", "film"), pk=grant_id
    )
    form = GrantForm(request.POST or None, grant=grant, initial=GrantForm.initial_for(grant))
    if request.method == "POST" and form.is_valid():
        try:
            _, change, outcome = propose_grant(data=form.cleaned_data["data"], actor=page_actor(request))
        except ValidationError as exc:  # another officer's change awaits review
            messages.error(request, " ".join(exc.messages))
            return redirect("staff:grant", grant_id=grant.pk)
        if outcome == "unchanged":
            messages.info(request, gettext("Nothing changed."))
        else:
            messages.success(request, gettext("Change proposed. %(next)s") % {"next": _awaits_approval(grant)})
            _warn_implausible(request, grant)
        return redirect("staff:grant", grant_id=grant.pk)
    return render(request, "staff/grant_form.html", {"form": form, "grant": grant})


# Fields compared side by side: the approved grant against the proposed version.
VERSION_FIELDS = [
    ("title", gettext_lazy("Title")),
    ("description", gettext_lazy("Description")),
    ("currency", gettext_lazy("Currency")),
    ("amount_awarded", gettext_lazy("Amount awarded")),
    ("award_date", gettext_lazy("Award date")),
    ("planned_start", gettext_lazy("Planned start")),
    ("planned_end", gettext_lazy("Planned end")),
    ("recipient", gettext_lazy("Recipient")),
    ("funder", gettext_lazy("Funder")),
    ("programme", gettext_lazy("Programme")),
    ("film_code", gettext_lazy("Film code")),
    ("disbursements", gettext_lazy("Disbursements and recoveries")),
]


def _transactions_text(rows) -> str:
    """(date, signed amount, currency, note) rows as one line a reviewer can compare."""
    return "; ".join(
        f"{date} {'+' if amount >= 0 else '−'}{cell_text(abs(amount), 'money')} {currency}"
        + (f" ({note})" if note else "")
        for date, amount, currency, note in sorted(rows, key=lambda row: (row[0], row[1]))
    )


def _version_of_grant(grant: Grant) -> dict:
    return {
        "title": grant.title,
        "description": grant.description,
        "currency": grant.currency,
        "amount_awarded": cell_text(grant.amount_awarded, "money"),
        "award_date": grant.award_date,
        "planned_start": grant.planned_start,
        "planned_end": grant.planned_end,
        "recipient": grant.recipient.name if grant.recipient else "",
        "funder": grant.funder.name,
        "programme": grant.programme.title if grant.programme else "",
        "film_code": grant.film.code if grant.film else grant.film_code,
        "disbursements": _transactions_text(
            (d.date, d.signed_amount, d.currency, d.note) for d in grant.disbursements.all()),
    }


def _version_of_proposal(change: GrantChange) -> dict:
    try:
        d = clean_grant(change.proposed)
    except RowError as exc:  # the schema cannot have changed under a stored proposal, but say so if it did
        return {"title": gettext("(no longer valid: %(error)s)") % {"error": exc}}
    return {
        "title": d["title"],
        "description": d["description"],
        "currency": d["currency"],
        "amount_awarded": cell_text(d["amount_awarded"], "money"),
        "award_date": d["award_date"],
        "planned_start": d["planned_start"],
        "planned_end": d["planned_end"],
        "recipient": (d["recipient"] or {}).get("name", ""),
        "funder": d["funder"].get("name", ""),
        "programme": (d["programme"] or {}).get("title", ""),
        "film_code": d["film_code"],
        "disbursements": _transactions_text(
            (t["date"], t["amount"] if t["kind"] == DisbursementKind.DISBURSEMENT else -t["amount"],
             t["currency"], t["note"]) for t in d["disbursements"]),
    }


@workspace_reader
def grant_detail(request, grant_id):
    grant = get_object_or_404(
        Grant.objects.select_related("funder", "recipient", "programme", "film"), pk=grant_id
    )
    pending = grant.changes.filter(status=ChangeStatus.PENDING).select_related("proposed_by").first()
    versions = changes = None
    if pending is not None:
        approved = _version_of_grant(grant) if grant.published else {}
        proposed = _version_of_proposal(pending)
        versions = [
            (
                label,
                approved.get(key, ""),
                proposed.get(key, ""),
                approved.get(key, "") != proposed.get(key, ""),
            )
            for key, label in VERSION_FIELDS
        ]
        # Every changed field, nested ones included, from the data the approval applies.
        changes = changed_fields(approved_version(grant) if grant.published else {}, pending.proposed)
        if pending.withdraw:
            changes = [("published", "true", "false"), *changes]
    can_edit = can_edit_registers(request.user)
    return render(
        request,
        "staff/grant_detail.html",
        {
            "grant": grant,
            "pending": pending,
            "versions": versions,
            "changes_360": changes,
            "can_edit": can_edit,
            "can_review": can_edit and pending is not None and pending.proposed_by_id != request.user.pk,
            "new_in_register": new_in_register(grant, pending.proposed) if pending is not None else [],
            "implausible": _proposal_warnings(pending),
            "disbursements": grant.disbursements.order_by("date", "id"),
            "repayment": repayment_of(grant),
            "pending_movements": _pending_movements(grant, pending),
            "changes": grant.changes.select_related("proposed_by", "reviewed_by").order_by("-proposed_at")[
                :20
            ],
            "disbursement_form": DisbursementForm(),
            "link_form": LinkForm(initial={"film_code": grant.film_code}),
            "review_form": ReviewForm(),
            "events": AuditEvent.objects.filter(object_type="funding.grant", object_id=str(grant.pk))[:50],
        },
    )


@register_editor
def grant_disburse(request, grant_id):
    grant = get_object_or_404(Grant, pk=grant_id)
    form = DisbursementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, outcome = propose_disbursement(grant=grant, actor=page_actor(request), **form.cleaned_data)
        except ValidationError as exc:
            by_field = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for field, errors in by_field.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            kind = dict(DisbursementKind.choices)[form.cleaned_data["kind"]]
            messages.success(
                request,
                gettext("%(kind)s of %(amount)s %(currency)s proposed. %(next)s")
                % {
                    "kind": kind,
                    "amount": form.cleaned_data["amount"],
                    "currency": grant.currency,
                    "next": _awaits_approval(grant),
                },
            )
            _warn_implausible(request, grant)
            return redirect("staff:grant", grant_id=grant.pk)
    title = gettext("Propose a disbursement or recovery: %(identifier)s") % {"identifier": grant.identifier}
    return _grant_form_page(request, grant, form, title)


@register_editor
def grant_link(request, grant_id):
    grant = get_object_or_404(Grant, pk=grant_id)
    form = LinkForm(request.POST or None, initial={"film_code": grant.film_code})
    if request.method == "POST" and form.is_valid():
        try:
            _, outcome = propose_link(grant=grant, film=form.film, actor=page_actor(request))
        except ValidationError as exc:  # another officer's change awaits review
            messages.error(request, " ".join(exc.messages))
            return redirect("staff:grant", grant_id=grant.pk)
        if outcome == "unchanged":
            messages.info(
                request,
                gettext("Grant %(identifier)s already names film %(code)s.")
                % {"identifier": grant.identifier, "code": form.film.code},
            )
        else:
            messages.success(
                request,
                gettext("Link of grant %(identifier)s to film %(code)s proposed. %(next)s")
                % {"identifier": grant.identifier, "code": form.film.code, "next": _awaits_approval(grant)},
            )
        return redirect("staff:grant", grant_id=grant.pk)
    title = gettext("Link grant %(identifier)s to a film") % {"identifier": grant.identifier}
    return _grant_form_page(request, grant, form, title)


@register_editor
def grant_withdraw(request, grant_id):
    grant = get_object_or_404(Grant, pk=grant_id)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            propose_withdrawal(grant=grant, actor=page_actor(request), reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, gettext("Withdrawal proposed. %(next)s") % {"next": _awaits_approval(grant)})
        return redirect("staff:grant", grant_id=grant.pk)
    title = gettext("Withdraw grant %(identifier)s") % {"identifier": grant.identifier}
    return _grant_form_page(request, grant, form, title)


def _grant_form_page(request, grant: Grant, form, title: str):
    """A one-form page about a grant (a disbursement, a link) with its way back to the grant."""
    return render(request, "staff/simple_form.html",
                  {"form": form, "title": title, "back": ("staff:grant", grant.pk)})


@register_editor
def change_review(request, change_id, decision):
    change = get_object_or_404(GrantChange, pk=change_id)
    if request.method != "POST":
        return redirect("staff:grant", grant_id=change.grant_id)
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        if decision == "approve":
            approve_grant_change(change=change, actor=page_actor(request))
            messages.success(request, gettext("Approved: the grant as proposed is now the public version."))
        else:
            reject_grant_change(
                change=change, actor=page_actor(request), note=form.cleaned_data.get("note", "")
            )
            messages.success(request, gettext("Rejected: the approved version stays as it was."))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except (ValidationError, RowError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("staff:grant", grant_id=change.grant_id)


@register_editor
def changes_approve(request):
    """Approve the queue's ticked changes at once: each through the same approval service as one by one, so
    each is still refused when the approver made it (or when it cannot be applied), and says why."""
    if request.method != "POST":
        return redirect(f"{reverse('staff:queue')}#pending")
    ids = [int(i) for i in request.POST.getlist("change") if i.isdigit()]
    changes = GrantChange.objects.filter(pk__in=ids, status=ChangeStatus.PENDING).select_related("grant")
    approved, refused = [], []
    for change in changes.order_by("proposed_at"):
        try:
            approve_grant_change(change=change, actor=page_actor(request))
            approved.append(change.grant.identifier)
        except PermissionDenied as exc:
            refused.append(f"{change.grant.identifier}: {exc}")
        except (ValidationError, RowError) as exc:
            refused.append(f"{change.grant.identifier}: {'; '.join(getattr(exc, 'messages', [str(exc)]))}")
    if approved:
        text = ngettext("%(count)s change approved: %(ids)s.", "%(count)s changes approved: %(ids)s.", len(approved))
        messages.success(request, text % {"count": len(approved), "ids": ", ".join(approved)})
    for reason in refused:
        messages.error(request, gettext("Not approved — %(reason)s") % {"reason": reason})
    if not ids:
        messages.info(request, gettext("Tick the changes to approve first."))
    return redirect(f"{reverse('staff:queue')}#pending")


@workspace_reader
def grants_360giving(request):
    """The published grants as a 360Giving package: the same file export_grants writes."""
    response = HttpResponse(exactjson.dumps(grants_package(), indent=1), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="grants-360giving.json"'
    return response


# --- bulk uploads --------------------------------------------------------------------------------


def _load_films(stream, actor):
    return import_films(stream=stream, actor=actor)


def _load_cinemas(stream, actor):
    return import_cinemas(stream=stream, actor=actor)


def _load_grants(stream, actor):
    # Uploaded grants go through maker-checker like grants entered by hand.
    return import_grants(stream=stream, actor=actor, review=True)


def _load_box_office(stream, actor):
    return import_box_office(stream=stream, actor=actor, filename=actor.label.removeprefix("upload "))


UPLOADS = {
    "films": (gettext_lazy("Films register"), gettext_lazy("A CSV file, one row per film; the film code is its key"),
              _load_films),
    "cinemas": (gettext_lazy("Cinemas register"), gettext_lazy("A CSV file, one row per screen of a cinema"),
                _load_cinemas),
    "grants": (
        gettext_lazy("Grants register"),
        gettext_lazy(
            "360Giving JSON package or flattened CSV; new and changed grants await another officer's approval"
        ),
        _load_grants,
    ),
    "box-office": (
        gettext_lazy("Box-office reports"),
        gettext_lazy(
            "box-office-report/1 CSV or JSON: one film's figures for one period and one place per row; the same "
            "row with other figures is a correction"
        ),
        _load_box_office,
    ),
}
def _upload_columns(register: str) -> tuple[list[str], set[str]]:
    """The columns a register's CSV upload reads, as its header names them, and which of them are required."""
    import re

    from boxoffice import reporting
    from boxoffice.services import CINEMA_COLUMNS
    from films.services import FILM_COLUMNS
    from funding.services import CSV_COLUMNS, CSV_REQUIRED

    if register == "grants":  # 360Giving's flattened CSV: "Award Date", "Recipient Org:Identifier"
        def title(name):
            return re.sub(r"(^|[ :])([a-z])", lambda m: m.group(1) + m.group(2).upper(), name)

        return [title(c) for c in CSV_COLUMNS], {title(c) for c in CSV_REQUIRED}
    return {
        "films": (FILM_COLUMNS, {"film_code", "title"}),
        "cinemas": (CINEMA_COLUMNS, {"cinema_code", "cinema_name", "region", "city", "screen", "seats"}),
        "box-office": (reporting.FIELDS, set(reporting.REQUIRED)),
    }[register]


@workspace_reader
def upload_template(request, register):
    """An empty CSV with the register's header row: a file to fill in, whose columns the upload reads."""
    if register not in UPLOADS:
        raise Http404("No such register")
    columns, _ = _upload_columns(register)
    from films.downloads import csv_text

    response = HttpResponse(csv_text(columns, []), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{register}-template.csv"'
    return response


@upload_limit("REGISTER_MAX_UPLOAD_BYTES")
@register_editor
def upload(request, register):
    if register not in UPLOADS:
        raise Http404("No such register")
    title, hint, load = UPLOADS[register]
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        limit = settings.REGISTER_MAX_UPLOAD_BYTES
        if f.size > limit:
            form.add_error(
                "file",
                gettext("The file is %(size)s bytes; registers up to %(limit)s bytes can be uploaded here.")
                % {"size": f"{f.size:,}", "limit": f"{limit:,}"},
            )
        else:
            try:
                report = load(
                    io.BytesIO(f.read()), Actor(door=Door.UPLOAD, user=request.user, label=f"upload {f.name}")
                )
            except FileRejected as exc:
                form.add_error("file", str(exc))
    return render(
        request,
        "staff/upload.html",
        {
            "form": form,
            "title": title,
            "hint": hint,
            "register": register,
            "report": report,
            "registers": UPLOADS,
            "columns": [(c, c in _upload_columns(register)[1]) for c in _upload_columns(register)[0]],
        },
    )


# --- the queue -----------------------------------------------------------------------------------


@reader_view
def queue(request):
    if request.method == "POST":
        from boxoffice.services import release_held_records

        batch = release_held_records(actor=page_actor(request))
        if batch is None:
            messages.info(
                request, gettext("No held record can be applied yet: register the films or screens they name.")
            )
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s held record applied in batch %(batch)s.",
                    "%(count)s held records applied in batch %(batch)s.",
                    batch.accepted,
                )
                % {"count": batch.accepted, "batch": batch.pk},
            )
        return redirect("staff:queue")
    held = list(open_held_records().order_by("batch_id", "position")[:500])
    pending = list(GrantChange.objects.filter(status=ChangeStatus.PENDING)
                   .select_related("grant", "proposed_by").order_by("proposed_at"))
    return render(
        request,
        "staff/queue.html",
        {
            "held": held,
            "held_count": open_held_records().count(),
            "missing_films": sorted(
                {h.data.get("film_code", "") for h in held if h.field == "film_code"} - {""}
            ),
            "missing_cinemas": sorted(
                {h.cinema_code for h in held if h.field in ("cinema_code", "screen")} - {""}
            ),
            "unlinked": Grant.objects.unlinked().select_related("funder").order_by("award_date")[:500],
            "pending": pending,
            # An unlinked grant with a change awaiting review (a proposed link, say) is not linked again.
            "pending_grant_ids": {change.grant_id for change in pending},
            "can_edit": can_edit_registers(request.user),
            "link_form": LinkForm(),
        },
    )


# --- auditor reports -----------------------------------------------------------------------------


@workspace_reader
def report_index(request):
    return render(request, "staff/report_index.html", {"reports": REPORTS.values()})


def _report(slug):
    if slug not in REPORTS:
        raise Http404("No such report")
    return REPORTS[slug]


def _cell_link(column, value) -> str:
    if not column.link or value in (None, ""):
        return ""
    try:
        return reverse(column.link, args=[value])
    except NoReverseMatch:
        return ""


REPORT_PAGE_ROWS = 100  # a long report reads (and prints) page by page


def _filters_only(params):
    query = params.copy()
    query.pop("page", None)
    return query


def _report_filters(request, report) -> dict:
    """The report's filters as asked, validated by its FilterSet (an unknown parameter or a value not among a
    filter's choices is a 400 naming it); only the ones given."""
    filterset = validated(report_filterset(report.filters, request.GET))
    return {name: value for name, value in filterset.form.cleaned_data.items() if value}


@workspace_reader
def report_page(request, slug):
    report = _report(slug)
    table = report.build(_report_filters(request, report))
    numeric = [c.kind in ("money", "count", "ratio", "year") for c in table.columns]
    page = Paginator(table.rows, REPORT_PAGE_ROWS).get_page(request.GET.get("page"))
    query = _filters_only(request.GET).urlencode()
    rows = [table.cells(r) for r in page.object_list]
    # As shown: in the page's language (grouped money, percentages), a code linked to its record.
    cells = [
        [(page_cell(r.get(c.shown or c.key), c.kind, words=c.words), is_number, _cell_link(c, r.get(c.key)), c.kind)
         for c, is_number in zip(table.columns, numeric, strict=True)]
        for r in page.object_list
    ]
    return render(
        request,
        "staff/report.html",
        {
            "report": report,
            "table": table,
            "rows": rows,
            # The cells of this page as shown, each with whether it is a figure (right-aligned), its link and kind.
            "cells": cells,
            "page": page,
            "query": query,
            "page_query": f"{query}&page={page.number}" if query else f"page={page.number}",
            "filters": [(f, f.choices(), request.GET.get(f.name, "")) for f in report.filters],
        },
    )


@workspace_reader
def report_download(request, slug, fmt):
    """The whole report, or with ?page=N the rows of that page of the report page (same filters)."""
    report = _report(slug)
    table = report.build(_report_filters(request, report))
    if request.GET.get("page"):
        page = Paginator(table.rows, REPORT_PAGE_ROWS).get_page(request.GET.get("page"))
        table = dataclasses.replace(table, rows=list(page.object_list), slug=f"{table.slug}-page-{page.number}")
    return download(table, fmt)
