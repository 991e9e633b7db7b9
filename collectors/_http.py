"""The one HTTP layer every collector goes through (DESIGN "Sources and channels").

Why each piece is here:
- requests has no default timeout and no retries; a daemon that hangs on one slow government host
  stops collecting everything (libraries-anchors.md §3.2). Timeouts are always passed.
- urllib3's ``Retry`` honours ``Retry-After`` up to 6 hours by default; one ``503 Retry-After: 21600``
  would stall the single-threaded scheduler, so it is capped. Its sleeps go through the injected
  ``sleep`` so tests observe them instead of waiting.
- Redirects are followed by hand so every hop is checked against the source's host allow-list: spam
  mirrors copy government pages onto other hosts (gov-sites.md §5 T3/T12).
- Bodies are read by streaming with a byte cap: feedparser and BeautifulSoup would happily parse a
  runaway response.
- Every wait has a wall-clock deadline. requests' read timeout bounds one socket read only, so a
  server dripping a byte a second never trips it: the body is read a socket read at a time with
  the socket's timeout cut to the time left, and the deadline checked after each read; the
  status line and headers, which http.client reads inside requests, are cut by a timer that shuts
  the socket down at the deadline, and nothing is retried past it. A whole source pass
  (:meth:`Http.source_pass`) has its own deadline, so one stalled host fails its own source
  instead of holding up the sources after it.
- Pages are decoded from bytes ourselves: requests guesses ISO-8859-1 for ``text/html`` without a
  charset, and strict gb2312 fails on GBK-only characters such as 镕 and 堃 (gov-sites.md §5 T9).
"""
from __future__ import annotations

import codecs
import contextvars
import logging
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
from protego import Protego
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (ConnectTimeoutError, HTTPError as Urllib3Error, MaxRetryError,
                                NewConnectionError, ReadTimeoutError)
from urllib3.poolmanager import ProxyManager
from urllib3.util.retry import Retry

from ._item import SourceError

log = logging.getLogger(__name__)
T = TypeVar("T")

UA_TOKEN = "gongkai"
DEFAULT_UA = (f"{UA_TOKEN}/0.1 (government information-disclosure collector; "
              "+https://example.invalid/gongkai; contact: CONTACT-EMAIL-HERE)")

_MAX_REDIRECTS = 5
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_ROBOTS_TTL = 24 * 3600.0
_ROBOTS_MAX_BYTES = 512 * 1024       # RFC 9309 asks parsers to read at least 500 KiB
_MAX_CRAWL_DELAY = 30.0              # a site asking for more gets 30 s; the scheduler spaces runs
_READ_CHUNK = 16384                  # at most one socket read each: the deadline is checked between
_STATUS_HINTS = {
    403: "forbidden (WAF or IP block?)",
    404: "not found",
    412: "anti-bot challenge (JavaScript/cookie verification)",
    429: "rate limited",
    521: "anti-bot challenge or origin down",
}


class FetchError(SourceError):
    """An HTTP error status, a refused URL or a network failure; the message is one line naming the
    URL (and the status when there is one). ``kind`` is one of ``http``, ``network``, ``refused``
    (host not allowed), ``robots``, ``too-large``, ``deadline`` (the response or the source pass
    took too long)."""

    def __init__(self, message: str, *, url: str, status: int | None = None,
                 kind: str = "http") -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.kind = kind


@dataclass(frozen=True)
class Response:
    url: str                          # the final URL, after redirects
    status: int
    headers: dict[str, str] = field(default_factory=dict)   # lower-case keys
    content: bytes = b""
    encoding: str = ""
    text: str = ""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


# --- decoding ---------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_GB_FAMILY = frozenset({"gb2312", "gbk", "cp936", "gb18030", "hz"})
_SINGLE_BYTE = frozenset({"latin_1", "iso8859-1", "cp1252", "ascii"})


def _charset_name(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    # gb18030 is a superset of gb2312/GBK; pages declaring gb2312 routinely contain GBK-only
    # characters (人名 such as 镕, 堃) that strict gb2312 rejects.
    return "gb18030" if name in _GB_FAMILY else name


def declared_charsets(content: bytes, content_type: str | None) -> list[str]:
    """HTTP charset first, then the document's own declaration (meta or XML prolog)."""
    found: list[str] = []
    m = _HTTP_CHARSET.search(content_type or "")
    head = content[:16384]
    candidates = [m.group(1) if m else None]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        dm = pattern.search(head)
        candidates.append(dm.group(1).decode("ascii", "ignore") if dm else None)
    for label in candidates:
        name = _charset_name(label)
        if name and name not in found:
            found.append(name)
    return found


def decode_html(content: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode a page: BOM, then the declared charsets (HTTP, then meta), then strict UTF-8, then
    GB18030. Returns ``(text, encoding_used)``. A declaration is believed only if the bytes decode
    strictly under it, and a page that declares GBK but is valid UTF-8 is UTF-8 (CMS templates
    keep a stale ``charset=gb2312`` after migrating), so a page lying about its charset still decodes."""
    for bom, name in _BOMS:
        if content.startswith(bom):
            return content.decode(name, errors="replace"), name
    non_ascii = any(b >= 0x80 for b in content)
    try:
        as_utf8: str | None = content.decode("utf-8")
    except UnicodeDecodeError:
        as_utf8 = None
    for name in declared_charsets(content, content_type):
        if non_ascii and (name in _SINGLE_BYTE or name.startswith("utf-16") or name.startswith("utf-32")):
            continue  # would "succeed" on any bytes and produce mojibake
        if name == "utf-8" or (non_ascii and as_utf8 is not None):
            if as_utf8 is not None:
                return as_utf8, "utf-8"
            continue
        try:
            return content.decode(name), name
        except (UnicodeDecodeError, LookupError):
            log.debug("declared charset %s does not decode; trying the next", name)
    if as_utf8 is not None:
        return as_utf8, "utf-8"
    try:
        return content.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return content.decode("gb18030", errors="replace"), "gb18030"


# --- the client -------------------------------------------------------------------------------

def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# When the response to the request in hand must be complete, on time.monotonic()'s scale (the
# injected clock may be a test's): read by the connections and the retry policy below.
_ENDS: contextvars.ContextVar[float | None] = contextvars.ContextVar("gongkai_http_ends",
                                                                    default=None)


class _CutAtDeadline:
    """Mixin for urllib3's connections. http.client reads the status line and headers a line at
    a time, each line by as many socket reads as it takes, so a server dripping them never trips
    the read timeout: a timer shuts the socket down when the deadline comes."""

    def getresponse(self, *args, **kw):  # type: ignore[no-untyped-def]
        ends = _ENDS.get()
        if ends is None:
            return super().getresponse(*args, **kw)  # type: ignore[misc]
        timer = threading.Timer(max(0.0, ends - time.monotonic()), self._cut)
        timer.daemon = True
        timer.start()
        try:
            return super().getresponse(*args, **kw)  # type: ignore[misc]
        finally:
            timer.cancel()

    def _cut(self) -> None:
        sock = getattr(self, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Connection(_CutAtDeadline, HTTPConnection):
    pass


class _TLSConnection(_CutAtDeadline, HTTPSConnection):
    pass


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


_POOLS = {"http": _Pool, "https": _TLSPool}


class _Adapter(HTTPAdapter):
    """requests' adapter with connections cut at the deadline (an HTTP proxy's too)."""

    def init_poolmanager(self, *args, **kw) -> None:  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kw)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy, **kw):  # type: ignore[no-untyped-def]
        manager = super().proxy_manager_for(proxy, **kw)
        if isinstance(manager, ProxyManager):
            manager.pool_classes_by_scheme = _POOLS
        return manager


def _retry_class(sleep: Callable[[float], None]) -> type[Retry]:
    class _Retry(Retry):
        def increment(self, method=None, url=None, response=None, error=None, _pool=None,
                      _stacktrace=None):  # type: ignore[no-untyped-def, override]
            ends = _ENDS.get()
            if ends is not None and time.monotonic() >= ends:   # no retry past the deadline
                raise MaxRetryError(_pool, url or "", error)  # type: ignore[arg-type]
            return super().increment(method, url, response, error, _pool, _stacktrace)

        # urllib3 calls time.sleep directly; route both waits through the injected sleep.
        def sleep_for_retry(self, response) -> bool:  # type: ignore[override]
            retry_after = self.get_retry_after(response)
            if retry_after:
                sleep(retry_after)
                return True
            return False

        def _sleep_backoff(self) -> None:
            backoff = self.get_backoff_time()
            if backoff > 0:
                sleep(backoff)

    return _Retry


class Http:
    """A polite HTTP client for collectors. One instance per process is enough; it keeps one
    ``requests.Session`` (cookies survive redirect-with-cookie WAF loops, gov-sites.md §5 T7)."""

    def __init__(self, user_agent: str = DEFAULT_UA, timeout: tuple[float, float] = (3.05, 30),
                 max_bytes: int = 5_000_000, min_delay: float = 1.0, retries: int = 2,
                 retry_after_max: int = 60, respect_robots: bool = True,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, deadline: float = 120.0,
                 source_deadline: float = 1800.0) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.min_delay = min_delay
        self.respect_robots = respect_robots
        self.deadline = deadline   # one response, request to last byte: the read timeout is per read
        self.source_deadline = source_deadline   # one source's whole pass (source_pass)
        # per thread: the daemon runs sources on different hosts side by side through one client
        self._pass = threading.local()
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}
        self._delay: dict[str, float] = {}
        self._robots: dict[str, tuple[Protego | None, float]] = {}
        retry = _retry_class(sleep)(
            total=retries, connect=retries, read=retries, status=retries,
            backoff_factor=1.0, backoff_max=30, status_forcelist=(429, 500, 502, 503, 504),
            respect_retry_after_header=True, retry_after_max=retry_after_max,
            raise_on_status=False,
            # dataproxy.jsp's POST is a read, safe to repeat like a GET
            allowed_methods=frozenset({"GET", "HEAD", "POST"}))
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": user_agent,
                                     "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
        adapter = _Adapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    @property
    def _pass_ends(self) -> float | None:
        """When the pass this thread is in must end (None outside :meth:`source_pass`)."""
        return getattr(self._pass, "ends", None)

    @_pass_ends.setter
    def _pass_ends(self, value: float | None) -> None:
        self._pass.ends = value

    def source_pass(self, items: Iterable[T]) -> Iterator[T]:
        """Yield a collector's pass (its ``collect(state)``) with every request in it bound by
        :attr:`source_deadline`, counted from the first item asked for: once it is over, the
        response in hand is cut and any further request refused (kind ``deadline``), so the pass
        fails with that reason and the next source starts on time."""
        self._pass_ends = self._clock() + self.source_deadline
        try:
            yield from items
        finally:
            self._pass_ends = None

    def get(self, url: str, *, allowed_hosts: Iterable[str], etag: str | None = None,
            last_modified: str | None = None) -> Response:
        """GET ``url``; follow up to 5 redirects, each checked against ``allowed_hosts`` and
        robots.txt. 2xx and 304 return a :class:`Response`; anything else raises :class:`FetchError`."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._request("GET", url, allowed_hosts, headers, None)

    def post(self, url: str, data: dict[str, str], *, allowed_hosts: Iterable[str]) -> Response:
        """POST a form (Hanweb's ``dataproxy.jsp`` pages its column this way, gov-sites.md §2.1),
        with the same allow-list, robots, size and redirect rules as :meth:`get`. A redirect
        after a POST is followed with GET, as browsers do."""
        return self._request("POST", url, allowed_hosts, {}, data)

    def _request(self, method: str, url: str, allowed_hosts: Iterable[str],
                 headers: dict[str, str], data: dict[str, str] | None) -> Response:
        allowed = frozenset(h.lower().rstrip(".") for h in allowed_hosts)
        current = url
        for _hop in range(_MAX_REDIRECTS + 1):
            self._check_allowed(current, allowed, origin=url if current != url else None)
            self._check_robots(current, allowed)
            resp, ends = self._send(current, headers, method, data)
            if resp.status_code in _REDIRECT_CODES:
                location = resp.headers.get("Location")
                resp.close()
                if not location:
                    raise FetchError(f"HTTP {resp.status_code} without Location from {current}",
                                     url=current, status=resp.status_code)
                current = urljoin(current, location.strip())
                method, data = "GET", None
                continue
            return self._finish(current, resp, ends)
        raise FetchError(f"more than {_MAX_REDIRECTS} redirects starting at {url}", url=url)

    # -- steps --

    def _check_allowed(self, url: str, allowed: frozenset[str], origin: str | None) -> None:
        parts = urlsplit(url)
        host = _host(url)
        if parts.scheme not in ("http", "https") or not host:
            raise FetchError(f"refusing non-HTTP URL {url}", url=url, kind="refused")
        if host not in allowed:
            via = f" (redirected from {origin})" if origin else ""
            raise FetchError(f"host {host} is not allowed for this source: {url}{via}", url=url,
                             kind="refused")

    def _throttle(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = self._delay.get(host, self.min_delay) - (self._clock() - last)
            if wait > 0:
                self._sleep(wait)

    def _ends(self, url: str) -> float:
        """When the answer to a request sent now must be complete: after :attr:`deadline`, or at
        the end of the source pass if that comes first (already over: refused)."""
        now = self._clock()
        ends = now + self.deadline
        if self._pass_ends is not None:
            if now >= self._pass_ends:
                raise self._late(url, None, self._pass_ends)
            ends = min(ends, self._pass_ends)
        return ends

    def _late(self, url: str, status: int | None, ends: float) -> FetchError:
        if ends == self._pass_ends:
            why = (f"source pass over its {self.source_deadline:g} s deadline at {url} (what was "
                   "saved is kept; the next pass reads the rest)")
        else:
            why = f"response from {url} took over {self.deadline:g} s"
        return FetchError(why, url=url, status=status, kind="deadline")

    def _send(self, url: str, headers: dict[str, str], method: str = "GET",
              data: dict[str, str] | None = None) -> tuple[requests.Response, float]:
        """Send one request; returns the response (headers read, body not) and its deadline."""
        host = _host(url)
        self._throttle(host)
        ends = self._ends(url)
        left = ends - self._clock()
        token = _ENDS.set(time.monotonic() + left)
        try:
            return self.session.request(
                method, url, headers=headers, data=data, stream=True, allow_redirects=False,
                timeout=(min(self.timeout[0], left), min(self.timeout[1], left))), ends
        except requests.RequestException as exc:
            if self._clock() >= ends:
                raise self._late(url, None, ends) from exc
            raise FetchError(self._network_why(exc, url, "fetching"), url=url,
                             kind="network") from exc
        finally:
            _ENDS.reset(token)
            self._last[host] = self._clock()

    def _network_why(self, exc: BaseException, url: str, doing: str) -> str:
        """One line: "timed out after 30 s reading URL" for a timeout (requests words it as a
        ConnectionError around urllib3's ReadTimeoutError, 300 characters that a cut would leave
        mid-word), else "network error fetching URL: Type: message"."""
        chain, seen = [exc], set()
        while chain:
            e = chain.pop()
            if id(e) in seen:
                continue
            seen.add(id(e))
            if isinstance(e, NewConnectionError):    # urllib3 makes it a ConnectTimeoutError
                break
            if isinstance(e, (requests.ConnectTimeout, ConnectTimeoutError)):
                return f"timed out after {self.timeout[0]:g} s connecting to {url}"
            if isinstance(e, (requests.Timeout, ReadTimeoutError, socket.timeout, TimeoutError)):
                return f"timed out after {self.timeout[1]:g} s {doing} {url}"
            chain += [x for x in (e.__cause__, e.__context__, getattr(e, "reason", None),
                                  *(a for a in getattr(e, "args", ()) if isinstance(a, BaseException)))
                      if isinstance(x, BaseException)]
        else:
            if "timed out" in str(exc).lower():
                return f"timed out after {self.timeout[1]:g} s {doing} {url}"
        return f"network error {doing} {url}: {type(exc).__name__}: {_one_line(exc, 160)}"

    def _read(self, url: str, resp: requests.Response, limit: int, ends: float) -> bytes:
        """The body, by at most one socket read at a time (``read1``: a plain ``read(n)`` waits
        for all n bytes, however slowly they drip), each with the socket timeout cut to the time
        left before ``ends``; past it the connection is dropped."""
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            resp.close()
            raise FetchError(f"response too large from {url}: {declared} bytes > {limit}", url=url,
                             status=resp.status_code, kind="too-large")
        raw = resp.raw
        sock = getattr(getattr(raw, "connection", None), "sock", None)
        read = getattr(raw, "read1", None) or raw.read     # read1: urllib3 2.2 and later
        buf = bytearray()
        try:
            while True:
                left = ends - self._clock()
                if left <= 0:
                    raise self._late(url, resp.status_code, ends)
                if sock is not None:
                    sock.settimeout(min(self.timeout[1], left))
                chunk = read(_READ_CHUNK, decode_content=True)
                if not chunk:
                    break
                buf += chunk
                if len(buf) > limit:
                    raise FetchError(f"response too large from {url}: over {limit} bytes", url=url,
                                     status=resp.status_code, kind="too-large")
        except (requests.RequestException, Urllib3Error, OSError) as exc:
            if self._clock() >= ends:
                raise self._late(url, resp.status_code, ends) from exc
            raise FetchError(self._network_why(exc, url, "reading"), url=url,
                             kind="network") from exc
        finally:
            resp.close()    # unread (cut short): the connection is dropped, not reused
            if sock is not None:
                try:
                    sock.settimeout(self.timeout[1])   # a kept-alive connection is reused
                except OSError:
                    pass
        return bytes(buf)

    def _finish(self, url: str, resp: requests.Response, ends: float) -> Response:
        status = resp.status_code
        headers = {k.lower(): v for k, v in resp.headers.items()}
        if status == 304:
            resp.close()
            return Response(url=url, status=304, headers=headers)
        if status >= 400 or status < 200:
            resp.close()
            hint = _STATUS_HINTS.get(status, "")
            raise FetchError(f"HTTP {status}{' ' + hint if hint else ''} from {url}", url=url,
                             status=status)
        content = self._read(url, resp, self.max_bytes, ends)
        text, encoding = decode_html(content, headers.get("content-type"))
        return Response(url=url, status=status, headers=headers, content=content,
                        encoding=encoding, text=text)

    # -- robots.txt --

    def _check_robots(self, url: str, allowed: frozenset[str]) -> None:
        if not self.respect_robots:
            return
        rules = self._robots_for(url, allowed)
        if rules is not None and not rules.can_fetch(url, UA_TOKEN):
            raise FetchError(f"robots.txt disallows {url}", url=url, kind="robots")

    def _robots_for(self, url: str, allowed: frozenset[str]) -> Protego | None:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        cached = self._robots.get(base)
        if cached is not None and self._clock() - cached[1] < _ROBOTS_TTL:
            return cached[0]
        rules = self._fetch_robots(base + "/robots.txt", allowed)
        self._robots[base] = (rules, self._clock())
        if rules is not None:
            delay = rules.crawl_delay(UA_TOKEN)
            if delay:
                self._delay[_host(url)] = max(self.min_delay, min(float(delay), _MAX_CRAWL_DELAY))
        return rules

    def _fetch_robots(self, robots_url: str, allowed: frozenset[str]) -> Protego | None:
        """None means "no rules" (RFC 9309: an unavailable robots.txt, 4xx, allows everything).
        An unreachable one (5xx, network) must be read as "disallow all": raise, and don't cache."""
        current = robots_url
        for _hop in range(_MAX_REDIRECTS + 1):
            resp, ends = self._send(current, {})
            status = resp.status_code
            if status in _REDIRECT_CODES and resp.headers.get("Location"):
                resp.close()
                target = urljoin(current, resp.headers["Location"])
                if _host(target) not in allowed | {_host(robots_url)}:
                    log.info("robots.txt at %s redirects off-site; treating as absent", robots_url)
                    return None
                current = target
                continue
            if 400 <= status < 500:
                resp.close()
                return None
            if status >= 500 or status < 200 or status >= 300:
                resp.close()
                raise FetchError(f"robots.txt unreachable (HTTP {status}) at {robots_url}; not "
                                 "fetching the site until it answers", url=robots_url, status=status,
                                 kind="robots")
            body = self._read(current, resp, _ROBOTS_MAX_BYTES, ends)
            return Protego.parse(body.decode("utf-8", errors="replace"))
        return None
