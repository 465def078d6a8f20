"""The reports endpoints: the same rows as the pages, the open-data files and `manage.py report`."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.throttling import AnonRateThrottle

from films.filtersets import MAX_ID
from funding.api.serializers import AsOfSerializer, FundedVsReleasedSerializer

from . import market_view
from .api_base import CachedReadMixin
from .report_views import report_filters as _report_filters
from .reports import (
    box_office_by_year_report,
    delivery_report_rows,
    funded_vs_released_report,
    funding_by_year_report,
)
from .strict_query import API_PARAMS, BadQuery, unknown_parameters

ID = {"type": "integer", "minimum": 0, "maximum": MAX_ID}


REPORT_PARAMETERS = [
    OpenApiParameter("funder", str, description="Only this funder's grants: its organisation identifier "
                     "(e.g. KZ-BIN-190340001111), as on every page and file"),
    OpenApiParameter("funder_id", ID, description="Only this funder's grants (organisation id)"),
    OpenApiParameter("programme", str, description="Only this programme's grants (its exact title)"),
    OpenApiParameter("programme_id", ID, description="Only this programme's grants (programme id)"),
]


def report_filters(request) -> dict:
    """The report's funder and programme ids; 400 for an unknown parameter or a value naming nothing."""
    try:
        return _report_filters(request.query_params, extra=API_PARAMS)[0]
    except BadQuery as exc:
        raise ValidationError(exc.errors) from None


def no_filters(request) -> None:
    errors = unknown_parameters(request.query_params, API_PARAMS)
    if errors:
        raise ValidationError(errors)


class ReportViewSet(CachedReadMixin, viewsets.ViewSet):
    """Aggregate reports, each with the "as of" moment of its figures."""

    permission_classes = []
    authentication_classes = []
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        parameters=REPORT_PARAMETERS,
        responses=FundedVsReleasedSerializer,
    )
    @action(detail=False, url_path="funded-vs-released")
    def funded_vs_released(self, request, format=None):  # noqa: A002 - DRF passes the format suffix by name
        """Funded vs released by cohort year: the rows `manage.py report funded-vs-released --format json`
        prints, total last."""
        filters = report_filters(request)
        return self.cached(request, lambda: funded_vs_released_report(**filters).as_json())

    @extend_schema(
        parameters=REPORT_PARAMETERS,
        responses=inline_serializer(
            "Delivery",
            {
                "as_of": AsOfSerializer(),
                "rows": inline_serializer(
                    "DeliveryRow",
                    {
                        "film_code": serializers.CharField(),
                        "title": serializers.CharField(),
                        "status": serializers.CharField(),
                        "status_since": serializers.DateField(allow_null=True),
                        "planned_release": serializers.DateField(allow_null=True),
                        "release_date": serializers.DateField(allow_null=True),
                        "days_overdue": serializers.IntegerField(allow_null=True),
                        "days_late": serializers.IntegerField(allow_null=True),
                        "stalled": serializers.BooleanField(),
                        **{name: serializers.CharField(allow_null=True) for name in
                           ("awarded", "disbursed", "repayable", "repaid", "outstanding", "repayment_overdue")},
                    },
                    many=True,
                ),
            },
        ),
    )
    @action(detail=False, url_path="delivery")
    def delivery(self, request, format=None):  # noqa: A002
        """What became of each funded film, most overdue first: the rows `manage.py report delivery
        --format json` prints."""
        filters = report_filters(request)
        return self.cached(request, lambda: delivery_report_rows(**filters).as_json())

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
        no_filters(request)
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
        no_filters(request)
        return self.cached(request, lambda: box_office_by_year_report().as_json())

    @extend_schema(
        parameters=[
            OpenApiParameter("period", {"type": "string", "enum": list(market_view.PERIODS)}, required=True,
                             description="day, ISO week (Monday–Sunday) or calendar year"),
            OpenApiParameter("date", {"type": "string", "format": "date"},
                             description="A day of the period (default: the last day with figures)"),
            OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                             description="Only the first N films"),
            OpenApiParameter("region", {"type": "string", "enum": market_view.REGION_CODES},
                             description="Only this region's cinemas (a region code)"),
        ],
        responses=market_view.CHART_SCHEMA,
    )
    @action(detail=False, url_path="chart")
    def chart(self, request, format=None):  # noqa: A002
        """The box-office chart of metrics.md: the rows `manage.py report chart --format json` prints."""
        params = market_view.chart_params(request.query_params, api=True)
        return self.cached(request, lambda: market_view.chart_json(*params))

    @extend_schema(
        parameters=[
            OpenApiParameter("by", {"type": "string", "enum": list(market_view.DIMENSIONS)}, required=True),
            OpenApiParameter("year", {"type": "integer", "minimum": 1, "maximum": 9999},
                             description="Calendar year (default: the last year with figures)"),
        ],
        responses=market_view.MARKET_SCHEMA,
    )
    @action(detail=False, url_path="market")
    def market(self, request, format=None):  # noqa: A002
        """The market breakdown of metrics.md for one year, with the same breakdown for every year (trend)."""
        by, year = market_view.market_params(request.query_params, api=True)
        return self.cached(request, lambda: market_view.market_json(by, year))
