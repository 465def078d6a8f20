"""Public pages: no sign-in, nothing pending. Reads come from the apps' selectors and public/reports.py, the
same rows the API and the open-data files give, so a figure is the same wherever it is read."""

from __future__ import annotations

import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from boxoffice.filtersets import CinemaFilterSet
from boxoffice.selectors import cinema_films, public_cinemas, public_regions, region_page
from films.filtersets import OrganisationFilterSet
from films.models import Film
from funding.filtersets import GrantFilterSet, ProgrammeFilterSet
from funding.selectors import (
    disbursed_total,
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

from . import flat, market_view, opendata
from .caching import cached_public, shared
from .dictionary import TYPE_NAMES, columns_of, dictionary_rows
from .reports import REPORTS, box_office_by_year_report, funded_vs_released_report, funding_by_year_report
from .strict_query import BadQuery, check_parameters, sort_key, sort_queryset, sort_rows, validated

PAGE_SIZE = 50
NO_FILTERS: frozenset = frozenset()


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _home_kzt(totals) -> Decimal | None:
    return next((t["awarded"] for t in totals if t["currency"] == settings.HOME_CURRENCY), None)


GRANT_SORTS = {
    "award_date": ("award_date", "identifier"),
    "amount": ("amount_awarded", "identifier"),
    "identifier": ("identifier",),
    "recipient": ("recipient__name", "identifier"),
    "film": ("film__code", "identifier"),
    "disbursed": ("disbursed_total", "identifier"),
}


@cached_public
def home(request):
    check_parameters(request, NO_FILTERS)
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
            "disbursed_total": disbursed_total(settings.HOME_CURRENCY),
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


def worked_example() -> dict:
    """The methodology page's example, computed here with the site's own arithmetic so it cannot drift."""
    import datetime

    from funding.metrics import _money, _ratio

    awarded, disbursed, gross, admissions = (Decimal("147900000.00"), Decimal("133100000.00"),
                                             Decimal("11832000.00"), 5916)
    share = settings.EXHIBITOR_SHARE
    planned, today = datetime.date(2021, 7, 1), datetime.date(2026, 11, 27)
    return {
        "awarded": awarded, "disbursed": disbursed, "gross": gross, "admissions": admissions,
        "return_on_funding": _ratio(gross, awarded), "exhibitor_share": share,
        "net": _money(gross * (1 - share)), "per_admission": _money(awarded / admissions),
        "funded": 98, "released": 23, "released_share": _ratio(23, 98),
        "planned": planned, "today": today, "days_overdue": (today - planned).days,
    }


@cached_public
def methodology(request):
    check_parameters(request, NO_FILTERS)
    return render(
        request,
        "public/methodology.html",
        {"as_of": metrics_as_of(), "usd_rate": settings.USD_RATE if usd_rate_applies() else None,
         "usd_date": settings.USD_RATE_DATE, "example": worked_example()},
    )


@cached_public
def grant_list(request):
    """Every published grant: search, filter, sort; its CSV is exactly this search (grants.csv?…)."""
    filterset = validated(GrantFilterSet(request.GET, queryset=public_grants().order_by("-award_date",
                                                                                        "identifier")))
    grants = filterset.qs
    return render(
        request,
        "public/grant_list.html",
        {
            "filter": filterset,
            "page": paginate(request, grants),
            "totals": totals_by_currency(grants),
            "query": query_without_page(request),
            "sort_default": "-award_date",
        },
    )


@cached_public
def grant_list_csv(request):
    """The grants of the page's search, as the open-data grants file's columns."""
    params = request.GET.copy()
    bom = params.pop("bom", ["0"])[-1]
    if bom not in ("0", "1"):
        raise BadQuery({"bom": [_("bom is 1 (a byte-order mark first, for spreadsheets) or 0.")]})
    filterset = validated(GrantFilterSet(params, queryset=public_grants().order_by("-award_date", "identifier")),
                          extra=())
    body = opendata.as_csv(flat.grant_rows(filterset.qs), flat.GRANT_COLUMNS,
                           numeric=opendata.DATASETS["grants"].numeric, bom=bom == "1")
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="grants.csv"'
    response["Link"] = f'<{settings.OPEN_DATA_LICENCE_URL}>; rel="license"'
    return response


@cached_public
def funder_list(request):
    check_parameters(request, {"sort"})
    funders = [(f, totals_by_currency(f.grants_made.published())) for f in public_funders()]
    funders = sort_rows(request, funders, {
        "name": lambda r: r[0].name.lower(),
        "identifier": lambda r: r[0].identifier,
        "awarded": lambda r: _home_kzt(r[1]),
    }, "name")
    return render(request, "public/funder_list.html", {"funders": funders, "sort_default": "name"})


@cached_public
def funder_detail(request, pk):
    check_parameters(request, {"page", "sort"})
    funder = get_object_or_404(public_funders(), pk=pk)
    grants = sort_queryset(request, public_grants().filter(funder=funder), GRANT_SORTS, "-award_date")
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
            "sort_default": "-award_date",
        },
    )


@cached_public
def programme_list(request):
    filterset = validated(ProgrammeFilterSet(request.GET, queryset=public_programmes()), extra=())
    programmes = [(p, totals_by_currency(p.grants.published())) for p in filterset.qs]
    return render(request, "public/programme_list.html", {"programmes": programmes, "filter": filterset,
                                                          "sort_default": "title"})


@cached_public
def programme_detail(request, pk):
    check_parameters(request, {"page", "sort"})
    programme = get_object_or_404(public_programmes(), pk=pk)
    grants = sort_queryset(request, public_grants().filter(programme=programme), GRANT_SORTS, "-award_date")
    return render(
        request,
        "public/programme_detail.html",
        {
            "programme": programme,
            "totals": totals_by_currency(grants),
            "page": paginate(request, grants),
            "report": funded_vs_released_report(programme_id=programme.pk),
            "query": query_without_page(request),
            "sort_default": "-award_date",
        },
    )


@cached_public
def organisation_list(request):
    """Follow the money: every organisation with what it received; sortable by the amount received."""
    filterset = validated(OrganisationFilterSet(request.GET, queryset=public_organisations()))
    page = paginate(request, filterset.qs)
    rows = [(o, totals_by_currency(o.grants_received.published())) for o in page]
    return render(
        request,
        "public/organisation_list.html",
        {"filter": filterset, "page": page, "rows": rows, "query": query_without_page(request),
         "sort_default": "name"},
    )


@cached_public
def organisation_detail(request, pk):
    check_parameters(request, {"sort"})
    org = get_object_or_404(public_organisations(), pk=pk)
    received = sort_queryset(request, public_grants().filter(recipient=org), GRANT_SORTS, "-award_date")
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
            "sort_default": "-award_date",
        },
    )


@cached_public
def cinema_list(request):
    filterset = validated(CinemaFilterSet(request.GET, queryset=public_cinemas().order_by("region__code", "name")))
    return render(
        request,
        "public/cinema_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs), "query": query_without_page(request)},
    )


@cached_public
def cinema_detail(request, code):
    check_parameters(request, {"sort"})
    cinema = get_object_or_404(public_cinemas(), code=code)
    films = sort_rows(request, list(cinema_films(cinema.pk)[:100]), {
        "film": lambda r: r["film__code"],
        "gross": lambda r: r["gross"],
        "admissions": lambda r: r["admissions"],
    }, "-gross")
    return render(
        request,
        "public/cinema_detail.html",
        {"cinema": cinema, "films": films, "as_of": metrics_as_of(), "sort_default": "-gross"},
    )


@cached_public
def region_list(request):
    check_parameters(request, {"sort"})
    regions = list(public_regions())
    chart = [{"name": r.name, "gross": r.gross} for r in sorted(regions, key=lambda r: -r.gross) if r.gross]
    regions = sort_rows(request, regions, {
        "code": lambda r: r.code,
        "name": lambda r: r.name,
        "cinemas": lambda r: r.cinemas_count,
        "gross": lambda r: r.gross,
        "admissions": lambda r: r.admissions,
    }, "code")
    return render(
        request, "public/region_list.html", {"regions": regions, "chart": chart, "as_of": metrics_as_of(),
                                             "sort_default": "code"}
    )


REGION_CINEMA_SORTS = {"name": ("name", "code"), "gross": ("gross", "name"), "admissions": ("admissions", "name")}


@cached_public
def region_detail(request, code):
    check_parameters(request, {"sort", "period", "date", "limit"})
    sort = sort_key(request, REGION_CINEMA_SORTS, "-gross")

    def facts():
        found = region_page(code)
        if found is None:  # raised, not stored: a code anyone can type leaves nothing in the cache
            raise Http404("No such region")
        region, cinemas, films = found
        return region, list(sort_queryset(request, cinemas, REGION_CINEMA_SORTS, "-gross")), list(films)

    # The same for every period and date of the region's chart: computed once per change of the figures.
    region, cinemas, films = shared("region-page", code, sort, compute=facts)
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
        {"region": region, "cinemas": cinemas, "films": films, "as_of": metrics_as_of(), "sort_default": "-gross",
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
def data_dictionary(request):
    check_parameters(request, NO_FILTERS)
    datasets = [(d, columns_of(d)) for d in opendata.DATASETS.values()]
    return render(request, "public/data_dictionary.html", {"datasets": datasets, "type_names": TYPE_NAMES})


@cached_public
def open_data(request):
    check_parameters(request, NO_FILTERS)
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


def _bom_param(request) -> bool:
    check_parameters(request, {"bom"})
    value = request.GET.get("bom", "0")
    if value not in ("0", "1"):
        raise BadQuery({"bom": [_("bom is 1 (a byte-order mark first, for spreadsheets) or 0.")]})
    return value == "1"


def _file_response(body, name: str, content_type: str, *, disposition="inline"):
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["Link"] = f'<{settings.OPEN_DATA_LICENCE_URL}>; rel="license"'
    return response


@cached_public
def open_data_file(request, name, fmt):
    """Stable, language-independent URLs: /open-data/<name>.csv and .json, grants-360giving.json, the data
    dictionary (data-dictionary.csv/.json) and everything in one zip (open-data.zip)."""
    bom = _bom_param(request)
    with translation.override("en"):  # files are read by programs: one language whatever the visitor's
        if name == "grants-360giving" and fmt == "json":
            return _file_response(opendata.grants_360(), f"{name}.{fmt}", "application/json; charset=utf-8")
        if name == "data-dictionary" and fmt in ("csv", "json"):
            rows = dictionary_rows()
            body = (opendata.as_csv(rows, bom=bom) if fmt == "csv"
                    else json.dumps({"licence": settings.OPEN_DATA_LICENCE, "columns": rows}, ensure_ascii=False,
                                    indent=1))
            ctype = "text/csv; charset=utf-8" if fmt == "csv" else "application/json; charset=utf-8"
            return _file_response(body, f"{name}.{fmt}", ctype)
        if name == "open-data" and fmt == "zip":
            body, as_of = opendata.as_zip(bom=bom)
            response = _file_response(body, "open-data.zip", "application/zip", disposition="attachment")
            if as_of:
                response["X-As-Of"] = as_of
            return response
        dataset = opendata.DATASETS.get(name)
        if dataset is None or fmt not in ("csv", "json"):
            raise Http404("No such dataset")
        rows = dataset.rows()
        if fmt == "csv":
            body = opendata.as_csv(rows, dataset.columns, numeric=dataset.numeric, bom=bom)
            response = _file_response(body, f"{name}.{fmt}",
                                      "text/csv; charset=utf-8")
        else:
            response = _file_response(opendata.as_json(dataset, rows), f"{name}.{fmt}",
                                      "application/json; charset=utf-8")
        as_of = dataset.as_of()
        if as_of.get("computed_at"):
            response["X-As-Of"] = as_of["computed_at"].isoformat()
    return response
