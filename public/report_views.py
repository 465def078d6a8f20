"""Funding pages: the funded-vs-released and delivery reports and their downloads (the command's figures)."""
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from funding.delivery import delivery_report
from funding.filtersets import ReportFilterForm
from funding.reports import delivery_csv, delivery_json, funded_vs_released_csv, funded_vs_released_json
from funding.selectors import funded_vs_released

from .caching import cached_public
from .strict_query import BadQuery, sort_rows, unknown_parameters


def report_filters(query, *, extra=()) -> tuple[dict, ReportFilterForm]:
    """The funder and programme a report is asked for, as ids; BadQuery for an unknown parameter or a
    value that names nothing (the page, its downloads and the API all read them so)."""
    errors = unknown_parameters(query, [*ReportFilterForm.base_fields, *extra])
    form = ReportFilterForm(query)
    if not form.is_valid():
        for name, messages in form.errors.items():
            errors.setdefault("filters" if name == "__all__" else name, []).extend(messages)
    if errors:
        raise BadQuery(errors)
    return form.cleaned_data["resolved"], form


@cached_public
def funded_vs_released_page(request):
    filters, form = report_filters(request.GET)
    report = funded_vs_released(**filters)
    films_url = reverse("films:list")
    return render(request, "public/funded_vs_released.html", {
        "report": report, "films_url": films_url, "filters": filters, "form": form,
        "query": request.GET.urlencode(),
    })


def _report_download(request, fmt, name, build, as_csv, as_json):
    """A public report as a file: the page's filters, the report's own writer, its "as of" in X-As-Of."""
    if fmt not in ("csv", "json"):
        raise Http404("Download as .csv or .json")
    filters, _form = report_filters(request.GET)
    report = build(**filters)
    if fmt == "csv":
        response = HttpResponse(as_csv(report), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(as_json(report), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    if report.computed_at:
        response["X-As-Of"] = report.computed_at.isoformat()
    return response


@cached_public
def funded_vs_released_download(request, fmt):
    return _report_download(request, fmt, "funded-vs-released", funded_vs_released, funded_vs_released_csv,
                            funded_vs_released_json)




DELIVERY_SORTS = {
    "film_code": lambda r: r.film_code,
    "status_since": lambda r: r.status_since,
    "planned_release": lambda r: r.planned_release,
    "release_date": lambda r: r.release_date,
    "days_overdue": lambda r: r.days_overdue,
    "days_late": lambda r: r.days_late,
    "awarded": lambda r: r.awarded,
    "disbursed": lambda r: r.disbursed,
    "outstanding": lambda r: r.outstanding,
}


def _without(query, *names) -> str:
    params = query.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@cached_public
def delivery_page(request):
    """What became of each funded project, most overdue first; and who received the money for them."""
    filters, form = report_filters(request.GET, extra=("sort",))
    report = delivery_report(**filters)
    rows = report.rows
    if request.GET.get("sort"):
        rows = sort_rows(request, rows, DELIVERY_SORTS, "-days_overdue")
    overdue = [r for r in report.rows if r.days_overdue is not None]
    return render(request, "public/delivery.html", {
        "report": report, "rows": rows, "form": form, "filters": filters,
        "query": request.GET.urlencode(), "sort_default": "-days_overdue",
        "download_query": _without(request.GET, "sort"),
        "recipients": report.overdue_recipients(),
        "overdue_count": len(overdue),
        "overdue_disbursed": sum((r.disbursed for r in overdue), Decimal("0")),
        "overdue_awarded": sum((r.awarded for r in overdue), Decimal("0")),
    })


@cached_public
def delivery_download(request, fmt):
    return _report_download(request, fmt, "delivery", delivery_report, delivery_csv, delivery_json)
