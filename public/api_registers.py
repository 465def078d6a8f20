"""Read-only public endpoints for films (with their figures), grants, funders, programmes, organisations
and film metrics. Every queryset starts from the public selectors, so a pending grant cannot reach here."""

from films.filtersets import FilmFilterSet, OrganisationFilterSet
from films.selectors import film_list
from funding.api.serializers import (
    FilmMetricsSerializer,
    FunderSerializer,
    GrantSerializer,
    ProgrammeSerializer,
    PublicFilmDetailSerializer,
    PublicFilmSerializer,
    RecipientTotalsSerializer,
)
from funding.filtersets import FilmMetricsFilterSet, GrantFilterSet, ProgrammeFilterSet
from funding.models import FilmMetrics
from funding.selectors import public_funders, public_grants, public_organisations, public_programmes

from .api_base import PublicReadOnlyViewSet

CODE = r"[^/]+"


class FilmViewSet(PublicReadOnlyViewSet):
    """Films with their release state and stored figures; filter by year, status, genre, language,
    country, funder and region."""

    queryset = film_list().select_related("metrics").prefetch_related("countries").order_by("code")
    serializer_class = PublicFilmSerializer
    filterset_class = FilmFilterSet
    lookup_field = "code"
    lookup_value_regex = CODE
    film_scoped = True

    def get_serializer_class(self):
        return PublicFilmDetailSerializer if self.action == "retrieve" else PublicFilmSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        return qs.prefetch_related("status_changes") if self.action == "retrieve" else qs


class GrantViewSet(PublicReadOnlyViewSet):
    """Published grants (360Giving fields); the whole register is also at /open-data/ as a 360Giving file."""

    queryset = public_grants().order_by("award_date", "identifier")
    serializer_class = GrantSerializer
    filterset_class = GrantFilterSet
    lookup_field = "identifier"
    lookup_value_regex = CODE


class FunderViewSet(PublicReadOnlyViewSet):
    """Organisations that made published grants, with their totals per currency."""

    queryset = public_funders()
    serializer_class = FunderSerializer
    filterset_class = OrganisationFilterSet


class ProgrammeViewSet(PublicReadOnlyViewSet):
    """Funders' programmes that have published grants."""

    queryset = public_programmes()
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilterSet


class OrganisationViewSet(PublicReadOnlyViewSet):
    """Producers, funders and grant recipients, with what each received ("follow the money")."""

    queryset = public_organisations()
    serializer_class = RecipientTotalsSerializer
    filterset_class = OrganisationFilterSet


class FilmMetricsViewSet(PublicReadOnlyViewSet):
    """Every per-film figure of the published metric definitions, with its "as of" moment."""

    queryset = FilmMetrics.objects.select_related("film").order_by("film__code")
    serializer_class = FilmMetricsSerializer
    filterset_class = FilmMetricsFilterSet
    lookup_field = "film__code"
    lookup_url_kwarg = "code"
    lookup_value_regex = CODE
    film_scoped = True
