"""Staff forms for grants: they gather a 360Giving grant, which import's own validation then checks."""

from __future__ import annotations

import difflib

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from films import limits
from films.formfields import LocalDecimalField
from films.identifiers import identifier_problem
from films.importing import RowError
from films.models import Film
from films.services import find_organisation
from funding.choices import DisbursementKind
from funding.models import Grant, Programme
from funding.services import clean_grant, csv_row_to_360, latest_version

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
    "repayable_amount": "repayable:amount",
    "repayable_due_date": "repayable:due date",
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
    "repayable",
]


def _date(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


def _org_name_input(id_field: str, new_field: str):
    """A name box that suggests the register's organisations as one types (static/js/org-search.js) and,
    on a choice, fills the identifier too."""
    return forms.TextInput(attrs={"data-org-search": reverse_lazy("staff:organisation-search"),
                                  "data-org-id-field": f"id_{id_field}", "data-org-new-field": f"id_{new_field}",
                                  "autocomplete": "off"})


class DatalistInput(forms.TextInput):
    """A text box offering the register's values (a <datalist>: no script needed)."""

    def __init__(self, options, attrs=None):
        super().__init__(attrs)
        self.options = options

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id', name)}-options"
        box = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join("", '<option value="{}"></option>', ((o,) for o in self.options()))
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, options)


def _programme_titles():
    return list(Programme.objects.order_by("title").values_list("title", flat=True).distinct())


class GrantForm(forms.Form):
    identifier = forms.CharField(
        max_length=200, label=_("Identifier"), help_text=_("360Giving id, e.g. 360G-KZ-SCSNC-00123")
    )
    title = forms.CharField(max_length=500, label=_("Title"))
    description = forms.CharField(label=_("Description"), max_length=limits.MAX_GRANT_DESCRIPTION_CHARS,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    currency = forms.CharField(
        max_length=3, initial=lambda: settings.HOME_CURRENCY, label=_("Currency"), help_text=_("ISO 4217")
    )
    amount_awarded = LocalDecimalField(max_digits=20, decimal_places=2, min_value=0,
                                       max_value=limits.MAX_GRANT_AMOUNT, label=_("Amount awarded"))
    award_date = _date(_("Award date"))
    recipient_name = forms.CharField(
        max_length=300, label=_("Recipient organisation"), widget=_org_name_input("recipient_id", "new_recipient"),
        help_text=_("Type a few letters of its name, a former name or its BIN and choose it from the register"))
    recipient_id = forms.CharField(max_length=100, label=_("Recipient identifier"), help_text=_("e.g. KZ-BIN-…"))
    new_recipient = forms.BooleanField(
        required=False, label=_("New organisation: the recipient is not in the register yet; add it"))
    funder_name = forms.CharField(max_length=300, label=_("Funder"), widget=_org_name_input("funder_id", "new_funder"))
    funder_id = forms.CharField(max_length=100, label=_("Funder identifier"))
    new_funder = forms.BooleanField(required=False, label=_("New organisation: the funder is not in the register yet"))
    programme = forms.CharField(max_length=300, required=False, label=_("Grant programme"),
                                widget=DatalistInput(_programme_titles))
    new_programme = forms.BooleanField(required=False, label=_("New programme: not in the register yet; add it"))
    planned_start = forms.DateField(
        required=False, label=_("Planned start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    planned_end = forms.DateField(
        required=False, label=_("Planned end"), widget=forms.DateInput(attrs={"type": "date"})
    )
    film_code = forms.CharField(
        max_length=32,
        required=False,
        label=_("Film code"),
        help_text=_("Leave empty if the film is not registered yet: the grant stays unlinked"),
    )

    repayable_amount = forms.DecimalField(
        max_digits=20, decimal_places=2, min_value=0, required=False, label=_("Repayable amount"),
        help_text=_("The part of the amount awarded to be paid back; empty if none"))
    repayable_due_date = forms.DateField(
        required=False, label=_("Repayable by"), widget=forms.DateInput(attrs={"type": "date"}))

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
            "repayable_amount": d["repayable_amount"],
            "repayable_due_date": d["repayable_due_date"],
        }

    def clean(self):
        cleaned = super().clean()
        self._check_against_register(cleaned)
        if self.errors:
            return cleaned
        row = {
            COLUMN_OF[k]: (
                "" if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v).strip())
            )
            for k, v in cleaned.items()
            if k in COLUMN_OF
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


    def _check_against_register(self, cleaned):
        """Organisations and programmes are chosen from the register; a new one only when ticked as new
        (then its identifier must be right by its scheme, and it must not be a registered one's name)."""
        for role in ("recipient", "funder"):
            identifier = (cleaned.get(f"{role}_id") or "").strip()
            name = (cleaned.get(f"{role}_name") or "").strip()
            if not identifier:
                continue
            known = find_organisation(identifier=identifier)
            is_new = cleaned.get(f"new_{role}")
            if known is not None:
                if is_new:
                    message = gettext("%(id)s is already in the register as “%(name)s”: untick “New organisation”.")
                    self.add_error(f"new_{role}", message % {"id": identifier, "name": known.name})
                continue
            same_name = find_organisation(name=name) if name else None
            if same_name is not None:
                self.add_error(f"{role}_id", gettext(
                    "“%(name)s” is in the register with the identifier %(id)s, not %(typed)s: choose it from the "
                    "suggestions.") % {"name": same_name.name, "id": same_name.identifier or "—", "typed": identifier})
            elif not is_new:
                self.add_error(f"{role}_id", gettext(
                    "%(id)s is not in the register. Choose the organisation from the suggestions, or tick “New "
                    "organisation” to add it.") % {"id": identifier})
            elif problem := identifier_problem(identifier):
                self.add_error(f"{role}_id", problem)
        title = (cleaned.get("programme") or "").strip()
        if title and not cleaned.get("new_programme") and not Programme.objects.filter(title__iexact=title).exists():
            close = difflib.get_close_matches(title, _programme_titles(), n=1, cutoff=0.6)
            hint = (gettext("Did you mean “%(title)s”?") % {"title": close[0]}) if close else ""
            self.add_error("programme", " ".join(filter(None, [gettext(
                "No programme “%(title)s” is in the register.") % {"title": title}, hint, gettext(
                "Choose one from the list, or tick “New programme” to add it.")])))

    def new_in_register(self) -> list[str]:
        """What this form's grant adds to the register (for the message after saving)."""
        return [self.cleaned_data[f] for f, new in (("recipient_name", "new_recipient"),
                ("funder_name", "new_funder"), ("programme", "new_programme")) if self.cleaned_data.get(new)]


class DisbursementForm(forms.Form):
    kind = forms.ChoiceField(
        choices=DisbursementKind.choices, initial=DisbursementKind.DISBURSEMENT, label=_("Kind")
    )
    amount = LocalDecimalField(
        max_digits=20,
        decimal_places=2,
        min_value=0.01,
        max_value=limits.MAX_GRANT_AMOUNT,
        label=_("Amount"),
        help_text=_("In the grant's currency; exact to the tiyn"),
    )
    date = _date(_("Date"))
    note = forms.CharField(max_length=500, required=False, label=_("Note"))


class LinkForm(forms.Form):
    film_code = forms.CharField(max_length=32, label=_("Film code"))

    def clean_film_code(self):
        code = self.cleaned_data["film_code"].strip()
        film = Film.objects.filter(code=code).first()
        if film is None:
            raise forms.ValidationError(
                gettext("No film with code %(code)s is registered; register it first.") % {"code": code}
            )
        self.film = film
        return code


class WithdrawForm(forms.Form):
    reason = forms.CharField(max_length=500, label=_("Why withdraw this grant?"),
                             help_text=_("Once another grant officer approves, the grant leaves every public page, "
                                         "export and total. It is kept, with its history, for auditors."))


class ReviewForm(forms.Form):
    note = forms.CharField(max_length=500, required=False, label=_("Note (for a rejection, say why)"))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("CSV (UTF-8, , or ;) or, for grants, a 360Giving JSON package")
    )
