"""The country a deployment serves (registers.md, "The country"): its home currency and its regions.

One setting, TRACKER_COUNTRY (ISO 3166-1 alpha-2, default KZ), decides both, from maintained libraries of the
standards rather than hand-written tables: babel (CLDR) knows each territory's legal tender and the names of
currencies and countries in kk/ru/en; pycountry carries ISO 3166-1, ISO 4217 and ISO 3166-2 with translations.
Kazakhstan keeps its 20 rows of kz-regions.csv (17 regions and 3 cities, with Kazakh and Russian names), which
ISO 3166-2 does not list the same way.

This module is imported by the settings, so it must not import models at module level.
"""
from __future__ import annotations

import datetime
import gettext
from functools import lru_cache

KZ = "KZ"
LANGUAGES = ("en", "kk", "ru")


class CountryError(ValueError):
    """TRACKER_COUNTRY names no country the standards know, or one without a currency of its own."""


def _pycountry():
    import pycountry

    return pycountry


def validate_country(code: str) -> str:
    """The ISO 3166-1 alpha-2 code, upper case; CountryError with a clear message if it is not one."""
    value = (code or "").strip().upper()
    if len(value) != 2 or _pycountry().countries.get(alpha_2=value) is None:
        raise CountryError(
            f"TRACKER_COUNTRY={code!r} is not an ISO 3166-1 alpha-2 country code: set it to the deployment's "
            "country, e.g. KZ (Kazakhstan, the default), KG (Kyrgyzstan), UZ (Uzbekistan).")
    return value


@lru_cache(maxsize=64)
def home_currency_for(code: str) -> str:
    """The country's legal tender today (ISO 4217), from CLDR: KZ → KZT, KG → KGS, UZ → UZS, RU → RUB."""
    from babel.numbers import get_territory_currencies

    country = validate_country(code)
    currencies = get_territory_currencies(country, start_date=datetime.date.today(), tender=True)  # noqa: DTZ011
    known = [c for c in currencies if _pycountry().currencies.get(alpha_3=c) is not None]
    if not known:
        raise CountryError(f"TRACKER_COUNTRY={code!r}: no ISO 4217 currency is legal tender there today, so the "
                           "tracker cannot keep box office in a home currency. Choose another country.")
    return known[0]


def settings_for(code: str) -> dict:
    """The settings a deployment for this country has (for override_settings in tests and for base.py)."""
    country = validate_country(code)
    return {"TRACKER_COUNTRY": country, "HOME_CURRENCY": home_currency_for(country)}


# --- names, for pages ------------------------------------------------------------------------------

def _lang(language: str | None) -> str:
    return (language or "en")[:2]


def currency_name(currency: str, language: str | None = None, *, plural: bool = False) -> str:
    """The currency's name in the language ("Kyrgyz som", "киргизский сом", "Қырғызстан сомы")."""
    from babel.numbers import get_currency_name

    try:
        return get_currency_name(currency, count=5 if plural else None, locale=_lang(language))
    except Exception:  # noqa: BLE001 - an unknown locale or currency: the code says it all
        return currency


def country_name(code: str, language: str | None = None) -> str:
    from babel import Locale

    try:
        return Locale.parse(_lang(language)).territories.get(code.upper(), code)
    except Exception:  # noqa: BLE001
        return code


# --- regions ---------------------------------------------------------------------------------------

def _translator(language: str):
    try:
        return gettext.translation("iso3166-2", _pycountry().LOCALES_DIR, languages=[language])
    except OSError:
        return None


def subdivisions(code: str) -> list[dict]:
    """The country's ISO 3166-2 subdivisions as region rows: code and names in en/kk/ru where pycountry's
    translations have them, else the name the standard gives (English or local)."""
    country = validate_country(code)
    translators = {lang: _translator(lang) for lang in ("kk", "ru")}
    rows = []
    for sub in sorted(_pycountry().subdivisions.get(country_code=country) or [], key=lambda s: s.code):
        # Only the first level: a country's provinces, not their districts (which name a parent).
        if getattr(sub, "parent_code", None):
            continue
        row = {"code": sub.code, "name_en": sub.name, "country": country}
        for lang, t in translators.items():
            row[f"name_{lang}"] = t.gettext(sub.name) if t else sub.name
        rows.append(row)
    return rows


def load_country_regions(region_model, code: str) -> tuple[int, int]:
    """Make the country's regions exist (idempotent); returns (created, updated). KZ: kz-regions.csv."""
    from .reference_data import kz_region_rows

    country = validate_country(code)
    rows = kz_region_rows() if country == KZ else subdivisions(country)
    created = updated = 0
    for row in rows:
        defaults = {k: v[:100] for k, v in row.items() if k.startswith("name_")}
        defaults["country"] = country
        manager = region_model._base_manager
        obj = manager.filter(code=row["code"]).first()
        if obj is None:
            manager.create(code=row["code"], **defaults)
            created += 1
        elif any(getattr(obj, k) != v for k, v in defaults.items()):
            for k, v in defaults.items():
                setattr(obj, k, v)
            obj.save()
            updated += 1
    return created, updated
