"""A feed's bytes before and after feedparser: what is refused unparsed, how an undeclared
encoding is read, and text that came out garbled.

feedparser reads bytes with no declared encoding (no charset header, no ``encoding=`` in the XML
declaration, no BOM) that are not UTF-8 as windows-1252: a GBK feed's 区商务局 becomes
``ÇøÉÌÎñ¾Ö``, which no category rule matches. Chinese bytes are tried as GB18030 first (as the
HTTP layer does for pages), and a feed whose titles still read as mojibake fails its pass.
"""
from __future__ import annotations

import re

# A processing instruction or a comment, each read one way only: the lazy ``<!--.*?-->`` under
# ``*`` could also span several (``<?a?><?b?>`` as one), and a feed of 30 of them before no DOCTYPE
# backtracked 2^30 ways.
_PI = rb"<\?(?:[^?]|\?(?!>))*+\?>"
_COMMENT = rb"<!--(?:[^-]|-(?!->))*+-->"
# A page, not a feed: a bridge's error page or login wall
HTML_START = re.compile(rb"^\s*+(?:" + _COMMENT + rb"\s*+)*+<(?:!doctype\s+html|html|head|body)\b",
                        re.I | re.S)
# An entity declared in the DOCTYPE: no feed needs one, and nested ones expand without limit
# (billion laughs). Refused before parsing, as defusedxml does: expat stops the expansion, but
# feedparser then falls back to its loose parser and keeps "&lol9;" as an entry's title.
_DTD_ENTITY = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*+(?:" + _PI + rb"\s*+|" + _COMMENT + rb"\s*+)*+<!DOCTYPE\b.*?<!ENTITY\b",
    re.I | re.S)
# UTF-16/32 feeds (by BOM or by how "<?" is spelled, XML 1.0 appendix F), narrowed for that check
_WIDE = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
         (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\x00<", "utf-16-be"), (b"<\x00", "utf-16-le"))
_XML_DECL = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml\b(?P<attrs>[^?]*)\?>", re.S)
_DECL_ENCODING = re.compile(rb"\bencoding\s*=", re.I)
_CHARSET = re.compile(r"charset\s*=", re.I)
_CJK = re.compile(r"[\u3400-\u9fff]")
# Two or more Latin-1 letters in a row: how two-byte Chinese reads as windows-1252 / Latin-1
_LATIN1_RUN = re.compile(r"[\u0080-\u00ff]{2,}")


def declares_entities(content: bytes) -> bool:
    for signature, codec in _WIDE:
        if content.startswith(signature):
            content = content.decode(codec, errors="ignore").lstrip("\ufeff").encode("utf-8")
            break
    return _DTD_ENTITY.match(content) is not None


def _declared(content: bytes, headers: dict[str, str]) -> bool:
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if _CHARSET.search(ctype) or any(content.startswith(sig) for sig, _ in _WIDE):
        return True
    decl = _XML_DECL.match(content[:512])
    return bool(decl and _DECL_ENCODING.search(decl.group("attrs")))


def undeclared_as_utf8(content: bytes, headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """*content* and *headers* as feedparser should see them: bytes that are not UTF-8 and
    declare no encoding are read as GB18030 when they are valid GB18030, and handed on as UTF-8
    (declared so). Anything else is returned as it came."""
    if _declared(content, headers):
        return content, headers
    try:
        content.decode("utf-8")
        return content, headers
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("gb18030")
    except UnicodeDecodeError:
        return content, headers
    decl = _XML_DECL.match(text.encode("utf-8")[:512])
    if decl:
        text = text[len(decl.group(0).decode("utf-8")):]
    body = ('<?xml version="1.0" encoding="utf-8"?>' + text).encode("utf-8")
    kept = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    return body, {**kept, "content-type": "application/xml; charset=utf-8"}


def garbled(text: str) -> str | None:
    """What *text* reads as when it is Chinese decoded with the wrong codec (GB18030 or UTF-8
    bytes read as windows-1252 / Latin-1), or None. Accented Latin words do not qualify: the
    bytes behind them must decode strictly to several Chinese characters."""
    if sum(len(m.group(0)) for m in _LATIN1_RUN.finditer(text)) < 4:
        return None
    for wrong in ("cp1252", "latin-1"):
        try:
            raw = text.encode(wrong)
        except UnicodeEncodeError:
            continue
        for right in ("utf-8", "gb18030"):
            try:
                fixed = raw.decode(right)
            except UnicodeDecodeError:
                continue
            if len(_CJK.findall(fixed)) >= 2:
                return fixed
    return None
