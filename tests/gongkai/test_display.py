"""The officer's wording (gongkai.display): names, statuses, evidence, confidence, Beijing time."""
from datetime import datetime, timezone

import pytest

from gongkai import config, display


def _cfg(tmp_path, body: str, channels: str = ""):
    path = tmp_path / "g.toml"
    path.write_text('[bureau]\nname = "卫滨区商务局"\n' + channels + body, encoding="utf-8")
    return config.load(path)


WEB = '[[sources]]\nid = "p"\ntype = "website"\nchannel = "website"\nurl = "http://a.gov.cn/x/"\n'
WX = ('[[sources]]\nid = "w"\ntype = "feed"\nchannel = "wechat"\nurl = "http://b.cn/f.rss"\n'
      'allow_hosts = ["mp.weixin.qq.com"]\n')
WX2 = ('[[sources]]\nid = "w2"\ntype = "feed"\nchannel = "district-wechat"\n'
       'url = "http://b.cn/g.rss"\nallow_hosts = ["mp.weixin.qq.com"]\n')
BOARD = '[[sources]]\nid = "b"\ntype = "manual"\nchannel = "board"\n'


def test_names_by_kind_without_report_channels(tmp_path):
    cfg = _cfg(tmp_path, WEB + WX + WX2 + BOARD)
    names = display.Names.from_config(cfg)
    assert [names.channel(c) for c in ("website", "wechat", "district-wechat", "board")] == \
        ["网站栏目", "微信公众号", "微信公众号（2）", "公开栏"]
    assert names.source("b") == "公开栏"


def test_report_channels_name_channels_in_order_when_they_match_one_to_one(tmp_path):
    cfg = _cfg(tmp_path, WEB + WX + BOARD,
               '[report]\nchannels = ["区政府官网专栏", "卫滨商务微信公众号", "局政务信息公开栏"]\n')
    assert [s.channel_label for s in cfg.sources] == ["区政府官网专栏", "卫滨商务微信公众号",
                                                      "局政务信息公开栏"]


def test_report_channels_by_kind_when_counts_differ(tmp_path):
    # the starter config: three report names, two channels; 专栏 is a website column, not a 栏
    cfg = _cfg(tmp_path, WX + WEB,
               '[report]\nchannels = ["区政府官网专栏", "局微信公众号", "局政务信息公开栏"]\n')
    names = display.Names.from_config(cfg)
    assert names.channel("website") == "区政府官网专栏"
    assert names.channel("wechat") == "局微信公众号"


def test_an_explicit_label_wins_and_existing_configs_load_unchanged(tmp_path):
    cfg = _cfg(tmp_path, WEB.replace('channel = "website"\n', 'channel = "website"\nlabel = " 官网  专栏 "\n') + WX)
    assert cfg.source("p").label == "官网 专栏" and cfg.source("p").channel_label == "官网 专栏"
    assert cfg.source("w").label == "微信公众号"


@pytest.mark.parametrize("bad", ['""', '"  "', "3", '"a\\nb"', '"' + "长" * 61 + '"'])
def test_a_bad_label_names_the_source_and_the_key(tmp_path, bad):
    with pytest.raises(config.ConfigError, match=r"source 'p': key 'label'"):
        _cfg(tmp_path, WEB + f"label = {bad}\n")


def test_names_from_store_rows_read_the_resolved_labels_and_fall_back_by_kind(tmp_path):
    cfg = _cfg(tmp_path, WEB + WX, '[report]\nchannels = ["区政府官网专栏", "局微信公众号"]\n')
    import json
    rows = [{**{k: v for k, v in s.as_row().items() if k != "config"},
             "config_json": json.dumps(s.as_row()["config"])} for s in cfg.sources]
    rows.append({"id": "old", "type": "manual", "channel": "board", "config_json": "{}"})
    names = display.Names.from_rows(rows)
    assert names.channel("website") == "区政府官网专栏"
    assert names.channel("board") == "公开栏" and names.source("old") == "公开栏"
    assert names.channel("no-such-media") == "政务新媒体"


def test_statuses_and_states_in_chinese():
    assert display.status_name("todo") == "待审"
    assert display.status_name("not_ours") == "非本单位"
    assert display.status_name("gone") == "原文已删除"
    assert display.item_state({"attribution": "ours", "decided_by": "auto", "needs_review": 1,
                               "upstream_status": "gone"}) == "待审 · 原文已删除"
    assert display.audit_value("attribution", "not_ours") == "非本单位"
    assert display.audit_value("undo attribution", "ours") == "本单位"
    assert display.action_name("category") == "改类别"
    assert display.run_status_name("not_modified") == "成功（无更新）"


def test_evidence_in_words_names_the_paragraph():
    body = "第一段说别的。\n\n第二段也是。\n办理 备案 手续"
    assert display.evidence_text({"keyword": "招商", "field": "title"}) == "标题含‘招商’"
    assert display.evidence_text({"keyword": "办理备案", "field": "body"}, body) == \
        "正文第 3 段含‘办理备案’"
    assert display.evidence_text({"keyword": "备案", "field": "body"}) == "正文含‘备案’"


def test_keyword_chips_are_one_per_keyword_and_category():
    ev = [{"keyword": "备案", "field": "title", "weight": 3, "category": "行政事项审批"},
          {"keyword": "备案", "field": "body", "weight": 1, "category": "行政事项审批"},
          {"keyword": "消费", "field": "body", "weight": 1, "category": "促消费"}]
    chips = display.keyword_chips(ev, "促消费")
    assert [(c["keyword"], c["fields"]) for c in chips] == [("消费", ["正文"]),
                                                             ("备案", ["标题", "正文"])]


@pytest.mark.parametrize("score, margin, review, want", [
    (5.0, 0.0, True, "低"), (3.0, 2.0, False, "中"), (6.0, 4.0, False, "高"),
    (None, None, False, "-")])
def test_confidence_in_three_words(score, margin, review, want):
    assert display.confidence(score, margin, needs_review=review) == want


def test_times_are_beijing_time_in_one_format():
    assert display.when("2026-12-06T06:01:49+00:00") == "2026-12-06 14:01"
    assert display.when("2026-12-06T06:01:49") == "2026-12-06 14:01"      # naive: a UTC clock
    assert display.when(datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc)) == "2027-01-01 00:30"
    assert display.when("2024-10-31") == "2024-10-31"
    assert display.when(None) == "-"


def test_the_deadline_is_31_january_of_the_next_year_and_in_january_last_years():
    assert display.deadline(datetime(2026, 12, 6, tzinfo=timezone.utc)) == \
        (datetime(2027, 1, 31).date(), 56)
    # 2027-01-01 00:10 Beijing time is still 2026-12-31 in UTC
    now = datetime(2026, 12, 31, 16, 10, tzinfo=timezone.utc)
    assert display.report_year(now) == 2026 and display.deadline(now)[1] == 30


def test_health_in_words():
    now = datetime(2026, 12, 6, tzinfo=timezone.utc)
    kw = dict(enabled=True, streak=0, reason="", last_success_at="2026-12-05T00:00:00+00:00",
              last_new_at="2026-12-01T00:00:00+00:00", quiet_after_days=7, now=now)
    assert display.health(**kw).words == "正常"
    assert display.health(**{**kw, "streak": 3, "reason": "HTTP 503"}).words == \
        "连续 3 次失败：HTTP 503"
    assert display.health(**{**kw, "last_new_at": "2026-11-20T00:00:00+00:00"}).words == \
        "超过 16 天没有新信息"
    assert display.health(**{**kw, "enabled": False}).level == "disabled"
    assert display.health(**{**kw, "last_success_at": None}).words == "还没有运行过"


def test_roles_in_words_and_names_in_the_configs_order(tmp_path):
    assert display.role_name("readonly") == "只读" and display.role_name("admin") == "管理员"
    cfg = _cfg(tmp_path, WX + WEB)
    rows = display.Names({"board": "公开栏", "website": "x"}, {})
    names = rows.merged(display.Names.from_config(cfg))
    assert names.order(["board", "website", "wechat"]) == ["wechat", "website", "board"]
    assert names.channel("website") == "网站栏目"


@pytest.mark.parametrize("reason, want", [
    ("texts overlap 53% but open differently, headlines differ", "正文重合 53%，但开头不同，标题不同"),
    ("similar headlines (71%), no text to compare", "标题相近（71%），没有正文可比"),
    ("the same text (92%) and headline, but periods differ", "正文（92%）和标题相同，但所说的时期不同"),
    ("something new the detector says", "查重程序无法确定（相似度 60%）"),
])
def test_a_duplicate_pairs_reason_in_chinese(reason, want):
    assert display.pair_reason(reason, 0.6) == want


@pytest.mark.parametrize("reason, attribution, want", [
    ("the source carries only the bureau's items (attribution = all)", "ours",
     "这个来源只发布本单位的信息（配置为全部算本单位）"),
    ("the title names the bureau as host (“卫滨区商务局”)", "ours", "标题写明本单位主办（“卫滨区商务局”）"),
    ("the bureau is named only as an attendee: “区商务局”", "not_ours",
     "本单位只是作为参加单位被提到：“区商务局”"),
    ("no field, title or body names the bureau", "not_ours", "标题、正文和署名都没有提到本单位"),
    ("a rule worded some new way", "ours", "标题或正文提到本单位"),
])
def test_an_attribution_reason_in_chinese(reason, attribution, want):
    assert display.attribution_reason(reason, attribution) == want


def test_a_source_taken_out_of_the_config_keeps_its_name_marked(tmp_path):
    """Found by a trial: with the second of three WeChat sources removed, the third was named
    微信公众号（2） by the config and the removed one 微信公众号（2）（2） from its stored row."""
    from datetime import datetime, timezone
    from store import Store
    three = "".join(f'[[sources]]\nid = "w{i}"\ntype = "feed"\nchannel = "wechat"\n'
                    f'url = "http://127.0.0.1:9/{i}.xml"\n' for i in (1, 2, 3))
    two = three.replace('[[sources]]\nid = "w2"\ntype = "feed"\nchannel = "wechat"\n'
                        'url = "http://127.0.0.1:9/2.xml"\n', "")
    now = datetime(2025, 6, 1, tzinfo=timezone.utc)
    with Store(tmp_path / "g.db") as st:
        before = _cfg(tmp_path, three)
        st.sync_sources([s.as_row() for s in before.sources], now)
        assert display.names_for(st, before).source("w2") == "微信公众号（2）"
        after = _cfg(tmp_path, two)
        st.sync_sources([s.as_row() for s in after.sources], now)
        names = display.names_for(st, after)
        assert names.source("w3") == "微信公众号（2）"
        assert names.source("w2") == "微信公众号（2）（已停用）"
