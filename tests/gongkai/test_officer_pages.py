"""The officer's pages (#16 items 1-3): names instead of ids, Chinese statuses, Beijing time, the
home page, and a queue that shows its reasons."""
import re
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest

import classifier
from _review_support import NOW, PASSWORD, build, item_id_by_key
from gongkai import config
from gongkai.web import create_app
from store import Store

CLOCK = datetime(2024, 12, 6, 6, 1, 49, tzinfo=timezone.utc)       # 14:01 in Beijing
CONFIG = """[bureau]
name = "卫滨区商务局"
[report]
channels = ["区政府官网专栏", "卫滨商务微信公众号"]
data = "report-{year}.toml"
[[sources]]
id = "web"
type = "website"
channel = "website"
url = "http://gov.example/col/"
[[sources]]
id = "wx"
type = "feed"
channel = "wechat"
label = "卫滨商务 <b>公众号</b>"
url = "http://feeds.example/f.rss"
"""
HOSTILE_BODY = "第一段。\n说明：<img src=x onerror=alert(5)> 本项目办理备案手续 <script>alert(6)</script>"


class _Text(HTMLParser):
    """What a reader sees: text outside tags, script and style; attribute values are not read."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    p = _Text()
    p.feed(html)
    return " ".join(p.parts)


@pytest.fixture
def env(tmp_path):
    db, rules = build(tmp_path)
    path = tmp_path / "gongkai.toml"
    path.write_text(CONFIG, encoding="utf-8")
    cfg = config.load(path)
    clf = classifier.Classifier(rules)
    with Store(db) as st:
        st.sync_sources([s.as_row() for s in cfg.sources], NOW)    # as every crawl does
        # body-only evidence with hostile text around the deciding keyword
        iid, _ = st.save_item("web", "website", {
            "key": "http://gov.example/9", "url": "http://gov.example/9", "title": "关于某事的说明",
            "title_norm": "关于某事的说明", "body": HOSTILE_BODY, "pub_date": "2024-10-31",
            "published_at": "2024-10-31T09:00:00+08:00"}, attribution="ours", now=NOW)
        st.apply_decision(iid, clf.classify("关于某事的说明", HOSTILE_BODY).as_dict(), now=NOW)
        st.db.execute("UPDATE items SET needs_review = 1 WHERE id = ?", [iid])
        # a possible duplicate left to a person
        st.db.execute("INSERT INTO dupe_pairs (item_id, other_id, score, reason, status, created_at)"
                      " VALUES (1, 2, 0.7, '标题相近', 'open', ?)", [NOW.isoformat()])
        # wx fails three times in a row; web worked but brought nothing new for months
        for day in (3, 2, 1):
            run = st.begin_run("wx", CLOCK - timedelta(days=day))
            st.end_run(run, status="failed", reason="桥接登录已过期", now=CLOCK - timedelta(days=day))
        run = st.begin_run("web", CLOCK - timedelta(hours=2))
        st.end_run(run, status="ok", now=CLOCK - timedelta(hours=2), n_seen=8)
        st.review_set_attribution(2, "not_ours", actor="alice", now=CLOCK)
    app = create_app(db, rules, clock=lambda: CLOCK, config=cfg)
    c = app.test_client()
    tok = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/login").text).group(1)
    c.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": tok})
    return db, c, iid


PAGES = ["/", "/queue?status=all", "/queue?status=not_ours", "/item/1", "/item/2",
         "/counts?year=2024", "/sources", "/audit", "/dupes", "/dupes/1"]


@pytest.mark.parametrize("path", PAGES)
def test_no_config_id_english_status_or_utc_time_where_the_officer_reads(env, path):
    _, c, _ = env
    r = c.get(path)
    assert r.status_code == 200
    text = visible(r.text)
    for word in ("website", "wechat", "not_ours", "todo", "+00:00", "@", "decided_by",
                 "None"):
        assert word not in text, (path, word)
    assert not re.search(r"\b(web|wx|auto|manual|gone)\b", text), path
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d", text), path        # ISO times, UTC or not


def test_names_come_from_the_config_labels_escaped(env):
    _, c, _ = env
    page = c.get("/queue?status=all").text
    assert "区政府官网专栏" in page
    assert "卫滨商务 &lt;b&gt;公众号&lt;/b&gt;" in page and "<b>公众号</b>" not in page
    counts = c.get("/counts?year=2024").text
    assert "<th class=\"n\">区政府官网专栏</th>" in counts


def test_times_are_beijing_time_on_the_audit_and_sources_pages(env):
    _, c, _ = env
    assert "2024-12-06 14:01" in c.get("/audit").text
    sources = c.get("/sources").text
    assert "2024-12-06 12:01" in sources            # web's run, two hours before
    assert "2024-12-05 14:01" in sources            # wx's last failure


def test_statuses_and_evidence_in_words(env):
    _, c, iid = env
    item = c.get(f"/item/{iid}").text
    assert "正文第 2 段含‘备案’" in item and "把握：" in item
    assert "非本单位" in c.get("/queue?status=not_ours").text
    assert "改归属" in c.get("/audit").text and "非本单位" in visible(c.get("/audit").text)


def test_the_home_page_is_the_landing_page_after_login(tmp_path):
    db, rules = build(tmp_path)
    c = create_app(db, rules, clock=lambda: CLOCK).test_client()
    tok = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": tok})
    assert r.headers["Location"] == "/"
    assert 'id="deadline"' in c.get("/").text
    # an old bookmark of the queue still opens the queue
    r = c.get("/?year=2024&status=todo")
    assert r.status_code == 302 and r.headers["Location"] == "/queue?year=2024&status=todo"


def test_home_counts_backlog_health_deadline_and_what_is_missing(env):
    db, c, _ = env
    html = c.get("/").text
    text = visible(html)
    assert "2024 年政务公开工作概况" in text
    assert "距 2025 年 1 月 31 日发布期限还有 56 天" in re.sub(r"\s+", " ", text)
    # this year against last year, per category and per channel
    cat = html.split('id="by-category"')[1].split("</section>")[0]
    assert re.search(r"<td>招商引资</td><td class=\"n\">0</td><td class=\"n\">1</td>", cat)
    chan = visible(html.split('id="by-channel"')[1].split("</section>")[0])
    assert "区政府官网专栏" in chan and "卫滨商务 <b>公众号</b>" in chan
    # the backlog, linked to the queue
    with Store(db) as st:
        todo = st.counts(2024)["unreviewed"]
    assert todo and f"<strong>{todo}</strong> 条 2024 年的信息等您确认" in html
    assert 'href="/queue?year=2024&amp;status=todo"' in html and 'id="go-queue"' in html
    # each source's health in words
    health = visible(html.split('id="health"')[1])
    assert "连续 3 次失败：桥接登录已过期" in health
    assert re.search(r"超过 \d+ 天没有新信息", health)
    # what is still missing for the report
    missing = visible(html.split('id="missing"')[1].split("</ul>")[0])
    assert f"{todo} 条信息待审" in missing
    assert "1 对可能重复" in missing
    assert "1 个来源采集失败" in missing
    assert "2024 年度报告数据" in missing and "还没有填写" in missing


def test_in_january_the_home_page_is_about_last_years_report(tmp_path):
    db, rules = build(tmp_path)
    jan = datetime(2025, 1, 20, 16, 30, tzinfo=timezone.utc)      # 21 January in Beijing
    c = create_app(db, rules, clock=lambda: jan).test_client()
    tok = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/login").text).group(1)
    c.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": tok})
    text = re.sub(r"\s+", " ", visible(c.get("/").text))
    assert "2024 年政务公开工作概况" in text and "还有 10 天" in text


def test_the_queue_shows_a_body_snippet_escaped_with_the_keyword_marked(env):
    _, c, iid = env
    html = c.get("/queue?year=2024").text
    row = html.split(f'data-id="{iid}"')[1].split("</tr>")[0]
    snippet = row.split('class="snippet"')[1].split("</div>")[0]
    assert '<mark class="win">备案</mark>' in snippet
    assert "<img" not in row and "<script" not in row
    assert "onerror=alert(5)&gt;" in snippet and "&lt;script&gt;alert(6)" in snippet
    # a title with its own keyword needs no snippet
    title_row = html.split('data-id="5"')[1].split("</tr>")[0]
    assert 'class="snippet"' not in title_row


def test_keyword_chips_are_not_repeated(env):
    db, c, _ = env
    five = item_id_by_key(db, "http://gov.example/5")     # 消费券 in the title and the body
    html = c.get("/queue?year=2024").text
    row = html.split(f'data-id="{five}"')[1].split("</tr>")[0]
    chips = re.findall(r'<span class="chip[^"]*"[^>]*>([^<]+)<small>→([^<]+)</small>', row)
    assert chips and len(chips) == len(set(chips))
    assert row.count(">消费券<small>") == 1


def test_dates_do_not_wrap(env):
    _, c, _ = env
    html = c.get("/queue?year=2024").text
    assert '<td class="date">2024-10-31</td>' in html
    css = c.get("/static/review.css").text
    assert re.search(r"td\.date[^{]*\{[^}]*white-space: nowrap", css)


def test_possible_duplicates_open_side_by_side_from_the_queue(env):
    _, c, _ = env
    html = c.get("/queue?year=2024").text
    row = html.split('data-id="1"')[1].split("</tr>")[0]
    link = re.search(r'href="(/dupes/1\?back=[^"]+)"', row)
    assert link and "可能与 #2 重复" in row
    page = c.get(link.group(1).replace("&amp;", "&"))
    assert page.status_code == 200
    assert page.text.count("<article>") == 2 and 'id="back"' in page.text
    tok = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    r = c.post("/api/dupes/1/apart", data={"csrf_token": tok, "back": "/queue?year=2024"})
    assert r.status_code == 302 and r.headers["Location"] == "/queue?year=2024"
    r = c.post("/api/dupes/1/apart", data={"csrf_token": tok, "back": "//evil.example/"})
    assert r.headers["Location"] != "//evil.example/"
    assert "可能与 #2 重复" not in c.get("/queue?year=2024").text.split('data-id="1"')[1]
    missing = c.get("/dupes/999")
    assert missing.status_code == 404 and "找不到这一页或这条信息" in missing.text


def test_the_item_page_says_why_ours_in_chinese(env):
    db, c, _ = env
    with Store(db) as st:
        st.db.execute("UPDATE items SET meta_json = ? WHERE id = 3", [
            '{"attribution_reason": "the source carries only the bureau\'s items (attribution = all)"}'])
        st.db.conn.commit()
    text = visible(c.get("/item/3").text)
    assert "归属依据（为什么算本单位）：这个来源只发布本单位的信息" in text
    assert "carries" not in text


def test_the_report_data_is_missing_until_its_file_exists(env, tmp_path):
    _, c, _ = env
    html = c.get("/").text
    missing = html.split('id="missing"')[1].split("</ul>")[0]
    assert "还没有填写" in missing and 'href="/report/2024"' in missing
    (tmp_path / "report-2024.toml").write_text("", encoding="utf-8")
    assert "还没有填写" not in c.get("/").text
