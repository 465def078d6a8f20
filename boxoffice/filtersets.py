"""The cinema FilterSet, shared by the public cinemas page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from films.filtersets import CodeFilter, IdFilter, SortFilter
from films.models import Region

from .models import Cinema


class CinemaFilterSet(django_filters.FilterSet):
    """Cinemas by name, region, city, chain and whether they report sales."""

    q = django_filters.CharFilter(method="filter_q", label=_("Name or code"))
    region = CodeFilter(
        field_name="region", to_field_name="code", queryset=Region.objects.all(), label=_("Region")
    )
    region_id = IdFilter(field_name="region_id", label=_("Region (id)"))
    city = django_filters.CharFilter(field_name="city", lookup_expr="iexact", label=_("City"))
    chain = django_filters.CharFilter(field_name="chain", lookup_expr="iexact", label=_("Chain"))
    connected = django_filters.ChoiceFilter(
        choices=(("true", _("Yes")), ("false", _("No"))), method="filter_connected", label=_("Reports sales")
    )
    # screens_count / seats / gross / admissions are annotated by boxoffice.selectors.public_cinemas.
    sort = SortFilter(
        fields=(("code", "code"), ("name", "name"), ("region__code", "region"), ("city", "city"),
                ("connected_since", "connected_since"), ("screens_count", "screens"), ("seats", "seats"),
                ("admissions", "admissions"), ("gross", "gross")),
        label=_("Sort by"),
    )

    class Meta:
        model = Cinema
        fields = ["q", "region", "region_id", "city", "chain", "connected"]

    def filter_connected(self, queryset, name, value):
        return queryset.filter(connected_since__isnull=(value != "true"))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value)) if value else queryset


class StaffCinemaFilterSet(django_filters.FilterSet):
    """The workspace's cinema register: by code, name, city or chain (a 400 for any other parameter)."""

    q = django_filters.CharFilter(method="filter_q", label=_("Code, name, city or chain"))

    class Meta:
        model = Cinema
        fields = ["q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(city__icontains=value)
                               | Q(chain__icontains=value))
