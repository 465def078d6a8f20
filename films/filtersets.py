"""One FilterSet per model, shared by the public HTML lists and the API (NetBox habit).

Filters that reach into grants go through the reverse relation by name (`grants__…`) so that films stays
at the bottom of the dependency graph, and always together with `grants__published=True`: filtering by a
pending grant's funder would otherwise reveal that the grant exists.
"""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .choices import Door, FilmKind, FilmStatus
from .models import AuditEvent, Country, Film, Genre, Language, Organisation, Region

MAX_ID = 2**63 - 1  # the largest key a database column holds; larger ones would overflow in SQL


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A whole-number filter: `?funder_id=1.5` is a 400, not a silent match on nothing."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.update(min_value=0, max_value=MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})
class YearFilter(django_filters.NumberFilter):
    """A calendar year; out-of-range years are a 400 (year 0 cannot even be turned into a date)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.update(min_value=1, max_value=9999)
        super().__init__(*args, **kwargs)


class StrictCodeField(forms.ModelChoiceField):
    """A code that names no record is a 400 with a message, never a silent empty or unfiltered list: a
    reader who typed a funder's identifier wrong must be told, not shown that it funded nothing."""

    default_error_messages = {
        "invalid_choice": _("“%(value)s” names nothing in the register. Choose one from the list."),
    }

    def to_python(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise forms.ValidationError("Null characters are not allowed.", code="null_characters_not_allowed")
        return super().to_python(value)


class SortFilter(django_filters.OrderingFilter):
    """`?sort=key` or `?sort=-key` (descending), a 400 for any other key; ties broken by id, so pages of a
    sorted list neither repeat nor skip rows."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk") if value else qs


def contains_any(queryset, value: str, fields: list[str]):
    """Free-text search: rows where any of the fields contains the words as typed (any language's title)."""
    value = value.strip()
    if not value:
        return queryset
    match = Q()
    for field in fields:
        match |= Q(**{f"{field}__icontains": value})
    return queryset.filter(match)


@extend_schema_field(OpenApiTypes.STR)
class CodeFilter(django_filters.ModelChoiceFilter):
    """Choose a related record by its code: a dropdown on the pages, a plain string in the API."""

    field_class = StrictCodeField


def public_funders(request=None):
    """Organisations that made a published grant (django-filter calls this with the request)."""
    return Organisation.objects.filter(grants_made__published=True).distinct().order_by("name")


class FilmFilterSet(django_filters.FilterSet):
    """Films by title, year, status, genre, language, country, funder and region where they played."""

    q = django_filters.CharFilter(method="filter_q", label=_("Title or code"))
    year = YearFilter(field_name="year", label=_("Production year"))
    status = django_filters.ChoiceFilter(choices=FilmStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=FilmKind.choices, label=_("Kind"))
    genre = CodeFilter(
        field_name="genres", to_field_name="code", queryset=Genre.objects.all(), label=_("Genre")
    )
    language = CodeFilter(
        field_name="languages", to_field_name="code", queryset=Language.objects.all(), label=_("Language")
    )
    country = CodeFilter(
        field_name="countries", to_field_name="code", queryset=Country.objects.all(), label=_("Country")
    )
    funder = CodeFilter(
        method="filter_funder", to_field_name="identifier", queryset=public_funders, label=_("Funder")
    )
    funder_id = IdFilter(method="filter_funder_id", label=_("Funder (id)"))
    region = CodeFilter(
        method="filter_region",
        to_field_name="code",
        queryset=Region.objects.all(),
        label=_("Region shown in"),
    )
    region_id = IdFilter(method="filter_region_id", label=_("Region (id)"))
    cohort_year = YearFilter(field_name="metrics__cohort_year", label=_("Cohort year"))
    ids = django_filters.CharFilter(
        method="filter_ids",
        label=_("Film ids"),
        validators=[
            RegexValidator(r"^\d{1,18}(,\d{1,18})*$", _("Film ids are whole numbers separated by commas."))
        ],
    )
    sort = SortFilter(
        fields=(
            ("code", "code"),
            ("year", "year"),
            ("release_date", "release_date"),
            ("metrics__awarded_kzt", "awarded"),
            ("metrics__gross", "gross"),
            ("metrics__admissions", "admissions"),
            ("metrics__return_on_funding", "return_on_funding"),
        ),
        label=_("Order by"),
    )

    class Meta:
        model = Film
        fields = [
            "q",
            "year",
            "status",
            "kind",
            "genre",
            "language",
            "country",
            "funder",
            "funder_id",
            "region",
            "region_id",
            "cohort_year",
        ]

    def filter_q(self, queryset, name, value):
        return contains_any(queryset, value, ["code", "title", "title_en", "title_ru", "title_kk"])

    def filter_ids(self, queryset, name, value):
        """Comma-separated ids, as the funded-vs-released report links to the films of one cell."""
        return queryset.filter(pk__in=[int(i) for i in value.split(",")])

    def _by_funder(self, queryset, **lookup):
        funded = Film.objects.filter(grants__published=True, **lookup).values("pk")
        return queryset.filter(pk__in=funded)

    def filter_funder(self, queryset, name, value):
        return self._by_funder(queryset, grants__funder=value) if value else queryset

    def filter_funder_id(self, queryset, name, value):
        return self._by_funder(queryset, grants__funder_id=value) if value is not None else queryset

    def _by_region(self, queryset, **lookup):
        # Films with accepted sales in the region's cinemas, read from the daily summaries, not tickets.
        shown = Film.objects.filter(**lookup).values("pk")
        return queryset.filter(pk__in=shown)

    def filter_region(self, queryset, name, value):
        return self._by_region(queryset, daily_sales__cinema__region=value) if value else queryset

    def filter_region_id(self, queryset, name, value):
        return (
            self._by_region(queryset, daily_sales__cinema__region_id=value) if value is not None else queryset
        )


class OrganisationFilterSet(django_filters.FilterSet):
    """Organisations by name or identifier, and by their role in the money trail."""

    ROLES = (("funder", _("Funder")), ("recipient", _("Grant recipient")), ("producer", _("Producer")))
    q = django_filters.CharFilter(method="filter_q", label=_("Name or identifier"))
    role = django_filters.ChoiceFilter(choices=ROLES, method="filter_role", label=_("Role"))
    # received_kzt / awarded_kzt are annotated by the public selectors (funding.selectors).
    sort = SortFilter(
        fields=(("name", "name"), ("identifier", "identifier"), ("received_kzt", "received"),
                ("awarded_kzt", "awarded")),
        label=_("Sort by"),
    )

    class Meta:
        model = Organisation
        fields = ["q", "role"]

    def filter_q(self, queryset, name, value):
        # Names and identifiers an organisation had before a merge still find it.
        # Through a subquery, so the join on aliases cannot multiply the amounts annotated on the rows.
        fields = ["name", "identifier", "aliases__name", "aliases__identifier"]
        if not value.strip():
            return queryset
        return queryset.filter(pk__in=contains_any(Organisation.objects.all(), value, fields).values("pk"))

    def filter_role(self, queryset, name, value):
        lookups = {
            "funder": Q(grants_made__published=True),
            "recipient": Q(grants_received__published=True),
            "producer": Q(films__isnull=False),
        }
        return queryset.filter(pk__in=Organisation.objects.filter(lookups[value]).values("pk"))


class RegionFilterSet(django_filters.FilterSet):
    """Regions by code or name in any of the three languages."""

    q = django_filters.CharFilter(method="filter_q", label=_("Name or code"))
    # cinemas_count / gross / admissions are annotated by boxoffice.selectors.public_regions.
    sort = SortFilter(
        fields=(("code", "code"), ("name_en", "name"), ("cinemas_count", "cinemas"), ("gross", "gross"),
                ("admissions", "admissions")),
        label=_("Sort by"),
    )

    class Meta:
        model = Region
        fields = ["q", "code"]

    def filter_q(self, queryset, name, value):
        return contains_any(queryset, value, ["code", "name_en", "name_ru", "name_kk"])


# --- the staff workspace (issue 10): its lists and the audit trail filter through FilterSets too, so that a
# parameter they do not read, or a value they cannot, is a 400 (config/strict_query.validated), never ignored.


class StaffFilmFilterSet(django_filters.FilterSet):
    """The workspace's film list: by code, any title or the producer's name; by status."""

    q = django_filters.CharFilter(method="filter_q", label=_("Code, title or producer"))
    status = django_filters.ChoiceFilter(choices=FilmStatus.choices, label=_("Status"))

    class Meta:
        model = Film
        fields = ["q", "status"]

    def filter_q(self, queryset, name, value):
        return contains_any(queryset, value, ["code", "title", "title_en", "title_ru", "title_kk", "producer__name"])


class StaffOrganisationFilterSet(django_filters.FilterSet):
    """The workspace's register of organisations: by name or identifier, former ones (aliases) included."""

    q = django_filters.CharFilter(method="filter_q", label=_("Name or identifier"))

    class Meta:
        model = Organisation
        fields = ["q"]

    def filter_q(self, queryset, name, value):
        if not value.strip():
            return queryset
        fields = ["name", "identifier", "aliases__name", "aliases__identifier"]
        return queryset.filter(pk__in=contains_any(Organisation.objects.all(), value, fields).values("pk"))


def _audit_object_types(request=None):
    return [(t, t) for t in AuditEvent.objects.values_list("object_type", flat=True).distinct().order_by("object_type")]


def _audit_actions(request=None):
    return [(a, a) for a in AuditEvent.objects.values_list("action", flat=True).distinct().order_by("action")]


class AuditEventFilterSet(django_filters.FilterSet):
    """The audit trail (its page and its CSV/XLSX): by kind of record, action, door, who, which record, when."""

    object_type = django_filters.ChoiceFilter(choices=_audit_object_types, label=_("Record type"))
    action = django_filters.ChoiceFilter(choices=_audit_actions, label=_("Action"))
    door = django_filters.ChoiceFilter(choices=Door.choices, label=_("Door"))
    actor = django_filters.CharFilter(method="filter_actor", label=_("Who"))
    q = django_filters.CharFilter(method="filter_q", label=_("Record id or name"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AuditEvent
        fields = ["object_type", "action", "door", "actor", "q", "since", "until"]

    def filter_actor(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(actor__username__icontains=value) | Q(actor_label__icontains=value)) if value \
            else queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(object_id=value) | Q(object_repr__icontains=value)) if value else queryset


# --- refusing what a filter cannot read (config/strict_query.py names these for the public site) ----------

# Parameters every page or file may carry besides its filters.
PAGE_PARAMS = frozenset({"page"})


class BadQuery(Exception):
    """A query the page cannot answer as asked: {parameter: [messages]}. config/strict_query.BadQueryMiddleware
    answers it with the site's 400 page (or plain text for a file)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = {name: [str(m) for m in messages] for name, messages in errors.items()}

    def lines(self) -> list[str]:
        return [f"{name}: {message}" for name, messages in self.errors.items() for message in messages]


def unknown_parameters(query, known) -> dict[str, list[str]]:
    """Every parameter name the page does not read, with a message naming the ones it does."""
    from django.utils.translation import gettext

    known = sorted(set(known))
    return {
        name: [gettext("This page has no filter “%(name)s”. It reads: %(known)s.")
               % {"name": name, "known": ", ".join(known) or "—"}]
        for name in query if name not in known
    }


def validated(filterset, *, extra=PAGE_PARAMS):
    """The filterset, once every parameter is one of its filters (or `extra`) and every value is valid."""
    errors = unknown_parameters(filterset.data, [*filterset.filters, *extra])
    if not filterset.is_valid():
        for name, messages in filterset.errors.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise BadQuery(errors)
    return filterset
