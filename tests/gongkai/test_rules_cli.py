"""reclassify, rules test / diff / suggest, and the second opinion in classify_pending."""
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

import classifier
from gongkai import pipeline
from gongkai.cli import main
from store import Store

NOW = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)
PROMO = ["家电以旧换新补贴活动开启", "汽车消费券第二轮发放", "手机以旧换新补贴来了",
         "夜间消费券活动启动", "家居以旧换新补贴政策解读"]
SAFETY = ["商场消防检查隐患整改通报", "加油站安全生产检查", "节前安全生产隐患整改部署",
          "餐饮燃气安全生产排查", "超市消防检查隐患整改结果"]
# A small ruleset, so a test's edit has an effect it can predict.
RULES = """
[review]
min_score = 3.0
[[category]]
name = "促消费"
label = "促消费信息"
key = 1
[category.keywords]
"消费券" = 5
"以旧换新" = 5
[[category]]
name = "安全生产"
label = "安全生产信息"
key = 2
[category.keywords]
"安全生产" = 5
"消防" = 4
[[category]]
name = "其他"
label = "其他信息"
key = 3
"""


def _db(path: Path, titles) -> Path:
    with Store(path) as st:
        st.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"}], NOW)
        for i, t in enumerate(titles):
            st.save_item("web", "website", {"key": f"k{i}", "title": t, "body": "",
                                            "pub_date": "2024-03-05"}, attribution="ours", now=NOW)
    return path


@pytest.fixture
def db(tmp_path):
    return _db(tmp_path / "g.db", PROMO + SAFETY)


@pytest.fixture
def rules(tmp_path):
    p = tmp_path / "rules.toml"
    p.write_text(RULES, encoding="utf-8")
    return p


def _classify_all(path, rules_path=None):
    with Store(path) as st:
        pipeline.classify_pending(st, classifier.Classifier(classifier.load_rules(rules_path)),
                                  lambda: NOW)


def _manual(path, item_id, cat):
    with Store(path) as st:
        st.apply_decision(item_id, {"category": cat}, now=NOW, method="manual", actor="officer")


def _rules_file(tmp_path, edit) -> Path:
    p = tmp_path / "new.toml"
    p.write_text(edit(RULES), encoding="utf-8")
    return p


def _run(capsys, *args):
    rc = main(list(map(str, args)))
    out, err = capsys.readouterr()
    return rc, out, err


# -- reclassify -------------------------------------------------------------------------------

def test_reclassify_counts_changes_per_category_and_keeps_manual(tmp_path, db, rules, capsys):
    _classify_all(db, rules)
    _manual(db, 1, "安全生产")         # a promotion filed by hand elsewhere: must survive
    new = _rules_file(tmp_path, lambda t: t.replace('"以旧换新" = 5', '"以旧换新" = 0')
                      .replace('"消防" = 4', '"消防" = 4\n"消费" = 1'))
    rc, out, _ = _run(capsys, "reclassify", "--db", db, "--rules", new)
    assert rc == 0
    with Store(db) as st:
        cats = {r["id"]: r["category"] for r in st.items()}
        assert st.item(1)["decided_by"] == "manual"
    assert cats[1] == "安全生产"
    assert cats[3] == cats[5] == "其他"
    assert "促消费 → 其他: 2" in out and "2 changed category" in out
    assert "1 decided by hand, left alone" in out

    rc, out, _ = _run(capsys, "reclassify", "--db", db, "--rules", new)
    assert "0 changed category, 0 decisions written" in out   # idempotent, no new history


def test_reclassify_classifies_never_classified_items(db, rules, capsys):
    rc, out, _ = _run(capsys, "reclassify", "--db", db, "--rules", rules)
    assert rc == 0 and "(unclassified) → 促消费: 5" in out and "(unclassified) → 安全生产: 5" in out


# -- rules test -------------------------------------------------------------------------------

def _jsonl(tmp_path, rows):
    p = tmp_path / "labels.jsonl"
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return p


def test_rules_test_on_a_labelled_file(tmp_path, capsys):
    rows = [{"title": t, "body": "", "label": "促消费"} for t in PROMO] + \
           [{"title": t, "body": "", "label": "安全生产"} for t in SAFETY] + \
           [{"title": "区商务局召开党史学习教育动员会", "label": "促消费"}]   # a wrong label
    rc, out, _ = _run(capsys, "rules", "test", _jsonl(tmp_path, rows), "--json")
    assert rc == 0
    got = json.loads(out)
    assert got["items"] == 11
    assert got["confusion"]["促消费"]["促消费"] == 5 and got["confusion"]["促消费"]["其他"] == 1
    assert got["categories"]["促消费"]["recall"] == pytest.approx(5 / 6, abs=1e-4)
    assert got["categories"]["其他"]["precision"] == 0
    assert 0 < got["macro_f1"] < 1

    rc, out, _ = _run(capsys, "rules", "test", _jsonl(tmp_path, rows))
    assert "macro-F1" in out and "confusion matrix" in out


def test_rules_test_unknown_label_names_the_line(tmp_path, capsys):
    p = _jsonl(tmp_path, [{"title": "a", "label": "促消费"}, {"title": "b", "label": "促销"}])
    rc, _, err = _run(capsys, "rules", "test", p)
    assert rc == 2 and err.count("\n") == 1
    assert "line 2" in err and "促销" in err


def test_rules_test_json_nested_too_deep_names_the_line(tmp_path, capsys):
    p = tmp_path / "labels.jsonl"
    p.write_text('{"title": "a", "label": "促消费"}\n{"title": ' + "[" * 100_000 + "\n",
                 encoding="utf-8")
    rc, _, err = _run(capsys, "rules", "test", p)
    assert rc == 2 and err.count("\n") == 1
    assert "line 2: not JSON (nested too deep)" in err


def test_rules_test_on_reviewed_items(db, capsys):
    rc, _, err = _run(capsys, "rules", "test", "--db", db)
    assert rc == 2 and "no reviewed items" in err
    _manual(db, 1, "促消费")
    _manual(db, 6, "促消费")          # the rules say 安全生产
    rc, out, _ = _run(capsys, "rules", "test", "--db", db, "--json")
    got = json.loads(out)
    assert got["items"] == 2 and got["confusion"]["促消费"] == {
        **{n: 0 for n in got["confusion"]}, "促消费": 1, "安全生产": 1}


def test_rules_test_prints_review_load_silent_errors_and_the_curve(tmp_path, capsys):
    rows = [{"title": t, "body": "", "label": "促消费"} for t in PROMO] + \
           [{"title": t, "body": "", "label": "安全生产"} for t in SAFETY] + \
           [{"title": "区商务局召开党史学习教育动员会", "label": "促消费"}]   # wrong, and how sure?
    rc, out, _ = _run(capsys, "rules", "test", _jsonl(tmp_path, rows), "--json")
    got = json.loads(out)
    clf = classifier.Classifier(classifier.load_rules())
    decisions = [clf.classify(r["title"], r.get("body", "")) for r in rows]
    flagged = sum(d.needs_review for d in decisions)
    silent = sum(1 for d, r in zip(decisions, rows) if d.category != r["label"] and not d.needs_review)
    assert got["review_load"] == pytest.approx(flagged / 11, abs=1e-4)
    assert got["silent_errors"] == pytest.approx(silent / 11, abs=1e-4)
    assert [p["in_use"] for p in got["curve"]].count(True) == 1
    loads = [p["review_load"] for p in got["curve"]]
    assert loads == sorted(loads, reverse=True)        # a higher threshold reviews less
    rc, out, _ = _run(capsys, "rules", "test", _jsonl(tmp_path, rows))
    assert "review load" in out and "silent errors" in out and "<- in use" in out


def test_rules_test_on_the_database_shows_each_rules_version_on_the_reviewed_items(
        tmp_path, db, rules, capsys):
    _classify_all(db, rules)                  # version A: 以旧换新 promotes
    new = _rules_file(tmp_path, lambda t: t.replace('"以旧换新" = 5', '"以旧换新" = 0'))
    _run(capsys, "reclassify", "--db", db, "--rules", new)     # version B: it no longer does
    for i in range(1, 6):
        _manual(db, i, "促消费")               # people file every promotion as 促消费
    rc, out, _ = _run(capsys, "rules", "test", "--db", db, "--rules", new, "--json")
    trend = json.loads(out)["trend"]
    assert [t["ruleset_version"] for t in trend] == [classifier.load_rules(rules).version,
                                                     classifier.load_rules(new).version]
    first, second = trend
    # A decision B confirmed unchanged is B's now (its row moves on to B's version); what B
    # changed stays A's: the three 以旧换新 items, right under A, fall to 其他 under B
    assert (first["items"], first["accuracy"]) == (3, 1.0)
    assert (second["items"], second["accuracy"]) == (5, 0.4)
    assert second["silent_errors"] <= 0.6
    rc, out, _ = _run(capsys, "rules", "test", "--db", db, "--rules", new)
    assert "rules versions on the reviewed items" in out


# -- rules diff -------------------------------------------------------------------------------

def test_rules_diff_shows_what_changes_and_why(tmp_path, db, rules, capsys):
    _classify_all(db, rules)
    _manual(db, 2, "其他")
    new = _rules_file(tmp_path, lambda t: t.replace('"消费券" =', '"消费券码" ='))
    rc, out, _ = _run(capsys, "rules", "diff", new, "--db", db, "--rules", rules)
    assert rc == 0
    # item 2 (汽车消费券…) is decided by hand: never listed, but scored in the summary
    assert "#2 " not in out
    assert "#4 夜间消费券活动启动" in out
    assert "now: 促消费 15 [消费券@title 15]" in out and "new: 其他 (no keyword hit)" in out
    assert "1 of 9 items not decided by hand would change" in out
    assert "促消费 → 其他: 1" in out
    assert "old 0/1, new 1/1" in out
    with Store(db) as st:                      # a diff changes nothing
        assert st.item(4)["category"] == "促消费"


def test_rules_diff_compares_with_what_is_stored_not_with_the_config_rules(tmp_path, db, rules,
                                                                          capsys):
    # Items filed by rules NEW already: diffing NEW against them changes nothing, whatever the
    # config's rules say; diffing the old rules shows what going back would change.
    new = _rules_file(tmp_path, lambda t: t.replace('"消费券" =', '"消费券码" ='))
    _classify_all(db, new)
    rc, out, _ = _run(capsys, "rules", "diff", new, "--db", db, "--rules", rules)
    assert rc == 0 and "0 of 10 items not decided by hand would change" in out
    rc, out, _ = _run(capsys, "rules", "diff", rules, "--db", db, "--rules", rules, "--limit", 1)
    assert "2 of 10 items" in out and "其他 → 促消费: 2" in out
    assert "(1 more not shown; --limit N shows more)" in out


def test_rules_without_a_category_used_by_hand_decisions_are_refused(tmp_path, db, rules, capsys):
    _classify_all(db, rules)
    _manual(db, 1, "其他")
    renamed = _rules_file(tmp_path, lambda t: t.replace('name = "其他"', 'name = "其它"'))
    for args in (["reclassify"], ["rules", "diff", renamed]):
        rc, _, err = _run(capsys, *args, "--db", db, "--rules", renamed)
        assert rc == 2 and err.count("\n") == 1
        assert "no category for items decided by hand: 其他 (1 item)" in err
    with Store(db) as st:
        assert st.item(1)["category"] == "其他" and st.item(3)["category"] == "促消费"


def test_rules_diff_bad_new_file_is_one_line(tmp_path, db, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("title_weight = 'x'\n", encoding="utf-8")
    rc, _, err = _run(capsys, "rules", "diff", bad, "--db", db)
    assert rc == 2 and "title_weight" in err and err.count("\n") == 1
    rc, _, err = _run(capsys, "rules", "diff", tmp_path / "missing.toml", "--db", db)
    assert rc == 2 and "missing.toml" in err and err.count("\n") == 1


# -- rules suggest ----------------------------------------------------------------------------

def test_rules_suggest_learns_from_reviewed_items(db, rules, capsys):
    rc, _, err = _run(capsys, "rules", "suggest", "--db", db, "--rules", rules)
    assert rc == 2 and "no reviewed items" in err
    for i in range(1, 11):
        _manual(db, i, "促消费" if i <= 5 else "安全生产")
    rc, out, _ = _run(capsys, "rules", "suggest", "--db", db, "--rules", rules)
    assert rc == 0
    assert '"隐患整改" = 3   # in 3 of 5 reviewed 安全生产 items, 0 elsewhere' in out, out
    assert '"换新补贴" = 3   # in 3 of 5 reviewed 促消费 items, 0 elsewhere' in out, out
    promo = out.split("# 促消费", 1)[1].split("# 安全生产")[0]
    assert "以旧换新" not in promo and "消费券" not in promo   # already keywords of 促消费


# -- the second opinion in the pipeline -------------------------------------------------------

def test_classify_pending_asks_for_review_where_the_model_disagrees(tmp_path):
    # 36 reviewed items: the officer files every "专项行动" headline under 安全生产
    reviewed = [f"第{i}批商贸领域专项行动部署" for i in range(18)] + \
               [f"第{i}批家电以旧换新补贴发放" for i in range(18)]
    path = _db(tmp_path / "g.db", reviewed + ["新一轮商贸领域专项行动部署开展促消费"])
    for i in range(1, 37):
        _manual(path, i, "安全生产" if i <= 18 else "促消费")
    _classify_all(path)
    with Store(path) as st:
        new = st.item(37)
        reason = st.db.execute("SELECT reason FROM decisions WHERE id = ?",
                               [new["decision_id"]]).fetchone()[0]
    assert new["category"] == "促消费"          # the rules decide ...
    assert new["needs_review"] == 1            # ... the model only asks a person to look
    assert reason.startswith("second opinion: 安全生产")


def test_no_second_opinion_below_thirty_reviewed_items(tmp_path):
    reviewed = [f"第{i}批商贸领域专项行动部署" for i in range(10)] + \
               [f"第{i}批家电以旧换新补贴发放" for i in range(10)]
    path = _db(tmp_path / "g.db", reviewed + ["新一轮商贸领域专项行动部署开展促消费"])
    for i in range(1, 21):
        _manual(path, i, "安全生产" if i <= 10 else "促消费")
    _classify_all(path)
    with Store(path) as st:
        d = st.db.execute("SELECT reason FROM decisions WHERE item_id = 21").fetchone()
    assert d[0] is None
