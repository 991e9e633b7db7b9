"""``gongkai probe URL``: what is at this URL, and which source would read it — proven, not guessed.

A feed (RSS, Atom, JSON Feed, we-mp-rss JSON; sniffed, whatever the Content-Type says) gets a
``type = "feed"`` snippet. A web page is tried with every preset and with selectors suggested from
its repeated rows; each is verified (``_verify``: dated rows on the column's host, the next page
reached, the stated total) and the best that verifies is shown with its evidence. A search result
page, a homepage of unrelated blocks, a challenge, or a page nothing verifies on is said to be so,
with no snippet to paste (exit 1 in the CLI): a wrong source would count garbage all year.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bs4 import Tag

from ._dates import BEIJING, find_date
from ._http import FetchError
from ._item import CollectState, ConfigError, SourceError
from ._jsonfeed import looks_like_json
from ._listing import Row
from ._mainlist import page_names, side_of
from ._pages import problem as page_problem, soup_of
from ._presets import PRESETS, Detection, detect
from ._scriptrows import json_lists
from ._verify import Verdict, verify
from ._website import Website

_NAVIGATION = re.compile(r"nav|menu|foot|head|top|crumb|share|page", re.I)
_SCRIPT_API = re.compile(r"""["'](/[\w/.-]*(?:api|list|data|query)[\w/.-]*)["']""", re.I)
# Generic XML types are not enough: Hanweb's dataproxy answers text/xml too.
_FEED_TYPE = re.compile(r"rss|atom|feed\+json", re.I)
_FEED_HEAD = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S)
_SEARCH_QUERY = {"searchword", "searchwords", "keyword", "keywords", "q", "wd", "query", "kw",
                 "word", "sword", "searchkey", "qt", "text"}
_SEARCH_PATH = re.compile(r"/(?:search|so|jsearch|fulltext|guestweb\d*/s|s)(?:[/.]|$)|search\.(?:jsp|do|html?|php)",
                          re.I)
_SEARCH_TEXT = re.compile(r"搜索结果|检索结果|相关结果|共找到|为您找到|找到相关|搜索到|条结果")
_ROOT = re.compile(r"^/?(?:index\.s?html?|default\.s?html?|index\.jsp|index\.php)?$", re.I)


@dataclass
class ProbeResult:
    url: str
    kind: str = "column"                  # column | feed | search | homepage | unreadable
    preset: str = ""                      # the verified preset ("" when none verified)
    detection: Detection | None = None
    rows: list[Row] = field(default_factory=list)
    next_page: str = ""                   # the next list request, or why there is none
    total_pages: int | None = None
    problem: str = ""                     # why no source is suggested
    findings: list[str] = field(default_factory=list)      # what the page holds
    selectors: dict[str, str] = field(default_factory=dict)  # verified overrides
    verdicts: list[Verdict] = field(default_factory=list)   # every reading tried
    evidence: list[str] = field(default_factory=list)       # why the chosen reading is trusted
    feed_entries: int = 0
    page_url: str = ""                    # verified with this page_url (goes in the snippet)
    list_json: str = ""                   # the rows come from this JSON list the page loads

    @property
    def ok(self) -> bool:
        return not self.problem and (bool(self.rows) or self.kind == "feed")

    def snippet(self) -> str:
        """A ready ``[[sources]]`` block for gongkai.toml ("" when nothing verified)."""
        if not self.ok:
            return ""
        if self.kind == "feed":
            return "\n".join(['[[sources]]', 'id = "CHANGE-ME"          # unique and stable',
                              'type = "feed"', 'channel = "wechat"       # or the channel this feed is',
                              f'url = "{_toml(self.url)}"', 'interval = "6h"',
                              'attribution = "all"      # "mention" on a shared account'])
        lines = ['[[sources]]', 'id = "CHANGE-ME"          # unique and stable', 'type = "website"',
                 'channel = "website"', f'url = "{_toml(self.url)}"']
        if self.selectors:
            lines.append('preset = "selectors"')
            lines += [f'{k} = "{_toml(v)}"' for k, v in self.selectors.items()]
        else:
            lines.append(f'preset = "{self.preset or "auto"}"')
        if self.list_json:
            lines.append(f'list_json = "{_toml(self.list_json)}"')
        if self.page_url:
            lines.append(f'page_url = "{_toml(self.page_url)}"')
        lines += ['interval = "6h"', 'attribution = "all"      # "mention" on a shared column']
        return "\n".join(lines)


def _toml(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def probe(url: str, http: Any, *, preset: str = "auto", now: datetime | None = None,
          allow_hosts: tuple[str, ...] = (), selectors: dict[str, str] | None = None,
          page_url: str = "") -> ProbeResult:
    """Say what ``url`` is and verify the readings of it. Network and page failures are reported
    in ``problem`` naming ``url``, never raised. ``allow_hosts``: other hosts the column's items
    may live on (a source's ``allow_hosts``); ``selectors``: item/title/date/next selectors to
    verify (``preset = "selectors"``); ``page_url``: the address of page {n} of a column paged
    only by JavaScript (a source's ``page_url``)."""
    if selectors:
        preset = "selectors"
    now = now or datetime.now(BEIJING)
    result = ProbeResult(url=url, page_url=page_url)
    host = (urlsplit(url).hostname or "").lower()
    extra: dict[str, Any] = {"allow_hosts": list(allow_hosts)} if allow_hosts else {}
    if page_url:
        extra["page_url"] = page_url
    try:
        resp = http.get(url, allowed_hosts={host, *allow_hosts})
    except FetchError as exc:
        result.kind, result.problem = "unreadable", f"could not read {url}: {exc}"
        return result
    if preset == "auto" and _is_feed(resp):
        return _probe_feed(result, http, now)
    soup = soup_of(resp.text)
    why = page_problem(resp, soup)
    if why and not why.startswith("script-only"):
        result.kind, result.problem = "unreadable", why
        return result
    # whatever preset is asked for: a search page or a homepage read as a column would count
    # their rows all year
    not_column = _not_a_column(url, resp.text, soup)
    if not_column:
        result.kind, result.problem = not_column
        return result
    names = [preset] if preset != "auto" else _candidates(resp.text, resp.url)
    for name in names:
        opts = {"url": url, "preset": name, **extra, **(selectors or {})}
        result.verdicts.append(verify(Website(opts, http), now))
    lists = _json_list_readings(result, http, url, soup, resp.url, {host, *allow_hosts}, extra, now) \
        if preset in ("auto", "datafile") and not selectors else {}
    if selectors:
        result.selectors = dict(selectors)
    suggestion = suggest_selectors(soup) if preset == "auto" else {}
    if suggestion:
        site = Website({"url": url, "preset": "selectors", **suggestion, **extra}, http)
        v = verify(site, now)
        v.preset = "selectors"
        result.verdicts.append(v)
        result.findings.append(f"repeated link rows under {suggestion['item_selector']!r}")
    _one_page_readings_lose(result.verdicts)
    if suggestion:
        _guesses_lose(result.verdicts)
    best = max(result.verdicts, key=lambda v: v.score) if result.verdicts else None
    result.detection = detect(resp.text, resp.url) if preset == "auto" else None
    if best is None or not best.ok:
        result.problem = _nothing_verified(result.verdicts)
        if best is not None:
            result.rows = best.rows
        _explain_html(result, resp, soup)
        return result
    result.preset, result.rows, result.evidence = best.preset, best.rows, best.evidence
    result.list_json = lists.get(id(best), "")
    _say_undated(result)
    result.next_page, result.total_pages = best.next_page, best.total_pages
    if best.preset == "selectors" and not selectors:
        result.selectors = suggestion
    return result


def _json_list_readings(result: ProbeResult, http: Any, url: str, soup, base: str, hosts: set[str],
                        extra: dict[str, Any], now: datetime) -> dict[int, str]:
    """Verify a reading of each JSON list the page's scripts load (``_scriptrows``; never run):
    the verdicts by ``id``, with the list's address. A list on a host the source does not allow
    is said, not read."""
    found: dict[int, str] = {}
    for data_url in json_lists(soup, base)[:3]:
        if (urlsplit(data_url).hostname or "").lower() not in hosts:
            result.findings.append(f"the page's script loads a JSON list at {data_url}, on a host "
                                   "the source does not allow (allow_hosts): not read")
            continue
        v = verify(Website({"url": url, "preset": "datafile", **extra, "list_json": data_url}, http), now)
        result.verdicts.append(v)
        found[id(v)] = data_url
    return found


def _say_undated(result: ProbeResult) -> None:
    """Rows the column shows without a readable date are read all the same (a 信息 is counted
    once dated): the probe says how many, so none passes unnoticed."""
    undated = [r for r in result.rows if r.date is None]
    if undated and len(undated) < len(result.rows):
        shown = ", ".join(repr(r.title[:20]) + (f" [{r.date_text}]" if r.date_text else "")
                          for r in undated[:3])
        result.evidence.append(f"page 1: {len(undated)} of {len(result.rows)} rows without a date "
                               f"on the list ({shown}): kept, each dated by its own page or left "
                               "undated for review")


def _candidates(text: str, url: str) -> list[str]:
    """Every detectable preset, the detected family first."""
    first = detect(text, url).preset
    others = sorted({c.name for c in PRESETS.values() if c.detectable} - {first},
                    key=lambda n: PRESETS[n].rank)
    return [first, *others]


def _one_page_readings_lose(verdicts: list[Verdict]) -> None:
    """A reading that sees one page, where another reading of the same page finds a pager, would
    read page 1 only all year: it is not verified."""
    pager = next((v for v in verdicts if v.rows and (v.total_pages or 0) > 1
                  or (v.rows and v.next_page and not v.next_page.startswith("none"))), None)
    if pager is None:
        return
    for v in verdicts:
        if v is not pager and v.rows and v.next_page.startswith("none"):
            v.problems.append(f"sees no next page, while the {pager.preset} reading finds "
                              f"{pager.next_page!r}: it would read page 1 only")
            v.ok = False


def _guesses_lose(verdicts: list[Verdict]) -> None:
    """Suggested selectors take the most repeated row shape: where a preset found two alike lists
    on the page, that is the same guess, and it does not verify either."""
    said = next((p for v in verdicts for p in v.problems if p.startswith("page 1: ambiguous")), "")
    if said:
        for v in verdicts:
            if v.preset == "selectors" and v.ok:
                v.problems.append(said)
                v.ok = False


def _nothing_verified(verdicts: list[Verdict]) -> str:
    tried = "; ".join(f"{v.preset}: {v.problems[0]}" for v in verdicts if v.problems)
    return "no reading of this page verifies as a column" + (f" ({tried})" if tried else "")


def _is_feed(resp) -> bool:
    ctype = resp.headers.get("content-type", "")
    if _FEED_HEAD.match(resp.content[:2048]):
        return True
    if looks_like_json(resp.content):
        head = resp.content[:4096].decode("utf-8", "replace")
        return "jsonfeed.org" in head or ("feed+json" in ctype)
    return bool(_FEED_TYPE.search(ctype)) and b"<html" not in resp.content[:2048].lower()


def _probe_feed(result: ProbeResult, http: Any, now: datetime) -> ProbeResult:
    from ._feed import Feed
    result.kind = "feed"
    state = CollectState(now=now, since=now)
    try:
        items = list(Feed({"url": result.url}, http).collect(state))
    except (SourceError, ConfigError) as exc:
        result.problem = f"a feed, but it cannot be read as one: {exc}"
        return result
    result.feed_entries = len(items)
    dated = [i for i in items if i.published_at is not None]
    result.rows = [Row(i.url, i.title, i.date_raw, i.published_at) for i in items]
    result.evidence.append(f"{len(items)} entries, {len(dated)} dated")
    holes = state.memo.get("placeholders")
    if holes:
        result.evidence.append(f"placeholders skipped: {holes}")
    if not items:
        result.problem = "a feed with no readable entries"
    return result


def _not_a_column(url: str, text: str, soup) -> tuple[str, str] | None:
    """(kind, reason) when the page is plainly not one column: a site-search result page, or a
    homepage of unrelated blocks."""
    parts = urlsplit(url)
    keys = {k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
    signals = []
    if keys & _SEARCH_QUERY:
        signals.append(f"search parameter {sorted(keys & _SEARCH_QUERY)[0]!r} in the URL")
    if _SEARCH_PATH.search(parts.path):
        signals.append(f"search path {parts.path!r}")
    said = _SEARCH_TEXT.findall(text)
    if said:
        signals.append(f"the page says {said[0]!r}")
    if len(signals) >= 2:
        return "search", ("a site-search result page, not a column (" + "; ".join(signals) + "): "
                          "its rows change with the query and its dates are the hits' own; point "
                          "the source at the column the results come from")
    blocks = _dated_blocks(soup)
    total = sum(blocks)
    if blocks and ((_ROOT.match(parts.path) and len(blocks) >= 3 and blocks[0] < 0.6 * total)
                   or (len(blocks) >= 6 and blocks[0] < 0.4 * total)):
        return "homepage", (f"a page of {len(blocks)} separate blocks of dated links (the largest "
                            f"holds {blocks[0]} of {total}), like a site's homepage, not one column: "
                            "open the block's 更多 link and probe that column")
    return None


def _dated_blocks(soup) -> list[int]:
    """Sizes of the blocks of dated link rows, largest first. A row is the smallest element around
    a link whose text carries a date (real homepages wrap each row in its own table); its block is
    the lowest ancestor holding three rows or more."""
    rows = []
    for a in soup.find_all("a", href=True):
        title = a.get_text(" ", strip=True)
        for up, el in enumerate(a.parents):
            if up > 4 or el.name in ("body", "html", "[document]"):
                break
            text = el.get_text(" ", strip=True)
            if len(text) > 300:
                break
            if find_date(text.replace(title, "", 1), context_year=2000):   # any year: only "is it a date"
                rows.append(el)
                break
    chains = [[id(p) for p in row.parents] for row in rows]
    held = Counter(i for chain in chains for i in set(chain))
    blocks = Counter(next((i for i in chain if held[i] >= 3), 0) for chain in chains)
    return sorted((n for b, n in blocks.items() if b and n >= 3), reverse=True)


def _explain_html(result: ProbeResult, resp, soup) -> None:
    """What the page holds when nothing verified."""
    links = soup.find_all("a", href=True)
    dates = [m for m in (find_date(s) for s in soup.find_all(string=True) if len(s) < 60) if m]
    if not dates and looks_like_json(resp.content):
        dates = re.findall(r"\d{4}-\d{1,2}-\d{1,2}", resp.text)
    result.findings.append(f"{len(resp.content)} bytes ({resp.encoding}), {len(links)} links, "
                           f"{len(dates)} date-like strings, {len(soup.find_all('script'))} scripts")
    if len(links) < 5 and soup.find_all("script"):
        apis = sorted(set(_SCRIPT_API.findall(resp.text)))[:5]
        result.findings.append("the list is probably built by JavaScript"
                               + (f"; script URLs worth a look: {', '.join(apis)}" if apis else ""))


def _css(tag: Tag) -> str:
    classes = [c for c in (tag.get("class") or []) if re.fullmatch(r"[A-Za-z_][\w-]*", c)]
    ident = tag.get("id") if isinstance(tag.get("id"), str) and re.fullmatch(r"[A-Za-z_][\w-]*", tag.get("id")) else ""
    return tag.name + (f"#{ident}" if ident else "") + "".join(f".{c}" for c in classes[:2])


def suggest_selectors(soup) -> dict[str, str]:
    """The list of link rows a person reads as the column: rows grouped by their container, never
    in page furniture (nav, header, footer) or a sidebar (``_mainlist``), dated rows first, then
    the most rows. Its ``item_selector`` is scoped to that container by an id/class path and
    checked to select exactly its rows — a bare ``ul > li`` would read the menu and the 排行 box
    as well. A starting point for ``preset = "selectors"``, verified by probe like any reading."""
    groups: dict[int, list[Tag]] = {}
    names = page_names(soup)
    for a in soup.find_all("a", href=True):
        row = a.parent
        if row is None or row.parent is None or row.name in ("body", "html", "[document]"):
            continue
        if _furniture(row) or side_of(row, names):
            continue   # a 热点/排行/最新动态 sidebar is never the column (_mainlist)
        rows = groups.setdefault(id(row.parent), [])
        if not rows or rows[-1] is not row:
            rows.append(row)
    # the same shape under one container: rows of another tag are not the list's
    shaped = []
    for rows in groups.values():
        name = Counter(r.name for r in rows).most_common(1)[0][0]
        rows = [r for r in rows if r.name == name]
        dated = sum(bool(_row_date_cell(r)) for r in rows)
        shaped.append((dated, len(rows), rows))
    shaped = [g for g in shaped if g[1] >= 3]
    if not shaped:
        return {}
    dated, _, rows = max(shaped, key=lambda g: (g[0], g[1]))
    item = _scoped_selector(soup, rows)
    if not item:
        return {}
    out = {"item_selector": item, "title_selector": "a"}
    cell = _row_date_cell(rows[0])
    if cell is not None:
        out["date_selector"] = _css(cell)
        anchor = rows[0].find("a")
        if anchor is not None and any(p is anchor for p in cell.parents):
            # the date inside the link (a > p + em): the title is the link's other text
            title = next((c for c in anchor.find_all(True) if c is not cell and c.get_text(strip=True)
                          and not find_date(c.get_text(""))), None)
            if title is not None:
                out["title_selector"] = "a " + _css(title)
    return out


def _furniture(row: Tag) -> bool:
    if row.find_parent(["header", "nav", "footer"]) is not None:
        return True
    for depth, el in enumerate([row, *row.parents]):
        if depth > 3 or el.name in ("body", "html", "[document]"):
            break
        if _NAVIGATION.search(" ".join(el.get("class") or []) + " " + str(el.get("id") or "")):
            return True
    return False


def _row_date_cell(row: Tag) -> Tag | None:
    for cell in row.find_all(["span", "em", "i", "td", "font", "div", "p"]):
        if find_date(cell.get_text("")) and not cell.find("a"):
            return cell
    return None


def _scoped_selector(soup, rows: list[Tag]) -> str:
    """``container > row`` with as many of the container's ancestors (up to one with an id) as it
    takes for the selector to select ``rows`` and nothing outside their container; "" when no
    such path is found."""
    want = {id(r) for r in rows}
    box, path = rows[0].parent, []
    while box is not None and box.name not in ("body", "html", "[document]") and len(path) < 5:
        path.insert(0, _css(box))
        selector = " > ".join([*path, rows[0].name])
        picked = soup.select(selector)
        # rows of the container without a link of their own (separators) are skipped when read
        if want <= {id(t) for t in picked} and all(t.parent is rows[0].parent for t in picked):
            return selector
        if "#" in path[0]:
            break
        box = box.parent
    return ""
