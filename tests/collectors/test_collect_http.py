"""The HTTP layer against the loopback fixture server (no internet, no real sleeping)."""
import pytest

from collectors import FetchError, Http, decode_html

HOSTS = {"127.0.0.1"}


def test_get_decodes_and_reports_final_url(server, http):
    resp = http.get(server.base + "/redirect-in", allowed_hosts=HOSTS)
    assert resp.status == 200
    assert resp.url == server.base + "/plain/index.html"
    assert "部门动态" in resp.text and resp.encoding == "utf-8"


def test_gbk_page_with_meta_gb2312_decodes_gbk_only_characters(server, http):
    resp = http.get(server.base + "/plain/2024/art_4.html", allowed_hosts=HOSTS)
    assert resp.encoding == "gb18030"
    assert "朱镕基" in resp.text and "王堃" in resp.text


def test_host_not_in_allow_list_is_refused(server, http):
    with pytest.raises(FetchError, match="not allowed") as info:
        http.get(server.base + "/plain/index.html", allowed_hosts={"www.example.gov.cn"})
    assert info.value.kind == "refused"
    assert server.requests == []


def test_redirect_to_disallowed_host_is_refused(server, http):
    with pytest.raises(FetchError, match=r"host localhost is not allowed.*redirected from") as info:
        http.get(server.base + "/redirect-out", allowed_hosts=HOSTS)
    assert info.value.kind == "refused"
    assert "/plain/index.html" not in server.requests   # the target was never fetched


def test_redirect_loop_stops(server, http):
    with pytest.raises(FetchError, match="more than 5 redirects"):
        http.get(server.base + "/redirect-loop", allowed_hosts=HOSTS)


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_oversize_response_is_refused(server, fake_time, path):
    http = Http(max_bytes=5000, sleep=fake_time.sleep, clock=fake_time.clock)
    with pytest.raises(FetchError, match="too large") as info:
        http.get(server.base + path, allowed_hosts=HOSTS)
    assert info.value.kind == "too-large"


def test_robots_disallow_is_respected_and_cached(server, http):
    with pytest.raises(FetchError, match="robots.txt disallows") as info:
        http.get(server.base + "/private/index.html", allowed_hosts=HOSTS)
    assert info.value.kind == "robots"
    http.get(server.base + "/plain/index.html", allowed_hosts=HOSTS)
    assert server.requests.count("/robots.txt") == 1
    assert "/private/index.html" not in server.requests


def test_robots_can_be_switched_off(server, fake_time):
    http = Http(respect_robots=False, sleep=fake_time.sleep, clock=fake_time.clock)
    assert http.get(server.base + "/private/index.html", allowed_hosts=HOSTS).status == 200
    assert "/robots.txt" not in server.requests


def test_retry_after_is_capped(server, fake_time):
    http = Http(retry_after_max=7, sleep=fake_time.sleep, clock=fake_time.clock)
    resp = http.get(server.base + "/retry-after", allowed_hosts=HOSTS)
    assert resp.status == 200 and "ok now" in resp.text
    assert 7 in fake_time.sleeps           # the server asked for 3600 s
    assert max(fake_time.sleeps) <= 7
    assert server.requests.count("/retry-after") == 2


def test_persistent_5xx_raises_after_retries(server, http):
    with pytest.raises(FetchError, match=r"HTTP 500 from .*/always-500") as info:
        http.get(server.base + "/always-500", allowed_hosts=HOSTS)
    assert info.value.status == 500
    assert server.requests.count("/always-500") == 3     # first try + 2 retries


def test_http_error_names_url_and_status(server, http):
    with pytest.raises(FetchError) as info:
        http.get(server.base + "/errors/challenge/index.html", allowed_hosts=HOSTS)
    assert info.value.status == 412
    assert "412" in str(info.value) and "anti-bot" in str(info.value) and "/errors/challenge/" in str(info.value)
    assert "\n" not in str(info.value)


def test_network_failure_is_a_fetch_error(fake_time):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()   # nothing listens there now
    http = Http(respect_robots=False, sleep=fake_time.sleep, clock=fake_time.clock)
    with pytest.raises(FetchError, match="network error") as info:
        http.get(f"http://127.0.0.1:{port}/", allowed_hosts=HOSTS)
    assert info.value.kind == "network"


def test_per_host_delay_uses_injected_sleep(server, http, fake_time):
    http.get(server.base + "/plain/index.html", allowed_hosts=HOSTS)
    fake_time.sleeps.clear()
    http.get(server.base + "/plain/index_1.html", allowed_hosts=HOSTS)
    assert fake_time.sleeps and abs(sum(fake_time.sleeps) - 1.0) < 1e-6


def test_conditional_get_returns_304(server, http):
    first = http.get(server.base + "/etag-feed", allowed_hosts=HOSTS)
    assert first.status == 200 and first.headers["etag"] == '"v1"'
    again = http.get(server.base + "/etag-feed", allowed_hosts=HOSTS, etag='"v1"')
    assert again.status == 304 and again.content == b""


# -- decode_html: bytes in, (text, encoding) out --

def test_decode_meta_gb2312_as_gb18030():
    page = '<html><head><meta charset="gb2312"></head><body>朱镕基 王堃</body></html>'.encode("gbk")
    assert decode_html(page, "text/html") == (page.decode("gb18030"), "gb18030")


def test_decode_http_charset_wins_over_meta():
    page = '<meta charset="utf-8"><p>促消费</p>'.encode("gbk")
    text, enc = decode_html(page, "text/html; charset=GBK")
    assert enc == "gb18030" and "促消费" in text


@pytest.mark.parametrize("declared", ['<meta charset="utf-8">', '<meta charset="iso-8859-1">', ""])
def test_decode_page_lying_or_silent_about_gbk(declared):
    page = f'<html><head>{declared}</head><body>卫滨区商务局 王堃</body></html>'.encode("gbk")
    text, enc = decode_html(page, "text/html; charset=ISO-8859-1")
    assert "卫滨区商务局 王堃" in text and enc == "gb18030"


def test_decode_utf8_page_declaring_gb2312_is_utf8():
    page = '<html><head><meta charset="gb2312"></head><body>招商引资</body></html>'.encode("utf-8")
    assert decode_html(page, None) == (page.decode("utf-8"), "utf-8")


def test_decode_bom():
    assert decode_html(b"\xef\xbb\xbf<p>\xe4\xb8\xad</p>", "text/html; charset=gbk") == ("<p>中</p>", "utf-8-sig")
