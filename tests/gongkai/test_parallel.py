"""Classifying on several cores must give exactly what one process gives, in input order."""
import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import classifier
from gongkai import parallel
from gongkai.cli import main
from store import Store

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)
HEADLINES = ["我区开展燃气安全隐患排查整治", "2024年汽车消费券发放活动启动",
             "区委理论学习中心组开展集中学习", "成品油零售经营批准证书核发结果公示",
             "总投资12亿元新能源电池项目签约落户", "推进一刻钟便民生活圈建设"]


def _lines(n: int) -> list[dict]:
    # More than one chunk per worker, every line distinct.
    return [{"title": f"{HEADLINES[i % len(HEADLINES)]}（{i}）",
             "body": "检查组深入辖区加油站开展安全检查。" * (i % 3)} for i in range(n)]


def _classify(args, lines):
    stdin = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
    return subprocess.run([sys.executable, "-m", "gongkai", "classify", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT)


def test_classify_with_workers_equals_one_process_in_order():
    lines = _lines(parallel.POOL_MIN + parallel.CHUNK + 17)
    one = _classify(["--jobs", "1"], lines)
    two = _classify(["--jobs", "2"], lines)
    assert one.returncode == two.returncode == 0, two.stderr
    assert two.stdout == one.stdout
    out = [json.loads(x) for x in two.stdout.splitlines()]
    assert len(out) == len(lines)
    clf = classifier.Classifier(classifier.load_rules())
    assert [d["category"] for d in out] == [clf.classify(x["title"], x["body"]).category
                                            for x in lines]


def test_classify_with_workers_stops_at_the_first_bad_line_after_writing_those_before():
    lines = [json.dumps(x, ensure_ascii=False) for x in _lines(parallel.POOL_MIN + 300)]
    bad = parallel.POOL_MIN + 130
    lines[bad - 1] = "not json"
    r = subprocess.run([sys.executable, "-m", "gongkai", "classify", "--jobs", "2"],
                       input="\n".join(lines) + "\n", capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2
    assert r.stderr.strip() == f"gongkai: error: stdin line {bad}: not JSON (Expecting value)"
    assert len(r.stdout.splitlines()) == bad - 1


def test_jobs_must_be_a_positive_number():
    r = _classify(["--jobs", "0"], [])
    assert r.returncode == 2 and "--jobs" in r.stderr


def _db(path: Path, n: int) -> Path:
    with Store(path) as st:
        st.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"}], NOW)
        for i, x in enumerate(_lines(n)):
            st.save_item("web", "website", {"key": f"k{i}", **x, "pub_date": "2024-03-05"},
                         attribution="ours", now=NOW)
    return path


def _state(db: Path) -> list[tuple]:
    with Store(db) as st:
        rows = st.db.execute(
            "SELECT i.id, i.category, i.score, i.margin, i.needs_review, i.ruleset_version, "
            "d.evidence_json FROM items i LEFT JOIN decisions d ON d.id = i.decision_id "
            "ORDER BY i.id").fetchall()
        history = st.db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
    return rows, history


def test_reclassify_with_workers_equals_one_process(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(parallel, "POOL_MIN", parallel.CHUNK)   # a pool for a small database
    n = 2 * parallel.CHUNK + 40
    one, two = _db(tmp_path / "one.db", n), _db(tmp_path / "two.db", n)
    assert main(["reclassify", "--db", str(one), "--jobs", "1"]) == 0
    assert main(["reclassify", "--db", str(two), "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    assert f"reclassified {n:,} items" in out
    assert _state(one) == _state(two)
    rows, history = _state(two)
    assert history == n and all(r[1] for r in rows)


def test_reclassify_under_new_rules_that_decide_the_same_writes_no_history(tmp_path, capsys,
                                                                          monkeypatch):
    monkeypatch.setattr(parallel, "POOL_MIN", parallel.CHUNK)
    db = _db(tmp_path / "g.db", parallel.CHUNK + 10)
    assert main(["reclassify", "--db", str(db), "--jobs", "2"]) == 0
    before, history = _state(db)
    # The same rules plus a comment: a new version, the same decisions.
    rules = tmp_path / "rules.toml"
    rules.write_text(classifier.default_rules_text() + "\n# edited\n", encoding="utf-8")
    version = classifier.load_rules(rules).version
    capsys.readouterr()
    assert main(["reclassify", "--db", str(db), "--rules", str(rules), "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    assert "0 changed category, 0 decisions written" in out
    after, history_after = _state(db)
    assert history_after == history
    assert [r[:5] + r[6:] for r in after] == [r[:5] + r[6:] for r in before]
    assert {r[5] for r in after} == {version}


def test_the_json_written_out_directly_is_exactly_json_dumps():
    clf = classifier.Classifier(classifier.load_rules())
    rng_titles = HEADLINES + ['含"引号"与\\反斜杠的消费券', "tab\there", ""]
    decisions = [clf.classify(t, b) for t in rng_titles
                 for b in ("", "检查组深入辖区加油站开展安全检查。消费券", "\u2028以旧换新")]
    decisions.append(classifier.Decision("促\"消费", 1e-7, 12345678.125, True,
                                         (classifier.Evidence('a"b\\', "title", 3, 0.1, "x\n"),),
                                         "v1", second_opinion='model: "其他"'))
    # one (keyword, field, weight, category) key, two texts: the cache must not mix them
    decisions += [classifier.Decision("x", 1.0, 1.0, False,
                                      (classifier.Evidence("k", "body", 1, w, "x"),), "v1")
                  for w in (0.0, -0.0, 0.0, 2.0)]
    assert any(d.evidence for d in decisions)
    for d in decisions:
        assert parallel.evidence_json(d) == json.dumps([e.as_dict() for e in d.evidence],
                                                       ensure_ascii=False)
        assert parallel.decision_json(d) == json.dumps(d.as_dict(), ensure_ascii=False)


def test_a_lone_surrogate_is_no_traceback():
    # half an emoji cut off by a scraper, and an undecodable byte: valid JSON escapes
    line = json.dumps({"title": "\ud83d 招商引资签约", "body": "\udcff消费券"})   # \\u escapes
    r = subprocess.run([sys.executable, "-m", "gongkai", "classify"], input=line + "\n",
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["category"] == "招商引资"


def _die_on_second_chunk(rows, state):
    import os
    if rows[0][0] >= parallel.CHUNK:
        os._exit(1)          # a worker killed mid-run (out of memory, kill -9)
    return [(key, "x", 0.0, 0.0, False, "[]", "") for key, _t, _b in rows]


def test_a_worker_that_dies_is_an_error_not_a_hang():
    rows = ((i, "t", "") for i in range(parallel.CHUNK * 12))
    got = []
    try:
        for row in parallel._pooled(_die_on_second_chunk, (classifier.load_rules(), None),
                                    rows, 2):
            got.append(row)
    except parallel.WorkersFailed as e:
        assert "rerun with --jobs 1" in str(e)
    else:
        raise AssertionError("no error")
    assert len(got) <= parallel.CHUNK


def test_the_first_answers_come_before_the_input_ends():
    consumed = []

    def lines():
        for i in range(5):
            consumed.append(i)
            yield i + 1, json.dumps({"title": HEADLINES[i]}, ensure_ascii=False)

    out = parallel.classify_lines(classifier.load_rules(), lines(), jobs=2)
    first = next(out)
    assert first[2] and consumed == [0]       # answered after reading one line
    assert len(list(out)) == 4


def test_an_undo_after_a_confirmed_decision_keeps_the_new_rules_version(tmp_path, capsys):
    db = _db(tmp_path / "g.db", 3)
    assert main(["reclassify", "--db", str(db)]) == 0
    rules = tmp_path / "rules.toml"
    rules.write_text(classifier.default_rules_text() + "\n# edited\n", encoding="utf-8")
    version = classifier.load_rules(rules).version
    assert main(["reclassify", "--db", str(db), "--rules", str(rules)]) == 0
    with Store(db) as st:
        st.review_set_category(1, "其他", actor="officer", now=NOW)
        st.review_undo(1, actor="officer", now=NOW)
        assert st.item(1)["decided_by"] == "auto"
        assert st.item(1)["ruleset_version"] == version
        assert st.pending_classification(version) == []   # nothing to re-decide on a crawl


def test_a_crawl_after_a_rules_edit_adds_no_history_for_the_same_decisions(tmp_path):
    from gongkai import pipeline
    db = _db(tmp_path / "g.db", 5)
    rules = tmp_path / "rules.toml"
    rules.write_text(classifier.default_rules_text() + "\n# edited\n", encoding="utf-8")
    edited = classifier.load_rules(rules)
    with Store(db) as st:
        assert pipeline.classify_pending(st, classifier.Classifier(classifier.load_rules()),
                                         lambda: NOW) == 5
        before, history = _state(db)
        assert pipeline.classify_pending(st, classifier.Classifier(edited), lambda: NOW) == 5
        assert pipeline.classify_pending(st, classifier.Classifier(edited), lambda: NOW) == 0
    after, history_after = _state(db)
    assert history_after == history == 5
    assert {r[5] for r in after} == {edited.version}
