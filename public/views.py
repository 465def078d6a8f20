"""Public pages: no sign-in, nothing pending. Reads come from the apps' selectors and public/reports.py, the
same rows the API and the open-data files give, so a figure is the same wherever it is read."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from boxoffice.filtersets import CinemaFilterSet
from boxoffice.selectors import cinema_films, public_cinemas, public_regions
from config.caching import cached_public
from films.filtersets import OrganisationFilterSet
from films.models import Film
from funding.filtersets import ProgrammeFilterSet
from funding.selectors import (
    metrics_as_of,
    public_funders,
    public_grants,
    public_organisations,
    public_programmes,
    top_films,
    totals_by_currency,
    unlinked_funding,
)
from public.templatetags.public import usd_rate_applies

from . import market_view, opendata
from .reports import REPORTS, box_office_by_year_report, funded_vs_released_report, funding_by_year_report

PAGE_SIZE = 50


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@cached_public
def home(request):
    funding = funding_by_year_report()
    box = box_office_by_year_report()
    report = funded_vs_released_report()
    home_funding = [r for r in funding.rows if r["currency"] == settings.HOME_CURRENCY]
    total_gross = sum((float(r["gross"]) for r in box.rows), 0.0)
    total_domestic = sum((float(r["domestic_gross"]) for r in box.rows), 0.0)
    return render(
        request,
        "public/home.html",
        {
            "funding": home_funding,
            "funding_total": sum((Decimal(r["awarded"]) for r in home_funding), Decimal("0")),
            "unlinked": unlinked_funding(settings.HOME_CURRENCY),
            "box": box.rows,
            "report": report,
            "total": report.rows[-1],
            "domestic_share": (total_domestic / total_gross) if total_gross else None,
            "top": top_films(10),
            "as_of": metrics_as_of(),
            "box_as_of": box.as_of,
        },
    )


@cached_public
def methodology(request):
    return render(
        request,
        "public/methodology.html",
        {"as_of": metrics_as_of(), "usd_rate": settings.USD_RATE if usd_rate_applies() else None,
         "usd_date": settings.USD_RATE_DATE},
    )


@cached_public
def funder_list(request):
    funders = [(f, totals_by_currency(f.grants_made.published())) for f in public_funders()]
    return render(request, "public/funder_list.html", {"funders": funders})


@cached_public
def funder_detail(request, pk):
    funder = get_object_or_404(public_funders(), pk=pk)
    grants = public_grants().filter(funder=funder).order_by("-award_date", "identifier")
    return render(
        request,
        "public/funder_detail.html",
        {
            "org": funder,
            "totals": totals_by_currency(grants),
            "page": paginate(request, grants),
            "programmes": public_programmes().filter(funder=funder),
            "report": funded_vs_released_report(funder_id=funder.pk),
            "query": query_without_page(request),
        },
    )


@cached_public
def programme_list(request):
    filterset = ProgrammeFilterSet(request.GET, queryset=public_programmes())
    programmes = [(p, totals_by_currency(p.grants.published())) for p in filterset.qs]
    return render(request, "public/programme_list.html", {"programmes": programmes, "filter": filterset})


@cached_public
def programme_detail(request, pk):
    programme = get_object_or_404(public_programmes(), pk=pk)
    grants = public_grants().filter(programme=programme).order_by("-award_date", "identifier")
    return render(
        request,
        "public/programme_detail.html",
        {
            "programme": programme,
            "totals": totals_by_currency(grants),
            "page": paginate(request, grants),
            "report": funded_vs_released_report(programme_id=programme.pk),
            "query": query_without_page(request),
        },
    )


@cached_public
def organisation_list(request):
    filterset = OrganisationFilterSet(request.GET, queryset=public_organisations())
    page = paginate(request, filterset.qs)
    rows = [(o, totals_by_currency(o.grants_received.published())) for o in page]
    return render(
        request,
        "public/organisation_list.html",
        {"filter": filterset, "page": page, "rows": rows, "query": query_without_page(request)},
    )


@cached_public
def organisation_detail(request, pk):
    org = get_object_or_404(public_organisations(), pk=pk)
    received = public_grants().filter(recipient=org).order_by("-award_date", "identifier")
    made = public_grants().filter(funder=org).order_by("-award_date", "identifier")
    films = Film.objects.filter(producer=org).select_related("metrics").order_by("code")
    return render(
        request,
        "public/organisation_detail.html",
        {
            "org": org,
            "received": received,
            "received_totals": totals_by_currency(received),
            "made_totals": totals_by_currency(made),
            "films": films,
        },
    )


@cached_public
def cinema_list(request):
    filterset = CinemaFilterSet(request.GET, queryset=public_cinemas().order_by("region__code", "name"))
    return render(
        request,
        "public/cinema_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs), "query": query_without_page(request)},
    )


@cached_public
def cinema_detail(request, code):
    cinema = get_object_or_404(public_cinemas(), code=code)
    return render(
        request,
        "public/cinema_detail.html",
        {"cinema": cinema, "films": list(cinema_films(cinema.pk)[:100]), "as_of": metrics_as_of()},
    )


@cached_public
def region_list(request):
    regions = list(public_regions())
    chart = [{"name": r.name, "gross": r.gross} for r in sorted(regions, key=lambda r: -r.gross) if r.gross]
    return render(
        request, "public/region_list.html", {"regions": regions, "chart": chart, "as_of": metrics_as_of()}
    )


@cached_public
def region_detail(request, code):
    region = get_object_or_404(public_regions(), code=code)
    cinemas = public_cinemas().filter(region=region).order_by("-gross", "name")
    films = (
        Film.objects.filter(daily_sales__cinema__region=region)
        .distinct()
        .select_related("metrics")
        .order_by("code")
    )
    period = request.GET.get("period") or "week"
    if period not in market_view.PERIODS:
        raise BadRequest(f"period: must be one of {', '.join(market_view.PERIODS)}")
    params = market_view.chart_params(request.GET, api=False, period=period)
    page = market_view.chart_page(period, params[1], region=region.code)
    here = reverse("public:region", args=[region.code])

    def url(p, d):
        return f"{here}?period={p}&date={d.isoformat()}#chart"

    return render(
        request,
        "public/region_detail.html",
        {"region": region, "cinemas": cinemas, "films": films, "as_of": metrics_as_of(),
         **page, **_chart_links(period, page, url), "form_action": here, "form_period": period},
    )


def _chart_links(period: str, page: dict, url) -> dict:
    """Links of a chart page: the other periods of the same date, the previous and next periods."""
    from django.utils.translation import gettext as _

    chart_ = page["chart"]
    names = {"day": _("Day"), "week": _("Week"), "year": _("Year")}
    return {
        "tabs": [{"label": names[p], "url": url(p, chart_.start), "current": p == period}
                 for p in market_view.PERIODS],
        "previous_url": url(period, chart_.previous[0]) if chart_.previous else None,
        "next_url": url(period, chart_.next[0]) if chart_.next else None,
        "period": period,
    }


@cached_public
def chart(request, period):
    """The box-office chart of a day, an ISO week or a year, with a date picker and the periods around it."""
    if period not in market_view.PERIODS:
        raise Http404("No such chart")
    period, day, limit, _ = market_view.chart_params(request.GET, api=False, period=period)
    if request.GET.get("region"):
        raise BadRequest("region: the region's own page has its chart")
    page = market_view.chart_page(period, day, limit)

    def url(p, d):
        return f"{reverse('public:chart', args=[p])}?date={d.isoformat()}"

    return render(request, "public/chart.html", {**page, **_chart_links(period, page, url),
                                                  "form_action": reverse("public:chart", args=[period])})


@cached_public
def market(request):
    """The year's market by one dimension, its shares, and the same breakdown over the years."""
    by, year = market_view.market_params(request.GET, api=False)
    return render(request, "public/market.html",
                  {"dimensions": market_view.DIMENSIONS, "by": by, "year": year,
                   **market_view.market_page(by, year)})


@cached_public
def open_data(request):
    return render(
        request,
        "public/open_data.html",
        {
            "datasets": opendata.DATASETS.values(),
            "reports": list(REPORTS),
            "as_of": metrics_as_of(),
            "licence": settings.OPEN_DATA_LICENCE,
            "licence_url": settings.OPEN_DATA_LICENCE_URL,
        },
    )


@cached_public
def open_data_file(request, name, fmt):
    """Stable, language-independent URLs: /open-data/<name>.csv and .json, and grants-360giving.json."""
    if name == "grants-360giving" and fmt == "json":
        response = HttpResponse(opendata.grants_360(), content_type="application/json; charset=utf-8")
    else:
        dataset = opendata.DATASETS.get(name)
        if dataset is None or fmt not in ("csv", "json"):
            raise Http404("No such dataset")
        rows = dataset.rows()
        if fmt == "csv":
            response = HttpResponse(opendata.as_csv(rows, dataset.numeric), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                opendata.as_json(dataset, rows), content_type="application/json; charset=utf-8"
            )
        as_of = dataset.as_of()
        if as_of.get("computed_at"):
            response["X-As-Of"] = as_of["computed_at"].isoformat()
    response["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    response["Link"] = f'<{settings.OPEN_DATA_LICENCE_URL}>; rel="license"'
    return response
