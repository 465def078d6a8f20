from django import forms
from django.utils.translation import gettext_lazy as _


class SalesUploadForm(forms.Form):
    file = forms.FileField(label=_("Ticket-sales file (CSV or JSON, format ticket-sales/1)"))

    def __init__(self, *args, cinemas=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A cinema operator reports for its own cinema only; ministry staff may send any cinema's file.
        cinemas = list(cinemas or [])
        self.only_cinema = cinemas[0] if len(cinemas) == 1 else None
        if len(cinemas) > 1:
            self.fields["cinema"] = forms.ModelChoiceField(
                queryset=cinemas[0].__class__.objects.filter(pk__in=[c.pk for c in cinemas]),
                label=_("Cinema"), help_text=_("Every record of the file must be this cinema's."))

    def clean(self):
        cleaned = super().clean()
        if self.only_cinema is not None:
            cleaned["cinema"] = self.only_cinema
        return cleaned
