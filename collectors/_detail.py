"""Reading an article (detail) page: title, publish time, byline, body (gov-sites.md §3).

The publish time decides the year an item is counted in, and no single field is trusted: the page
gives every date it carries as a candidate (the visible 发布时间/发布日期 line, each ``PubDate``-style
meta) together with its generation time (页面生成时间, ``HtmlGenerateTime``), and
``collectors/_consensus.py`` chooses by agreement, with the list's and the URL's dates when the
caller has them. 成文日期/生成日期 of the 信息公开 block are deliberately not candidates: they are
the document's signing date and can fall in the previous year (gov-sites.md §5 T2).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, Tag

from . import _consensus as consensus
from ._boilerplate import clean_text, main_text
from ._dates import find_date
from ._pages import html_to_text, page_title

_META_DATES = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time",
               "publishtime", "dispatch date", "og:release_date", "datepublished")
# The page's generation time: a CMS that regenerates its pages may stamp PubDate with it too.
# Anhui's ``HtmlGenerateTime`` meta; Gansu's ``<meta name="others" content="页面生成时间 …">``.
_META_GENERATED = ("htmlgeneratetime", "generatetime", "generationtime")
# A byline whose date has no label but sits right before the source: "2016年09月27日 07:02 来源：
# 省政府办公厅 【字体：大 中 小】" (陕西), "2011-06-18 00:00:00 来源: 本站原创" (海口).
_SOURCE_MARK = re.compile(r"(?:信\s*息|文\s*章)?来\s*源\s*[:：]")
_GENERATED_LABEL = re.compile(r"(?:页\s*面|网\s*页|本\s*页)\s*生\s*成\s*(?:时\s*间|日\s*期)\s*[:：]?\s*")
_META_TITLES = ("articletitle", "og:title")
_META_SOURCES = ("contentsource", "source")
# Labels may be padded with spaces or U+3000 ("发 布 时 间", gov-sites.md §3.2); NFKC maps U+3000
# to a space before these run.
_STRONG_DATE_LABEL = re.compile(r"发\s*布\s*(?:日\s*期|时\s*间)\s*[:：]\s*")
# A bare 时间/日期 label (丽水: "时间:2020-05-25") only when it is not the tail of a label naming
# another date (成文日期, 生成日期, 发文日期, 归档时间, 生效时间 …).
_WEAK_DATE_LABEL = re.compile(r"(?:时\s*间|日\s*期)\s*[:：]\s*")
_OTHER_DATES = ("成文", "生成", "发文", "归档", "上载", "生效", "废止", "印发", "施行", "截止", "更新",
                "报名", "开始", "结束", "办理", "受理")
_SOURCE_LABEL = re.compile(
    r"(?:信\s*息\s*来\s*源|文\s*章\s*来\s*源|来\s*源\s*单\s*位|来\s*源|发\s*布\s*机\s*构)\s*[:：]\s*"
    r"(?P<value>[^\s:：|｜]{0,40})(?P<after>\s*[:：])?")
_LABEL_WORDS = ("发布", "时间", "日期", "作者", "浏览", "访问", "点击", "字号", "编辑", "责任")
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]|--|—|–|\s-\s)\s*")
_BODY_SELECTORS = (
    "#UCAP-CONTENT", ".trs_editor_view", ".TRS_UEDITOR", ".TRS_Editor", "#zoom", "#Zoom",
    ".article-content", "#zoomcon", ".article_con", ".bt-content", ".main-txt", "#ivs_content",
    ".Article_content", ".pages_content", ".xxgk-content", ".detail-content", ".tys-main-zt-show",
    ".show-content", ".zc_article_con", ".artile_zw", ".wzzw-article", "div.view-content",
    ".news_cont_d_wrap", ".articleBox", ".content_article", ".article", "#content", ".content",
)
_SELECTOR_RANK = {sel: rank for rank, sel in enumerate(_BODY_SELECTORS)}
_GENERIC_SELECTORS = frozenset({".article", "#content", ".content"})


# 政府信息公开 metadata (gov-sites.md §3.2): the field name we record -> the labels sites use.
FIELD_LABELS = {
    "索引号": ("索引号",),
    "发布机构": ("发布机构", "发文机关", "发文机构", "发文单位"),
    "文号": ("发文字号", "文件编号", "文号"),
    "来源": ("信息来源", "文章来源", "来源"),
    "主题分类": ("主题分类", "组配分类", "信息分类"),
    "成文日期": ("成文日期", "生成日期", "发文日期"),
    "有效性": ("有效性",),
}
_LABEL_TO_FIELD = {label: name for name, labels in FIELD_LABELS.items() for label in labels}
_ALL_LABELS = sorted({*_LABEL_TO_FIELD, "发布日期", "发布时间", "时间", "日期", "浏览次数", "访问量",
                      "点击次数", "作者", "名称", "标题", "统一编号", "关键词", "主题词", "字号"},
                     key=len, reverse=True)


def _spaced(label: str) -> str:
    # "索   引   号" and "标　　题" (U+3000, a space after NFKC) are the same label.
    return r"\s*".join(map(re.escape, label))


_FREE_LABEL = re.compile(
    r"(?<![\w])(?P<label>" + "|".join(_spaced(lab) for lab in _ALL_LABELS) + r")\s*[:：]\s*")
_ATTACH_EXT = (".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx", ".et", ".zip", ".rar",
               ".txt", ".ppt", ".pptx", ".jpg", ".png")
_ONCLICK_FILE = re.compile(r"""\(\s*['"]([^'"]*)['"]\s*,\s*['"]([^'"]+)['"]""")


@dataclass(frozen=True)
class Detail:
    title: str
    published: datetime | None
    date_source: str          # detail-meta | detail-label | "" (caller falls back to the list)
    date_raw: str
    byline: str
    body: str
    fields: dict[str, str] = field(default_factory=dict)       # 索引号, 发布机构, 文号, 来源 …
    attachments: list[dict[str, str]] = field(default_factory=list)   # {"name", "url"}
    # Every date the page carries (visible line, metas) and its generation time, for the caller's
    # consensus with the list and the URL; ``published`` is the page's own consensus.
    date_candidates: tuple[consensus.Candidate, ...] = ()
    generated: datetime | None = None


def _norm_label(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).rstrip(":：")


def _cell_fields(soup: BeautifulSoup) -> dict[str, str]:
    """Label/value pairs laid out in cells: ``<td>索引号：</td><td>…</td>``, ``<dt>…<dd>``,
    ``<td><b>文号：</b>…</td>`` — colons optional, which free text cannot afford."""
    out: dict[str, str] = {}
    for cell in soup.find_all(["td", "th", "dt", "b", "strong", "label", "lable", "span", "em"]):
        name = _LABEL_TO_FIELD.get(_norm_label(cell.get_text("")))
        if name is None or name in out:
            continue
        if cell.name in ("td", "th", "dt"):
            sib = cell.find_next_sibling(["td", "th", "dd"])
            value = sib.get_text("") if sib is not None else ""
        else:
            sib = cell.find_next_sibling()
            rest = "".join(str(s) for s in cell.next_siblings if isinstance(s, str))
            value = rest if rest.strip() else (sib.get_text("") if sib is not None else "")
        value = " ".join(unicodedata.normalize("NFKC", value).split())
        if name == "成文日期":
            value = _iso_day(value)
        if value and not _FREE_LABEL.match(value + "："):
            out[name] = value
    return out


def _iso_day(text: str) -> str:
    # 成文日期 is recorded, never used as the publish date (gov-sites.md §5 T2); one format for it.
    found = find_date(text)
    return found[0].strftime("%Y-%m-%d") if found else ""


def _free_fields(flat: str) -> dict[str, str]:
    """``索引号：… 发布机构：…`` runs in bylines and 太湖县-style one-line blocks."""
    out: dict[str, str] = {}
    matches = list(_FREE_LABEL.finditer(flat))
    for i, m in enumerate(matches):
        name = _LABEL_TO_FIELD.get("".join(m.group("label").split()))
        if name is None or name in out:
            continue
        end = matches[i + 1].start() if i + 1 < len(matches) else len(flat)
        value = flat[m.end(): min(end, m.end() + 80)].strip()
        if name == "成文日期":
            value = _iso_day(value)
        else:
            value = value.split(" ")[0] if value else ""
        if value:
            out[name] = value
    return out


def _attachments(soup: BeautifulSoup, base: str) -> list[dict[str, str]]:
    """Files linked from the page: by extension, by a gateway's ``fileName=`` parameter (jpaas),
    by a ``download`` attribute, or by ``onclick="downloadFj('name','url')"`` (gov-sites.md §3.6)."""
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for a in soup.find_all("a"):
        href = (a.get("href") or "").strip()
        name = " ".join(a.get_text(" ").split()) or (a.get("title") or "")
        m = _ONCLICK_FILE.search(a.get("onclick") or "")
        if m and (not href or href.lower().startswith(("javascript:", "#"))):
            name, href = m.group(1) or name, m.group(2)
        if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(base, href) if base else href
        parts = urlsplit(url)
        params = {k.lower(): v for k, v in parse_qsl(parts.query)}
        target = unquote(params.get("filename", "")).lower() or parts.path.lower()
        if not (target.endswith(_ATTACH_EXT) or a.has_attr("download")):
            continue
        if url not in seen:
            seen.add(url)
            out.append({"name": name or unquote(parts.path.rsplit("/", 1)[-1]), "url": url})
    return out


def _meta(soup: BeautifulSoup, names: tuple[str, ...]) -> str:
    wanted = {n.lower(): i for i, n in enumerate(names)}
    best: tuple[int, str] | None = None
    for tag in soup.find_all("meta"):
        key = (tag.get("name") or tag.get("property") or tag.get("itemprop") or "").strip().lower()
        value = " ".join((tag.get("content") or "").split())
        if key in wanted and value and (best is None or wanted[key] < best[0]):
            best = (wanted[key], value)
    return best[1] if best else ""


def _title(soup: BeautifulSoup) -> str:
    meta = _meta(soup, _META_TITLES)
    if meta:
        return meta
    full = page_title(soup)
    # A heading whose text is inside <title> is the article title; a logo <h1> holding the site name
    # is also inside <title>, so prefer the longest such heading.
    best = ""
    for h in soup.find_all(["h1", "h2", "h3"]):
        text = " ".join(h.get_text("").split())
        if len(text) >= 4 and (not full or text in full) and len(text) > len(best):
            best = text
    if best and (not full or len(best) >= len(full) / 3):
        return best
    if full:
        parts = [p for p in _TITLE_SEPARATORS.split(full) if p]
        # "标题_栏目_站点": the article comes first; the site decoration follows.
        return parts[0] if parts else full
    return best


def _label_date(flat: str) -> tuple[datetime, str, str] | None:
    """The visible publication line: (date, the text read, the label as written)."""
    for m in _STRONG_DATE_LABEL.finditer(flat):
        found = find_date(flat[m.end(): m.end() + 40])
        if found:
            return found[0], found[1], "".join(m.group(0).split()).rstrip(":：")
    for m in _WEAK_DATE_LABEL.finditer(flat):
        before = "".join(flat[max(0, m.start() - 8): m.start()].split())
        if before.endswith(_OTHER_DATES):
            continue
        found = find_date(flat[m.end(): m.end() + 40])
        if found:
            return found[0], found[1], "".join(m.group(0).split()).rstrip(":：")
    return None


def _byline_date(flat: str) -> tuple[datetime, str, str] | None:
    for m in _SOURCE_MARK.finditer(flat):
        window = flat[max(0, m.start() - 32): m.start()].rstrip(" |｜")
        found = find_date(window)
        # The date must close the window and carry no label of its own (成文日期：… 来源：).
        if found and window.endswith(found[1]) and \
                not window[: -len(found[1])].rstrip().endswith((":", "：")):
            return found[0], found[1], "来源 line"
    return None


def _date_candidates(soup: BeautifulSoup, flat: str) -> list[consensus.Candidate | None]:
    out: list[consensus.Candidate | None] = []
    found = _label_date(flat) or _byline_date(flat)
    if found:
        out.append(consensus.candidate(consensus.LABEL, found[1], found[2], when=found[0]))
    else:
        # Guangdong templates put the visible date in a <publishtime> element without a label.
        tag = soup.find("publishtime")
        if tag is not None:
            text = " ".join(tag.get_text(" ").split())
            hit = find_date(text)
            if hit:
                out.append(consensus.candidate(consensus.LABEL, hit[1], "publishtime", when=hit[0]))
    seen: set[tuple[str, str]] = set()
    for tag in soup.find_all("meta"):
        name = (tag.get("name") or tag.get("property") or tag.get("itemprop") or "").strip()
        value = " ".join((tag.get("content") or "").split())
        if name.lower() in _META_DATES and value and (name.lower(), value) not in seen:
            seen.add((name.lower(), value))
            out.append(consensus.candidate(consensus.META, value, name))
    out.append(_generated(soup, flat))
    return out


def _generated(soup: BeautifulSoup, flat: str) -> consensus.Candidate | None:
    """The page's generation time, from a meta, a visible 页面生成时间 line or a comment."""
    texts: list[tuple[str, str]] = []
    for tag in soup.find_all("meta"):
        name = (tag.get("name") or tag.get("property") or "").strip()
        value = " ".join((tag.get("content") or "").split())
        if name.lower() in _META_GENERATED:
            texts.append((value, name))
        elif _GENERATED_LABEL.search(value):
            texts.append((value, "页面生成时间"))
    texts += [(flat, "页面生成时间")]
    texts += [(str(c), "页面生成时间") for c in soup.find_all(string=lambda s: isinstance(s, Comment))
              if "生成" in c]
    for text, name in texts:
        text = unicodedata.normalize("NFKC", text)
        m = _GENERATED_LABEL.search(text)
        if m is None and name == "页面生成时间":
            continue
        hit = find_date(text[m.end(): m.end() + 40] if m else text)
        if hit:
            return consensus.candidate(consensus.GENERATED, hit[1], name, when=hit[0])
    return None


def _byline(flat: str, soup: BeautifulSoup) -> str:
    for m in _SOURCE_LABEL.finditer(flat):
        value = m.group("value")
        if value and not m.group("after") and not value.startswith(_LABEL_WORDS):
            return value
    return _meta(soup, _META_SOURCES)


def _containers(soup: BeautifulSoup) -> list[tuple[str, Tag]]:
    """Every element a known selector names, by the selector's rank, then in page order. One walk:
    soupsieve's select over all of ``_BODY_SELECTORS`` took longer than the rest of the parse."""
    found: dict[str, list[Tag]] = {}
    for tag in soup.find_all(True):
        ident = tag.get("id")
        if ident and "#" + ident in _SELECTOR_RANK:
            found.setdefault("#" + ident, []).append(tag)
        for cls in tag.get("class") or ():
            for sel in ("." + cls, f"{tag.name}.{cls}"):
                if sel in _SELECTOR_RANK:
                    found.setdefault(sel, []).append(tag)
    return [(sel, node) for sel in sorted(found, key=_SELECTOR_RANK.get) for node in found[sel]]


def _body(soup: BeautifulSoup, title: str) -> str:
    """A known container's text, else the article chosen by content (collectors/_boilerplate.py).
    A generic name (``.content``, ``#content``, ``.article``) may be a page-wide wrapper or the
    menu's box, so inside one the article is chosen by content too."""
    for sel, node in _containers(soup):
        text = main_text(node, title) if sel in _GENERIC_SELECTORS else clean_text(node)
        if len(text) >= 10:
            return text
    return main_text(soup.body or soup, title)


def parse_detail(soup: BeautifulSoup, base: str = "") -> Detail:
    """Parse a detail page already checked by :func:`collectors._pages.problem`. ``base`` (the
    page's URL) makes attachment links absolute."""
    flat = unicodedata.normalize("NFKC", html_to_text(soup.body or soup)).replace("\n", " ")
    candidates = tuple(c for c in _date_candidates(soup, flat) if c is not None)
    own = consensus.decide(candidates)
    generated = next((c.when for c in candidates if c.source == consensus.GENERATED), None)
    fields = {**_free_fields(flat), **_cell_fields(soup)}
    meta_source = _meta(soup, _META_SOURCES)
    if meta_source:
        fields.setdefault("来源", meta_source)
    title = _title(soup)
    return Detail(title=title, published=own.published, date_source=own.source,
                  date_raw=own.raw, byline=_byline(flat, soup), body=_body(soup, title),
                  fields=fields, attachments=_attachments(soup, base),
                  date_candidates=candidates, generated=generated)
