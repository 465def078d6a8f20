"""The reports endpoints: the same rows as the pages, the open-data files and `manage.py report`."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.throttling import AnonRateThrottle

from config.public_api import CachedReadMixin, strict_int
from films.filtersets import MAX_ID
from funding.api.serializers import AsOfSerializer, FundedVsReleasedSerializer

from .reports import box_office_by_year_report, funded_vs_released_report, funding_by_year_report

ID = {"type": "integer", "minimum": 0, "maximum": MAX_ID}


def _id(request, name):
    return strict_int(request, name)


class ReportViewSet(CachedReadMixin, viewsets.ViewSet):
    """Aggregate reports, each with the "as of" moment of its figures."""

    permission_classes = []
    authentication_classes = []
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("funder", ID, description="Only this funder's grants (organisation id)"),
            OpenApiParameter("programme", ID, description="Only this programme's grants"),
        ],
        responses=FundedVsReleasedSerializer,
    )
    @action(detail=False, url_path="funded-vs-released")
    def funded_vs_released(self, request, format=None):  # noqa: A002 - DRF passes the format suffix by name
        """Funded vs released by cohort year: the rows `manage.py report funded-vs-released --format json`
        prints, total last."""
        return self.cached(
            request,
            lambda: funded_vs_released_report(
                funder_id=_id(request, "funder"), programme_id=_id(request, "programme")
            ).as_json(),
        )

    @extend_schema(
        responses=inline_serializer(
            "FundingByYear",
            {
                "as_of": AsOfSerializer(),
                "rows": inline_serializer(
                    "FundingByYearRow",
                    {
                        "year": serializers.IntegerField(),
                        "currency": serializers.CharField(),
                        "grants": serializers.IntegerField(),
                        "awarded": serializers.CharField(),
                    },
                    many=True,
                ),
            },
        )
    )
    @action(detail=False, url_path="funding-by-year")
    def funding_by_year(self, request, format=None):  # noqa: A002
        """Published grants per award year and currency."""
        return self.cached(request, lambda: funding_by_year_report().as_json())

    @extend_schema(
        responses=inline_serializer(
            "BoxOfficeByYear",
            {
                "as_of": AsOfSerializer(),
                "rows": inline_serializer(
                    "BoxOfficeByYearRow",
                    {
                        "year": serializers.IntegerField(),
                        "films": serializers.IntegerField(),
                        "admissions": serializers.IntegerField(),
                        "gross": serializers.CharField(),
                        "domestic_gross": serializers.CharField(),
                        "foreign_gross": serializers.CharField(),
                        "domestic_share": serializers.FloatField(allow_null=True),
                    },
                    many=True,
                ),
            },
        )
    )
    @action(detail=False, url_path="box-office-by-year")
    def box_office_by_year(self, request, format=None):  # noqa: A002
        """Gross and admissions per year, domestic (Kazakhstan first of origin) vs foreign."""
        return self.cached(request, lambda: box_office_by_year_report().as_json())
