"""What every page's header and footer need: links to this page in the other languages."""

from django.conf import settings
from django.urls import translate_url
from django.utils.formats import get_format
from django.utils.translation import get_language, get_language_info


def public(request):
    """The language switcher is plain links (language in the URL), so pages stay cacheable without a
    CSRF token and work without JavaScript."""
    path = request.get_full_path()
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(path, code),
                "current": code == current,
            }
        )
    return {"language_links": links, **country_context(current)}


def country_context(language: str | None) -> dict:
    """The deployment's country and home currency, for the headings and sentences that name them."""
    from films.country import country_name, currency_name

    home = settings.HOME_CURRENCY
    return {
        # The charts' axes and tooltips group digits as the tables do (browsers' own locale data for kk varies).
        "decimal_separator": get_format("DECIMAL_SEPARATOR", language),
        "thousand_separator": get_format("THOUSAND_SEPARATOR", language),
        "home_currency": home,
        "home_currency_name": currency_name(home, language),
        "tracker_country": settings.TRACKER_COUNTRY,
        "tracker_country_name": country_name(settings.TRACKER_COUNTRY, language),
    }
