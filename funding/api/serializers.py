"""Public representations of grants, programmes, funders and the stored per-film figures (metrics.md)."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from films.api.serializers import FilmSerializer, OrganisationSerializer, StatusChangeSerializer

from ..models import Disbursement, FilmMetrics, Grant, Programme
from ..selectors import is_released, repayment_of, totals_by_currency

PER_CURRENCY = {
    "type": "object",
    "additionalProperties": {"type": "string", "format": "decimal"},
    "example": {"KZT": "150000000.00"},
}
REPORT_SOURCES = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"source": {"type": "string"}, "gross": {"type": "string", "format": "decimal"},
                       "rows": {"type": "integer"}},
    },
    "example": [{"source": "EAIS", "gross": "316842591.08", "rows": 1}],
}


class CurrencyTotalSerializer(serializers.Serializer):
    currency = serializers.CharField()
    grants = serializers.IntegerField()
    awarded = serializers.DecimalField(max_digits=20, decimal_places=2)


class FilmMetricsSerializer(serializers.ModelSerializer):
    """Every per-film figure with its "as of": last_sale_at (last sale included) and computed_at."""

    film = serializers.SlugRelatedField(slug_field="code", read_only=True)
    awarded = extend_schema_field(PER_CURRENCY)(serializers.JSONField(read_only=True))
    disbursed = extend_schema_field(PER_CURRENCY)(serializers.JSONField(read_only=True))
    home_currency = serializers.SerializerMethodField(
        help_text="ISO 4217 code of the deployment's home currency: gross, net and the ratios are in it")
    awarded_home = serializers.DecimalField(
        source="awarded_kzt", max_digits=20, decimal_places=2, read_only=True,
        help_text="Awarded in the home currency (the sum behind return on funding)")
    awarded_kzt = serializers.DecimalField(
        max_digits=20, decimal_places=2, read_only=True, required=False,
        help_text="Deprecated alias of awarded_home, given only where the home currency is KZT")
    report_sources = extend_schema_field(REPORT_SOURCES)(serializers.JSONField(read_only=True))

    class Meta:
        model = FilmMetrics
        fields = [
            "film",
            "awarded",
            "disbursed",
            "home_currency",
            "awarded_home",
            "awarded_kzt",
            "cohort_year",
            "gross",
            "admissions",
            "screenings",
            "exhibitor_share",
            "net_to_rights_holders",
            "return_on_funding",
            "net_return_on_funding",
            "funding_per_admission",
            # Provenance (box-office-reports.md): the part of gross and admissions from tickets and from
            # reports, the reports that speak, and whether a speaking report lacked admissions.
            "gross_from_tickets",
            "gross_from_reports",
            "admissions_from_tickets",
            "admissions_from_reports",
            "admissions_incomplete",
            "report_sources",
            "last_sale_at",
            "computed_at",
        ]

    def get_home_currency(self, obj) -> str:
        return settings.HOME_CURRENCY

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if settings.HOME_CURRENCY != "KZT":
            data.pop("awarded_kzt", None)  # the name would lie: it holds another currency there
        return data


class PublicFilmSerializer(FilmSerializer):
    """A film with whether it is released and its stored figures."""

    released = serializers.SerializerMethodField()
    metrics = serializers.SerializerMethodField()

    class Meta(FilmSerializer.Meta):
        fields = [*FilmSerializer.Meta.fields, "released", "metrics"]

    def _metrics(self, obj):
        return getattr(obj, "metrics", None) if hasattr(obj, "metrics") else None

    def get_released(self, obj) -> bool:
        return is_released(obj, self._metrics(obj))

    @extend_schema_field(FilmMetricsSerializer(allow_null=True))
    def get_metrics(self, obj):
        m = self._metrics(obj)
        return FilmMetricsSerializer(m).data if m is not None else None


class PublicFilmDetailSerializer(PublicFilmSerializer):
    status_history = StatusChangeSerializer(source="status_changes", many=True, read_only=True)

    class Meta(PublicFilmSerializer.Meta):
        fields = [*PublicFilmSerializer.Meta.fields, "status_history"]


class ProgrammeBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "title", "code"]


class DisbursementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Disbursement
        fields = ["identifier", "kind", "amount", "currency", "date"]


class RepaymentSerializer(serializers.Serializer):
    """Repayable support (360Giving extension `repayable`): what is to be paid back, what was, what is owed."""

    currency = serializers.CharField()
    repayable = serializers.DecimalField(max_digits=20, decimal_places=2)
    due_date = serializers.DateField(allow_null=True)
    repaid = serializers.DecimalField(max_digits=20, decimal_places=2, help_text="Sum of recoveries")
    outstanding = serializers.DecimalField(max_digits=20, decimal_places=2, help_text="max(repayable − repaid, 0)")
    overdue = serializers.DecimalField(max_digits=20, decimal_places=2,
                                       help_text="The outstanding amount once the due date has passed, else 0")


class GrantSerializer(serializers.ModelSerializer):
    """A published grant; `film` is the linked film's code, `film_code` what the source named."""

    repayment = serializers.SerializerMethodField()

    funder = OrganisationSerializer(read_only=True)
    recipient = OrganisationSerializer(read_only=True, allow_null=True)
    programme = ProgrammeBriefSerializer(read_only=True, allow_null=True)
    film = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    disbursements = DisbursementSerializer(many=True, read_only=True)

    class Meta:
        model = Grant
        fields = [
            "identifier",
            "title",
            "description",
            "currency",
            "amount_awarded",
            "amount_disbursed",
            "award_date",
            "planned_start",
            "planned_end",
            "funder",
            "recipient",
            "programme",
            "film",
            "film_code",
            "disbursements",
            "repayment",
        ]

    @extend_schema_field(RepaymentSerializer(allow_null=True))
    def get_repayment(self, obj):
        repayment = repayment_of(obj)
        return RepaymentSerializer(repayment).data if repayment is not None else None


class ProgrammeSerializer(serializers.ModelSerializer):
    funder = OrganisationSerializer(read_only=True, allow_null=True)
    totals = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = ["id", "title", "code", "funder", "totals"]

    @extend_schema_field(CurrencyTotalSerializer(many=True))
    def get_totals(self, obj):
        return CurrencyTotalSerializer(totals_by_currency(obj.grants.published()), many=True).data


class FunderSerializer(OrganisationSerializer):
    """A funder with what it awarded in published grants, one total per currency."""

    totals = serializers.SerializerMethodField()

    class Meta(OrganisationSerializer.Meta):
        fields = [*OrganisationSerializer.Meta.fields, "totals"]

    @extend_schema_field(CurrencyTotalSerializer(many=True))
    def get_totals(self, obj):
        return CurrencyTotalSerializer(totals_by_currency(obj.grants_made.published()), many=True).data


class RecipientTotalsSerializer(OrganisationSerializer):
    """An organisation with the published grants it received, one total per currency."""

    received = serializers.SerializerMethodField()

    class Meta(OrganisationSerializer.Meta):
        fields = [*OrganisationSerializer.Meta.fields, "received"]

    @extend_schema_field(CurrencyTotalSerializer(many=True))
    def get_received(self, obj):
        return CurrencyTotalSerializer(totals_by_currency(obj.grants_received.published()), many=True).data


# --- Reports: rows as the command prints them, with the "as of" beside them -----------------------------


class AsOfSerializer(serializers.Serializer):
    last_sale_at = serializers.DateTimeField(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)


class FundedVsReleasedRowSerializer(serializers.Serializer):
    year = extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["total"]}]})(
        serializers.JSONField(help_text="Cohort year, or 'total' on the last row")
    )
    films_funded = serializers.IntegerField()
    awarded = serializers.CharField()
    films_released = serializers.IntegerField()
    released_share = serializers.FloatField(allow_null=True)
    gross = serializers.CharField()
    return_on_funding = serializers.FloatField(allow_null=True)


class FundedVsReleasedSerializer(serializers.Serializer):
    as_of = AsOfSerializer()
    rows = FundedVsReleasedRowSerializer(many=True)
