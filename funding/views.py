"""Funding pages: the funded-vs-released report and its downloads (same figures as the command)."""
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from config.caching import cached_public

from .reports import funded_vs_released_csv, funded_vs_released_json
from .selectors import funded_vs_released, public_funders, public_programmes


def _filters(request):
    def as_id(name):
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    return {"funder_id": as_id("funder"), "programme_id": as_id("programme")}


@cached_public
def funded_vs_released_page(request):
    filters = _filters(request)
    report = funded_vs_released(**filters)
    films_url = reverse("films:list")
    return render(request, "funding/funded_vs_released.html", {
        "report": report, "films_url": films_url, "filters": filters,
        # Only what published grants name: a programme or funder known from a pending grant stays hidden.
        "funders": public_funders(),
        "programmes": public_programmes(),
        "query": request.GET.urlencode(),
    })


def funded_vs_released_download(request, fmt):
    report = funded_vs_released(**_filters(request))
    if fmt == "csv":
        response = HttpResponse(funded_vs_released_csv(report), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = HttpResponse(funded_vs_released_json(report), content_type="application/json")
    else:
        raise Http404("Download as .csv or .json")
    response["Content-Disposition"] = f'attachment; filename="funded-vs-released.{fmt}"'
    if report.computed_at:
        response["X-As-Of"] = report.computed_at.isoformat()
    return response
