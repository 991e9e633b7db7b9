"""The article text of a detail page, without the site around it (正文 vs. 页眉/导航/页脚).

The body is classified, so a menu or a footer stored as the body decides the category: "政务公开" in a
menu weighs 5 for 其他. Every text block is scored by what a reader reads in it — characters outside
links, sentence punctuation — and blocks that are mostly links (menus, link lists, related news),
rows of short labels, or boilerplate lines (版权所有, ICP备, 网站标识码, 主办单位, 联系我们, 无障碍,
当前位置, 打印/关闭, 分享到 …) score nothing. The body is the smallest element holding most of the
score, with nav/header/footer/aside/breadcrumb/share/related-links/print-close parts inside it
dropped; a page where nothing credible remains gives "" (the title alone classifies).

trafilatura 2.3.1 and readability-lxml 0.9 were measured first, on the four real detail pages of
../shared/real-pages and the six fixtures of tests/fixtures/sites/boilerplate (the article's lines
present, no furniture, "" where nothing is credible): trafilatura 2 of 10 right (it keeps NDRC's
breadcrumb "首页 > 政务公开 > …" and print/close links; 232 ms on the NDRC page), readability 4 of 10
(nothing from Gansu's table, menus and footers kept elsewhere); this module 10 of 10 at 5 ms a
page. Neither is a dependency.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlsplit

from bs4 import NavigableString, Tag

_BLOCKS = frozenset({
    "p", "div", "li", "tr", "td", "th", "table", "tbody", "thead", "tfoot", "section", "article",
    "main", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre",
    "header", "footer", "nav", "aside", "center", "form", "address", "figure", "figcaption",
    "body", "html",
})
_BREAKS = frozenset({"br", "hr"})
_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed", "head",
                   "title", "input", "select", "option", "textarea", "button", "svg", "canvas",
                   "map"})
_BOILER_TAGS = frozenset({"nav", "header", "footer", "aside", "address"})
# class/id words of site furniture: as a part of the name ("rightnav", "bdsharebuttonbox") …
_NAME_PART = re.compile(r"nav|menu|footer|breadcrumb|crumb|share|copyright|sidebar|friendlink|yqlj|"
                        r"xglj|toolbar|weizhi|dqwz|daohang|banquan")
# … or as a whole word of it ("zk_main_location", "footer-bg"; "add-bg" is not one)
_NAME_WORDS = frozenset({"foot", "bottom", "top", "head", "header", "location", "position", "links",
                         "link", "related", "relate", "dayin", "aside", "side", "search", "address",
                         "tool", "tools", "login", "logo", "banner", "dh", "wzdh", "fenxiang",
                         "dibu"})
# Footers, whatever they hold, are never the article; a nav- or top-named box may wrap it.
_FOOTER_TAGS = frozenset({"footer", "address"})
_FOOTER_PART = re.compile(r"footer|copyright|banquan")
_FOOTER_WORDS = frozenset({"foot", "bottom", "address", "dibu"})
# Lines of site furniture. A mark that prose never carries (版权所有, 陇ICP备19000877号, 网站标识码) makes
# a footer-sized line furniture; the others (无障碍, 联系我们, 当前位置, 【关闭】 …) only a line that is no
# sentence — short and without 。/，— or one with two of them (主办：… 承办：…).
_STRONG_MARK = re.compile(r"版权所有|版权归|copyright|©|icp\s*[备证]\s*\d|公网安备|网站标识码|网站识别码", re.I)
_WEAK_MARK = re.compile(
    r"主办单位|承办单位|协办单位|主\s*办\s*[:：]|承\s*办\s*[:：]|技术支持|运维单位|维护单位|联系我们|无障碍|"
    r"适老化|长者模式|关怀模式|老年人模式|网站地图|设为首页|加入收藏|浏览器|分辨率|当前(?:的)?位置|您的位置|"
    r"您所在的位置|打印本页|打印此页|关闭窗口|关闭本页|[【\[]\s*(?:打印|关闭)\s*[】\]]|分享到|扫一扫|"
    r"字体\s*[:：]?\s*[【\[]?\s*大|字号\s*[:：]?\s*[【\[]?\s*大|网站纠错|我要纠错|找错|返回顶部|回到顶部")
_WEAK_START = re.compile(
    r"^(?:相关链接|相关文章|相关新闻|相关阅读|相关稿件|相关信息|友情链接|热点推荐|推荐阅读|上一篇|下一篇|"
    r"今天是.{0,30}星期)")
_SENTENCE = re.compile(r"[。，,]")
# Where the article ends on a page read by content (the first such line after some text).
_END_MARK = re.compile(r"^(?:相关附件|相关链接|扫一扫|打印本页|【?\s*关闭\s*】?|【?打印】?|分享到)")
# The title and the 发布时间/来源/浏览次数 line over the text: read apart (_detail.py), and noise here.
_META_LINE = re.compile(
    r"^(?:发\s*布\s*(?:时\s*间|日\s*期|机\s*构)|(?:信\s*息|文\s*章)?来\s*源|作\s*者|浏\s*览(?:次\s*数)?|"
    r"点\s*击(?:数|率|量)?|访\s*问(?:量|次数)|阅\s*读(?:数|量)?|(?:责\s*任)?编\s*辑|时\s*间|日\s*期)\s*[:：]"
    r"[^。]{0,80}$")
_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z]")
_DIGIT = re.compile(r"[0-9]")
_PUNCT = re.compile(r"[。，；：！？、,;:!?]")
_ATTACH_EXT = (".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx", ".et", ".zip", ".rar",
               ".txt", ".ppt", ".pptx")
_SHORT_LINE = 60
_FOOTER_LINE = 300
_MIN_BODY = 10        # characters of words under which what remains is not an article
_DESCEND = 0.7        # a child holding this share of an element's score stands for it
_KEEP = 0.5           # furniture holding this share of the chosen element's score is the article


def boilerplate_line(line: str) -> bool:
    """A line of site furniture: 版权所有 …, 陇ICP备 …, 当前位置：…, 【打印】【关闭】, 今天是 … 星期五."""
    flat = "".join(line.split())
    if not flat or len(flat) > _FOOTER_LINE:
        return False
    if _STRONG_MARK.search(flat):
        return True
    if _SENTENCE.search(flat):
        return False
    if len(flat) <= _SHORT_LINE and (_WEAK_START.match(flat) or _WEAK_MARK.search(flat)):
        return True
    return len({m.group(0) for m in _WEAK_MARK.finditer(flat)}) >= 2


@dataclass
class _Stats:
    named: int = 0              # 2: a footer by tag, class or id; 1: other furniture; here or above
    words: int = 0              # characters of words (CJK, letters) in the subtree
    link_words: int = 0         # of them, inside links other than attachment links
    score: float = 0.0          # the scores of the text blocks within
    weighted: float = 0.0       # the same, none inside footers, a fifth inside other furniture
    blocks: int = 0             # text blocks within
    boiler: int = 0             # of them, boilerplate lines
    footer: bool = False        # the smallest element most of whose text blocks are boilerplate
    own: list[str] = field(default_factory=list)   # a block's own strings
    own_links: int = 0          # words of them inside links
    flags: str = ""             # why a block scored nothing: boiler | links | labels


def _furniture(tag: Tag) -> int:
    """2 for a footer (footer, address, class="foot"), 1 for other furniture, 0 for neither."""
    if tag.name in _FOOTER_TAGS:
        return 2
    ident, classes = tag.get("id"), tag.get("class")
    if not ident and not classes:
        return 1 if tag.name in _BOILER_TAGS else 0
    return max(_named(" ".join([ident or "", *(classes or ())]).lower()),
               1 if tag.name in _BOILER_TAGS else 0)


@lru_cache(maxsize=4096)
def _named(names: str) -> int:
    words = re.split(r"[^a-z]+", names)
    if _FOOTER_PART.search(names) or any(w in _FOOTER_WORDS for w in words):
        return 2
    return 1 if _NAME_PART.search(names) or any(w in _NAME_WORDS for w in words) else 0


def _is_attachment(a: Tag) -> bool:
    href = (a.get("href") or "").strip()
    parts = urlsplit(href)
    params = {k.lower(): v for k, v in parse_qsl(parts.query)}
    target = unquote(params.get("filename", "") or params.get("fileurl", "")).lower() or \
        unquote(parts.path).lower()
    return target.endswith(_ATTACH_EXT) or a.has_attr("download")


def _in_cell(tag: Tag) -> bool:
    return tag.name in ("td", "th") or tag.find_parent(("td", "th")) is not None


def _block_score(tag: Tag, st: _Stats, labels: bool) -> None:
    # a block's lines are its <br>-separated runs: one of them may be 版权所有 … and the rest text
    runs = "".join(st.own).split("\n")
    lines = [line for line in (" ".join(run.split()) for run in runs) if line]
    if not lines:
        return
    text = " ".join(lines)
    words = len(_WORD.findall(text))
    st.blocks = 1
    punct = len(_PUNCT.findall(text))
    pieces = [p for p in ("".join(s.split()) for s in st.own) if p]
    kept = " ".join(line for line in lines if not boilerplate_line(line))
    if not kept:
        st.boiler, st.flags = 1, "boiler"
    elif st.own_links and st.own_links * 2 >= words:
        st.flags = "links"
    elif labels and punct == 0 and ((len(pieces) >= 3 and all(2 <= len(p) <= 8 for p in pieces))
                                    or (tag.name in ("li", "dt", "dd") and len(text) <= 8)) \
            and not _in_cell(tag):
        # 首页 机构概况 政务公开 … as separate elements without links, or one short menu item; not
        # a signature in one string ("国家发展改革委 交通运输部") nor Word's split runs ("202", "4年")
        st.flags = "labels"
    else:
        st.score = max(0, len(_WORD.findall(kept)) - st.own_links) + \
            2 * len(_PUNCT.findall(kept)) + 0.5 * len(_DIGIT.findall(kept))


def _measure(root: Tag, labels: bool) -> dict[int, _Stats]:
    """Stats of every element under ``root`` (elements never read, like <script>, are absent)."""
    stats: dict[int, _Stats] = {id(root): _Stats()}
    block_of: dict[int, Tag] = {id(root): root}
    in_link: dict[int, bool] = {id(root): False}
    order: list[Tag] = [root]           # document order: parents before children
    for el in root.descendants:
        pid = id(el.parent)
        if pid not in stats:
            continue
        if isinstance(el, Tag):
            if el.name in _SKIP:
                continue
            if el.name in _BREAKS:
                stats[id(block_of[pid])].own.append("\n")
            stats[id(el)] = _Stats()
            block_of[id(el)] = el if el.name in _BLOCKS else block_of[pid]
            in_link[id(el)] = in_link[pid] or (el.name == "a" and not _is_attachment(el))
            order.append(el)
        elif type(el) is NavigableString:
            n = len(_WORD.findall(el))
            block = stats[id(block_of[pid])]
            block.own.append(str(el))
            stats[pid].words += n
            if in_link[pid]:
                block.own_links += n
                stats[pid].link_words += n
    for el in order:
        if el.name in _BLOCKS or el is root:
            _block_score(el, stats[id(el)], labels)
    for el in reversed(order[1:]):
        st, up = stats[id(el)], stats[id(el.parent)]
        up.words += st.words
        up.link_words += st.link_words
        up.blocks += st.blocks
        up.boiler += st.boiler

    def boilerish(st: _Stats) -> bool:
        return st.boiler >= 2 and st.boiler * 2 >= st.blocks

    for el in order:
        st = stats[id(el)]
        if el is not root:
            st.named = max(stats[id(el.parent)].named, _furniture(el))
            st.footer = boilerish(st) and not any(
                boilerish(stats[id(c)]) for c in el.children if id(c) in stats)
            if st.footer:
                st.named = 2
        st.weighted = st.score * (1.0, 0.2, 0.0)[st.named]
    for el in reversed(order[1:]):
        st, up = stats[id(el)], stats[id(el.parent)]
        up.score += st.score
        up.weighted += st.weighted
    return stats


def _dropped(root: Tag, stats: dict[int, _Stats]) -> set[int]:
    """The furniture inside ``root``: named parts, footers, link lists, rows of labels. A part
    holding most of ``root``'s text is the article whatever its name (class="main top")."""
    keep = _KEEP * stats[id(root)].score
    out: set[int] = set()
    for el in root.descendants:
        if not isinstance(el, Tag) or id(el) not in stats:
            continue
        st = stats[id(el)]
        if st.score > keep > 0:
            continue
        links = st.words and st.link_words * 2 >= st.words
        # a block whose own line is furniture may still hold the article's blocks: only its
        # line goes then (``_text``)
        flagged = st.flags and not st.score
        if st.footer or _furniture(el) or (el.name in _BLOCKS and (links or flagged)):
            out.add(id(el))
    return out


def _text(root: Tag, dropped: set[int], chosen: bool, title: str = "") -> str:
    """``root``'s lines without ``dropped`` and boilerplate lines. For an element ``chosen`` by
    content, also without the title, the byline over the text, lines that are mostly links
    ("首页 | 政务公开" inline), and anything from a 相关链接/版权所有 line on."""
    runs: list[list[tuple[str, bool]]] = [[]]      # per line: (text, inside a link)
    stack: list[tuple[object, bool, bool]] = [(root, False, False)]
    while stack:
        el, closing, link = stack.pop()
        if isinstance(el, Tag):
            if el.name in _SKIP or id(el) in dropped:
                continue
            if el.name in _BLOCKS or el.name in _BREAKS:
                runs.append([])
            if not closing:
                inner = link or (el.name == "a" and not _is_attachment(el))
                stack.append((el, True, link))
                stack.extend((child, False, inner) for child in reversed(list(el.children)))
        elif type(el) is NavigableString:
            # a newline in the page's text breaks the line, as in _pages.html_to_text
            first, *rest = str(el).split("\n")
            runs[-1].append((first, link))
            runs.extend([(piece, link)] for piece in rest)
    lines: list[str] = []
    read = 0
    for run in runs:
        line = " ".join("".join(text for text, _ in run).split())
        if not line:
            continue
        if chosen:
            if read >= 20 and (_END_MARK.match(line) or _STRONG_MARK.search(line)):
                break
            linked = sum(len(_WORD.findall(text)) for text, in_link in run if in_link)
            if line == title or (not read and _META_LINE.match(line)) or \
                    (linked and linked * 2 >= len(_WORD.findall(line))):
                continue
        if boilerplate_line(line):
            continue
        read += len(_WORD.findall(line))
        lines.append(line)
    return "\n".join(lines)


def clean_text(node: Tag) -> str:
    """The text of a known article container, without the furniture some templates put inside it."""
    stats = _measure(node, labels=False)
    return _text(node, _dropped(node, stats), chosen=False)


def main_text(root: Tag, title: str = "") -> str:
    """The article under ``root`` chosen by content, or "" when nothing credible is there. Lines
    equal to ``title``, and the byline over the text, are left to the fields that hold them."""
    stats = _measure(root, labels=True)
    node = root
    while True:
        kids = [c for c in node.children if isinstance(c, Tag) and id(c) in stats]
        best = max(kids, key=lambda c: stats[id(c)].weighted, default=None)
        if best is None or stats[id(best)].weighted <= 0 or \
                stats[id(best)].weighted < _DESCEND * stats[id(node)].weighted:
            break
        node = best
    if stats[id(node)].weighted < _MIN_BODY:
        return ""
    text = _text(node, _dropped(node, stats), chosen=True, title=" ".join(title.split()))
    return text if len(_WORD.findall(text)) >= _MIN_BODY else ""
