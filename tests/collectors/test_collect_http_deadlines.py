"""Issue 15 #1: every wait has a wall-clock deadline. A server that promises 100,000 bytes and
drips one at a time never trips requests' per-read timeout; the response deadline and the
source pass's deadline are enforced inside the read loop. Deadlines are made small here, and
the drip server gives up after a few seconds, so even a regression ends quickly (and fails)."""
from __future__ import annotations

import gzip
import socket
import threading
import time

import pytest

from collectors import FetchError, Http

HOSTS = {"127.0.0.1"}
DRIP_FOR_S = 4.0     # the server's own limit: without a working deadline the read ends here


class DripServer:
    """Answers every request on loopback. ``/drip``: ``Content-Length: 100000`` then one byte
    every 20 ms; ``/silent``: the same promise, one byte, then nothing; ``/drip-headers``: the
    status line, then a header a byte every 20 ms; ``/slow``: 40 bytes in 0.4 s, complete;
    anything else a short page."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.stop = threading.Event()
        self.requests: list[str] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                head = b""
                while b"\r\n\r\n" not in head:
                    got = conn.recv(4096)
                    if not got:
                        return
                    head += got
                path = head.split(b" ", 2)[1].decode()
                self.requests.append(path)
                if path == "/drip":
                    self._drip(conn, 100_000, 0.02, DRIP_FOR_S)
                elif path == "/drip-headers":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                    end = time.monotonic() + DRIP_FOR_S
                    while not self.stop.is_set() and time.monotonic() < end:
                        conn.sendall(b"z")
                        time.sleep(0.02)
                elif path == "/silent":
                    self._drip(conn, 100_000, DRIP_FOR_S, DRIP_FOR_S)
                elif path == "/slow":
                    self._drip(conn, 40, 0.01, DRIP_FOR_S)
                else:
                    body = b"<html><body>quick</body></html>"
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close"
                                 b"\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            except OSError:
                pass

    def _drip(self, conn: socket.socket, length: int, every: float, give_up: float) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                     b"Content-Length: %d\r\n\r\n" % length)
        end = time.monotonic() + give_up
        for _ in range(length):
            if self.stop.is_set() or time.monotonic() > end:
                return
            conn.sendall(b"x")
            time.sleep(every)

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def drip():
    server = DripServer()
    yield server
    server.close()


def _http(**kw) -> Http:
    # the real clock: these deadlines are wall-clock by nature; no per-host delay to wait for
    return Http(respect_robots=False, min_delay=0, **kw)


def test_a_dripping_body_is_cut_at_the_response_deadline(drip):
    http = _http(deadline=0.5, timeout=(3.05, 30))
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"took over 0\.5 s") as info:
        http.get(drip.base + "/drip", allowed_hosts=HOSTS)
    took = time.monotonic() - start
    assert info.value.kind == "deadline" and info.value.url.endswith("/drip")
    assert took < 1.5, f"the read went on for {took:.1f} s"


def test_a_silent_body_is_cut_at_the_deadline_not_the_read_timeout(drip):
    # one byte, then silence: a 30 s read timeout would wait, the deadline cuts the wait itself
    http = _http(deadline=0.4, timeout=(3.05, 30))
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"took over 0\.4 s") as info:
        http.get(drip.base + "/silent", allowed_hosts=HOSTS)
    assert info.value.kind == "deadline"
    assert time.monotonic() - start < 1.5


def test_dripping_headers_are_cut_at_the_deadline_and_not_retried(drip):
    # http.client reads the headers inside requests, a line by as many reads as it takes
    http = _http(deadline=0.5, timeout=(3.05, 30))
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"took over 0\.5 s") as info:
        http.get(drip.base + "/drip-headers", allowed_hosts=HOSTS)
    assert info.value.kind == "deadline"
    assert time.monotonic() - start < 1.5
    assert drip.requests == ["/drip-headers"]      # cut, and no retry after the deadline


def test_a_source_pass_is_cut_at_its_own_deadline(drip):
    # each response completes well inside its own deadline; together they exceed the pass's
    http = _http(deadline=10, source_deadline=1.0)

    def one_pass():
        for _ in range(20):
            yield http.get(drip.base + "/slow", allowed_hosts=HOSTS)

    got = []
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"source pass over its 1 s deadline") as info:
        for resp in http.source_pass(one_pass()):
            got.append(resp)
    assert info.value.kind == "deadline"
    assert time.monotonic() - start < 2.0
    assert 1 <= len(got) < 20
    # the pass is over: the same client serves the next source with a fresh budget
    assert http.get(drip.base + "/quick", allowed_hosts=HOSTS).status == 200
    assert list(http.source_pass(iter([1, 2]))) == [1, 2]


def test_small_reads_still_decode_a_compressed_chunked_body():
    """The socket-read-at-a-time loop keeps what iter_content did: gzip and chunked bodies."""
    page = ("<html><body>" + "商务局动态 " * 3000 + "</body></html>").encode("utf-8")
    packed = gzip.compress(page)
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def serve() -> None:
        conn, _ = srv.accept()
        with conn:
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                         b"Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"
                         b"Connection: close\r\n\r\n")
            for i in range(0, len(packed), 1000):
                part = packed[i:i + 1000]
                conn.sendall(b"%x\r\n%s\r\n" % (len(part), part))
            conn.sendall(b"0\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    try:
        resp = _http(deadline=5).get(f"http://127.0.0.1:{srv.getsockname()[1]}/",
                                     allowed_hosts=HOSTS)
    finally:
        srv.close()
    assert resp.content == page and resp.text.count("商务局动态") == 3000
