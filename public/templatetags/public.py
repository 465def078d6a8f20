"""Formatting of figures for the public pages: exact money in the page's language, dated dollars, bars."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def money(value):
    """Two decimals with the language's grouping and decimal mark; '—' for nothing."""
    if value is None or value == "":
        return "—"
    return floatformat(Decimal(value), "2g")


@register.filter
def whole(value):
    if value is None or value == "":
        return "—"
    return floatformat(Decimal(value), "0g")


@register.filter
def share(value, digits=1):
    """A ratio as a percentage."""
    if value is None or value == "":
        return "—"
    return floatformat(Decimal(str(value)) * 100, f"{digits}g") + " %"


@register.filter
def usd(value):
    """The dollar equivalent at the configured dated rate, e.g. '≈ US$ 1,234 at 525.11 KZT per US$ on 2024-12-31'."""
    if value is None or value == "" or not usd_rate_applies():
        return ""
    dollars = (Decimal(value) / settings.USD_RATE).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return _("≈ US$ %(amount)s at %(rate)s %(currency)s per US$ on %(date)s") % {
        "amount": floatformat(dollars, "0g"),
        "rate": floatformat(settings.USD_RATE, "2g"),
        "currency": settings.HOME_CURRENCY,
        "date": settings.USD_RATE_DATE,
    }


def usd_rate_applies() -> bool:
    """A dated dollar rate is configured, and for the home currency: otherwise no equivalent is shown."""
    return bool(settings.USD_RATE) and settings.USD_RATE_CURRENCY == settings.HOME_CURRENCY


@register.filter
def percent_of(value, maximum):
    """Width of a bar in a chart, 0–100, for a CSS custom property."""
    try:
        value, maximum = Decimal(value or 0), Decimal(maximum or 0)
    except (ArithmeticError, TypeError, ValueError):
        return 0
    if maximum <= 0 or value <= 0:
        return 0
    return f"{min(Decimal(100), value * 100 / maximum):.1f}"


@register.filter
def width_class(value, maximum):
    """The bar's width as a class, w-0 … w-100 (site.css): the Content-Security-Policy forbids style
    attributes, so a width cannot be written inline."""
    return f"w-{round(Decimal(percent_of(value, maximum)))}"


@register.filter
def maximum(rows, key):
    """The largest value of one column of a list of dicts or objects (the scale of a bar chart)."""
    values = [Decimal(str((r.get(key) if isinstance(r, dict) else getattr(r, key)) or 0)) for r in rows]
    return max(values, default=Decimal(0))


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def localized(mapping, prefix):
    """`row|localized:"name"` → row["name_kk"] on a Kazakh page, falling back to English."""
    from django.utils.translation import get_language

    lang = (get_language() or "en")[:2]
    return mapping.get(f"{prefix}_{lang}") or mapping.get(f"{prefix}_en") or ""


@register.filter
def signed_share(value):
    """A change as a signed percentage: +25.0 %, −10.0 %."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value)) * 100
    text = floatformat(abs(number), "1g") + " %"
    return ("+" if number > 0 else "−" if number < 0 else "") + text


@register.filter
def index(sequence, position):
    try:
        return sequence[int(position)]
    except (IndexError, TypeError, ValueError):
        return None


@register.filter
def dimension_label(by):
    """A market breakdown's name in the page's language."""
    names = {"genre": _("Genre"), "language": _("Language"), "country": _("Country of origin"),
             "region": _("Region"), "format": _("Format"), "domestic": _("Domestic or foreign"),
             "supported": _("State support")}
    return names.get(by, by)


@register.filter
def repayment(grant):
    """The grant's repayable, repaid, outstanding and overdue (funding.selectors.repayment_of), or None."""
    from funding.selectors import repayment_of

    return repayment_of(grant)
