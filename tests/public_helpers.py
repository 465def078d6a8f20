"""Helpers the public-site tests share: a crawler over the public pages, API and open-data files."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

HREF = re.compile(r'href="([^"#]+)"')
# Staff and framework areas are not the public site; their own tests cover them.
SKIP = (
    "/admin/",
    "/accounts/",
    "/i18n/",
    "/boxoffice/",
    "/static/",
    "/staff/",
    "/api/schema/swagger",
    "/api/schema/redoc",
)


def crawl(client, start: list[str], limit: int = 400) -> dict[str, bytes]:
    """Breadth-first over internal links (pages, open-data files, API) from `start`; returns url → body."""
    seen: dict[str, bytes] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or any(s in url for s in SKIP):
            continue
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        body = response.content
        seen[url] = body
        ctype = response.get("Content-Type", "")
        if "html" in ctype:
            for href in HREF.findall(body.decode()):
                href = href.replace("&amp;", "&")
                target = urljoin(url, href)
                parts = urlsplit(target)
                if parts.netloc and parts.netloc != "testserver":
                    continue
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                if path not in seen and "page=" not in path:
                    queue.append(path)
        elif "json" in ctype and url.startswith("/api/v1/"):
            for link in re.findall(r'"(http://testserver/api/v1/[^"]+)"', body.decode()):
                path = link.removeprefix("http://testserver")
                if path not in seen:
                    queue.append(path)
    return seen


@pytest.fixture
def no_throttle(monkeypatch):
    """Tests that read the whole API from one address would hit the anonymous rate; throttling has its own
    test in test_api_public.py."""
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1000000/minute"})
