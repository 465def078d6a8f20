"""Form fields that read numbers as people type them in their language (never used for machine files,
whose formats the spec fixes)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")  # spaces, no-break and thin spaces, apostrophes as grouping
GROUPED = re.compile(r"\d{1,3}(?:[,.]\d{3})+")


def parse_local_decimal(text: str, decimal_separator: str) -> Decimal | None:
    """'150 000 000', '150,000,000', '150 000 000,50' (kk, ru), '150,000,000.50' (en) → Decimal; None if
    it is not a number. With both a comma and a point the last one is the decimal separator; with only one
    kind it is grouping when every group after the first has three digits, else the language's separator."""
    text = SPACES.sub("", text.strip())
    if not text or not re.fullmatch(r"-?[\d.,]+", text):
        return None
    if "," in text and "." in text:
        point = max(text.rfind(","), text.rfind("."))
        whole, frac = text[:point], text[point + 1:]
        text = re.sub(r"[,.]", "", whole) + "." + frac
    elif "," in text or "." in text:
        mark = "," if "," in text else "."
        grouped = GROUPED.fullmatch(text.lstrip("-"))
        if text.count(mark) > 1 and not grouped:
            return None  # "1,2,3": neither grouping nor a decimal
        if text.count(mark) > 1 or (grouped and mark != decimal_separator):
            text = text.replace(mark, "")  # grouping
        else:
            text = text.replace(mark, ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


class LocalDecimalField(forms.DecimalField):
    """A DecimalField that also takes the grouping and the decimal comma of the user's language."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})  # type=number would refuse "150 000 000"
    default_error_messages = {
        "invalid": _("Enter an amount such as 150 000 000 or 150,000,000.50."),
    }

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            parsed = parse_local_decimal(value, get_format("DECIMAL_SEPARATOR"))
            if parsed is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = str(parsed)
        return super().to_python(value)
