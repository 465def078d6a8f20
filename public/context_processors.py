"""What every page's header and footer need: links to this page in the other languages."""

from django.conf import settings
from django.urls import translate_url
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
    return {"language_links": links}
