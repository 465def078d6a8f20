"""Reads of films that pages, exports and the API share."""
from django.db.models import Prefetch

from .models import Film, FilmStatusChange


def film_list():
    return Film.objects.select_related("producer").prefetch_related("genres", "languages")


def film_detail(code: str) -> Film:
    history = FilmStatusChange.objects.order_by("changed_on", "id")
    return (Film.objects.select_related("producer")
            .prefetch_related("genres", "languages", "countries", Prefetch("status_changes", queryset=history))
            .get(code=code))
