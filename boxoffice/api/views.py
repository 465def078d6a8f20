"""Read-only public endpoints for cinemas and regions."""

from config.public_api import PublicReadOnlyViewSet
from films.filtersets import RegionFilterSet

from ..filtersets import CinemaFilterSet
from ..selectors import public_cinemas, public_regions
from .serializers import CinemaSerializer, RegionBoxOfficeSerializer


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
