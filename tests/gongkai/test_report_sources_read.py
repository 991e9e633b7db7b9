"""A year's figure never goes into the report short without a word (outside test 6, defect 5):
``report check`` (and ``report``), ``counts`` and the web pages name each source whose passes
did not read the whole year — failing, never read, cut short, not read since the year ended,
stopped at its page cap — with since when and the reason; an error when the year's count may
be short, a warning when the year was seen whole (or only some pages went unread).

The record is built through the real crawl: a loopback column whose list pages or details are
broken on purpose, crawled with the clock set to each moment."""
import json
import re
import threading
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import classifier
import collectors
from gongkai import cli, config, pipeline
from gongkai.web import create_app
from store import Store

YEAR = 2024
DEC = datetime(2024, 12, 21, 2, 0, tzinfo=timezone.utc)       # 21 December, Beijing morning
JAN = datetime(2025, 1, 6, 2, 0, tzinfo=timezone.utc)         # after the year ended
PASSWORD = "correct horse battery"


class Column(BaseHTTPRequestHandler):
    """A TRS column of three list pages, two rows each a week apart (the newest on ``newest``),
    each row's detail page on the same host; ``state`` breaks list pages (500) or details (404)
    by path."""
    state: dict = {}

    def log_message(self, *a) -> None:
        pass

    def _send(self, status: int, text: str = "") -> None:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        path, newest = self.path.split("?")[0], self.state["newest"]
        if path in self.state["broken"]:
            return self._send(500, "<html><body>服务器错误</body></html>")
        name = path.rsplit("/", 1)[-1]
        if path.startswith("/col/d/"):
            if path in self.state["gone"]:
                return self._send(404)
            n, i = map(int, name[:-5].split("_"))
            day = newest - timedelta(days=7 * (2 * n + i))
            return self._send(200, (
                f'<html><head><meta charset="utf-8"><title>卫滨区商务局工作动态{n}-{i}</title>'
                f'</head><body><div class="article"><h1>卫滨区商务局工作动态{n}-{i}</h1>'
                f'<div class="info">发布日期：{day:%Y-%m-%d}</div><div class="content"><p>'
                f'区商务局召开促消费工作会议，部署消费券发放（第{n}-{i}篇）。</p></div></div>'
                '</body></html>'))
        n = 0 if name == "index.html" else int(name[6:-5]) if re.fullmatch(
            r"index_\d+\.html", name) else 99
        if n >= 3:
            return self._send(404)
        rows = "".join(
            f'<li><a href="/col/d/{n}_{i}.html">卫滨区商务局工作动态{n}-{i}</a>'
            f'<span>{newest - timedelta(days=7 * (2 * n + i)):%Y-%m-%d}</span></li>'
            for i in range(2))
        self._send(200, (
            '<html><head><meta charset="utf-8"><title>部门动态</title></head><body>'
            f'<ul class="u-list">{rows}</ul><div class="page"><script>'
            f'createPageHTML(3, {n}, "index", "html");</script></div></body></html>'))


@pytest.fixture
def site(tmp_path, monkeypatch):
    """The column served on loopback, a config with it (``col``) and a manual board, the
    year's data file written (so only the sources can make ``report check`` fail)."""
    state = {"broken": set(), "gone": set(), "newest": date(2024, 12, 20)}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (Column,), {"state": state}))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    (tmp_path / "gongkai.toml").write_text(
        '[bureau]\nname = "卫滨区商务局"\naliases = ["卫滨区商务局", "区商务局"]\n'
        '[database]\npath = "g.db"\n'
        '[[sources]]\nid = "col"\nlabel = "区政府官网部门动态"\ntype = "website"\n'
        f'channel = "website"\nurl = "{base}/col/index.html"\npreset = "trs"\ninterval = "1h"\n'
        '[[sources]]\nid = "board"\ntype = "manual"\nchannel = "board"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["report", "init", "--year", str(YEAR)]) == 0
    yield state
    httpd.shutdown()
    httpd.server_close()


def crawl(at: datetime, **config_edits) -> pipeline.RunResult:
    """One real pass over ``col`` with the clock at ``at``."""
    cfg = config.load("gongkai.toml")
    with Store(cfg.db_path) as st:
        [result] = pipeline.crawl(cfg, st, classifier.Classifier(classifier.load_rules()),
                                  collectors.Http(min_delay=0, respect_robots=False),
                                  source_ids=["col"], clock=lambda: at)
    return result


def check(capsys) -> tuple[int, list[str]]:
    """``report check``'s exit status and its lines about sources."""
    capsys.readouterr()
    rc = cli.main(["report", "check", "--year", str(YEAR)])
    return rc, [x for x in capsys.readouterr().out.splitlines() if "COUNTS-SOURCE" in x]


def counts(capsys) -> tuple[dict, list[str]]:
    """``counts --json``: the object on stdout, the warnings about sources on stderr."""
    capsys.readouterr()
    assert cli.main(["counts", "--year", str(YEAR), "--json"]) == 0
    out, err = capsys.readouterr()
    return json.loads(out), [x for x in err.splitlines() if "source col" in x]


def test_a_source_failing_since_before_the_year_ended_is_an_error(site, capsys):
    site["broken"].add("/col/index.html")
    first = crawl(DEC)
    assert first.status == "failed"
    crawl(JAN)
    rc, lines = check(capsys)
    assert rc == 1 and len(lines) == 1
    line = lines[0]
    assert line.startswith("error: [COUNTS-SOURCE-FAILING]")
    assert "区政府官网部门动态" in line and "（col）" in line
    assert "自 2024-12-21 10:00 起采集失败（连续 2 次）" in line and "从未成功采集过" in line
    assert "2024 年的统计数可能偏少" in line and "HTTP 500" in line
    # counts: the object as it was, one warning line saying what it does to the year
    obj, warned = counts(capsys)
    assert obj["total"] == 0 and len(warned) == 1
    assert ("FAILING since 2024-12-21 10:00 Beijing time (2 failed passes; no pass has ever "
            "completed)") in warned[0] and "the 2024 count may be short" in warned[0] and "HTTP 500" in warned[0]
    # the report itself refuses to be written short without --force, saying why
    capsys.readouterr()
    assert cli.main(["report", "--year", str(YEAR), "--format", "md", "-o", "r.md"]) == 2
    assert "COUNTS-SOURCE-FAILING" in capsys.readouterr().err


def test_a_pass_cut_short_down_the_column_is_an_error_with_what_it_kept(site, capsys):
    assert crawl(datetime(2024, 6, 1, tzinfo=timezone.utc)).status == "ok"
    site["newest"] = date(2024, 12, 27)               # one new row a week since
    site["broken"].add("/col/index_1.html")           # page 2 fails: the pass stops there
    cut = crawl(DEC)
    assert cut.status == "failed" and "index_1.html" in cut.reason
    rc, lines = check(capsys)
    assert rc == 1 and len(lines) == 1 and "[COUNTS-SOURCE-FAILING]" in lines[0]
    assert "index_1.html" in lines[0]
    assert "最后一次成功采集开始于 2024-06-01 08:00" in lines[0]
    assert "自 2024-12-21 10:00 起采集失败（连续 1 次）" in lines[0]
    obj, warned = counts(capsys)
    assert len(warned) == 1 and "last complete pass started 2024-06-01 08:00" in warned[0]


def test_failing_after_a_whole_pass_past_the_year_end_is_a_warning(site, capsys):
    assert crawl(JAN).status == "ok"
    site["broken"].add("/col/index.html")
    assert crawl(JAN + timedelta(days=2)).status == "failed"
    rc, lines = check(capsys)
    assert rc == 0 and len(lines) == 1
    assert lines[0].startswith("warning: [COUNTS-SOURCE-FAILING]")
    assert "最后一次成功采集开始于 2025-01-06 10:00" in lines[0]
    assert "2024 年的信息已全部看过，本年统计不受影响" in lines[0]
    obj, warned = counts(capsys)
    assert obj["total"] == 6 and len(warned) == 1
    assert "FAILING since 2025-01-08 10:00 Beijing time" in warned[0]
    assert "every item of 2024 was seen: the count is not affected" in warned[0]


def test_no_pass_since_the_year_ended_is_an_error(site, capsys):
    assert crawl(DEC).status == "ok"
    rc, lines = check(capsys)
    assert rc == 1 and len(lines) == 1 and "[COUNTS-SOURCE-NOT-READ-SINCE]" in lines[0]
    assert "最后一次完整采集开始于 2024-12-21 10:00，早于 2024 年底" in lines[0]
    _, warned = counts(capsys)
    assert len(warned) == 1 and "before 2024 ended" in warned[0]
    # counts' own lines stay as they are: the warning goes where its warnings go (stderr)
    capsys.readouterr()
    assert cli.main(["counts", "--year", str(YEAR)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("2024: 6 信息") and "source col" not in out and "source col" in err
    # a whole pass after the year ended: nothing left to say
    assert crawl(JAN).status == "ok"
    assert check(capsys) == (0, [])
    obj, warned = counts(capsys)
    assert obj["total"] == 6 and warned == []


def test_a_configured_source_never_crawled_is_an_error(site, capsys):
    assert crawl(JAN).status == "ok"
    text = open("gongkai.toml", encoding="utf-8").read()
    added = text.split("[[sources]]")[1].replace('"col"', '"col2"').replace(
        'label = "区政府官网部门动态"', 'label = "区政府官网通知公告"')
    open("gongkai.toml", "w", encoding="utf-8").write(text + "[[sources]]" + added)
    rc, lines = check(capsys)
    assert rc == 1 and len(lines) == 1 and "[COUNTS-SOURCE-NEVER-READ]" in lines[0]
    assert "来源“区政府官网通知公告”（col2）从未完整采集过" in lines[0]
    capsys.readouterr()
    assert cli.main(["counts", "--year", str(YEAR)]) == 0
    warned = [x for x in capsys.readouterr().err.splitlines() if "col" in x]
    assert len(warned) == 1 and "source col2 (区政府官网通知公告)" in warned[0]
    assert "no pass over it has completed: the 2024 count may be short" in warned[0]


def test_details_that_could_not_be_read_are_a_warning(site, capsys):
    site["broken"].add("/col/d/0_1.html")         # 500: kept from the list, read again later
    assert crawl(JAN).status == "ok"
    rc, lines = check(capsys)
    assert rc == 0 and len(lines) == 1
    assert lines[0].startswith("warning: [COUNTS-SOURCE-PAGES-UNREAD]")
    assert "有 1 条 2024 年信息的页面没能读取" in lines[0] and "HTTP 500" in lines[0]
    obj, warned = counts(capsys)
    assert obj["total"] == 6 and len(warned) == 1
    assert "1 item(s) of 2024 counted from the list's title and date only" in warned[0]


def test_a_pass_stopped_at_the_page_cap_short_of_the_year(site, capsys):
    text = open("gongkai.toml", encoding="utf-8").read()
    open("gongkai.toml", "w", encoding="utf-8").write(
        text.replace('interval = "1h"\n', 'interval = "1h"\nmax_pages = 2\n'))
    result = crawl(JAN)
    assert result.status == "ok" and "page cap" in result.warning
    rc, lines = check(capsys)          # the rows of page 3 (November) are 2024's: short
    assert rc == 1 and len(lines) == 1 and "[COUNTS-SOURCE-PAGE-CAP]" in lines[0]
    assert "2024 年的统计数可能偏少" in lines[0]
    # the column's rows reach back into 2023: what the cap left unread is older than 2024
    site["newest"] = date(2024, 1, 20)
    open("gongkai.toml", "w", encoding="utf-8").write(text.replace(
        'interval = "1h"\n', 'interval = "1h"\nmax_pages = 2\n').replace("g.db", "g2.db"))
    crawl(JAN)
    rc, lines = check(capsys)
    assert rc == 0 and len(lines) == 1 and lines[0].startswith("warning: [COUNTS-SOURCE-PAGE-CAP]")
    assert "已读到 2024 年之前，本年统计不受影响" in lines[0]


def _client(app):
    c = app.test_client()
    tok = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/login").text).group(1)
    assert c.post("/login", data={"name": "alice", "password": PASSWORD,
                                  "csrf_token": tok}).status_code == 302
    return c


def test_the_web_pages_name_the_source_that_leaves_the_year_short(site, tmp_path):
    from gongkai.web._auth import hash_password
    site["broken"].add("/col/index.html")
    crawl(DEC)
    cfg = config.load("gongkai.toml")
    with Store(cfg.db_path) as st:
        st.add_user("alice", hash_password(PASSWORD), "reviewer", now=JAN)
    app = create_app(cfg.db_path, classifier.load_rules(), config=cfg, clock=lambda: JAN)
    c = _client(app)
    want = "来源“区政府官网部门动态”自 2024-12-21 10:00 起采集失败（连续 1 次），从未成功采集过"
    home = c.get("/?year=2024").text
    assert want in home.split('id="missing"')[1].split("</ul>")[0]
    assert want in c.get("/sources").text.split('id="year-gaps"')[1]
    form = c.get("/report/2024").text
    assert want in form and "1 个错误" in form


def test_a_feeds_possible_gap_in_the_year_is_a_warning(site, capsys):
    # the feed collector's note (collectors/_feedpass.py check_gap) of a feed that listed only
    # its newest entries: items of the gap's days may be missing from the year
    assert crawl(JAN).status == "ok"
    cfg = config.load("gongkai.toml")
    with Store(cfg.db_path) as st:
        run = st.begin_run("col", JAN)
        st.end_run(run, status="ok", now=JAN, n_seen=6, n_new=0, memo={**st.memo("col"),
                   "feed_gap": {"note": "possible gap", "gaps": [
                       {"from": "2023-03-01T02:00:00+00:00", "to": "2023-03-04T02:00:00+00:00"},
                       {"from": "2024-12-31T15:00:00+00:00", "to": "2025-01-02T02:00:00+00:00"}]}})
    rc, lines = check(capsys)
    assert rc == 0 and len(lines) == 1        # a warning: no one can know what was missed
    assert lines[0].startswith("warning: [COUNTS-SOURCE-FEED-GAP]")
    assert "2024-12-31 23:00" in lines[0] and "2023" not in lines[0]   # Beijing time, the year's
    assert "补录遗漏的信息" in lines[0]
    obj, warned = counts(capsys)
    assert obj["total"] == 6 and len(warned) == 1
    assert "may have skipped some published between 2024-12-31 23:00" in warned[0]


def test_a_detail_gone_for_good_stays_a_warning_on_later_passes(site, capsys):
    # a 404 is not asked for again: its item keeps the list's title (filed by it) on every pass
    site["gone"].add("/col/d/0_1.html")
    for day in range(3):
        assert crawl(JAN + timedelta(days=day)).status == "ok"
        rc, lines = check(capsys)
        assert rc == 0 and len(lines) == 1, (day, lines)
        assert lines[0].startswith("warning: [COUNTS-SOURCE-PAGES-UNREAD]")
        assert "有 1 条 2024 年信息的页面没能读取" in lines[0] and "404" in lines[0]
