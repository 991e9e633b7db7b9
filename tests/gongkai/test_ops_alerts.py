"""Alerts: once per failure streak, to a webhook served on loopback; digest; quiet sources."""
import json
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import classifier
import collectors
from gongkai import alerts, config, daemon
from store import Store

T0 = datetime(2025, 3, 3, 0, 0, tzinfo=timezone.utc)     # 08:00 Beijing
STATE = {"fail": False}


class Flaky(collectors.SourceKind):
    name = "fake-alerts"
    options = {"url": collectors.Option(str)}

    def collect(self, state):
        if STATE["fail"]:
            raise collectors.SourceError("verification page (环境异常)")
        yield collectors.Item(key=f"k{state.now.isoformat()}", url="http://x/", title="招商引资",
                              published_at=state.now)


@pytest.fixture(autouse=True)
def fake_kind(monkeypatch):
    monkeypatch.setitem(collectors.REGISTRY, Flaky.name, Flaky)
    STATE["fail"] = False


@contextmanager
def webhook_server(answers=None):
    """A group-bot stand-in: records every POST; answers from ``answers`` (then errcode 0)."""
    got: list[dict] = []
    answers = list(answers or [])

    class H(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append(json.loads(body))
            status, answer = answers.pop(0) if answers else (200, {"errcode": 0, "errmsg": "ok"})
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/cgi-bin/webhook/send?key=k", got
    finally:
        srv.shutdown()
        srv.server_close()


def _cfg(tmp_path, url, extra=""):
    path = tmp_path / "gongkai.toml"
    path.write_text(
        f'[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n'
        f'[alerts]\nafter_failures = 3\nwebhook = "{url}"\nkind = "wecom"\ndigest_at = ""\n{extra}'
        f'[[sources]]\nid = "portal"\ntype = "{Flaky.name}"\nchannel = "website"\n'
        f'url = "http://x/"\ninterval = "1h"\n', encoding="utf-8")
    return config.load(path)


class Clock:
    def __init__(self):
        self.t = T0

    def __call__(self):
        return self.t


def _run_hours(d, clock, hours):
    end = clock.t + timedelta(hours=hours)
    while clock.t < end:
        d.tick()
        clock.t += timedelta(minutes=1)


def test_a_failing_source_alerts_once_then_again_only_after_recovery(tmp_path):
    with webhook_server() as (url, got):
        cfg = _cfg(tmp_path, url)
        clock = Clock()
        with Store(cfg.db_path) as st:
            d = daemon.Daemon(cfg, st, classifier.Classifier(classifier.load_rules()), None,
                              clock=clock)
            d.start()
            _run_hours(d, clock, 2)
            assert got == []
            STATE["fail"] = True
            _run_hours(d, clock, 12)            # many failed runs, one alert
            assert len(got) == 1
            assert got[0]["msgtype"] == "text"
            assert "portal failed 3 times in a row" in got[0]["text"]["content"]
            assert "环境异常" in got[0]["text"]["content"]
            STATE["fail"] = False
            _run_hours(d, clock, 7)             # recovers (backoff capped at 6 h): alert closed
            assert len(got) == 1
            [closed] = st.alerts()
            assert closed["resolved_at"] and closed["sent_at"]
            STATE["fail"] = True
            _run_hours(d, clock, 12)            # a new streak: a new alert
            assert len(got) == 2
            assert [a["kind"] for a in st.open_alerts()] == ["failing"]


def test_a_refused_send_is_retried_with_pauses_not_every_tick(tmp_path):
    refusals = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})] * 2 + [
        (500, {"error": "down"})]
    with webhook_server(refusals) as (url, got):
        cfg = _cfg(tmp_path, url)
        clock = Clock()
        with Store(cfg.db_path) as st:
            aid = st.add_alert("portal", "failing", subject="s", body="b", now=T0)
            for _ in range(60):                 # an hour of ticks
                alerts.deliver(cfg, st, clock.t)
                clock.t += timedelta(minutes=1)
            # tries at 0, +5 min, +15 min (5 + 10), +35 min (15 + 20): the 4th is accepted
            assert len(got) == 4
            row = [a for a in st.alerts() if a["id"] == aid][0]
            assert row["sent_at"] == (T0 + timedelta(minutes=35)).isoformat()
            assert row["attempts"] == 3


def test_webhook_shapes():
    assert alerts.webhook_payload("dingtalk", "s", "b") == {
        "msgtype": "text", "text": {"content": "s\nb"}}
    assert alerts.webhook_payload("feishu", "s", "b") == {
        "msg_type": "text", "content": {"text": "s\nb"}}
    assert alerts.webhook_payload("json", "s", "b", {"source": "p", "kind": "quiet"})["kind"] == \
        "quiet"


def test_daily_digest_once_per_beijing_day(tmp_path):
    with webhook_server() as (url, got):
        path = _cfg(tmp_path, url).path
        path.write_text(path.read_text(encoding="utf-8").replace(
            'digest_at = ""', 'digest_at = "09:00"'), encoding="utf-8")
        cfg = config.load(path)
        clock = Clock()                         # 08:00 Beijing
        with Store(cfg.db_path) as st:
            d = daemon.Daemon(cfg, st, classifier.Classifier(classifier.load_rules()), None,
                              clock=clock)
            d.start()
            _run_hours(d, clock, 0.9)
            assert got == []
            _run_hours(d, clock, 24.5)          # 09:00 today and 09:00 tomorrow
            digests = [g["text"]["content"] for g in got]
            assert len(digests) == 2
            assert "daily digest 2025-03-03" in digests[0]
            assert "daily digest 2025-03-04" in digests[1]
            new = int(digests[1].split("New items in the last 24 h: ")[1].split("\n")[0])
            assert 22 <= new <= 24                                    # about one an hour
            assert "Items awaiting review:" in digests[0]


def test_quiet_after_uses_the_rhythm():
    days = [f"2025-01-{d:02d}T01:00:00+00:00" for d in (1, 3, 5, 7, 9)]   # every 2 days
    assert alerts.quiet_after(days, 7) == timedelta(days=7)               # 3 x 2 < 7
    weekly = [f"2025-{m:02d}-{d:02d}T01:00:00+00:00" for m, d in
              ((1, 1), (1, 15), (1, 29), (2, 12))]
    assert alerts.quiet_after(weekly, 7) == timedelta(days=42)
    # one big first crawl: no rhythm yet
    assert alerts.quiet_after(["2025-01-01T01:00:00+00:00"] * 50, 7) == timedelta(days=30)


def test_a_quiet_source_alerts_and_a_new_item_resolves_it(tmp_path):
    cfg = _cfg(tmp_path, "http://127.0.0.1:9/unused")
    with Store(cfg.db_path) as st:
        st.sync_sources([s.as_row() for s in cfg.sources], T0)
        for n, day in enumerate((1, 3, 5, 7, 9)):
            st.save_item("portal", "website", {"key": f"k{n}", "title": "t"}, attribution="ours",
                         now=datetime(2025, 1, day, 1, tzinfo=timezone.utc))
        alerts.check_sources(cfg, st, datetime(2025, 1, 15, tzinfo=timezone.utc))
        assert st.open_alerts() == []
        alerts.check_sources(cfg, st, datetime(2025, 1, 17, 2, tzinfo=timezone.utc))
        [a] = st.open_alerts()
        assert a["kind"] == "quiet" and "quiet for 8 days" in a["subject"]
        alerts.check_sources(cfg, st, datetime(2025, 1, 18, tzinfo=timezone.utc))
        assert len(st.alerts()) == 1            # still one
        st.save_item("portal", "website", {"key": "k9", "title": "t"}, attribution="ours",
                     now=datetime(2025, 1, 18, tzinfo=timezone.utc))
        alerts.check_sources(cfg, st, datetime(2025, 1, 18, 1, tzinfo=timezone.utc))
        assert st.open_alerts() == []


def test_email_is_sent_with_smtplib(tmp_path, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append((host, port))

        def __enter__(self):
            return self

        def __exit__(self, *a):
            pass

        def starttls(self):
            sent.append("tls")

        def login(self, user, password):
            sent.append((user, password))

        def send_message(self, msg):
            sent.append(msg["To"])

    monkeypatch.setattr(alerts.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setenv("GK_PW", "secret")
    cfg = _cfg(tmp_path, "", '[alerts.email]\nhost = "smtp.example.cn"\nport = 587\n'
               'starttls = true\nuser = "bot"\npassword_env = "GK_PW"\n'
               'to = ["a@example.cn", "b@example.cn"]\n')
    with Store(cfg.db_path) as st:
        st.add_alert("portal", "failing", subject="s", body="b", now=T0)
        assert alerts.deliver(cfg, st, T0) == 1
        assert alerts.deliver(cfg, st, T0 + timedelta(hours=1)) == 0
    assert sent == [("smtp.example.cn", 587), "tls", ("bot", "secret"),
                    "a@example.cn, b@example.cn"]


@pytest.mark.parametrize("extra, message", [
    ('[alerts]\nkind = "slack"\n', "[alerts] key 'kind' must be one of"),
    ('[alerts]\nafter_failures = 0\n', "[alerts] key 'after_failures' must be a positive"),
    ('[alerts]\ndigest_at = "25:00"\n', "[alerts] key 'digest_at' must be a Beijing time"),
    ('[alerts.email]\nhost = "h"\n', "[alerts.email] key 'to'"),
    ('[alerts.email]\nhots = "h"\nto = "a@b"\n', "[alerts.email] unknown key 'hots'"),
    ('[backup]\nkeep = 3\n', "[backup] key 'dir' is required"),
    ('[log]\nfile = "x.log"\nlevel = "LOUD"\n', "[log] key 'level' must be one of"),
])
def test_ops_config_errors_name_file_and_key(tmp_path, extra, message):
    path = tmp_path / "gongkai.toml"
    path.write_text('[bureau]\nname = "卫滨区商务局"\n' + extra, encoding="utf-8")
    with pytest.raises(config.ConfigError) as e:
        config.load(path)
    assert str(path) in str(e.value) and message in str(e.value)
