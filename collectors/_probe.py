"""``gongkai probe URL``: read one column page the way a ``website`` source would, and say what
was found — the detected CMS family and why, the rows page 1 gives, where page 2 is — or, when no
preset reads it, what the page does contain and which ``selectors`` might fit."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bs4 import Tag

from ._dates import BEIJING, find_date
from ._item import CollectState, SourceError
from ._listing import Row
from ._pages import soup_of
from ._presets import Context, Detection, ListRequest
from ._website import Website

_NAVIGATION = re.compile(r"nav|menu|foot|head|top|crumb|share|page", re.I)
_SCRIPT_API = re.compile(r"""["'](/[\w/.-]*(?:api|list|data|query)[\w/.-]*)["']""", re.I)


@dataclass
class ProbeResult:
    url: str
    preset: str = ""                      # the preset that read the page ("" when none did)
    detection: Detection | None = None
    rows: list[Row] = field(default_factory=list)
    next_page: str = ""                   # the next list request, or why there is none
    total_pages: int | None = None
    problem: str = ""                     # why the page could not be read
    findings: list[str] = field(default_factory=list)      # what the page holds, when no rows
    selectors: dict[str, str] = field(default_factory=dict)  # suggested overrides

    def snippet(self) -> str:
        """A ready ``[[sources]]`` block for gongkai.toml."""
        lines = ['[[sources]]', 'id = "CHANGE-ME"          # unique and stable', 'type = "website"',
                 'channel = "website"', f'url = "{_toml(self.url)}"']
        if self.selectors:
            lines.append('preset = "selectors"')
            lines += [f'{k} = "{_toml(v)}"' for k, v in self.selectors.items()]
        else:
            lines.append(f'preset = "{self.preset or "auto"}"')
        lines += ['interval = "6h"', 'attribution = "all"      # "mention" on a shared column']
        return "\n".join(lines)


def _toml(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def probe(url: str, http: Any, *, preset: str = "auto", now: datetime | None = None) -> ProbeResult:
    """Fetch the column's first list page (through a jpaas shell or a JS redirect stub) and
    describe it. Network and health failures are reported in ``problem``, not raised."""
    site = Website({"url": url, "preset": preset}, http)
    now = now or datetime.now(BEIJING)
    state = CollectState(now=now, since=now)   # since: no conditional GET, nothing remembered
    ctx = Context(context_year=now.year, options=site.opts)
    result = ProbeResult(url=url)
    chosen = site._preset(None)
    try:
        opened = site._first_page(chosen, ListRequest(url), state, ctx)
    except SourceError as exc:
        result.problem = str(exc)
        result.detection = site.detection
        if site.detection is not None:
            result.preset = site.detection.preset
        _explain_html(result, http, site)
        return result
    assert opened is not None
    used, _request, page = opened
    result.preset, result.detection = used.name, site.detection
    result.rows = site._fix_years(page.rows, now)
    result.total_pages = page.total_pages
    result.next_page = (page.next.label or page.next.url) if page.next else f"none ({page.signal})"
    if not page.rows:
        result.problem = "no list rows found"
        _explain_html(result, http, site)
    return result


def _explain_html(result: ProbeResult, http: Any, site: Website) -> None:
    """What the page holds when no preset read it, and selectors that may fit."""
    try:
        resp = http.get(result.url, allowed_hosts=site.hosts)
    except SourceError:
        return
    soup = soup_of(resp.text)
    links = soup.find_all("a", href=True)
    dates = [m for m in (find_date(s) for s in soup.find_all(string=True) if len(s) < 60) if m]
    result.findings.append(f"{len(resp.content)} bytes ({resp.encoding}), {len(links)} links, "
                           f"{len(dates)} date-like strings, {len(soup.find_all('script'))} scripts")
    if len(links) < 5 and soup.find_all("script"):
        apis = sorted(set(_SCRIPT_API.findall(resp.text)))[:5]
        result.findings.append("the list is probably built by JavaScript"
                               + (f"; script URLs worth a look: {', '.join(apis)}" if apis else ""))
    suggestion = suggest_selectors(soup)
    if suggestion:
        result.selectors = suggestion
        result.findings.append(f"repeated link rows under {suggestion['item_selector']!r}")


def _css(tag: Tag) -> str:
    classes = [c for c in (tag.get("class") or []) if re.fullmatch(r"[A-Za-z_][\w-]*", c)]
    ident = tag.get("id") if isinstance(tag.get("id"), str) and re.fullmatch(r"[A-Za-z_][\w-]*", tag.get("id")) else ""
    return tag.name + (f"#{ident}" if ident else "") + "".join(f".{c}" for c in classes[:2])


def suggest_selectors(soup) -> dict[str, str]:
    """The most repeated ``container > row`` shape holding a link, with a date cell if rows have
    one. A starting point for ``preset = "selectors"``, to be checked with another probe."""
    shapes: Counter = Counter()
    examples: dict[str, Tag] = {}
    for a in soup.find_all("a", href=True):
        row = a.parent
        if row is None or row.parent is None or row.name in ("body", "html", "[document]"):
            continue
        if row.find_parent(["header", "nav", "footer"]) is not None or any(
                _NAVIGATION.search(" ".join(p.get("class") or []) + " " + str(p.get("id") or ""))
                for p in (row, row.parent)):
            continue
        key = f"{_css(row.parent)} > {row.name}"
        shapes[key] += 1
        examples.setdefault(key, row)
    if not shapes:
        return {}
    key, n = shapes.most_common(1)[0]
    if n < 3:
        return {}
    out = {"item_selector": key, "title_selector": "a"}
    row = examples[key]
    for cell in row.find_all(["span", "em", "i", "td", "font", "div"]):
        if find_date(cell.get_text("")):
            out["date_selector"] = _css(cell)
            break
    return out
