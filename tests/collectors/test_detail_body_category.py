"""At the pipeline level (crawl -> store -> classify, gongkai.pipeline): a site's menu or footer
read as an item's body no longer decides its category. The column of
tests/fixtures/sites/boilerplate is crawled on loopback and classified with the default rules.
"区商务局开展专题活动" is a 夜市 story (4 for 促消费) under a menu that says 政务公开 (5 for 其他): with
the menu in its body it was filed 其他, a wrong category decided by the site's furniture."""
from datetime import datetime, timezone

import pytest

import classifier
from gongkai import app, config, pipeline
from store import Store

NOW = datetime(2024, 12, 31, 4, 0, tzinfo=timezone.utc)
MENU = "首页机构概况政务公开互动交流办事服务专题专栏"


@pytest.fixture
def crawled(tmp_path, server):
    (tmp_path / "gongkai.toml").write_text(f"""
[bureau]
name = "卫滨区商务局"
aliases = ["卫滨区商务局", "区商务局"]

[database]
path = "{tmp_path / 'g.db'}"

[http]
min_delay = 0

[[sources]]
id = "portal-gzdt"
type = "website"
channel = "website"
url = "{server.base}/boilerplate/col/index.html"
interval = "6h"
""", encoding="utf-8")
    cfg = config.load(tmp_path / "gongkai.toml")
    rules = classifier.load_rules()
    with Store(cfg.db_path) as st:
        [run] = pipeline.crawl(cfg, st, classifier.Classifier(rules), app.make_http(cfg),
                               clock=lambda: NOW)
        assert (run.status, run.seen, run.new) == ("ok", 6, 6), run
        rows = st.items()
        evidence = st.auto_evidence([r["id"] for r in rows])
        yield {r["title"]: {**r, "evidence": evidence[r["id"]]} for r in rows}, rules


def _keywords(row) -> set[str]:
    return {e["keyword"] for e in row["evidence"]}


def test_the_menu_line_no_longer_decides_the_category(crawled):
    rows, rules = crawled
    row = rows["区商务局开展专题活动"]
    assert MENU not in row["body"] and "政务公开" not in row["body"]
    assert "政务公开" not in _keywords(row)
    assert row["category"] == "促消费" and "夜市" in _keywords(row)
    # the same item with the menu line in front of its text, as the old reader stored it
    old = classifier.Classifier(rules).classify(row["title"], MENU + "\n" + row["body"])
    assert old.category == "其他"


def test_a_footer_only_page_is_classified_by_its_title(crawled):
    rows, _ = crawled
    row = rows["区商务局关于一季度安全生产检查情况的通报"]
    assert row["body"] == ""
    assert row["category"] == "安全生产"
    assert row["evidence"] and all(e["field"] == "title" for e in row["evidence"])
