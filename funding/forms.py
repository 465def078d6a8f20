"""Staff forms for grants: they gather a 360Giving grant, which import's own validation then checks."""

from __future__ import annotations

from django import forms
from django.conf import settings

from films.importing import RowError
from films.models import Film

from .choices import DisbursementKind
from .models import Grant
from .services import clean_grant, csv_row_to_360, latest_version

# Form field -> the 360Giving flattened CSV column it stands for (registers.md), so the page builds the
# same grant an uploaded CSV row would, and approval later re-validates it with clean_grant.
COLUMN_OF = {
    "identifier": "identifier",
    "title": "title",
    "description": "description",
    "currency": "currency",
    "amount_awarded": "amount awarded",
    "award_date": "award date",
    "recipient_id": "recipient org:identifier",
    "recipient_name": "recipient org:name",
    "funder_id": "funding org:identifier",
    "funder_name": "funding org:name",
    "programme": "grant programme:title",
    "planned_start": "planned dates:start date",
    "planned_end": "planned dates:end date",
    "film_code": "film project:code",
}
# Parts of a grant the form owns: on an edit they are replaced, everything else the publisher gave (and the
# disbursements, proposed on their own form) is kept.
FORM_OWNED = [
    "title",
    "description",
    "currency",
    "amountAwarded",
    "awardDate",
    "recipientOrganization",
    "fundingOrganization",
    "grantProgramme",
    "plannedDates",
    "filmProject",
]


def _date():
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class GrantForm(forms.Form):
    identifier = forms.CharField(max_length=200, help_text="360Giving id, e.g. 360G-KZ-SCSNC-00123")
    title = forms.CharField(max_length=500)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    currency = forms.CharField(max_length=3, initial=settings.HOME_CURRENCY, help_text="ISO 4217")
    amount_awarded = forms.DecimalField(max_digits=20, decimal_places=2, min_value=0)
    award_date = _date()
    recipient_name = forms.CharField(max_length=300, label="Recipient organisation")
    recipient_id = forms.CharField(max_length=100, label="Recipient identifier", help_text="e.g. KZ-BIN-…")
    funder_name = forms.CharField(max_length=300, label="Funder")
    funder_id = forms.CharField(max_length=100, label="Funder identifier")
    programme = forms.CharField(max_length=300, required=False, label="Grant programme")
    planned_start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    planned_end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    film_code = forms.CharField(
        max_length=32,
        required=False,
        label="Film code",
        help_text="Leave empty if the film is not registered yet: the grant stays unlinked",
    )

    def __init__(self, *args, grant: Grant | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.grant = grant
        if grant is not None:
            self.fields["identifier"].disabled = True

    @staticmethod
    def initial_for(grant: Grant) -> dict:
        """The form filled with the grant's latest version: a pending proposal's values, if there is one,
        since the new proposal replaces it."""
        d = clean_grant(latest_version(grant))
        recipient, funder, programme = d["recipient"] or {}, d["funder"], d["programme"] or {}
        return {
            "identifier": d["identifier"],
            "title": d["title"],
            "description": d["description"],
            "currency": d["currency"],
            "amount_awarded": d["amount_awarded"],
            "award_date": d["award_date"],
            "recipient_name": recipient.get("name", ""),
            "recipient_id": recipient.get("id", ""),
            "funder_name": funder.get("name", ""),
            "funder_id": funder.get("id", ""),
            "programme": programme.get("title", ""),
            "planned_start": d["planned_start"],
            "planned_end": d["planned_end"],
            "film_code": d["film_code"],
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        row = {
            COLUMN_OF[k]: (
                "" if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v).strip())
            )
            for k, v in cleaned.items()
        }
        try:
            proposed = csv_row_to_360(row)
            if self.grant is not None:
                base = {k: v for k, v in latest_version(self.grant).items() if k not in FORM_OWNED}
                proposed = {**base, **proposed}
            cleaned["data"] = clean_grant(proposed)
        except RowError as exc:
            self.add_error(None, f"{exc.field}: {exc.reason}")
        return cleaned


class DisbursementForm(forms.Form):
    kind = forms.ChoiceField(choices=DisbursementKind.choices, initial=DisbursementKind.DISBURSEMENT)
    amount = forms.DecimalField(
        max_digits=20,
        decimal_places=2,
        min_value=0.01,
        help_text="In the grant's currency; exact to the tiyn",
    )
    date = _date()
    note = forms.CharField(max_length=500, required=False)


class LinkForm(forms.Form):
    film_code = forms.CharField(max_length=32, label="Film code")

    def clean_film_code(self):
        code = self.cleaned_data["film_code"].strip()
        film = Film.objects.filter(code=code).first()
        if film is None:
            raise forms.ValidationError(f"No film with code {code} is registered; register it first.")
        self.film = film
        return code


class ReviewForm(forms.Form):
    note = forms.CharField(max_length=500, required=False, label="Note (for a rejection, say why)")


class UploadForm(forms.Form):
    file = forms.FileField(help_text="CSV (UTF-8, , or ;) or, for grants, a 360Giving JSON package")
