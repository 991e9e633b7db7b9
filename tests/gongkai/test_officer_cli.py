"""Names instead of ids in the CLI tables and the report's chart (#16.1), while the machine outputs
that are contracts (`classify` JSON lines, `counts --json`) keep their ids and keys exactly."""
import io
import json
import sys
from datetime import datetime, timezone

import pytest

from gongkai import app, cli, cmd_ops, cmd_report, config, display
from store import Store

IDS = ("website", "wechat", "district-wechat", "board")
NAMES = ("区政府官网专栏", "卫滨商务微信公众号", "区委宣传部“出彩卫滨”微信公众号", "局政务信息公开栏")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    stdout, sys.stdout = sys.stdout, io.StringIO()
    try:
        assert cli.main(["demo", "--out", str(out)]) == 0
    finally:
        sys.stdout = stdout
    return out / "gongkai.toml", out / "demo.db"


def _run(capsys, *argv) -> str:
    assert cli.main([str(a) for a in argv]) == 0
    return capsys.readouterr().out


def test_counts_table_names_channels_and_the_json_keeps_ids(demo, capsys):
    cfg, _ = demo
    text = _run(capsys, "counts", "--year", "2024", "--config", cfg)
    for channel_id, name in zip(IDS, NAMES):
        assert f"[{name}]" in text and f"[{channel_id}]" not in text
    # in the config's order
    assert [text.index(f"[{n}]") for n in NAMES] == sorted(text.index(f"[{n}]") for n in NAMES)
    data = json.loads(_run(capsys, "counts", "--year", "2024", "--json", "--config", cfg))
    assert set(data["by_channel"]) == set(IDS)
    assert {"year", "total", "categories", "by_channel", "unreviewed", "undated"} <= set(data)


def test_counts_without_a_config_reads_the_names_the_crawl_stored(demo, capsys, tmp_path,
                                                                   monkeypatch):
    _, db = demo
    monkeypatch.chdir(tmp_path)             # no gongkai.toml here
    text = _run(capsys, "counts", "--year", "2024", "--db", db)
    assert "[区政府官网专栏]" in text and "[website]" not in text


def test_status_names_each_source_and_times_are_beijing(demo):
    cfg_path, db = demo
    cfg = config.load(cfg_path)
    with Store(db) as st:
        lines = cmd_ops.status_lines(cfg, st, datetime(2024, 12, 6, tzinfo=timezone.utc))
    table = "\n".join(lines)
    for name in NAMES:
        assert name in table
    assert "+00:00" not in table
    assert not any(w[:2] == "20" and "T" in w for line in lines for w in line.split())


def test_dupes_pairs_name_the_channels(demo, capsys):
    cfg, _ = demo
    text = _run(capsys, "dupes", "pairs", "--config", cfg)
    if "pair " in text:
        assert not any(f"  {c} " in text for c in IDS)
        assert any(n in text for n in NAMES)


def test_the_report_chart_legend_and_channel_sentence_use_names(demo):
    cfg_path, db = demo
    cfg = config.load(cfg_path)
    rules = app.load_rules(cfg)
    with Store(db) as st:
        model, _ = cmd_report.prepare(cfg, rules, st, 2024)
    assert list(model.monthly.by_channel) == list(NAMES)
    assert model.channels == NAMES


def test_the_sentence_without_report_channels_uses_display_names_not_ids(demo, tmp_path):
    cfg_path, db = demo
    text = cfg_path.read_text(encoding="utf-8")
    start = text.index("channels = [")
    text = text[:start] + text[text.index("\n", start) + 1:]
    text = text.replace('channel = "board"\n', 'channel = "board"\nlabel = "一楼公开栏"\n')
    alt = tmp_path / "gongkai.toml"
    alt.write_text(text, encoding="utf-8")
    cfg = config.load(alt)
    with Store(db) as st:
        model, _ = cmd_report.prepare(cfg, app.load_rules(cfg), st, 2024)
    assert model.channels == ("网站栏目", "微信公众号", "微信公众号（2）", "一楼公开栏")
    assert set(model.monthly.by_channel) == set(model.channels)


def test_classify_json_lines_keep_their_evidence_fields(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(
        json.dumps({"title": "关于某事", "body": "办理备案手续"}, ensure_ascii=False) + "\n"))
    out = json.loads(_run(capsys, "classify"))
    assert {"category", "score", "needs_review", "evidence"} <= set(out)
    assert out["evidence"] and {"keyword", "field", "start"} <= set(out["evidence"][0])
    assert out["evidence"][0]["field"] == "body"          # an id, not 正文


def test_padding_counts_cjk_double():
    assert display.width("区政府") == 6 and display.pad("ab", 4) == "ab  "
    assert display.pad("区政府", 8) == "区政府  "


def test_the_excel_export_names_channels_and_reads_back_unchanged(demo, capsys, tmp_path):
    from openpyxl import load_workbook
    cfg, _ = demo
    path = tmp_path / "review.xlsx"
    _run(capsys, "export", "--year", "2024", "--config", cfg, str(path))
    ws = load_workbook(path).active
    header = [c.value for c in ws[1]]
    channel = header.index("channel 渠道")
    values = {row[channel] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert values <= set(NAMES) and not values & set(IDS)
    decided = {row[header.index("decided_by")] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert decided <= {"自动分类", "人工确认", "未分类"}
    out = _run(capsys, "import-review", "--config", cfg, str(path))
    assert "0 change(s)" in out and "ignored" not in out
