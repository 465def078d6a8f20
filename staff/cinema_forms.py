"""The staff form for one cinema screen: a cinemas.csv row (registers.md), checked by the import's parser."""

from django import forms
from django.utils.translation import gettext_lazy as _

from boxoffice.services import parse_cinema_row
from films.models import Region

from .film_forms import RegisterRowForm


class CinemaScreenForm(RegisterRowForm):
    parse_row = staticmethod(parse_cinema_row)
    cinema_code = forms.CharField(max_length=32, label=_("Cinema code"), help_text=_("3–32 of A–Z, 0–9, -"))
    cinema_name = forms.CharField(max_length=300, label=_("Cinema name"))
    region = forms.ChoiceField(choices=(), label=_("Region"))
    city = forms.CharField(max_length=200, label=_("City"))
    chain = forms.CharField(max_length=200, required=False, label=_("Chain"))
    connected_since = forms.DateField(
        required=False,
        label=_("Connected since"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When it started reporting sales; empty = not connected"),
    )
    screen = forms.CharField(max_length=32, label=_("Screen"), help_text=_("The screen's (hall's) name or number"))
    seats = forms.IntegerField(min_value=1, max_value=2000, label=_("Seats"))

    def __init__(self, *args, cinema=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Region names in the page's language (Region.name), in that language's alphabetical order.
        self.fields["region"].choices = sorted(((r.code, r.name) for r in Region.objects.all()), key=lambda c: c[1])
        if cinema is not None:
            self.fields["cinema_code"].disabled = True

    @staticmethod
    def initial_for(cinema) -> dict:
        return {
            "cinema_code": cinema.code,
            "cinema_name": cinema.name,
            "region": cinema.region.code,
            "city": cinema.city,
            "chain": cinema.chain,
            "connected_since": cinema.connected_since,
        }

