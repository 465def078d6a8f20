"""The public pages write every amount through films.numbers.fixed, a fast twin of Django's
floatformat(value, "<n>g"): the same characters for every value, place count and language (issue 12: a
film page writes ~900 amounts, and floatformat's per-call format lookups were a large share of a miss)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation

from public import formatting


def _values() -> list[Decimal]:
    rng = random.Random(12)
    values = [Decimal(v) for v in (
        "0", "-0", "0.00", "-0.00", "0.004", "-0.004", "0.005", "-0.005", "0.015", "-0.015", "0.5", "-0.5",
        "1", "-1", "9.995", "-9.995", "999.995", "999", "1000", "-1000", "1000.5", "12345.675", "100000",
        "999999.999", "1000000", "-1234567.891", "43900000000.00", "17500000000.005", "1E+3", "1E+12",
        "-1E+7", "0.00001", "123456789012345678901234.5", "0.0812", "0.23", "1.25E-3", "7.0", "2.50",
    )]
    for _ in range(3000):
        digits = rng.randint(1, 16)
        scale = rng.randint(0, 6)
        n = rng.randint(-(10 ** digits), 10 ** digits)
        values.append(Decimal(n).scaleb(-scale))
    return values


@pytest.mark.parametrize("language", ["en", "kk", "ru"])
def test_fixed_writes_exactly_what_floatformat_writes(language):
    values = _values()
    with translation.override(language):
        for places in (0, 1, 2, 4):
            for value in values:
                assert formatting.fixed(value, places) == floatformat(value, f"{places}g"), (value, places)


@pytest.mark.parametrize("language", ["en", "kk", "ru"])
def test_the_public_figures_keep_their_form(language):
    """money, whole, shares, ratios and millions: floatformat's output, in each language."""
    with translation.override(language):
        for value in _values()[:800]:
            assert formatting.money(value) == floatformat(value, "2g")
            assert formatting.whole(value) == floatformat(value, "0g")
            assert formatting.ratio(value) == floatformat(value, "4g")
            assert formatting.percent(value) == floatformat(value * 100, "1g") + "\xa0%"
        assert formatting.money(None) == formatting.NOTHING
        assert formatting.money("") == formatting.NOTHING


def test_the_language_decides_the_marks():
    amount = Decimal("1234567.891")
    with translation.override("en"):
        en = formatting.money(amount)
    with translation.override("ru"):
        ru = formatting.money(amount)
    assert en == "1,234,567.89"
    assert ru != en and ru.endswith(",89")


def test_a_changed_setting_is_seen(settings):
    with translation.override("en"):
        formatting.money(Decimal("1000"))
        settings.THOUSAND_SEPARATOR = "'"
        assert formatting.money(Decimal("1000")) == floatformat(Decimal("1000"), "2g")


@pytest.mark.parametrize("language", ["en", "kk", "ru"])
def test_staff_report_cells_write_figures_as_the_public_pages_do(language):
    from films.tables import COUNT, MONEY, page_cell

    with translation.override(language):
        for text in ("1234567.50", "-0.004", "987654321012.99", "0"):
            assert page_cell(Decimal(text), MONEY) == formatting.money(Decimal(text))
        for count in (1234567, 0, -12):
            assert page_cell(count, COUNT) == formatting.whole(count)
