"""Read-only public endpoints for cinemas and regions."""

from boxoffice.api.serializers import CinemaSerializer, RegionBoxOfficeSerializer
from boxoffice.filtersets import CinemaFilterSet
from boxoffice.selectors import public_cinemas, public_regions
from films.filtersets import RegionFilterSet

from .api_base import PublicReadOnlyViewSet


class CinemaViewSet(PublicReadOnlyViewSet):
    """Cinemas of the register with screens, seats, gross and admissions."""

    queryset = public_cinemas().order_by("code")
    serializer_class = CinemaSerializer
    filterset_class = CinemaFilterSet
    lookup_field = "code"


class RegionViewSet(PublicReadOnlyViewSet):
    """Kazakhstan's 17 regions and 3 cities, with their cinemas and box office."""

    queryset = public_regions()
    serializer_class = RegionBoxOfficeSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"
