"""A list row's link: where an anchor points (its ``href``, or the URL string an ``onclick`` carries),
shared by the row finder (``_listing``) and the pager reader (``_pager``)."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from bs4 import Tag

_ONCLICK_URL = re.compile(r"""['"]((?:https?:)?/{0,2}[^'"\s]+\.(?:s?html?|jsp|aspx?|php|do)[^'"\s]*)['"]""")


def clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def row_href(a: Tag, base: str) -> str | None:
    href = (a.get("href") or "").strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:", "tel:")):
        # onclick-only anchors carry the URL as a string argument (gov-sites.md §2.8); never run JS.
        m = _ONCLICK_URL.search(a.get("onclick") or "") or _ONCLICK_URL.search(href)
        if not m:
            return None
        href = m.group(1)
    url = urljoin(base, href)
    return url.split("#", 1)[0] if urlsplit(url).scheme in ("http", "https") else None
