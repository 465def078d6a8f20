"""Public representations of the films register. Never the audit trail or who recorded a change."""

from rest_framework import serializers

from ..models import Film, FilmStatusChange, Organisation, Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name_kk", "name_ru", "name_en"]


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "identifier", "name"]


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FilmStatusChange
        fields = ["changed_on", "previous_status", "status", "reason"]


class FilmSerializer(serializers.ModelSerializer):
    """A film as the register has it; `countries` keeps the register's order (the first decides domestic)."""

    genres = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    countries = serializers.SerializerMethodField()
    domestic = serializers.BooleanField(source="is_domestic", read_only=True)
    producer = OrganisationSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Film
        fields = [
            "code",
            "title",
            "title_kk",
            "title_ru",
            "title_en",
            "year",
            "kind",
            "status",
            "genres",
            "languages",
            "countries",
            "domestic",
            "producer",
            "planned_release",
            "release_date",
        ]

    def get_countries(self, obj) -> list[str]:
        return [c for c in obj.country_codes.split("|") if c]
