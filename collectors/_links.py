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


# -- the address a page's own pager function builds from the page number (read, never run) --

_JS_TOKEN = re.compile(r"""\s*(?:(?P<s>'[^'\\\n]*'|"[^"\\\n]*")|(?P<num>\d{1,6})(?![\w$])|(?P<name>[A-Za-z_$][\w$.]*)"""
                       r"""|(?P<op>===|!==|==|!=|>=|<=|&&|\|\||[-+?:()<>]))""")
_COMPARE = {"==": lambda a, b: a == b, "===": lambda a, b: a == b, "!=": lambda a, b: a != b,
            "!==": lambda a, b: a != b, ">": lambda a, b: a > b, "<": lambda a, b: a < b,
            ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b}


class _Unknown(Exception):
    """The expression holds something this reader does not know: no address."""


def js_value(expr: str, names: dict[str, int | str]) -> int | str:
    """The value of a pager script's address expression for known ``names``: string literals,
    numbers, names, ``+``/``-`` with JavaScript's rule (a string on either side joins), brackets,
    comparisons and ``cond ? a : b`` — the forms pager functions write (``n==1 ? "index.html" :
    "index_"+n+".html"``, ``base+(n>1?"_"+n:"")+".html"``). Raises ValueError for anything else."""
    tokens, pos = [], 0
    expr = expr.strip().rstrip(";").strip()
    while pos < len(expr):
        m = _JS_TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot read {expr[pos:pos + 20]!r}")
        kind = m.lastgroup
        text = m.group(kind)
        tokens.append((kind, text[1:-1] if kind == "s" else int(text) if kind == "num" else text))
        pos = m.end()
        while pos < len(expr) and expr[pos].isspace():
            pos += 1
    at = [0]

    def peek():
        return tokens[at[0]] if at[0] < len(tokens) else (None, None)

    def take(op=None):
        tok = peek()
        if tok[0] is None or (op is not None and tok != ("op", op)):
            raise _Unknown
        at[0] += 1
        return tok

    def ternary():
        cond = compare()
        if peek() == ("op", "?"):
            take("?")
            yes = ternary()
            take(":")
            no = ternary()
            return yes if cond else no
        return cond

    def compare():
        left = additive()
        kind, op = peek()
        if kind == "op" and op in _COMPARE:
            take()
            right = additive()
            if isinstance(left, str) != isinstance(right, str):
                raise _Unknown
            return _COMPARE[op](left, right)
        return left

    def additive():
        value = primary()
        while peek() in (("op", "+"), ("op", "-")):
            op = take()[1]
            right = primary()
            if op == "+" and (isinstance(value, str) or isinstance(right, str)):
                value = f"{value}{right}"
            elif isinstance(value, int) and isinstance(right, int) and not isinstance(value, bool):
                value = value + right if op == "+" else value - right
            else:
                raise _Unknown
        return value

    def primary():
        kind, value = take()
        if kind in ("s", "num"):
            return value
        if kind == "name":
            if value not in names:
                raise _Unknown
            return names[value]
        if (kind, value) == ("op", "("):
            inner = ternary()
            take(")")
            return inner
        if (kind, value) == ("op", "-"):
            inner = primary()
            if not isinstance(inner, int):
                raise _Unknown
            return -inner
        raise _Unknown

    try:
        result = ternary()
    except _Unknown:
        raise ValueError(f"cannot read {expr!r}") from None
    if at[0] != len(tokens) or isinstance(result, bool):
        raise ValueError(f"cannot read {expr!r}")
    return result


_JS_GO = re.compile(r"(?:window\.|document\.|self\.|top\.)?location(?:\.href)?\s*=(?!=)\s*"
                    r"|(?:window\.|document\.)?location\.(?:assign|replace)\s*\(\s*|window\.open\s*\(\s*")
_JS_LITERAL = re.compile(r"""(?:var|let|const)?\s*([A-Za-z_$][\w$]*)\s*=(?!=)\s*('[^'\n]*'|"[^"\n]*"|\d{1,6})\s*[;,\n]""")


def _expression_end(body: str, start: int) -> int:
    """Where a JavaScript expression starting at ``start`` ends: the first ``;``, newline, ``}``
    or unbalanced ``)``/``,`` outside strings and brackets."""
    depth, quote, i = 0, "", start
    while i < len(body):
        c = body[i]
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                return i
            depth -= 1
        elif c in ";\n}" or (c == "," and depth == 0):
            return i
        i += 1
    return i


def own_function_url(raw_text: str, fn: str, n: int, page_url: str) -> str | None:
    """The address the page's own pager function goes to for page ``n``: ``function goPage(p) {
    location.href = "list_" + p + ".html" }``, an address built in a variable first (``var u = p==1
    ? "index.html" : "index_"+p+".html"; window.location.href = u;``), names the page assigns a
    literal. Read with :func:`js_value`, never run: anything else and there is no answer."""
    name = re.escape(fn.rsplit(".", 1)[-1])
    m = re.search(rf"function\s+{name}\s*\(\s*([A-Za-z_$][\w$]*)"
                  rf"|\b{name}\s*=\s*function\s*\(\s*([A-Za-z_$][\w$]*)", raw_text)
    if not m:
        return None
    param, body = m.group(1) or m.group(2), raw_text[m.end(): m.end() + 1000]
    go = _JS_GO.search(body)
    if not go:
        return None
    literals: dict[str, int | str] = {}
    for lit in _JS_LITERAL.finditer(raw_text):   # page-level literals (var pageBase = "list")
        v = lit.group(2)
        literals.setdefault(lit.group(1), int(v) if v.isdigit() else v[1:-1])
    literals.pop(param, None)

    def address_for(k: int) -> str | None:
        names = {**literals, param: k}
        # variables the function builds before it goes: var u = <expression>;
        for assign in re.finditer(r"(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=(?!=)\s*", body[:go.start()]):
            end = _expression_end(body, assign.end())
            try:
                names[assign.group(1)] = js_value(body[assign.end():end], names)
            except ValueError:
                names.pop(assign.group(1), None)
        try:
            value = js_value(body[go.end():_expression_end(body, go.end())], names)
        except ValueError:
            return None
        return value.strip() if isinstance(value, str) and value.strip() else None

    address = address_for(n)
    # an address that does not change with the number is not a page's (a fixed search page)
    if address is None or address == address_for(n + 1):
        return None
    url = urljoin(page_url, address)
    return url if address and urlsplit(url).scheme in ("http", "https") else None
