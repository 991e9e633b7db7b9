"""Issue 12: stop means stop for every request. Once `gongkai run` is asked to stop, no request goes
out, whatever the method: Hanweb columns page by POST (dataproxy.jsp), and a POST once slipped
past a stop that only GET honoured."""
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

import classifier
import collectors
from gongkai import config, daemon
from store import Store

sys.path.append(str(Path(__file__).resolve().parent.parent / "collectors"))
from _sites_server import SITES, SiteServer  # noqa: E402  (the loopback Hanweb column)

T0 = datetime(2025, 3, 3, 0, 0, tzinfo=timezone.utc)
COLUMN = "/col/col284/index.html"    # 65 records: page 1 in the HTML, the later pages by POST
# Http's public methods that send nothing; every other one sends a request
SENDS_NOTHING = {"close"}
SENDING = sorted(name for name, value in vars(collectors.Http).items()
                 if callable(value) and not name.startswith("_") and name not in SENDS_NOTHING)


class Recorder:
    """Stands for ``collectors.Http``: every public method records its call."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kw: self.calls.append(name) or name


def test_the_request_methods_are_the_ones_this_file_checks():
    # get and post today; a new request method of Http is guarded (and tested below) by default
    assert {"get", "post"} <= set(SENDING)


@pytest.mark.parametrize("method", SENDING)
def test_every_request_method_honours_the_stop(method):
    inner, stop = Recorder(), threading.Event()
    http = daemon._StoppableHttp(inner, stop.is_set)
    args = ("http://127.0.0.1/x", {}) if method == "post" else ("http://127.0.0.1/x",)
    assert getattr(http, method)(*args, allowed_hosts=["127.0.0.1"]) == method
    stop.set()
    with pytest.raises(collectors.FetchError) as caught:
        getattr(http, method)(*args, allowed_hosts=["127.0.0.1"])
    assert str(caught.value) == daemon.STOPPED and caught.value.url == "http://127.0.0.1/x"
    assert inner.calls == [method]          # the one before the stop only
    http.close()                            # closing sends nothing: still allowed
    assert inner.calls == [method, "close"]


class StopAfterPage1:
    """The real client; the stop request arrives while page 1 of the column is being read."""

    def __init__(self, http: collectors.Http, stop: threading.Event | None) -> None:
        self.http, self.stop = http, stop

    def get(self, url, **kw):
        resp = self.http.get(url, **kw)
        if url.endswith(COLUMN) and self.stop is not None:
            self.stop.set()
        return resp

    def post(self, url, data, **kw):
        return self.http.post(url, data, **kw)


def _one_pass(folder: Path, monkeypatch, *, stop_after_page1: bool):
    """One daemon tick over the loopback Hanweb column; its result and the requests it sent."""
    folder.mkdir()
    with SiteServer(SITES / "hanweb") as srv:
        path = folder / "gongkai.toml"
        path.write_text('[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n'
                        '[[sources]]\nid = "hanweb"\ntype = "website"\nchannel = "website"\n'
                        f'url = "{srv.base}{COLUMN}"\npreset = "hanweb"\ninterval = "1h"\n',
                        encoding="utf-8")
        cfg = config.load(path)
        stop = threading.Event()
        http = collectors.Http(min_delay=0, timeout=(2, 5))
        try:
            with Store(cfg.db_path) as st:
                # Every item already known, as on a re-poll: page 1 yields nothing, so only the
                # HTTP layer stands between the stop and page 2's POST.
                monkeypatch.setattr(st, "is_known_key", lambda source_id, key: True)
                d = daemon.Daemon(cfg, st, classifier.Classifier(classifier.load_rules()),
                                  StopAfterPage1(http, stop if stop_after_page1 else None),
                                  clock=lambda: T0, stop=stop)
                d.start()
                [result] = d.tick()
        finally:
            http.close()
        return result, [(m, p.split("?", 1)[0]) for m, p in srv.requests]


def test_no_post_is_sent_after_a_stop(tmp_path, monkeypatch):
    # without a stop, page 2 of this column is a POST: the case the stop must cover
    control, sent = _one_pass(tmp_path / "control", monkeypatch, stop_after_page1=False)
    assert control.status == "ok" and ("POST", "/module/web/jpage/dataproxy.jsp") in sent
    # with the stop set while page 1 was read, nothing at all is sent after it
    stopped, sent = _one_pass(tmp_path / "stopped", monkeypatch, stop_after_page1=True)
    assert stopped.status == "failed" and stopped.reason == daemon.STOPPED
    assert sent[-1] == ("GET", COLUMN) and all(m == "GET" for m, _ in sent)
