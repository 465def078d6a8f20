"""The staff form for one cinema screen: a cinemas.csv row (registers.md), checked by the import's parser."""

from django import forms

from films.forms import RegisterRowForm
from films.models import Region

from .services import parse_cinema_row


class CinemaScreenForm(RegisterRowForm):
    parse_row = staticmethod(parse_cinema_row)
    cinema_code = forms.CharField(max_length=32, label="Cinema code", help_text="3–32 of A–Z, 0–9, -")
    cinema_name = forms.CharField(max_length=300, label="Cinema name")
    region = forms.ChoiceField(choices=())
    city = forms.CharField(max_length=200)
    chain = forms.CharField(max_length=200, required=False)
    connected_since = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When it started reporting sales; empty = not connected",
    )
    screen = forms.CharField(max_length=32, help_text="The screen's (hall's) name or number")
    seats = forms.IntegerField(min_value=1, max_value=2000)

    def __init__(self, *args, cinema=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name_en) for r in Region.objects.order_by("name_en")]
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

