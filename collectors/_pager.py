"""Where a column's next list page is, and how many pages the column states (its pager).

The next page comes from the first clue that exists: a stated page count (the TRS pager call in
its forms, or its variables), a 下一页 link, a sibling ``index_N``/``list_N`` link, the page
number after the current one. A total stated in words (``共1,227页``, 尾页, records over the page
size) makes the next page a promise the walker holds the site to. A 下一页 that only runs a script
(``onclick="goPage(2)"``), or a pager of numbered ``goPage(n)`` links with page n+1's number among
them, gives its address when the page's own definition of the function builds it from the number
(read by ``_links.js_value`` in its concatenation and ``n==1 ? … : …`` forms, never run); otherwise the page shows a next page it gives no address for
(``Pager.unreachable``), and the walker reaches it by the source's ``page_url`` or the column's
naming, or fails the pass. Each shape has a fixture column naming its real sample:
tests/fixtures/sites/{trs,plain,layout}_variants/*/expect.json.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from ._links import clean as _clean, own_function_url as _own_function_url, row_href

# 下一页 as sites write it: bare, bracketed, with arrows ("下一页>>", "[下一页]", "下一页 ›").
_NEXT_TEXT = re.compile(r"^[\s\[【(（<《]*(?:下一页|下页|后一页|后页|下一頁|next\s*(?:page)?)[\s\]】)）>》›»]*$"
                        r"|^\s*[>›»]\s*$", re.I)
_LAST_TEXT = re.compile(r"^[\s\[【(（]*(?:尾页|末页|最后一页|最末页|last\s*(?:page)?)[\s\]】)）>》›»]*$", re.I)
_PAGE_WORDS = re.compile(r"页|next|last", re.I)
_PAGER_BOXES = frozenset({"div", "p", "td", "ul", "ol", "nav", "form", "center", "span"})
# The TRS-family pager call, whatever its arguments (gov-sites.md §2.3); see _pager_call.
_PAGER_CALL = re.compile(r"\bcreatePage(?:HTML)?\s*\(([^()]{1,300})\)")
_ARG_STR = re.compile(r"""^(['"])([\w.-]*)\1$""")
_ARG_NAME = re.compile(r"^[A-Za-z_$][\w$]*$")
_EXT = re.compile(r"^s?html?$|^jsp$|^aspx?$|^php$", re.I)
# The classic TRS template writes its pager with document.write from variables, no call:
# "var currentPage = 0;//所在页从0开始 … var countPage = 20//共多少页"; older ones name the current
# page nCurrIndex.
_COUNT_PAGE = re.compile(r"\bvar\s+countPage\s*=\s*(\d+)")
_CURRENT_PAGE = re.compile(r"\bvar\s+(?:currentPage|nCurrIndex)\s*=\s*(\d+)")
# A stated total as pagers write it: "共1,227页" (thousands comma, real: nmpa), "共 39 页",
# "第1/39页", "页次：1/39"; or records with a page size ("共768条 每页20条").
_NUM = r"(\d{1,3}(?:[,，]\d{3})+|\d{1,6})"
_TOTAL_PAGES = (re.compile(rf"共\s*{_NUM}\s*页"), re.compile(rf"\d{{1,6}}\s*/\s*{_NUM}\s*页"),
                re.compile(rf"页次\s*[:：]?\s*\d{{1,6}}\s*/\s*{_NUM}"),
                re.compile(rf"总页数\s*[:：]?\s*{_NUM}"))
_TOTAL_RECORDS = re.compile(rf"共\s*(?:有\s*)?{_NUM}\s*条")
_PER_PAGE = re.compile(r"每页\s*(?:显示\s*)?(\d{1,4})\s*条")
# A pager control that runs a function with the page number: onclick="goPage(2)",
# href="javascript:gotoPage('2')", "javascript:void(0)" plus onclick. Never run; read.
_JS_CALL = re.compile(r"""([A-Za-z_$][\w$.]*)\s*\(\s*['"]?(\d{1,6})['"]?\s*(?:,[^()]*)?\)""")
_PAGE_PARAM = re.compile(r"^(?:page|pageno|pagenum|pageindex|currpage|curpage|cur_page|pn|p)$", re.I)
_CURRENT_CLASS = re.compile(r"(?:^|[-_])(?:current|curr|cur|active|on|sel|selected|now)(?:$|[-_])", re.I)
# Any name whose page number is a trailing "_N"/"-N": index_3.html, list-2.html, list_12_2.html
# (DedeCMS), A001001index_1.htm (卫辉), common_list_2.shtml.
_INDEX_N = re.compile(r"^(?P<prefix>[A-Za-z0-9][\w-]*?)(?:(?P<sep>[_-])(?P<n>\d+))?\.(?P<ext>s?html?)$")


@dataclass(frozen=True)
class Pager:
    next_url: str | None
    total_pages: int | None = None   # when the page states it (createPageHTML / countPage / 共N页)
    signal: str = ""                 # which clue gave next_url, for the log
    stated: bool = False             # next_url comes from a stated page count, not only a link
    # The page shows a next page it gives no address for (a 下一页 that only runs JavaScript, a
    # stated total past this page with no next link): what it shows, for the walker's failure.
    unreachable: str = ""


def _index_number(url: str) -> tuple[str, str, int, str] | None:
    """``index_3.html`` -> ("index", "_", 3, "html"); ``list-2.html`` -> ("list", "-", 2, "html");
    a bare ``index.html`` is number 0 (TRS counts from 0), a bare ``list.html`` too."""
    name = urlsplit(url).path.rsplit("/", 1)[-1] or "index.html"
    m = _INDEX_N.match(name)
    if not m:
        return None
    return m.group("prefix"), m.group("sep") or "_", int(m.group("n") or 0), m.group("ext")


def _number(text: str) -> int:
    return int(re.sub(r"[,，]", "", text))


def _resolve(arg: str, raw_text: str) -> int | str | None:
    """A pager call's argument: a number, a quoted name, or a variable assigned a literal on
    the page (``createPageHTML(countPage, currentPage, "index", "html")``). None: unknown, as
    in the function's own definition ``function createPageHTML(_nPageCount, _nCurrIndex, …)``."""
    arg = arg.strip()
    if arg.isdigit():
        return int(arg)
    m = _ARG_STR.match(arg)
    if m:
        return m.group(2)
    if _ARG_NAME.match(arg):
        # "countPage = 20//共多少页" is a literal; "nextPage = currentPage + 1" and "n = 2 * k" are not.
        m = re.search(rf"(?<![\w$.]){re.escape(arg)}\s*=\s*(?:(\d+)(?![\w.])(?!\s*(?:[-+*%]|/(?![/*])))"
                      r"""|(['"])([\w.-]*)\2)""", raw_text)
        if m:
            return int(m.group(1)) if m.group(1) else m.group(3)
    return None


def _pager_call(args: list[int | str], prefix: str, ext: str) -> tuple[int, int | None, str, str] | None:
    """(page count, next page's file number or None on the last page, prefix, extension) from a
    pager call's resolved arguments. The forms seen (gov-sites.md §2.3; samples in the variant
    fixtures' expect.json):

    - ``createPageHTML(count, current, "index", "html")`` — TRS WCM; 0-based, page k is
      ``index_k.html``; Chongqing's ``createPage`` the same; 2 and 3 arguments leave the name and
      extension to the page's own URL;
    - ``createPageHTML(records, count, current, …)`` — Beijing, three numbers first;
    - ``createPageHTML('page_div', count, current, 'list', 'shtml', records)`` — a container id
      first (CSRC, 昆山, 邵阳); 1-based, page k ≥ 2 is ``list_k.shtml``.
    """
    def names(rest: list) -> tuple[str, str]:
        strs = [a for a in rest if isinstance(a, str)]
        p = strs[0] if strs and re.fullmatch(r"[\w-]+", strs[0]) else prefix
        e = strs[1] if len(strs) > 1 and _EXT.match(strs[1]) else ext
        return p, e

    if len(args) >= 3 and isinstance(args[0], str) and isinstance(args[1], int) and isinstance(args[2], int):
        count, cur = args[1], args[2]
        p, e = names(args[3:])
        return count, (cur + 1 if cur < count else None), p, e
    ints = 0
    for a in args:
        if not isinstance(a, int):
            break
        ints += 1
    if ints >= 3:
        count, cur = args[1], args[2]
    elif ints == 2:
        count, cur = args[0], args[1]
    else:
        return None
    p, e = names(args[ints:])
    return count, (cur + 1 if cur + 1 < count else None), p, e


def _stated_count(raw_text: str, page_url: str) -> tuple[int, int | None, str, str] | None:
    """(page count, next page's file number or None, prefix, ext) from a TRS-style pager script."""
    here = _index_number(page_url)
    prefix, ext = (here[0], here[3]) if here else ("index", "html")
    for m in _PAGER_CALL.finditer(raw_text):
        args: list[int | str] = []
        for raw in m.group(1).split(","):
            value = _resolve(raw, raw_text)
            if value is None:
                break
            args.append(value)
        else:
            found = _pager_call(args, prefix, ext)
            if found is not None:
                return found
    m = _COUNT_PAGE.search(raw_text)
    if m:
        km = _CURRENT_PAGE.search(raw_text)
        cur = int(km.group(1)) if km else (here[2] if here else 0)
        count = int(m.group(1))
        return count, (cur + 1 if cur + 1 < count else None), prefix, ext
    return None


def _stated_total(text: str) -> int | None:
    """The page count a pager states in words, or records over the page size."""
    for pattern in _TOTAL_PAGES:
        m = pattern.search(text)
        if m:
            return _number(m.group(1))
    m, per = _TOTAL_RECORDS.search(text), _PER_PAGE.search(text)
    if m and per and int(per.group(1)) > 0:
        return max(1, -(-_number(m.group(1)) // int(per.group(1))))
    return None


def _label(a: Tag) -> str:
    img = a.find("img")
    return (_clean(a.get_text("")) or _clean(a.get("title") or "")
            or (_clean(img.get("alt") or img.get("title") or "") if img else ""))


def _page_number(url: str) -> int | None:
    """The page number a list URL carries: ``?page=3`` (and pageNo, pageIndex …) or ``index_3``."""
    for key, value in parse_qsl(urlsplit(url).query):
        if _PAGE_PARAM.match(key) and value.isdigit():
            return int(value)
    here = _index_number(url)
    return here[2] if here else None


def _current_number(soup: BeautifulSoup, page_url: str) -> int | None:
    """This page's 1-based number: the pager's highlighted number (``<span class="current">1``),
    else 1 when the URL carries no page number (a column's first page)."""
    for el in soup.find_all(class_=_CURRENT_CLASS):
        text = _clean(el.get_text(""))
        if text.isdigit() and len(text) <= 5 and el.find_parent(["nav", "header"]) is None and _in_pager(el):
            return int(text)
    parts = urlsplit(page_url)
    if not any(_PAGE_PARAM.match(k) for k, _ in parse_qsl(parts.query)):
        here = _index_number(page_url)
        if here is None or here[2] == 0:
            return 1
    return None


def _in_pager(el: Tag) -> bool:
    """A page number sits in a pager: a block around it (up to three levels, never a table row,
    where a numbered link is a document) also holds other page numbers or page words."""
    for depth, box in enumerate(el.parents):
        if depth >= 3 or box.name in ("tr", "tbody", "table", "body", "html", "[document]"):
            return False
        if box.name not in _PAGER_BOXES:
            continue
        if any(other is not el and _clean(other.get_text("")).isdigit()
               for other in box.find_all(["a", "span", "b", "strong", "font", "em", "li"])):
            return True
        if _PAGE_WORDS.search(_clean(box.get_text(" "))):
            return True
    return False


def _link_to(a: Tag, page_url: str) -> str | None:
    href = row_href(a, page_url)
    return href if href and href != page_url.split("#", 1)[0] else None


def find_next(soup: BeautifulSoup, page_url: str, raw_text: str) -> Pager:
    """Where the next list page is, by the first clue that exists: a stated page count
    (``createPageHTML``/``createPage``/``countPage``), a 下一页 link, an ``index_N`` /
    ``list-N`` sibling link, then the link numbered one past this page's number."""
    stated = _stated_count(raw_text, page_url)
    if stated is not None:
        count, nxt, prefix, ext = stated
        if nxt is None:
            return Pager(None, count, "last page by page count", stated=True)
        return Pager(urljoin(page_url, f"{prefix}_{nxt}.{ext}"), count, "page count", stated=True)
    total = _stated_total(visible_text_of(soup))
    current = _current_number(soup, page_url)
    anchors = soup.find_all("a")
    found: tuple[str | None, str] | None = None
    js = ""    # a next page only a script reaches: "goPage(2)"
    for a in anchors:
        if _NEXT_TEXT.match(_label(a)):
            href = _link_to(a, page_url)
            found = (href, "下一页 link") if href else (None, "下一页 link is inactive")
            if not href:
                found, js = _js_next(a, raw_text, page_url, current, total, "下一页") or (found, "")
            break
    if found is None:
        found = _sibling_link(soup, page_url)
    if found is None and current is None and _numbered_js(anchors, page_url):
        # page 2 of a pager of numbered goPage(n) links that marks no current page: its number
        # is the address's (list_2.html, ?page=2; index_1.html is page 2 where index.html is 1)
        current = _url_page(page_url)
    if found is None and current is not None:
        for a in anchors:
            label = _label(a).strip("[]【】 ")
            if label.isdigit() and int(label) == current + 1 and _in_pager(a):
                href = _link_to(a, page_url)
                if href:
                    found = (href, f"page-number link {current + 1}")
                    break
                by_js = _js_next(a, raw_text, page_url, current, total, f"page-number link {current + 1}")
                if by_js:
                    found, js = by_js
                    break
    next_url, signal = found or (None, "no next-page clue")
    if total is None and next_url and current is not None:
        total = _last_link_total(anchors, page_url, next_url, current)
    # A stated total makes the next page a promise: if it then lists nothing, the column was
    # cut short (the walker fails the run) instead of having ended.
    promised = bool(next_url and total is not None and current is not None and current < total)
    unreachable = ""
    if next_url is None:
        said = _stated_phrase(visible_text_of(soup))
        states = f"the page states {said}" if said else ""
        if js:
            unreachable = ", but " if states else ""
            unreachable = f"{states}{unreachable}its next page is only reachable by JavaScript ({js})"
        elif total is not None and current is not None and current < total:
            unreachable = f"{states or f'the page states {total} pages'} and is page {current}, " \
                          "but links to no next page"
    return Pager(next_url, total, signal, stated=promised, unreachable=unreachable)


def _numbered_js(anchors: list[Tag], page_url: str) -> bool:
    """The pager numbers its pages with links that only run a script (``onclick="goPage(2)"``)."""
    return any(_label(a).isdigit() and not _link_to(a, page_url) and _JS_CALL.search(
        (a.get("onclick") or "") + (a.get("href") or "")) for a in anchors)


def _url_page(page_url: str) -> int | None:
    """The 1-based page number a list address carries, when it carries one."""
    for key, value in parse_qsl(urlsplit(page_url).query):
        if _PAGE_PARAM.match(key) and value.isdigit():
            return int(value)
    here = _index_number(page_url)
    if here is None or here[2] == 0:
        return None
    return here[2] + 1 if here[0].lower() in ("index", "default") else here[2]


def _js_next(a: Tag, raw_text: str, page_url: str, current: int | None, total: int | None,
             what: str) -> tuple[tuple[str | None, str], str] | None:
    """A pager control that calls a function with the next page's number (``onclick="goPage(2)"``,
    ``href="javascript:goPage(2)"``): ((its address, signal), "") when the page's own definition of
    the function builds the address from the number; ((None, signal), "goPage(2)") when only
    running it would tell. None: no such call, or it names this page or one past the stated total
    (an inactive control)."""
    for code in (a.get("onclick") or "", (a.get("href") or "").partition("javascript:")[2]):
        m = _JS_CALL.search(code)
        if not m:
            continue
        fn, n = m.group(1), int(m.group(2))
        if n <= (current or 1) or (total is not None and n > total):
            return None
        call = f"{fn}({n})"
        url = _own_function_url(raw_text, fn, n, page_url)
        if url and url != page_url.split("#", 1)[0]:
            return (url, f"{what} through {call}, read from the page's own {fn} function"), ""
        return (None, f"{what} only runs JavaScript ({call})"), call
    return None


def _stated_phrase(text: str) -> str:
    """The pager's own words for the total ("共20条 第1/2页"), for messages."""
    found = [text[m.start() - 1: m.end()] if m.start() and text[m.start() - 1] == "第" else m.group(0)
             for m in (_TOTAL_RECORDS.search(text), _PER_PAGE.search(text),
                       *(p.search(text) for p in _TOTAL_PAGES)) if m]
    return " ".join(dict.fromkeys(" ".join(f.split()) for f in found))


def page_address(pattern: str, n: int, column_url: str) -> str:
    """A source's ``page_url`` for page ``n`` (2 for the second page): ``{n}`` is the page's number,
    ``{n-1}`` the same counted from 0 (TRS's ``index_1.html`` is page 2); relative to the column."""
    return urljoin(column_url, pattern.replace("{n-1}", str(n - 1)).replace("{n}", str(n)))


def family_pattern(column_url: str) -> str | None:
    """The ``page_url`` the column's own naming implies, when its first page is a bare
    ``index.html`` (TRS and its imitators number page 2 ``index_1.html``) or ``list.html`` (page 2
    is ``list_2.html``, as Hanweb/大汉-built county sites and DedeCMS-style lists name it)."""
    here = _index_number(column_url)
    if here is None or here[2] != 0:
        return None
    prefix, _sep, _n, ext = here
    if prefix.lower() in ("index", "default"):
        return f"{prefix}_{{n-1}}.{ext}"
    if prefix.lower() in ("list", "lists", "more"):
        return f"{prefix}_{{n}}.{ext}"
    return None


def _sibling_link(soup: BeautifulSoup, page_url: str) -> tuple[str, str] | None:
    here = _index_number(page_url)
    if not here:
        return None
    prefix, sep, n, ext = here
    # From a bare first page the next one is prefix_1 on 0-based sites (TRS) and prefix_2 on
    # 1-based ones (list.html, list_2.html); further on both number it n + 1. list-1 is page 1.
    wanted = [f"{prefix}_{n + 1}.{ext}", f"{prefix}-{n + 1}.{ext}"]
    if sep == "-" or n == 0:
        wanted += [f"{prefix}_{max(n, 1) + 1}.{ext}", f"{prefix}-{max(n, 1) + 1}.{ext}"]
    folder = page_url.rsplit("/", 1)[0]
    targets = {}
    for a in soup.find_all("a", href=True):
        target = urljoin(page_url, a["href"]).split("#", 1)[0]
        if target.rsplit("/", 1)[0] == folder:
            targets.setdefault(urlsplit(target).path.rsplit("/", 1)[-1], target)
    for name in wanted:
        if name in targets:
            return targets[name], "sibling page link"
    return None


def _last_link_total(anchors: list[Tag], page_url: str, next_url: str, current: int) -> int | None:
    """The page count from a 尾页/末页 link, numbered the way the next link is: nmpa's page 1
    links 下一页 index_1.html and 末页 index_1226.html, so the column has 1,227 pages."""
    nxt = _page_number(next_url)
    if nxt is None:
        return None
    for a in anchors:
        if _LAST_TEXT.match(_label(a)):
            href = row_href(a, page_url)
            last = _page_number(href) if href else None
            if last is not None:
                return last - (nxt - (current + 1))
    return None


def visible_text_of(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())


def page_url_candidates(column_url: str) -> list[str]:
    """The ``page_url`` patterns a column's address suggests, likeliest first (its family's
    naming first): ``index.html`` -> ``index_{n-1}.html``, ``index_{n}.html``, ``index-{n}.html``…;
    ``list.asp?id=3`` -> ``list.asp?id=3&page={n}``. Advice is checked against the site before it
    is given (the walker fetches page 2 by each)."""
    found = [p for p in (family_pattern(column_url),) if p]
    parts = urlsplit(column_url)
    name = parts.path.rsplit("/", 1)[-1] or "index.html"
    if parts.query:
        found += [f"{name}?{parts.query}&{k}={{n}}" for k in ("page", "pageNo", "pageIndex")]
    else:
        here = _index_number(column_url)
        stem, dot, ext = name.rpartition(".")
        prefix, ext = (here[0], here[3]) if here else ((stem, ext) if dot else (name, "html"))
        for sep in ("_", "-"):
            found += [f"{prefix}{sep}{{n}}.{ext}", f"{prefix}{sep}{{n-1}}.{ext}"]
        found += [f"{name}?page={{n}}"]
    return list(dict.fromkeys(found))
