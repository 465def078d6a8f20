"""Staff forms for films, status changes and organisations. They gather a register row; the services'
own parsers validate it, so a page accepts exactly what an upload would."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from films.choices import FilmKind, FilmStatus
from films.importing import RowError
from films.models import Organisation
from films.services import parse_film_row

# The form's fields are the films.csv columns (registers.md), so the page and the file speak alike.
LIST_HELP = _("separate several with |, e.g. drama|history")


class RegisterRowForm(forms.Form):
    """A staff form for one row of a register: its values are checked by the same parser as the bulk file,
    so a record entered by hand and one loaded from a spreadsheet obey one set of rules."""

    @staticmethod
    def parse_row(row: dict[str, str]) -> dict:  # pragma: no cover - every subclass names its parser
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        row = {
            k: ("" if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v).strip()))
            for k, v in cleaned.items()
        }
        # Every error at once, not one per round trip: a field the parser refuses is blanked and the row
        # parsed again, until it parses or a field fails a second time (a required one, now empty).
        refused: set[str] = set()
        for _attempt in range(len(row) + 1):
            try:
                cleaned["data"] = self.parse_row(row)
                break
            except RowError as exc:
                if exc.field in refused:
                    break
                self.add_error(exc.field if exc.field in self.fields else None, exc.reason)
                if exc.field not in row:
                    break
                refused.add(exc.field)
                row[exc.field] = ""
        return cleaned


class FilmForm(RegisterRowForm):
    parse_row = staticmethod(parse_film_row)
    film_code = forms.CharField(
        max_length=32, label=_("Film code"), help_text=_("Distribution certificate or the funder's project number")
    )
    title = forms.CharField(max_length=300, label=_("Title"), help_text=_("In its original language"))
    title_kk = forms.CharField(max_length=300, required=False, label=_("Title (Kazakh)"))
    title_ru = forms.CharField(max_length=300, required=False, label=_("Title (Russian)"))
    title_en = forms.CharField(max_length=300, required=False, label=_("Title (English)"))
    year = forms.CharField(max_length=4, required=False, label=_("Production year"))
    kind = forms.ChoiceField(choices=FilmKind.choices, initial=FilmKind.FEATURE, label=_("Kind"))
    genres = forms.CharField(required=False, label=_("Genres"), help_text=LIST_HELP)
    languages = forms.CharField(
        required=False, label=_("Languages"), help_text=_("ISO 639-1 codes, separate several with |, e.g. kk|ru")
    )
    countries = forms.CharField(
        required=False, label=_("Countries"), help_text=_("ISO 3166-1 alpha-2, KZ first for a domestic film")
    )
    producer = forms.CharField(max_length=300, required=False, label=_("Producer"))
    producer_id = forms.CharField(
        max_length=100,
        required=False,
        label=_("Producer identifier"),
        help_text=_("org-id.guide style, e.g. KZ-BIN-…"),
    )
    status = forms.ChoiceField(choices=FilmStatus.choices, initial=FilmStatus.ANNOUNCED, label=_("Status"))
    planned_release = forms.DateField(
        required=False, label=_("Planned release"), widget=forms.DateInput(attrs={"type": "date"})
    )
    release_date = forms.DateField(
        required=False,
        label=_("Release date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("First commercial screening"),
    )
    status_since = forms.DateField(
        required=False,
        label=_("In this status since"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the film entered its status; empty = today for a new film"),
    )

    def __init__(self, *args, film=None, **kwargs):
        super().__init__(*args, **kwargs)
        if film is not None:
            self.fields["film_code"].disabled = True
            self.fields["status"].help_text = _("Change the status below, with its date and reason.")
            self.fields["status"].disabled = True

    @classmethod
    def initial_for(cls, film) -> dict:
        return {
            "film_code": film.code,
            "title": film.title,
            "title_kk": film.title_kk,
            "title_ru": film.title_ru,
            "title_en": film.title_en,
            "year": film.year or "",
            "kind": film.kind,
            "genres": "|".join(g.code for g in film.genres.all()),
            "languages": "|".join(x.code for x in film.languages.all()),
            "countries": film.country_codes,
            "producer": film.producer.name if film.producer else "",
            "producer_id": (film.producer.identifier or "") if film.producer else "",
            "status": film.status,
            "planned_release": film.planned_release,
            "release_date": film.release_date,
            "status_since": latest.changed_on if (latest := film.status_changes.order_by("changed_on", "id").last())
            else None,
        }



class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(choices=FilmStatus.choices, label=_("Status"))
    changed_on = forms.DateField(
        initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}), label=_("Date of the change")
    )
    reason = forms.CharField(
        max_length=500, label=_("Reason"), help_text=_("Why: e.g. shooting finished, funding withdrawn")
    )

    def clean_changed_on(self):
        day = self.cleaned_data["changed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A status change cannot be dated in the future."))
        return day


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Merge this record into"),
        help_text=_("The record that stays; this one's name and identifier become its aliases"),
    )

    def __init__(self, *args, merge: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = (
            Organisation.objects.filter(merged_into__isnull=True).exclude(pk=merge.pk).order_by("name")
        )
