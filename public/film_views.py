"""Film pages. Figures come from the stored metrics, the same rows the report and the API read."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from boxoffice.selectors import (
    film_box_office_by_region,
    film_box_office_by_week,
    film_report_months,
    film_report_rows,
)
from films.filtersets import FilmFilterSet
from films.models import Film
from films.selectors import film_detail as select_film
from films.selectors import film_list as select_films
from funding.delivery import film_delivery
from funding.selectors import film_funding

from .caching import cached_public
from .strict_query import PAGE_PARAMS, check_parameters, validated


@cached_public
def film_list(request):
    """Search and filters are the API's FilmFilterSet, so a page and /api/v1/films/?… list the same films."""
    filterset = validated(
        FilmFilterSet(request.GET, queryset=select_films().select_related("metrics").order_by("code"))
    )
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "public/film_list.html",
        {"filter": filterset, "page": page, "query": params.urlencode(), "ids": request.GET.get("ids"),
         "sort_default": "code"},
    )


@cached_public(film_code_kwarg="code")
def film_detail(request, code):
    try:
        film = select_film(code)
    except Film.DoesNotExist:
        raise Http404(f"No film with code {code}") from None
    check_parameters(request, ())
    funding = film_funding(film)
    return render(
        request,
        "public/film_detail.html",
        {
            "film": film,
            **funding,
            "delivery": film_delivery(film),
            "by_week": list(film_box_office_by_week(film.pk)),
            "by_region": list(film_box_office_by_region(film.pk)),
            "report_months": film_report_months(film.pk),
        },
    )


@cached_public(film_code_kwarg="code")
def film_reports(request, code):
    """Every report row of a film, one line each (its page sums them by month)."""
    try:
        film = select_film(code)
    except Film.DoesNotExist:
        raise Http404(f"No film with code {code}") from None
    check_parameters(request, PAGE_PARAMS)
    # A film reported daily by region has thousands of rows: a page of them at a time.
    page = Paginator(film_report_rows(film.pk), REPORT_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "public/film_reports.html",
                  {"film": film, "page": page, "report_rows": page.object_list})


REPORT_ROWS_PER_PAGE = 500
