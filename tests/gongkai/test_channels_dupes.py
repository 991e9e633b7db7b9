"""`gongkai dupes` over the demo site: list, merge, split, and both survive a re-crawl."""
import json
from collections import Counter

import pytest

import classifier
from gongkai import app, config, demo, pipeline
from gongkai.cli import main
from store import Store


@pytest.fixture(scope="module")
def served():
    with demo.serve(demo.build_site()) as base:
        yield base


@pytest.fixture
def cfg(tmp_path, served):
    path = tmp_path / "gongkai.toml"
    path.write_text(demo.config_text(served, str(tmp_path / "g.db")), encoding="utf-8")
    return config.load(path)


def crawl(cfg):
    rules = classifier.load_rules()
    with Store(cfg.db_path) as st:
        pipeline.crawl(cfg, st, classifier.Classifier(rules), app.make_http(cfg))
        return app.counts_for(st, rules, 2024).as_dict()


def dupes(cfg, capsys, *args):
    assert main(["dupes", *args, "--config", str(cfg.path)]) == 0
    return capsys.readouterr().out


def test_list_merge_split_survive_recrawl(cfg, capsys):
    before = crawl(cfg)
    listed = json.loads(dupes(cfg, capsys, "--json", "--year", "2024"))
    site = demo.build_site()
    # crawled only, not imported: the bulletin board's copy is not in the database
    sizes = Counter(i.cluster for i in site.items if i.channel != "board")
    multi = {c for c, n in sizes.items() if n > 1
             and any(i.cluster == c and i.published.year == 2024 for i in site.items)}
    assert len(listed) == len(multi)
    night = next(c for c in listed if any(i["title"].startswith("【商务动态】") for i in c["items"]))
    assert {i["channel"] for i in night["items"]} == {"website", "wechat", "district-wechat"}
    text = dupes(cfg, capsys, "--year", "2024")
    assert f"cluster {night['cluster_id']}: 3 items" in text

    # split the WeChat copy out, merge two unrelated items, then crawl again
    wx = next(i["id"] for i in night["items"] if i["channel"] == "wechat")
    assert "is now a cluster of its own" in dupes(cfg, capsys, "split", str(wx), "--reason", "test")
    with Store(cfg.db_path) as st:
        sizes = Counter(i["cluster_id"] for i in st.items())
        a, b = [r["id"] for r in st.items(year=2024, source_id="portal-shangwu")
                if r["category"] == "促消费" and sizes[r["cluster_id"]] == 1][:2]
    assert "into cluster" in dupes(cfg, capsys, "merge", str(a), f"#{b}", "--by", "li")
    after = crawl(cfg)
    with Store(cfg.db_path) as st:
        assert st.item(wx)["cluster_id"] == wx and st.item(wx)["cluster_manual"] == 1
        assert st.item(a)["cluster_id"] == st.item(b)["cluster_id"]
        actions = [(r["item_id"], r["actor"]) for r in st.audit() if r["action"] == "cluster"]
    assert (b, "li") in actions and any(i == wx for i, _ in actions)
    # one more 信息 (the split), one fewer (the merge), both 促消费: the totals hold
    assert after["categories"] == before["categories"]
    assert after["by_channel"]["wechat"] == before["by_channel"]["wechat"]
    assert after["by_channel"]["website"]["促消费"] == before["by_channel"]["website"]["促消费"] - 1


@pytest.mark.parametrize("args, message", [
    (["merge", "1"], "at least two item ids"),
    (["split", "1", "2"], "exactly one item id"),
    (["merge", "1", "x"], "item ids are numbers"),
    (["1"], "invalid choice"),
    (["split", "999"], "no item with id 999"),
])
def test_dupes_usage_errors(tmp_path, capsys, args, message):
    db = str(tmp_path / "e.db")
    Store(db).close()            # an empty database: the errors are about the arguments
    code = None
    try:
        code = main(["dupes", *args, "--db", db])
    except SystemExit as e:      # argparse's own errors
        code = e.code
    assert code == 2
    assert message in capsys.readouterr().err
