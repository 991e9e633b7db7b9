"""Manual channels: `gongkai add`, `gongkai import` and the spreadsheet layout.

Every tests/fixtures/imports/* file states its expectation in a sidecar <file>.meta.json."""
import json
from datetime import date, datetime, timezone
from pathlib import Path

import openpyxl
import pytest

import collectors
from gongkai import config, manual
from gongkai.cli import main
from store import Store

IMPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
CASES = sorted(p for p in IMPORTS.iterdir() if not p.name.endswith(".meta.json"))
NOW = datetime(2025, 1, 10, 4, 0, tzinfo=timezone.utc)

CONFIG = """
[bureau]
name = "卫滨区商务局"
aliases = ["区商务局"]

[database]
path = "g.db"

[[sources]]
id = "board"
type = "manual"
channel = "board"
location = "局机关一楼政务信息公开栏"

[[sources]]
id = "board-annex"
type = "manual"
channel = "annex-board"
attribution = "mention"

[[sources]]
id = "web"
type = "feed"
channel = "website"
url = "http://127.0.0.1:9/feed.xml"
"""


def _expect(path):
    return json.loads(path.with_name(path.name + ".meta.json").read_text("utf-8"))["expect"]


@pytest.fixture
def cfg(tmp_path):
    path = tmp_path / "gongkai.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def run(cfg, *args):
    return main([*args, "--config", str(cfg)])


def items(cfg):
    with Store(cfg.parent / "g.db") as st:
        return st.items()


# -- the file layout ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_import_fixture(path):
    expect = _expect(path)
    if "error" in expect:
        with pytest.raises(manual.ManualError, match=expect["error"]):
            manual.plan_import(path, "board", now=NOW)
        return
    plan = manual.plan_import(path, "board", now=NOW)
    assert [e.title for e in plan.entries] == expect["titles"]
    assert [row for row, _ in plan.errors] == [row for row, _ in expect["errors"]]
    for (_, message), (_, wanted) in zip(plan.errors, expect["errors"]):
        assert message.startswith(wanted), (message, wanted)
    if "dates" in expect:
        assert [e.published_at.isoformat() for e in plan.entries] == expect["dates"]
    if "rows" in expect:
        assert [e.row for e in plan.entries] == expect["rows"]
    if "bodies" in expect:
        assert [e.body for e in plan.entries] == expect["bodies"]
    if "bylines" in expect:
        assert [e.byline for e in plan.entries] == expect["bylines"]


def test_xlsx_cells_dates_serials_and_text(tmp_path):
    path = tmp_path / "board.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["信息标题", "发布日期", "时间", "内容", "备注"])
    ws.append(["Excel 日期单元格", datetime(2024, 3, 5), None, "正文", "x"])
    ws.append(["带时间的日期单元格", datetime(2024, 3, 6, 14, 20), None, None, None])
    ws.append(["粘贴成数值的日期", 45358, "09:05", None, None])      # 45358 = 2024-03-07
    ws.append(["文本日期", "2024年3月8日", None, None, None])
    ws.append([None, None, None, None, None])
    ws.append(["坏日期", "三月九日", None, None, None])
    wb.create_sheet("第二页").append(["不读", "2024-01-01"])
    wb.save(path)
    plan = manual.plan_import(path, "board", now=NOW)
    assert [e.published_at.isoformat() for e in plan.entries] == [
        "2024-03-05T00:00:00+08:00", "2024-03-06T14:20:00+08:00", "2024-03-07T09:05:00+08:00",
        "2024-03-08T00:00:00+08:00"]
    assert plan.errors == [(7, "bad date '三月九日' (write it like 2024-03-05)")]
    assert plan.warnings == []
    # a sheet without headers beside the one read is named as skipped in the summary
    assert plan.sheets == ["read 'Sheet' 5 rows", "'第二页' skipped: no title and date headers "
                           "(found: 不读, 2024-01-01)"]


def test_unknown_column_is_a_warning_and_two_title_columns_an_error(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("标题,发布日期,分类\n一条,2024-01-02,促消费\n", encoding="utf-8")
    plan = manual.plan_import(p, "board", now=NOW)
    assert len(plan.entries) == 1 and "'分类'" in plan.warnings[0]
    p.write_text("标题,title,发布日期\n一,一,2024-01-02\n", encoding="utf-8")
    with pytest.raises(manual.ManualError, match="two columns mean title"):
        manual.plan_import(p, "board", now=NOW)


def test_future_is_judged_in_beijing_time():
    # 2024-12-31T16:10Z is already 1 January 2025 in Beijing: that day is not in the future
    now = datetime(2024, 12, 31, 16, 10, tzinfo=timezone.utc)
    e = manual.make_entry(title="元旦", day="2025-01-01", now=now)
    assert e.day == date(2025, 1, 1)
    with pytest.raises(manual.ManualError, match="in the future"):
        manual.make_entry(title="元旦", day="2025-01-01", when="00:30", now=now)
    with pytest.raises(manual.ManualError, match="in the future"):
        manual.make_entry(title="x", day="2025-01-02", now=now)


def test_identity_is_stable_and_ignores_spacing_and_width():
    k = manual.manual_key("board", "关于开展 安全生产检查的通知", date(2024, 3, 5))
    assert k == manual.manual_key("board", "关于开展安全生产检查的通知。", date(2024, 3, 5))
    assert k == manual.manual_key("board", "关于开展安全生产检查的通知", date(2024, 3, 5))
    assert k != manual.manual_key("board", "关于开展安全生产检查的通知", date(2024, 3, 6))
    assert k != manual.manual_key("board-annex", "关于开展安全生产检查的通知", date(2024, 3, 5))
    # frozen: a change here silently duplicates every earlier import
    assert k == "manual:a43163ef497ab2a974cbcafd"


def test_template_round_trip(tmp_path):
    for name in ("t.xlsx", "t.csv"):
        path = tmp_path / name
        manual.write_template(path)
        rows = manual.read_rows(path)
        assert [c for c in rows[0][1] if c] == list(manual.TEMPLATE_HEADERS)
        plan = manual.plan_import(path, "board", now=NOW)
        assert plan.entries == [] and plan.errors == []
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames == ["信息", "说明"]


def test_old_xls_and_broken_xlsx_are_refused(tmp_path):
    (tmp_path / "a.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(manual.ManualError, match="save it as .xlsx or .csv"):
        manual.read_rows(tmp_path / "a.xls")
    (tmp_path / "b.xlsx").write_bytes(b"not a zip")
    with pytest.raises(manual.ManualError, match="not a readable .xlsx"):
        manual.read_rows(tmp_path / "b.xlsx")


# -- the commands ------------------------------------------------------------------------------

def test_manual_kind_is_registered_and_collects_nothing():
    kind = collectors.REGISTRY["manual"]
    assert set(kind.options) == {"location", "byline"}
    with pytest.raises(collectors.ConfigError, match="unknown key 'url'"):
        kind.validate({"url": "http://x"})
    state = collectors.CollectState()
    assert list(kind({}, None).collect(state)) == [] and state.memo["not_modified"] is True


def test_add_by_channel_classifies_and_is_idempotent(cfg, capsys):
    assert run(cfg, "add", "--channel", "board", "--date", "2024-03-05", "--time", "09:30",
               "--title", "关于开展燃气安全隐患排查整治的通知", "--body", "安全生产") == 0
    assert "added item 1 (board, 2024-03-05)" in capsys.readouterr().out
    assert run(cfg, "add", "--source", "board", "--date", "2024-03-05",
               "--title", "关于开展燃气安全隐患排查整治的通知 ") == 0
    assert "already recorded as item 1" in capsys.readouterr().out
    [it] = items(cfg)
    assert it["channel"] == "board" and it["pub_date"] == "2024-03-05"
    assert it["published_at"] == "2024-03-05T09:30:00+08:00" and it["date_source"] == "manual"
    assert it["category"] == "安全生产" and it["key"].startswith("manual:")
    with Store(cfg.parent / "g.db") as st:
        raw = json.loads(st.raw_pages(it["id"])[0]["content"])
        assert raw["origin"] == "gongkai add" and raw["title"] == it["title"]
        assert st.last_run("board")["status"] == "ok"


def test_add_attribution_mention(cfg, capsys):
    assert run(cfg, "add", "--channel", "annex-board", "--date", "2024-03-05",
               "--title", "区市场监管局通知") == 0
    assert "(not ours)" in capsys.readouterr().out
    assert items(cfg)[0]["attribution"] == "not_ours"


@pytest.mark.parametrize("args, message", [
    (["--source", "web"], "is a feed source"),
    (["--channel", "website"], "no manual source on channel 'website'"),
    (["--source", "nope"], "no source with id 'nope'"),
])
def test_add_refuses_non_manual_sources(cfg, capsys, args, message):
    assert run(cfg, "add", *args, "--date", "2024-03-05", "--title", "x") == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_add_bad_date_and_time(cfg, capsys):
    assert run(cfg, "add", "--channel", "board", "--date", "2024-02-30", "--title", "x") == 2
    assert "bad date '2024-02-30'" in capsys.readouterr().err
    assert run(cfg, "add", "--channel", "board", "--date", "2024-02-03", "--time", "25:00",
               "--title", "x") == 2
    assert "bad time '25:00'" in capsys.readouterr().err
    assert items(cfg) == []


def test_import_with_errors_imports_nothing_then_skip_bad(cfg, capsys):
    path = IMPORTS / "bad_rows.csv"
    assert run(cfg, "import", str(path), "--source", "board") == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert [ln.split(":")[0].rsplit(" ", 1)[1] for ln in lines[:5]] == ["3", "4", "5", "6", "7"]
    assert "5 bad row(s); nothing imported" in lines[-1]
    assert items(cfg) == []
    assert run(cfg, "import", str(path), "--source", "board", "--skip-bad") == 0
    assert "2 new, 0 already recorded, 5 bad row(s) skipped" in capsys.readouterr().out
    assert sorted(i["title"] for i in items(cfg)) == ["另一行好的", "好的一行"]


def test_import_file_itself_refuses_a_file_with_bad_rows(cfg):
    # the library call, not only the command, imports nothing from a file with a bad row
    c = config.load(cfg)
    src = next(s for s in c.sources if s.id == "board")
    with Store(cfg.parent / "g.db") as st:
        with pytest.raises(manual.ManualError, match=r"5 bad row\(s\); nothing imported \(row 3: "):
            manual.import_file(st, c, src, IMPORTS / "bad_rows.csv", now=NOW)
        assert st.items() == []
        _, saved = manual.import_file(st, c, src, IMPORTS / "bad_rows.csv", now=NOW, skip_bad=True)
        assert len(saved) == 2 and len(st.items()) == 2


def test_reimport_adds_nothing_and_dry_run_writes_nothing(cfg, capsys):
    path = IMPORTS / "gbk_excel.csv"
    assert run(cfg, "import", str(path), "--channel", "board", "--dry-run") == 0
    assert "2 new, 0 already recorded" in capsys.readouterr().out
    assert items(cfg) == []
    assert run(cfg, "import", str(path), "--channel", "board") == 0
    first = [(i["id"], i["key"], i["title"]) for i in items(cfg)]
    assert [t for _, _, t in first] == ["朱镕基路商业街改造公示", "促消费活动启动"]
    assert run(cfg, "import", str(path), "--channel", "board") == 0
    assert "0 new, 2 already recorded" in capsys.readouterr().out.splitlines()[-1]
    assert [(i["id"], i["key"], i["title"]) for i in items(cfg)] == first
    # the same item added by hand is the same item
    assert run(cfg, "add", "--channel", "board", "--date", "2024-05-07", "--title", "促消费活动启动") == 0
    assert len(items(cfg)) == 2


def test_import_needs_a_choice_among_several_manual_sources(cfg, capsys):
    assert run(cfg, "import", str(IMPORTS / "gbk_excel.csv")) == 2
    assert "several manual sources" in capsys.readouterr().err


def test_import_template_command(cfg, tmp_path, capsys):
    out = tmp_path / "board.xlsx"
    assert run(cfg, "import", "--template", str(out)) == 0
    assert run(cfg, "import", "--template", str(out)) == 2
    assert "already exists" in capsys.readouterr().err
    assert run(cfg, "import", "--template", str(tmp_path / "x.ods")) == 2


def test_crawl_of_a_manual_source_says_it_is_not_crawled(cfg, capsys):
    # nothing to fetch, so no run is recorded: the board never shows "not modified" (#16.7)
    assert run(cfg, "crawl", "--source", "board") == 0
    assert "board: manual source, nothing to crawl" in capsys.readouterr().out
    with Store(cfg.parent / "g.db") as st:
        assert st.last_run("board") is None
