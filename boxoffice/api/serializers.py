"""Public representations of cinemas and regions with their box office (aggregates only, never tickets)."""

from rest_framework import serializers

from films.api.serializers import RegionSerializer

from ..models import Cinema

MONEY = {"max_digits": 20, "decimal_places": 2, "read_only": True}


class CinemaSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    screens = serializers.IntegerField(source="screens_count", read_only=True)
    seats = serializers.IntegerField(read_only=True, allow_null=True)
    gross = serializers.DecimalField(**MONEY)
    admissions = serializers.IntegerField(read_only=True)

    class Meta:
        model = Cinema
        fields = [
            "code",
            "name",
            "region",
            "city",
            "chain",
            "connected_since",
            "screens",
            "seats",
            "gross",
            "admissions",
        ]


class RegionBoxOfficeSerializer(RegionSerializer):
    cinemas = serializers.IntegerField(source="cinemas_count", read_only=True)
    gross = serializers.DecimalField(**MONEY)
    admissions = serializers.IntegerField(read_only=True)

    class Meta(RegionSerializer.Meta):
        fields = [*RegionSerializer.Meta.fields, "cinemas", "gross", "admissions"]
