"""Item identity from URLs (DESIGN "Identity"): canonical web URLs and WeChat article keys.

A key that changes between runs double-counts an item in the annual report, so everything that varies
without changing the document (case of the host, default port, fragment, share/tracking parameters,
``&amp;`` left over from feed XML) is normalised away here, and nothing that selects a document is.
"""
from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# Parameters that only say how a reader arrived. WeChat's list comes from wechat-feeds.md §3.5.
_TRACKING = frozenset({
    "spm", "from", "from_source", "isappinstalled", "share_token", "share_from", "sharesource",
    "fbclid", "gclid", "_hsenc", "_hsmi", "mc_cid", "mc_eid", "timestamp_share",
    # WeChat
    "chksm", "mpshare", "scene", "ascene", "subscene", "srcid", "lang", "sharer_sharetime",
    "sharer_shareid", "sharer_sharetimes", "version", "exportkey", "pass_ticket", "clicktime",
    "enterid", "devicetype", "nettype", "abtest_cookie", "wx_header", "poc_token", "key",
    "uin", "sessionid", "rd2werd", "wxfrom", "vid", "realreporttime",
})
_WECHAT_ONLY = frozenset({"key", "uin", "version", "lang", "vid"})  # too generic to drop elsewhere
_DEFAULT_PORTS = {"http": 80, "https": 443}
_WECHAT_HOSTS = frozenset({"mp.weixin.qq.com", "weixin.qq.com"})
_AMP = re.compile(r"&(?:amp;)+|&#0*38;|&#x0*26;", re.IGNORECASE)
_SHORT_TOKEN = re.compile(r"/s/([A-Za-z0-9_-]{8,64})/?")


def _unescape(url: str) -> str:
    # Feed XML and JavaScript strings deliver "&" as "&amp;", "\x26amp;" or "\x26".
    # Only the ampersand forms: html.unescape would also turn "&times" of "&timestamp=" into "×".
    url = url.strip().replace("\\x26", "&").replace("\\u0026", "&")
    return _AMP.sub("&", url)


def _remove_dot_segments(path: str) -> str:
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        if seg == "..":
            if len(out) > 1:
                out.pop()
        elif seg != ".":
            out.append(seg)
        if seg in (".", "..") and i == len(segments) - 1:
            out.append("")  # "/a/b/.." means the directory "/a/"
    result = "/".join(out)
    return result if result.startswith("/") else "/" + result


def _is_tracking(name: str, wechat: bool) -> bool:
    low = name.lower()
    if low.startswith("utm_"):
        return True
    if low in _WECHAT_ONLY:
        return wechat
    return low in _TRACKING


def canonical_url(url: str) -> str:
    """The identity form of a web URL: lower-case scheme and host, no default port, no fragment,
    no tracking parameters, dot segments resolved, non-ASCII path characters percent-encoded.
    The meaningful query (``?id=690``) is kept in its original order."""
    url = _unescape(url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    wechat = host in _WECHAT_HOSTS
    if wechat:
        scheme = "https"  # both schemes serve the same article
    path = _remove_dot_segments(parts.path or "/")
    path = quote(path, safe="/%:@!$&'()*+,;=-._~")
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _is_tracking(k, wechat)]
    query = urlencode(pairs, safe="/:@!$'()*+,;=-._~%", quote_via=quote) if pairs else ""
    return urlunsplit((scheme, netloc, path, query, ""))


def _biz_number(biz: str) -> str:
    # __biz is base64 of the account's numeric id (MzA3MDM3NjE5NQ== -> 3070376195); keep the raw
    # value if some bridge hands us something else, so identity still holds within that form.
    try:
        padded = biz + "=" * (-len(biz) % 4)
        decoded = base64.b64decode(padded, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return biz
    return decoded if decoded.isdigit() else biz


def wechat_key_of(biz: str, mid: str, idx: str = "1") -> str:
    """The key of an article known by its parts (an article page's ``var biz/mid/idx``)."""
    return f"wx:{_biz_number(biz)}:{mid}:{idx if idx and idx.isdigit() else '1'}"


def wechat_key(url: str) -> str | None:
    """``wx:{biz_num}:{mid}:{idx}`` for a long mp.weixin link, ``wxs:{token}`` for a short
    ``/s/TOKEN`` link, ``None`` for anything else (including temporary Sogou links)."""
    if not url:
        return None
    parts = urlsplit(_unescape(url))
    if (parts.hostname or "").lower() not in _WECHAT_HOSTS:
        return None
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    biz = query.get("__biz")
    mid = query.get("mid") or query.get("appmsgid")
    idx = query.get("idx") or query.get("itemidx")
    if biz and mid and mid.isdigit():
        # A push with one article has idx=1; old links occasionally omit it.
        idx = idx if idx and idx.isdigit() else "1"
        return f"wx:{_biz_number(biz)}:{mid}:{idx}"
    short = _SHORT_TOKEN.fullmatch(parts.path)
    if short:
        return f"wxs:{short.group(1)}"
    return None
