"""Issue 12: one broken source never stops the rest. A bug in one collector (not a SourceError)
fails that source only, with a reason naming the file and line of our code where it happened; the
crawl goes on, says which sources failed, exits 1, and never shows a traceback."""
import builtins
import subprocess
import sys
from datetime import datetime, timezone

import _broken_kind
import pytest

import classifier
import collectors
from gongkai import cmd_core, config, crash, daemon, demo, pipeline
from store import Store

T0 = datetime(2025, 3, 3, 0, 0, tzinfo=timezone.utc)
REASON = ("internal error in the broken-kind collector: AttributeError: 'str' object has no "
          f"attribute 'items' (tests/gongkai/_broken_kind.py:{_broken_kind.crash_line()})")


def _broken_block(**opts) -> str:
    extra = "".join(f"{k} = {str(v).lower() if isinstance(v, bool) else repr(v)}\n"
                    for k, v in opts.items())
    return (f'[[sources]]\nid = "broken"\ntype = "{_broken_kind.NAME}"\nchannel = "website"\n'
            f'url = "http://broken.example.gov.cn/col"\ninterval = "1h"\n{extra}\n')


def _write_cfg(folder, base: str | None = None, **opts):
    """The demo's sources on loopback (when ``base``) with the broken source first among them,
    or the broken source alone."""
    if base is None:
        text = '[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n\n'
        text += _broken_block(**opts)
    else:
        text = demo.config_text(base, str(folder / "g.db"))
        text = text.replace("[[sources]]", _broken_block(**opts) + "[[sources]]", 1)
    path = folder / "gongkai.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _cli(*args):
    return subprocess.run([sys.executable, "-c", _broken_kind.CLI, *args], capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def broken_kind(monkeypatch):
    monkeypatch.setitem(collectors.REGISTRY, _broken_kind.NAME, _broken_kind.Broken)


def test_crawl_goes_on_past_a_crashing_source_and_a_rerun_counts_nothing_twice(tmp_path):
    with demo.serve(demo.build_site()) as base:
        cfg_path = _write_cfg(tmp_path, base)
        first = _cli("crawl", "--config", str(cfg_path))
        with Store(tmp_path / "g.db") as st:
            per_source = {s["id"]: len(st.items(source_id=s["id"])) for s in st.sources()}
            last = st.last_run("broken")
        again = _cli("crawl", "--config", str(cfg_path))
        status = _cli("status", "--config", str(cfg_path))
    assert first.returncode == 1, first.stderr
    assert "Traceback" not in first.stderr and "Traceback" not in again.stderr
    assert f"source broken failed: {REASON}" in first.stderr      # one line, not a traceback
    lines = first.stdout.splitlines()
    # the broken source came first; every other source was still collected
    assert lines[0] == f"broken: FAILED, 1 seen, 1 new — {REASON}"
    assert lines[-1].startswith("1 of 4 sources failed")     # the board is not crawled
    others = lines[1:-1]
    assert len(others) == 3 and all(": ok," in x or ": not_modified," in x for x in others)
    assert per_source["broken"] == 1                 # saved before the crash, and kept
    assert per_source["portal-shangwu"] > 0 and per_source["wechat-wbswj"] > 0
    assert (last["status"], last["reason"], last["n_seen"], last["n_new"]) == (
        "failed", REASON, 1, 1)
    # the re-run walks the broken source again: its item is found known, not counted again
    assert again.returncode == 1
    assert again.stdout.splitlines()[0] == f"broken: FAILED, 1 seen, 0 new — {REASON}"
    assert all(", 0 new" in x for x in again.stdout.splitlines()[1:-1])
    with Store(tmp_path / "g.db") as st:
        assert {s["id"]: len(st.items(source_id=s["id"])) for s in st.sources()} == per_source
    # `gongkai status` shows the failure with its reason
    assert status.returncode == 0, status.stderr
    row = next(x for x in status.stdout.splitlines() if x.startswith("broken "))
    assert "FAILING x2" in row and REASON in row


def test_the_traceback_goes_to_the_log_with_verbose(tmp_path):
    cfg_path = _write_cfg(tmp_path)
    r = _cli("crawl", "-v", "--config", str(cfg_path))
    assert r.returncode == 1
    assert "Traceback" in r.stderr and 'params.items()  # the crash line' in r.stderr
    assert r.stdout.splitlines() == [f"broken: FAILED, 1 seen, 1 new — {REASON}",
                                     "1 of 1 source failed (items saved before a failure are "
                                     "kept; `gongkai status` shows the reasons, -v the details)"]


def test_after_a_crash_the_next_pass_walks_the_whole_source_again(tmp_path, broken_kind):
    clf = classifier.Classifier(classifier.load_rules())
    cfg = config.load(_write_cfg(tmp_path, items=1))
    with Store(cfg.db_path) as st:
        [r] = pipeline.crawl(cfg, st, clf, http=None, clock=lambda: T0)
        assert (r.status, r.reason, r.seen, r.new) == ("failed", REASON, 1, 1)
        kept = st.items(source_id="broken")
        assert len(kept) == 1
    # the bug fixed, the source now gives two items: the one saved before the crash is known
    cfg = config.load(_write_cfg(tmp_path, items=2, crash=False))
    with Store(cfg.db_path) as st:
        [r] = pipeline.crawl(cfg, st, clf, http=None, clock=lambda: T0)
        assert (r.status, r.seen, r.new) == ("ok", 2, 1)
        items = st.items(source_id="broken")
        assert len(items) == 2 and kept[0]["id"] in {i["id"] for i in items}


@pytest.mark.parametrize("raises", ["KeyboardInterrupt", "SystemExit"])
def test_an_interrupt_is_not_contained(tmp_path, broken_kind, raises):
    cfg = config.load(_write_cfg(tmp_path, raises=raises))
    with Store(cfg.db_path) as st:
        with pytest.raises(getattr(builtins, raises)):
            pipeline.crawl(cfg, st, classifier.Classifier(classifier.load_rules()), http=None,
                           clock=lambda: T0)


def test_ctrl_c_mid_pass_leaves_what_was_saved_counted_and_the_pass_recorded(tmp_path, broken_kind):
    # Ctrl-C after three items were saved: they are placed and classified before the interrupt
    # goes on, so counts and the report do not leave them out until the next crawl, and status
    # shows how far the pass got instead of a source that never ran
    cfg = config.load(_write_cfg(tmp_path, raises="KeyboardInterrupt", items=3))
    with Store(cfg.db_path) as st:
        with pytest.raises(KeyboardInterrupt):
            pipeline.crawl(cfg, st, classifier.Classifier(classifier.load_rules()), http=None,
                           clock=lambda: T0)
        items = st.items(source_id="broken")
        assert len(items) == 3 and st.unsettled() == 0
        assert all(i["category"] == "促消费" for i in items)
        assert st.counts(2024)["categories"].get("促消费") == 3
        last = st.last_run("broken")
        assert (last["status"], last["reason"], last["n_seen"]) == ("failed", pipeline.STOPPED, 3)


def test_counts_warns_of_items_a_killed_run_left_unsettled_and_reclassify_settles_them(tmp_path, broken_kind):
    # kill -9 leaves no chance to settle: counts says so on stderr (its JSON stays the contract)
    cfg_path = _write_cfg(tmp_path, crash=False, items=2)
    cfg = config.load(cfg_path)
    with Store(cfg.db_path) as st:
        st.sync_sources([s.as_row() for s in cfg.sources], T0)
        for n in (1, 2):
            st.save_item("broken", "website", {"key": f"k{n}", "url": f"http://b/{n}",
                                               "title": f"促消费活动第{n}期", "body": "",
                                               "pub_date": "2024-05-0%d" % n,
                                               "published_at": f"2024-05-0{n}T10:00:00+08:00"},
                         attribution="ours", now=T0)
    before = _cli("counts", "--year", "2024", "--json", "--config", str(cfg_path))
    assert before.returncode == 0 and "Traceback" not in before.stderr
    assert "2 item(s) of 2024 saved but not yet placed or classified" in before.stderr
    assert '"total": 0' in before.stdout
    settled = _cli("reclassify", "--config", str(cfg_path))
    after = _cli("counts", "--year", "2024", "--json", "--config", str(cfg_path))
    assert settled.returncode == 0, settled.stderr
    assert "not yet placed" not in after.stderr and '"total": 2' in after.stdout
    # what stays said: no pass over the source has completed, so the year may be short
    assert after.stderr.count("gongkai: warning:") == 1
    assert "source broken" in after.stderr and "no pass over it has completed" in after.stderr


def test_the_daemon_records_the_same_reason_and_runs_the_others(tmp_path, broken_kind):
    text = _write_cfg(tmp_path).read_text(encoding="utf-8")
    text += _broken_block(crash=False).replace('"broken"', '"fine"').replace("/col", "/fine")
    (tmp_path / "gongkai.toml").write_text(text, encoding="utf-8")
    cfg = config.load(tmp_path / "gongkai.toml")
    with Store(cfg.db_path) as st:
        d = daemon.Daemon(cfg, st, classifier.Classifier(classifier.load_rules()), http=None,
                          clock=lambda: T0)
        d.start()
        results = {r.source_id: r for r in d.tick()}
        assert (results["broken"].status, results["broken"].reason) == ("failed", REASON)
        assert results["fine"].status == "ok"
        assert st.failure_streak("broken") == (1, REASON)


def test_the_daemon_names_the_place_of_a_crash_outside_the_collector(tmp_path, broken_kind,
                                                                     monkeypatch):
    cfg = config.load(_write_cfg(tmp_path, crash=False))

    def store_gone(*args, **kw):
        raise RuntimeError("database disk image is\nmalformed")   # the store crash line
    monkeypatch.setattr(pipeline, "collect_source", store_gone)
    line = next(i for i, x in enumerate(open(__file__, encoding="utf-8"), 1)
                if x.rstrip().endswith("# the store crash line"))
    with Store(cfg.db_path) as st:
        d = daemon.Daemon(cfg, st, classifier.Classifier(classifier.load_rules()), http=None,
                          clock=lambda: T0)
        d.start()
        [r] = d.tick()
    assert r.reason == ("internal error: RuntimeError: database disk image is malformed "
                        f"(tests/gongkai/test_crawl_containment.py:{line})")


def _boom_in(relative: str, body: str):
    """A function whose code claims to live in ``relative`` (a project file): its frames say so,
    whatever that file holds today, so the naming is tested without a real bug to lean on."""
    code = compile(f"def boom():\n    {body}\n", str(crash.ROOT / relative), "exec")
    namespace: dict = {}
    exec(code, namespace)
    try:
        namespace["boom"]()
    except Exception as e:   # the exception, with its traceback, as the pipeline catches it
        return e
    raise AssertionError("boom did not raise")


@pytest.mark.parametrize("relative, where", [
    ("collectors/_presets/hanweb.py", " in the hanweb preset"),
    ("collectors/_presets/plain.py", " in the list preset"),      # the name the config uses
    ("collectors/_feed.py", " in the feed collector"),
    ("collectors/_website.py", " in the website collector"),
    ("collectors/_http.py", ""),
    ("store/_store.py", ""),
])
def test_the_reason_names_the_preset_or_collector_and_the_line(relative, where):
    e = _boom_in(relative, "'columnid=1'.items()")
    assert crash.describe(e) == (f"internal error{where}: AttributeError: 'str' object has no "
                                 f"attribute 'items' ({relative}:2)")


def test_the_reason_names_our_innermost_frame_not_the_librarys():
    # the innermost frame is json's decoder: where the bug surfaced, not where it is
    e = _boom_in("collectors/_feed.py", "__import__('json').loads('{')")
    assert crash.describe(e).startswith("internal error in the feed collector: JSONDecodeError: ")
    assert crash.describe(e).endswith("(collectors/_feed.py:2)")


def test_a_long_reason_is_cut_but_keeps_its_place():
    e = _boom_in("collectors/_presets/trs.py", "raise ValueError('x' * 1000)")
    reason = crash.describe(e)
    assert len(reason) == crash.REASON_MAX and reason.endswith(" (collectors/_presets/trs.py:2)")


def test_the_crawl_summary_counts_the_failed_sources():
    results = [pipeline.RunResult("a", "ok", 3, 2), pipeline.RunResult("b", "failed", 1, 1, "x"),
               pipeline.RunResult("c", "not_modified"), pipeline.RunResult("d", "failed", 0, 0, "y")]
    assert cmd_core.crawl_summary(results)[:4] == [
        "a: ok, 3 seen, 2 new", "b: FAILED, 1 seen, 1 new — x", "c: not_modified, 0 seen, 0 new",
        "d: FAILED, 0 seen, 0 new — y"]
    assert cmd_core.crawl_summary(results)[4].startswith("2 of 4 sources failed")
    assert cmd_core.crawl_summary(results[:1]) == ["a: ok, 3 seen, 2 new", "1 source collected"]
    assert cmd_core.crawl_summary([]) == ["no enabled sources to crawl"]
