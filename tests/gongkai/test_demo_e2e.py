"""The whole job against the offline sample site: counts equal the site's known truth."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import classifier
from gongkai import app, config, demo, manual, pipeline
from gongkai.cli import main
from store import Store


@pytest.fixture(scope="module")
def site():
    return demo.build_site()


@pytest.fixture(scope="module")
def served(site):
    with demo.serve(site) as base:
        yield base


def _cfg(tmp_path, base, name="gongkai.toml", extra=""):
    path = tmp_path / name
    path.write_text(demo.config_text(base, str(tmp_path / "g.db")) + extra, encoding="utf-8")
    return config.load(path)


def _crawl(cfg, **kw):
    rules = classifier.load_rules()
    with Store(cfg.db_path) as st:
        results = pipeline.crawl(cfg, st, classifier.Classifier(rules), app.make_http(cfg), **kw)
        # the bulletin board arrives by spreadsheet import, as in `gongkai demo`
        manual.import_file(st, cfg, cfg.source(demo.SOURCE_IDS["board"]), demo.BOARD_XLSX,
                           now=pipeline.utcnow(), classifier=classifier.Classifier(rules))
        counts = {y: app.counts_for(st, rules, y).as_dict() for y in (2024, 2025)}
        keys = sorted((r["source_id"], r["key"]) for r in st.items())
    return results, counts, keys


def _comparable(counts):
    return {k: counts[k] for k in ("year", "total", "categories", "by_channel")}


def test_counts_equal_the_sites_truth(tmp_path, site, served):
    results, counts, keys = _crawl(_cfg(tmp_path, served))
    board = demo.SOURCE_IDS["board"]   # a manual source: nothing to fetch, so not crawled
    assert [r.status for r in results] == ["ok"] * len(results), results
    assert board not in {r.source_id for r in results}
    for year in (2024, 2025):
        assert _comparable(counts[year]) == site.truth(year), year
    assert counts[2024]["undated"] == 0


def test_crawling_twice_adds_nothing(tmp_path, served):
    cfg = _cfg(tmp_path, served)
    _, counts1, keys1 = _crawl(cfg)
    results, counts2, keys2 = _crawl(cfg)
    assert keys1 == keys2 and counts1 == counts2
    assert sum(r.new for r in results) == 0


def test_crash_half_way_then_rerun_equals_one_clean_crawl(tmp_path, served, monkeypatch):
    clean_dir = tmp_path / "clean"
    clean_dir.mkdir()
    _, clean_counts, clean_keys = _crawl(_cfg(clean_dir, served))

    cfg = _cfg(tmp_path, served)
    saved = {"n": 0}
    real_save = Store.save_item

    def dying_save(self, *a, **kw):
        if saved["n"] == 30:
            raise KeyboardInterrupt("power cut")      # not a SourceError: the process dies
        saved["n"] += 1
        return real_save(self, *a, **kw)

    monkeypatch.setattr(Store, "save_item", dying_save)
    with pytest.raises(KeyboardInterrupt):
        _crawl(cfg)
    monkeypatch.setattr(Store, "save_item", real_save)
    with Store(cfg.db_path) as st:
        assert st.item_count() == 30
    _, counts, keys = _crawl(cfg)
    assert keys == clean_keys
    assert counts == clean_counts


def test_kill_9_mid_crawl_then_rerun(tmp_path, served):
    clean_dir = tmp_path / "clean"
    clean_dir.mkdir()
    _, clean_counts, clean_keys = _crawl(_cfg(clean_dir, served))

    cfg = _cfg(tmp_path, served)
    text = cfg.path.read_text(encoding="utf-8").replace("min_delay = 0", "min_delay = 0.1")
    cfg.path.write_text(text, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "gongkai", "crawl", "--config", str(cfg.path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        n = 0
        while time.monotonic() < deadline and proc.poll() is None:
            if cfg.db_path.exists():
                try:
                    with sqlite3.connect(cfg.db_path, timeout=5) as c:
                        n = c.execute("SELECT COUNT(*) FROM items").fetchone()[0]
                except sqlite3.OperationalError:
                    n = 0
                if n >= 15:
                    break
            time.sleep(0.02)
        assert proc.poll() is None, "the crawl finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert 15 <= n < len(clean_keys)
    cfg.path.write_text(text.replace("min_delay = 0.1", "min_delay = 0"), encoding="utf-8")
    _, counts, keys = _crawl(config.load(cfg.path))
    assert keys == clean_keys
    assert counts == clean_counts


def test_gongkai_demo_command(tmp_path, capsys, site):
    out = tmp_path / "out"
    assert main(["demo", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    data = json.loads((out / "counts-2024.json").read_text(encoding="utf-8"))
    assert _comparable(data) == site.truth(2024)
    assert (out / "report-2024.docx").stat().st_size > 0
    html = (out / "report-2024.html").read_text(encoding="utf-8")
    sentence = "2024 年度共通过各渠道发表" + "、".join(
        f"{label} {data['categories'][name]} 篇" for name, label in
        [(c.name, c.label) for c in classifier.load_rules().categories]) + "。"
    assert sentence in html and sentence in printed
    # counts --json over the same database gives the same object
    assert main(["counts", "--year", "2024", "--json", "--db", str(out / "demo.db")]) == 0
    assert json.loads(capsys.readouterr().out) == data
