"""Numbers written in the page's language: the one writer of grouped figures that the public site
(public/formatting.py) and the staff reports (films/tables.py) both use, so a figure reads alike on both."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

from django.core.signals import setting_changed
from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.translation import get_language

# The language's number marks, read once per language (Django's own lookup walks the format modules on each
# call); forgotten when a test changes a setting, as Django forgets its own.
_MARKS: dict[str | None, tuple[str, str, object]] = {}
_EXPONENTS = {places: Decimal(1).scaleb(-places) for places in range(0, 5)}
_CONTEXT = Context(prec=80)


def _forget_marks(**kwargs):
    _MARKS.clear()


setting_changed.connect(_forget_marks)


def _marks() -> tuple[str, str, object]:
    lang = get_language()
    marks = _MARKS.get(lang)
    if marks is None:
        marks = _MARKS[lang] = (formats.get_format("DECIMAL_SEPARATOR"), formats.get_format("THOUSAND_SEPARATOR"),
                                formats.get_format("NUMBER_GROUPING"))
    return marks


def fixed(d: Decimal, places: int) -> str:
    """`floatformat(d, "<places>g")`, character for character, without its per-call format lookups: rounded
    half up to `places` decimals (exact Decimal), the language's decimal mark and thousands grouping, no
    minus sign on a value that rounds to zero. A public page writes hundreds of amounts; this is what makes
    writing them cheap."""
    decimal_mark, thousands, grouping = _marks()
    if not d.is_finite() or d.adjusted() > 40 or not isinstance(grouping, int) or places not in _EXPONENTS:
        return floatformat(d, f"{places}g")  # the rare cases: Django's own way
    rounded = d.quantize(_EXPONENTS[places], ROUND_HALF_UP, _CONTEXT)
    text = f"{abs(rounded):f}"
    whole_part, _dot, fraction = text.partition(".")
    if grouping > 0 and len(whole_part) > grouping:
        head = len(whole_part) % grouping or grouping
        whole_part = thousands.join([whole_part[:head]] + [whole_part[i:i + grouping]
                                                           for i in range(head, len(whole_part), grouping)])
    sign = "-" if rounded.is_signed() and rounded else ""
    return f"{sign}{whole_part}{decimal_mark}{fraction}" if places else f"{sign}{whole_part}"
