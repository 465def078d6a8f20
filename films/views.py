"""Film pages. Figures come from the stored metrics, the same rows the report and the API read."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from boxoffice.selectors import film_box_office_by_region, film_box_office_by_week, film_report_rows
from config.caching import cached_public
from funding.selectors import film_funding

from .filtersets import FilmFilterSet
from .models import Film
from .selectors import film_detail as select_film
from .selectors import film_list as select_films


@cached_public
def film_list(request):
    """Search and filters are the API's FilmFilterSet, so a page and /api/v1/films/?… list the same films."""
    filterset = FilmFilterSet(request.GET, queryset=select_films().select_related("metrics").order_by("code"))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "films/film_list.html",
        {"filter": filterset, "page": page, "query": params.urlencode(), "ids": request.GET.get("ids")},
    )


@cached_public(film_code_kwarg="code")
def film_detail(request, code):
    try:
        film = select_film(code)
    except Film.DoesNotExist:
        raise Http404(f"No film with code {code}") from None
    funding = film_funding(film)
    return render(
        request,
        "films/film_detail.html",
        {
            "film": film,
            **funding,
            "by_week": list(film_box_office_by_week(film.pk)),
            "by_region": list(film_box_office_by_region(film.pk)),
            "report_rows": list(film_report_rows(film.pk)),
        },
    )
