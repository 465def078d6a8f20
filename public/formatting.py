"""The one way the public site writes a figure, per language: money, counts, shares, ratios, dates and
moments. Every public template reaches these through the filters of public/templatetags/public.py, so a
share is "23.0 %" and a date "9 February 2024" (or its Kazakh or Russian form) on every page.

Files and the API never use these: they carry plain machine values (metrics.md)."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from films.numbers import fixed

NOTHING = "—"

# films/tables.py writes its "as of" stamp with gettext() inside f-strings, which makemessages cannot see;
# the public templates used to carry this word for it. Kept here so that it stays in the catalogues.
STAMP_WORDS = (gettext_noop("computed"),)

# The home currency's name in words, for sentences ("per 100 tenge awarded").
CURRENCY_NAMES = {
    "KZT": gettext_lazy("tenge"),
    "RUB": gettext_lazy("roubles"),
    "USD": gettext_lazy("US dollars"),
    "EUR": gettext_lazy("euros"),
}


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def currency_name(code: str | None = None) -> str:
    """The everyday name for sentences ("per 100 tenge"); for other currencies CLDR's plural name."""
    code = code or settings.HOME_CURRENCY
    if code in CURRENCY_NAMES:
        return str(CURRENCY_NAMES[code])
    from django.utils.translation import get_language

    from films.country import currency_name as cldr_name

    return cldr_name(code, get_language(), plural=True)


def money(value) -> str:
    """Two decimals with the language's grouping and decimal mark."""
    d = _decimal(value)
    return NOTHING if d is None else fixed(d, 2)


def whole(value) -> str:
    d = _decimal(value)
    return NOTHING if d is None else fixed(d, 0)


def millions(value) -> str:
    """A large amount in millions with one decimal: "133.1 M" (for sentences; tables keep every tiyn)."""
    d = _decimal(value)
    if d is None:
        return NOTHING
    return _("%(amount)s M") % {"amount": fixed(d / Decimal(1_000_000), 1)}


def percent(value, digits: int = 1) -> str:
    """A share (a ratio 0–1) as a percentage, one decimal unless told: 0.23 → "23.0 %"."""
    d = _decimal(value)
    return NOTHING if d is None else fixed(d * 100, int(digits)) + "\xa0%"


def signed_percent(value) -> str:
    """A change as a signed percentage: +25.0 %, −10.0 %."""
    d = _decimal(value)
    if d is None:
        return NOTHING
    return ("+" if d > 0 else "−" if d < 0 else "") + percent(abs(d))


def ratio(value) -> str:
    """A bare ratio, four decimals, where one is still shown beside its words."""
    d = _decimal(value)
    return NOTHING if d is None else fixed(d, 4)


def per_hundred(value, currency: str | None = None) -> str:
    """Return on funding in words: 0.0812 → "8.12 tenge back per 100 tenge awarded"."""
    d = _decimal(value)
    if d is None:
        return NOTHING
    amount = (d * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return _("%(amount)s %(currency)s back per 100 %(currency)s awarded") % {
        "amount": fixed(amount, 2),
        "currency": currency_name(currency),
    }


def day(value) -> str:
    """A date in the language's long form."""
    if not value:
        return NOTHING
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formats.date_format(value, "DATE_FORMAT")


def month(value) -> str:
    """A month and year: "July 2021"."""
    if not value:
        return NOTHING
    return formats.date_format(value, "YEAR_MONTH_FORMAT")


def moment(value) -> str:
    """A moment (an "as of"), in the site's time zone, in the language's long form."""
    if not value:
        return NOTHING
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


def days(value) -> str:
    """A number of days in words: "1,975 days"."""
    d = _decimal(value)
    if d is None:
        return NOTHING
    from django.utils.translation import ngettext

    n = int(d)
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": fixed(Decimal(n), 0)}


def delivery_line(row) -> str:
    """A funded film's delivery in one plain line: "planned for July 2021 · not released · 1,975 days
    overdue · 133.1 M of 147.9 M paid out" (row: a funding.delivery.DeliveryRow)."""
    parts = [_("planned for %(month)s") % {"month": month(row.planned_release)} if row.planned_release
             else _("no planned release")]
    if row.released:
        parts.append(_("released on %(day)s") % {"day": day(row.release_date)} if row.release_date
                     else _("released"))
        if row.days_late:
            parts.append(_("%(days)s late") % {"days": days(row.days_late)})
        elif row.days_late == 0:
            parts.append(_("on time"))
    elif row.status == "abandoned":
        parts.append(_("abandoned"))
    else:
        parts.append(_("not released"))
    if row.days_overdue is not None:
        parts.append(_("%(days)s overdue") % {"days": days(row.days_overdue)})
    if row.stalled:
        parts.append(_("no change of status for over a year"))
    parts.append(_("%(paid)s of %(awarded)s paid out") % {"paid": millions(row.disbursed),
                                                           "awarded": millions(row.awarded)})
    if row.repayment_overdue:
        parts.append(_("%(amount)s repayment overdue") % {"amount": millions(row.repayment_overdue)})
    return " · ".join(parts)
