"""One FilterSet per funding model, shared by the public pages and the API. Querysets come in already
restricted to what the public may see (published grants); these only narrow them."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from films.filtersets import CodeFilter, IdFilter, YearFilter, public_funders

from .models import FilmMetrics, Grant, Programme


class GrantFilterSet(django_filters.FilterSet):
    """Grants by funder, programme, recipient, film, currency and award year; ordered by date or amount."""

    q = django_filters.CharFilter(method="filter_q", label=_("Identifier or title"))
    funder = CodeFilter(
        field_name="funder", to_field_name="identifier", queryset=public_funders, label=_("Funder")
    )
    funder_id = IdFilter(field_name="funder_id", label=_("Funder (id)"))
    programme_id = IdFilter(field_name="programme_id", label=_("Programme (id)"))
    recipient = django_filters.CharFilter(field_name="recipient__identifier", label=_("Recipient identifier"))
    recipient_id = IdFilter(field_name="recipient_id", label=_("Recipient (id)"))
    film = django_filters.CharFilter(field_name="film__code", label=_("Film code"))
    film_id = IdFilter(field_name="film_id", label=_("Film (id)"))
    currency = django_filters.CharFilter(field_name="currency", lookup_expr="iexact", label=_("Currency"))
    award_year = YearFilter(field_name="award_date", lookup_expr="year", label=_("Award year"))
    ordering = django_filters.OrderingFilter(
        fields=(("award_date", "award_date"), ("amount_awarded", "amount"), ("identifier", "identifier"))
    )

    class Meta:
        model = Grant
        fields = [
            "q",
            "funder",
            "funder_id",
            "programme_id",
            "recipient",
            "recipient_id",
            "film",
            "film_id",
            "currency",
            "award_year",
        ]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(identifier__icontains=value) | Q(title__icontains=value)) if value else queryset
        )


class ProgrammeFilterSet(django_filters.FilterSet):
    """Programmes by funder and title."""

    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Title"))
    funder = CodeFilter(
        field_name="funder", to_field_name="identifier", queryset=public_funders, label=_("Funder")
    )
    funder_id = IdFilter(field_name="funder_id", label=_("Funder (id)"))

    class Meta:
        model = Programme
        fields = ["q", "funder", "funder_id"]


class FilmMetricsFilterSet(django_filters.FilterSet):
    """Stored per-film figures by film and cohort year; ordered by any figure."""

    film = django_filters.CharFilter(field_name="film__code", label=_("Film code"))
    cohort_year = YearFilter(field_name="cohort_year", label=_("Cohort year"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("film__code", "film"),
            ("gross", "gross"),
            ("awarded_kzt", "awarded"),
            ("admissions", "admissions"),
            ("return_on_funding", "return_on_funding"),
        )
    )

    class Meta:
        model = FilmMetrics
        fields = ["film", "cohort_year"]
