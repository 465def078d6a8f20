"""One FilterSet per funding model, shared by the public pages and the API. Querysets come in already
restricted to what the public may see (published grants); these only narrow them."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from films.filtersets import MAX_ID, CodeFilter, IdFilter, SortFilter, StrictCodeField, YearFilter, public_funders

from .models import FilmMetrics, Grant, Programme


class GrantFilterSet(django_filters.FilterSet):
    """Grants by funder, programme, recipient, film, currency and award year; ordered by date or amount."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search: grant, recipient or film"))
    funder = CodeFilter(
        field_name="funder", to_field_name="identifier", queryset=public_funders, label=_("Funder")
    )
    funder_id = IdFilter(field_name="funder_id", label=_("Funder (id)"))
    programme_id = IdFilter(field_name="programme_id", label=_("Programme (id)"))
    recipient = django_filters.CharFilter(field_name="recipient__identifier", label=_("Recipient identifier"))
    recipient_id = IdFilter(field_name="recipient_id", label=_("Recipient (id)"))
    film = django_filters.CharFilter(field_name="film__code", label=_("Film code"))
    film_id = IdFilter(field_name="film_id", label=_("Film (id)"))
    currency = django_filters.CharFilter(field_name="currency", lookup_expr="iexact", label=_("Currency"))
    award_year = YearFilter(field_name="award_date", lookup_expr="year", label=_("Award year"))
    programme = django_filters.CharFilter(field_name="programme__title", lookup_expr="iexact",
                                          label=_("Programme title"))
    sort = SortFilter(
        fields=(
            ("award_date", "award_date"),
            ("amount_awarded", "amount"),
            ("identifier", "identifier"),
            ("recipient__name", "recipient"),
            ("funder__identifier", "funder"),
            ("programme__title", "programme"),
            ("film__code", "film"),
            ("disbursed_total", "disbursed"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Grant
        fields = [
            "q",
            "funder",
            "funder_id",
            "programme_id",
            "programme",
            "recipient",
            "recipient_id",
            "film",
            "film_id",
            "currency",
            "award_year",
        ]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(identifier__icontains=value)
            | Q(title__icontains=value)
            | Q(recipient__name__icontains=value)
            | Q(recipient__identifier__icontains=value)
            | Q(film__code__icontains=value)
            | Q(film__title__icontains=value)
            | Q(film_title__icontains=value)
        )


class ProgrammeFilterSet(django_filters.FilterSet):
    """Programmes by funder and title."""

    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Title"))
    funder = CodeFilter(
        field_name="funder", to_field_name="identifier", queryset=public_funders, label=_("Funder")
    )
    funder_id = IdFilter(field_name="funder_id", label=_("Funder (id)"))
    sort = SortFilter(
        fields=(("title", "title"), ("funder__identifier", "funder"), ("awarded_total", "awarded")),
        label=_("Sort by"),
    )

    class Meta:
        model = Programme
        fields = ["q", "funder", "funder_id"]


class FilmMetricsFilterSet(django_filters.FilterSet):
    """Stored per-film figures by film and cohort year; ordered by any figure."""

    film = django_filters.CharFilter(field_name="film__code", label=_("Film code"))
    cohort_year = YearFilter(field_name="cohort_year", label=_("Cohort year"))
    sort = SortFilter(
        fields=(
            ("film__code", "film"),
            ("gross", "gross"),
            ("awarded_kzt", "awarded"),
            ("admissions", "admissions"),
            ("return_on_funding", "return_on_funding"),
        )
    )

    class Meta:
        model = FilmMetrics
        fields = ["film", "cohort_year"]


class ReportFilterForm(forms.Form):
    """The filters of every public report (funded-vs-released, delivery): a funder by its identifier or id,
    a programme by its title or id. A value that names nothing is an error, never "no filter"."""

    funder = StrictCodeField(queryset=public_funders(), to_field_name="identifier", required=False,
                             label=_("Funder"), empty_label=_("All funders"))
    funder_id = forms.IntegerField(min_value=0, max_value=MAX_ID, required=False, label=_("Funder (id)"))
    programme = forms.CharField(required=False, max_length=300, label=_("Programme title"))
    programme_id = forms.IntegerField(min_value=0, max_value=MAX_ID, required=False, label=_("Programme (id)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = public_funders()
        self.fields["funder"].label_from_instance = lambda o: f"{o.name} ({o.identifier})"

    def programme_choices(self):
        """Programmes with published grants, for the page's dropdown (value: the programme's id)."""
        return Programme.objects.filter(pk__in=Grant.objects.published().values("programme_id")).select_related(
            "funder").order_by("title", "pk")

    def clean_funder_id(self):
        value = self.cleaned_data["funder_id"]
        if value is not None and not public_funders().filter(pk=value).exists():
            raise forms.ValidationError(_("No funder has id %(id)s.") % {"id": value})
        return value

    def clean_programme(self):
        value = self.cleaned_data["programme"]
        if "\x00" in value:
            raise forms.ValidationError("Null characters are not allowed.")
        return value.strip()

    def clean(self):
        data = super().clean()
        funder = data.get("funder")
        funder_id = data.get("funder_id")
        if funder is not None and funder_id is not None and funder.pk != funder_id:
            raise forms.ValidationError(_("funder and funder_id name different funders."))
        funder_id = funder.pk if funder is not None else funder_id
        programmes = Programme.objects.filter(pk__in=Grant.objects.published().values("programme_id"))
        if funder_id is not None:
            programmes = programmes.filter(funder_id=funder_id)
        programme_id = data.get("programme_id")
        if programme_id is not None and not programmes.filter(pk=programme_id).exists():
            self.add_error("programme_id", _("No programme has id %(id)s (of this funder).") % {"id": programme_id})
        title = data.get("programme")
        if title:
            matches = list(programmes.filter(title__iexact=title).values_list("pk", flat=True))
            if not matches:
                self.add_error("programme", _("No programme is titled “%(title)s”.") % {"title": title})
            elif len(matches) > 1:
                self.add_error("programme", _("%(n)s programmes are titled “%(title)s”; choose the funder too.")
                               % {"n": len(matches), "title": title})
            elif programme_id is not None and matches[0] != programme_id:
                self.add_error("programme", _("programme and programme_id name different programmes."))
            else:
                programme_id = matches[0]
        data["resolved"] = {"funder_id": funder_id, "programme_id": programme_id}
        return data


# --- the staff workspace (issue 10) ------------------------------------------------------------------------


class StaffGrantFilterSet(django_filters.FilterSet):
    """The workspace's grant list: every grant (pending and unpublished ones too), by state and free text."""

    STATES = (("pending", _("awaiting approval")), ("unlinked", _("naming no registered film")),
              ("unpublished", _("not yet public")))
    state = django_filters.ChoiceFilter(choices=STATES, method="filter_state", label=_("State"))
    q = django_filters.CharFilter(method="filter_q", label=_("Grant, title, film or recipient"))

    class Meta:
        model = Grant
        fields = ["state", "q"]

    def filter_state(self, queryset, name, value):
        from .choices import ChangeStatus

        if value == "pending":
            return queryset.filter(pk__in=Grant.objects.filter(changes__status=ChangeStatus.PENDING).values("pk"))
        if value == "unlinked":
            return queryset.filter(film__isnull=True)
        return queryset.filter(published=False)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(identifier__icontains=value) | Q(title__icontains=value)
                               | Q(film__code__icontains=value) | Q(film_code__icontains=value)
                               | Q(recipient__name__icontains=value))


def report_filterset(filters, data):
    """The filters of one auditor report (staff.auditor.Filter: a name, a label, its choices) as a FilterSet
    over the data the request gives: a parameter the report has no filter for, or a value that is not one of a
    filter's choices (a funder id that funds nothing, a cohort year with no films), is refused by
    config/strict_query.validated instead of being ignored. The report's builder narrows its rows by the
    cleaned values (rows come from several models, so the filters do not narrow one queryset here)."""
    attrs = {f.name: django_filters.ChoiceFilter(choices=f.choices, label=f.label, method="_by_builder")
             for f in filters}
    attrs["_by_builder"] = lambda self, queryset, name, value: queryset
    filterset = type("ReportFilterSet", (django_filters.FilterSet,), attrs)
    return filterset(data, queryset=Grant.objects.none())
