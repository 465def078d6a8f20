"""Every /api/v1/ endpoint is registered here, so the API's shape can be read in one place."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from boxoffice.api.sales import SalesBatchView
from public.api import ReportViewSet
from public.api_cinemas import CinemaViewSet, RegionViewSet
from public.api_registers import (
    FilmMetricsViewSet,
    FilmViewSet,
    FunderViewSet,
    GrantViewSet,
    OrganisationViewSet,
    ProgrammeViewSet,
)

router = DefaultRouter()
# Public, read-only: anyone may read these; nothing on them is pending or ticket-level.
router.register("films", FilmViewSet, basename="film")
router.register("film-metrics", FilmMetricsViewSet, basename="film-metrics")
router.register("grants", GrantViewSet, basename="grant")
router.register("funders", FunderViewSet, basename="funder")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("cinemas", CinemaViewSet, basename="cinema")
router.register("regions", RegionViewSet, basename="region")
router.register("reports", ReportViewSet, basename="report")

app_name = "api"
urlpatterns = router.urls + [
    path("sales/batches/", SalesBatchView.as_view(), name="sales-batches"),
]
