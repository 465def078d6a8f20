"""Formatting of figures for the public pages: exact money in the page's language, dated dollars, bars."""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from public import formatting

register = template.Library()


@register.filter
def money(value):
    """Two decimals with the language's grouping and decimal mark; '—' for nothing."""
    return formatting.money(value)


@register.filter
def whole(value):
    return formatting.whole(value)


@register.filter
def share(value, digits=1):
    """A ratio as a percentage, one decimal unless told (a tile map's 0): the one way a share is written."""
    return formatting.percent(value, digits)


@register.filter
def ratio(value):
    return formatting.ratio(value)


@register.filter
def per100(value):
    """Return on funding in words: money back per 100 of the home currency awarded."""
    return formatting.per_hundred(value)


@register.filter
def millions(value):
    return formatting.millions(value)


@register.filter
def day(value):
    return formatting.day(value)


@register.filter
def month(value):
    return formatting.month(value)


@register.filter
def moment(value):
    return formatting.moment(value)


@register.filter
def days(value):
    return formatting.days(value)


@register.simple_tag
def currency_name():
    return formatting.currency_name()


@lru_cache(maxsize=16384)
def _cached_film_url(prefix: str, language: str, code: str) -> str:
    return reverse("films:detail", args=[code])


def _film_url(language: str, code: str) -> str:
    # keyed by what the URL depends on: the deployment's script prefix and the language prefix it carries
    return _cached_film_url(get_script_prefix(), language, code)


@register.simple_tag
def chart_rows(rows, has_reports):
    """The body rows of a box-office chart's table (public/_chart_body.html), written in one pass here: a day of
    a national history ranks ~110 films, and the template loop's ~1,300 variable and filter lookups were about
    60 % of a chart page's first rendering. Each cell goes through the same formatting functions as the filters
    (money, whole, share, signed_share), and every text is escaped."""
    from django.utils.translation import get_language

    language = get_language() or ""
    estimated = '<sup class="est" title="{}">*</sup>'.format(escape(_("includes box-office reports spread over "
                                                                      "their days")))
    origin = {True: escape(_("domestic")), False: escape(_("foreign"))}
    out = []
    for r in rows:
        reports = f'<td class="num">{escape(formatting.money(r["gross_from_reports"]))}</td>' if has_reports else ""
        out.append(
            f'<tr><td class="num">{escape(r["rank"])}</td>'
            f'<th scope="row"><a href="{escape(_film_url(language, r["film_code"]))}">{escape(r["title"])}</a></th>'
            f'<td class="num">{escape(formatting.money(r["gross"]))}'
            f'{estimated if r["gross_from_reports"] != "0.00" else ""}</td>'
            f'<td class="num">{escape(formatting.percent(r["share"]))}</td>'
            f'<td class="num">{escape(formatting.signed_percent(r["change"]))}</td>'
            f'<td class="num">{escape(formatting.whole(r["admissions"]))}</td>'
            f'<td class="num">{escape(formatting.whole(r["screenings"]))}</td>'
            f'<td class="num">{escape(formatting.whole(r["screens"]))}</td>'
            f'<td class="num">{escape(formatting.money(r["cumulative_gross"]))}</td>'
            f'<td class="num">{escape(r["days_on_release"])}</td>'
            f'<td>{origin[bool(r["domestic"])]}</td>{reports}</tr>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every part above is escaped


@register.simple_tag
def bar_parts(rows, label, label_prefix, value, integer):
    """The bars and the data-table rows of public/_bars.html, written in one pass: a film's page draws ~100 weeks
    twice, and the template loops' lookups and filters were most of its first rendering. The same filters'
    functions (localized, get, width_class, maximum, whole, money), every text escaped."""
    top = maximum(rows, value)
    write = formatting.whole if integer else formatting.money
    bars, table = [], []
    for r in rows:
        name = escape(localize(localized(r, label_prefix) if label_prefix else get(r, label)))  # as {{ }} would
        figure = get(r, value)
        shown = escape(write(figure))
        bars.append(f'<li><span class="label">{name}</span><span class="bar {width_class(figure, top)}"></span>'
                    f'<span class="value">{shown}</span></li>')
        table.append(f'<tr><th scope="row">{name}</th><td class="num">{shown}</td></tr>')
    return {"bars": mark_safe("".join(bars)), "table": mark_safe("".join(table))}  # noqa: S308 - escaped above


@register.simple_tag(takes_context=True)
def sort_th(context, key, label, css="", first="asc"):
    """A sortable column header: a link to this page sorted by `key` (again: the other way round), with
    aria-sort on the column the table is sorted by. The view reads `?sort=` on the server."""
    request = context["request"]
    current = request.GET.get("sort", "") or context.get("sort_default", "")
    if current == key:
        target, state = f"-{key}", "ascending"
    elif current == f"-{key}":
        target, state = key, "descending"
    else:
        target, state = (key if first == "asc" else f"-{key}"), None
    params = request.GET.copy()
    params.pop("page", None)
    params["sort"] = target
    mark = {"ascending": " ▲", "descending": " ▼"}.get(state, "")
    return format_html(
        '<th scope="col"{}{}><a href="?{}">{}</a>{}</th>',
        format_html(' class="{}"', css) if css else "",
        format_html(' aria-sort="{}"', state) if state else "",
        params.urlencode(),
        label,
        mark,
    )


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
def delivery_line(row):
    return formatting.delivery_line(row) if row is not None else ""


@register.filter
def signed_share(value):
    return formatting.signed_percent(value)


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
