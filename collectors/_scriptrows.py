"""Column rows that a page's script builds, read without running the script.

Two shapes of government column build their rows in the browser (outside test 6, defect 6):

- TRS templates that write each row with ``document.write('<li><a href=…>…</a><span>2025-…</span></li>')``
  — string literals, often joined with ``+``, or gathered first (``var str = ''; str += '…';
  document.write(str)``) — under a ``createPageHTML(countPage, currentPage, "index", "html")`` pager;
- an empty ``<ul id="list">`` filled from a JSON list (``$.getJSON("data/list_1.json")``,
  ``fetch("/x/data/list_"+(p+1)+".json")``, ``$.ajax({url: "…"})``).

Content from the web is hostile: no JavaScript runs here, ever. As the pager reading of
``_pager`` reads ``goPage``/``createPageHTML`` calls as data, string literals and URL literals are
read as data: a ``document.write`` whose argument is made only of string literals (and variables
that hold only string literals) is the HTML it writes, put in the script's place so the page's rows
are read like any other; anything else (a variable set by code, a number, a call, a condition) makes
that write unknown and it is left out — the pager's ``"index_" + nextPage + ".html"`` and the 解读
badge behind ``if (jdFlag == 1)`` write no row. A JSON list's address is a literal in a call
(``getJSON``, ``fetch``, ``ajax``/``url:``) or any string literal ending ``.json``; a page number
computed into it (``"list_" + (p + 1) + ".json"``) is read as page 1.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

WRITTEN = "data-gk-written"       # marks the elements put in place of a writing script
_MAX_SCRIPT = 400_000             # a script larger than this is not a list template
_TOKEN = re.compile(r"""
    (?P<s>'(?:[^'\\\n]|\\.)*+'|"(?:[^"\\\n]|\\.)*+"|`(?:[^`\\$]|\\.|\$(?!\{))*+`)
  | (?P<u>'(?:[^'\\\n]|\\.)*+|"(?:[^"\\\n]|\\.)*+|`(?:[^`\\$]|\\.|\$(?!\{))*+)
  | (?P<c>//[^\n]*|/\*.*?(?:\*/|\Z)|<!--|-->)
  | (?P<w>[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)
  | (?P<n>\d+(?:\.\d+)?)
  | (?P<o>===|!==|==|!=|<=|>=|=>|\+=|\+\+|&&|\|\||[-+=(){}\[\];,?:<>!*/%&|.])
  | (?P<x>\S)
""", re.S | re.X)
_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\n|.)", re.S)
_SIMPLE = {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", "v": "", "0": "", "\n": ""}
_WRITE = re.compile(r"\bdocument\s*\.\s*write(?:ln)?\s*\(")
# A link with an address, tag by tag: one search for ``<a\b[^>]*\bhref`` scanned from each of
# n unclosed ``<a`` to the end (n^2)
_LINK_TAG = re.compile(r"<a\b[^>]*+", re.I)
_HREF = re.compile(r"\bhref", re.I)
_UNKNOWN = object()               # a term whose value only running the script would give
_MAX_DEPTH = 20                   # parentheses deeper than this are not a string expression


def _unquote(literal: str) -> str:
    def one(m: re.Match) -> str:
        e = m.group(1)
        if e[0] == "u" and len(e) > 1:
            return chr(int(e[2:-1] if e[1] == "{" else e[1:], 16))
        if e[0] == "x" and len(e) == 3:
            return chr(int(e[1:], 16))
        return _SIMPLE.get(e, e)
    return _ESCAPE.sub(one, literal[1:-1])


def _tokens(code: str, where: list[int] | None = None) -> list[tuple[str, str]]:
    """The script's tokens; ``where`` (if given) receives each token's offset in ``code``."""
    out = []
    for m in _TOKEN.finditer(code):
        kind = m.lastgroup or "x"
        if kind == "c":
            continue
        text = m.group(kind)
        if kind == "u":                 # an unclosed string: one unknown token to its line's end
            kind = "x"
        out.append((kind, _unquote(text) if kind == "s" else re.sub(r"\s+", "", text)))
        if where is not None:
            where.append(m.start())
    return out


class _Reader:
    """String expressions of one script: literals joined by ``+``, parenthesised, and variables
    that were given such an expression. Values are ``str`` or ``_UNKNOWN``."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.t = tokens
        self.vars: dict[str, object] = {}
        self.writes: list[str] = []
        # concatenations with holes ("" marks one), with the index of their first token
        self.literals: list[tuple[tuple[str, ...], int]] = []

    def _at(self, i: int) -> tuple[str, str]:
        return self.t[i] if i < len(self.t) else ("", "")

    def _skip_balanced(self, i: int) -> int:
        """Past the bracketed group opening at ``i``."""
        depth = 0
        while i < len(self.t):
            text = self.t[i][1] if self.t[i][0] == "o" else ""
            if text in ("(", "[", "{"):
                depth += 1
            elif text in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return i

    def _term(self, i: int, depth: int) -> tuple[object, int, tuple[str, ...]]:
        kind, text = self._at(i)
        if kind == "s":
            return text, i + 1, (text,)
        if kind == "n":
            return _UNKNOWN, i + 1, ("",)      # a number: adding it is arithmetic, not text
        if (kind, text) == ("o", "(") and depth < _MAX_DEPTH:
            value, j, parts = self._expr(i + 1, depth + 1)
            if self._at(j) == ("o", ")"):
                return value, j + 1, parts if value is not _UNKNOWN else ("",)
            return _UNKNOWN, self._skip_balanced(i), ("",)
        if kind == "w":
            j = i + 1
            called = False
            while self._at(j) in (("o", "("), ("o", "[")):
                j, called = self._skip_balanced(j), True
            if called:
                return _UNKNOWN, j, ("",)
            value = self.vars.get(text, _UNKNOWN)
            return value, j, (value,) if isinstance(value, str) else ("",)
        return _UNKNOWN, i, ("",)

    def _expr(self, i: int, depth: int = 0) -> tuple[object, int, tuple[str, ...]]:
        start = i
        value, i, first_parts = self._term(i, depth)
        # pieces gathered in lists and joined once: a chain of n terms costs n, not n squared
        parts, texts = list(first_parts), [value]
        known = isinstance(value, str)          # 0 + 1 + "…" is not the text it looks like
        while self._at(i) == ("o", "+"):
            more, i, extra = self._term(i + 1, depth)
            parts.extend(extra)
            if known and isinstance(more, str):
                texts.append(more)
            else:
                known = False
        value = "".join(texts) if known else _UNKNOWN   # type: ignore[arg-type]
        joined = tuple(parts)
        if len(joined) > 1 or known:
            self.literals.append((joined, start))
        return value, i, joined

    def run(self) -> None:
        i = 0
        while i < len(self.t):
            kind, text = self.t[i]
            nxt = self._at(i + 1)
            if kind == "w" and text in ("document.write", "document.writeln") and nxt == ("o", "("):
                value, j, _ = self._expr(i + 2)
                if self._at(j) == ("o", ")") and isinstance(value, str):
                    self.writes.append(value)
                    i = j + 1
                else:
                    i = self._skip_balanced(i + 1)
                continue
            if kind == "w" and text in ("var", "let", "const") and nxt[0] == "w":
                i += 1
                continue
            if kind == "w" and nxt in (("o", "="), ("o", "+=")):
                value, j, _ = self._expr(i + 2)
                if nxt[1] == "=":
                    self.vars[text] = value
                else:
                    before = self.vars.get(text, _UNKNOWN)
                    self.vars[text] = before + value if isinstance(before, str) and \
                        isinstance(value, str) else _UNKNOWN
                i = max(j, i + 2)
                continue
            if kind == "s":
                _, j, _ = self._expr(i)
                i = max(j, i + 1)
                continue
            i += 1


def _scripts(soup: BeautifulSoup) -> list[Tag]:
    return [s for s in soup.find_all("script") if not s.get("src")
            and (s.get("type") or "text/javascript").lower().endswith("javascript")
            and len(s.string or "") < _MAX_SCRIPT]


def write_out(soup: BeautifulSoup) -> int:
    """Put in each script's place the rows it writes (literal ``document.write`` calls whose HTML
    holds a link); the number of scripts replaced. Other scripts stay as they are."""
    done = 0
    for script in _scripts(soup):
        code = script.string or ""
        if not _WRITE.search(code):
            continue
        reader = _Reader(_tokens(code))
        reader.run()
        html = "".join(reader.writes)
        if not any(_HREF.search(tag.group()) for tag in _LINK_TAG.finditer(html)):
            continue
        fragment = BeautifulSoup(html, "html.parser")
        nodes = list(fragment.contents)
        for node in nodes:
            if isinstance(node, Tag):
                node[WRITTEN] = "1"
        if nodes:
            script.replace_with(*nodes)
            done += 1
    return done


def was_written(row: Tag) -> bool:
    """The row, or the link in it (one script per row), was written by a script."""
    return (row.get(WRITTEN) == "1" or row.find_parent(attrs={WRITTEN: "1"}) is not None
            or row.find(attrs={WRITTEN: "1"}) is not None)


# -- JSON lists ------------------------------------------------------------------------------

_CALL = re.compile(r"(?:getJSON|fetch|\bajax|\$\.get|\$\.post|axios(?:\.get)?|\burl)\s*[(:=]", re.I)
_JSONISH = re.compile(r"\.json(?:$|\?)|[?&](?:page|pageNo|pageIndex|pageNum|p)=", re.I)
_NOT_LIST = re.compile(r"(?:^|/)(?:package|manifest|config|menu|nav|site|lang)\w*\.json", re.I)
# Addresses a call may load that are not data (scripts, styles, pictures, pages).
_ASSET = re.compile(r"\.(?:js|css|png|jpe?g|gif|svg|ico|s?html?|jsp|aspx?|php|pdf|docx?|xlsx?)(?:$|[?#])", re.I)


def json_lists(soup: BeautifulSoup, base: str) -> list[str]:
    """Addresses of JSON lists the page's scripts load, likeliest first: literals (or literal
    concatenations with a computed page number, read as page 1) in a ``getJSON``/``fetch``/
    ``ajax`` call or ending ``.json``; on the page's own host or an absolute address (the caller
    checks the host against the source's)."""
    found: dict[str, int] = {}
    for script in _scripts(soup):
        code = script.string or ""
        if ".json" not in code and not _CALL.search(code):
            continue
        where: list[int] = []
        reader = _Reader(_tokens(code, where))
        reader.run()
        for parts, first in reader.literals:
            address = _page_one(parts)
            if not address or _NOT_LIST.search(address):
                continue
            at = where[first] if parts[0] and first < len(where) else -1
            called = at > 0 and bool(_CALL.search(code[max(0, at - 40):at]))
            # a .json or ?page= address anywhere; any other address only as what a call loads
            if not _JSONISH.search(address) and (not called or _ASSET.search(address)
                                                 or not address.startswith(("/", "http", "."))):
                continue
            url = urljoin(base, address)
            if urlsplit(url).scheme in ("http", "https"):
                found[url] = min(found.get(url, 2), 0 if called else 1)
    return sorted(found, key=lambda u: found[u])


def json_hint(soup: BeautifulSoup, base: str) -> str:
    """For a column page without rows: the JSON list its script loads, as advice ("" if none)."""
    found = json_lists(soup, base)
    if not found:
        return ""
    return (f"; its script loads its rows from the JSON list {found[0]}: set preset = \"datafile\" "
            f"and list_json = \"{found[0]}\" (check with `gongkai probe {base}`)")


def _page_one(parts: tuple[str, ...]) -> str:
    """The address a concatenation names for page 1: one computed hole after ``_``, ``=`` or ``/``
    (the page number) is 1; any other hole and it names nothing readable."""
    text = ""
    for k, part in enumerate(parts):
        if part:
            text += part
            continue
        if k == 0 or not re.search(r"[_=/-]$", text) or "" in parts[k + 1:]:
            return ""
        text += "1"
    if not re.fullmatch(r"[\w./:?&=%~+-]{3,300}", text):
        return ""
    return text


def numbered_page(first_url: str, n: int) -> str | None:
    """Page ``n`` of a JSON list named by its page number (``data/list_1.json`` → ``list_2.json``;
    ``list_0.json`` counts from 0), or None when the name holds no such number."""
    parts = urlsplit(first_url)
    m = re.fullmatch(r"(.*[_/-])([01])(\.json)", parts.path, re.I)
    if not m or parts.query:
        return None
    return parts._replace(path=f"{m[1]}{int(m[2]) + n - 1}{m[3]}").geturl()


def json_name(url: str, page: str) -> str:
    """A JSON list's address as said to a person: relative to the page's folder when under it."""
    folder = page.rsplit("/", 1)[0] + "/"
    return url[len(folder):] if url.startswith(folder) else urlsplit(url).path or url
