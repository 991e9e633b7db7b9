"""Attribution (归属) on shared channels: fields first, then title and body read apart, and names that
are the bureau's own (the rules above ``attribution_of`` in gongkai/matching.py).

Each case states its input, the expected decision, why (the rule it pins, also its test id) and a
part of the reason the decision must give a reviewer. A new mistake becomes a new row."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest

import collectors
from gongkai import config, pipeline
from gongkai.cli import main
from gongkai.matching import Attribution, attribute, attribution_of
from store import Store

ALIASES = ("卫滨区商务局", "区商务局")
OURS, NOT_OURS = "ours", "not_ours"


@dataclass(frozen=True)
class Case:
    why: str
    expected: str
    title: str = ""
    body: str = ""
    byline: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    reason: str = ""          # must appear in the reason


CASES = [
    # -- 1. fields first ----------------------------------------------------------------------
    Case("发布机构 naming the bureau wins over a text about another body", OURS,
         title="区应急管理局开展节前安全检查", body="区应急管理局组织开展节前安全检查。",
         fields={"发布机构": "卫滨区商务局"}, reason="发布机构 “卫滨区商务局” names the bureau"),
    Case("来源 naming the bureau by its short alias", OURS,
         title="我区举办汽车展销会", fields={"来源": "区商务局"}, reason="来源 “区商务局”"),
    Case("信息来源 in the byline names the bureau", OURS,
         title="我区举办汽车展销会",
         byline="发布日期:2023-11-13 09:26 信息来源:卫滨区商务局 访问量:972",
         reason="byline 信息来源 “卫滨区商务局”"),
    Case("a byline that is only a name (a manual row's 来源 column, a feed's author)", OURS,
         title="我区举办汽车展销会", byline="卫滨区商务局", reason="byline “卫滨区商务局”"),
    Case("a （…供稿） credit in the body is a field", OURS,
         title="消费季活动精彩纷呈", body="活动期间，各商家推出多重优惠。\n（区商务局供稿）",
         reason="body's 来源 line “区商务局”"),
    Case("发布机构 another body, the bureau only named further down", NOT_OURS,
         title="节前安全检查", body="近日，我区开展节前安全检查。后续，区商务局将持续跟进整改情况。",
         fields={"发布机构": "区市场监管局"}, reason="发布机构 is 区市场监管局, another body"),
    Case("发布机构 another body, the lead makes the bureau co-publisher (联合)", OURS,
         title="节前安全检查", body="区市场监管局联合区商务局开展节前安全大检查。",
         fields={"发布机构": "区市场监管局"},
         reason="发布机构 is 区市场监管局, but the lead names the bureau joined to 区市场监管局"),
    Case("发布机构 another body, the title names the bureau as co-publisher (、)", OURS,
         title="区应急管理局、区商务局联合开展商贸领域安全检查", fields={"发文机关": "区应急管理局"},
         reason="the title names the bureau joined to 区应急管理局"),
    Case("来源 another district's bureau is another body, not the bureau", NOT_OURS,
         title="消费券发放活动启动", body="近日，消费券发放活动正式启动。", fields={"来源": "红旗区商务局"},
         reason="来源 is 红旗区商务局, another body"),
    Case("a feed author that is another body", NOT_OURS,
         title="开学第一课精彩纷呈", body="各学校开展开学第一课活动。", byline="卫滨区教育局",
         reason="byline is 卫滨区教育局"),
    Case("信息来源 the portal's own office says nothing (gov-sites.md §4.2): the text decides", OURS,
         title="我区平原商场成功创建省级绿色商场",
         body="近日，我区平原商场成功创建省级绿色商场。下一步，区商务局将继续指导企业绿色发展。",
         byline="发布日期:2023-11-13 09:26 信息来源:卫滨区人民政府办公室 访问量:972",
         reason="names the bureau: “区商务局将继续指导企业绿色发展”"),
    Case("来源 a newsroom says nothing either", NOT_OURS,
         title="我区举办迎新春文艺演出", body="演出精彩纷呈。", fields={"来源": "卫滨区融媒体中心"},
         reason="no field, title or body names the bureau"),
    # -- 2. title and body apart, whitespace a boundary ----------------------------------------
    Case("the title's last character does not run into the body (议区商务局)", OURS,
         title="全区商务工作会议", body="区商务局召开2024年全区商务工作会议，总结去年工作。",
         reason="the lead names the bureau as its subject"),
    Case("a line break in the body is a boundary", OURS,
         title="商务动态", body="2024年全区商务工作会议\n区商务局组织召开会议，部署全年工作。",
         reason="names the bureau: “区商务局组织召开会议”"),
    Case("whitespace in a title is a boundary (展 区商务局)", OURS,
         title="凝心聚力谋发展 区商务局开展主题党日活动", reason="the title names the bureau"),
    Case("layout spaces inside the bureau's name still join", OURS, title="卫滨区 商务局 开展活动"),
    # -- 3. accepted lead-ins before a short alias ---------------------------------------------
    Case("记者从…获悉", OURS, title="我区消费市场持续回暖",
         body="近日，记者从区商务局获悉，一季度全区社会消费品零售总额同比增长8%。",
         reason="the lead names the bureau as its subject"),
    Case("据", OURS, title="一季度消费数据出炉", body="据区商务局统计，一季度全区消费增长明显。"),
    Case("由…牵头", OURS, title="我区举办迎新春文艺演出", body="由区商务局牵头，联合多部门举办。"),
    Case("联合", OURS, title="区市场监管局联合区商务局开展检查", reason="joined to 区市场监管局"),
    Case("会同", OURS, title="区应急管理局会同区商务局开展燃气安全检查"),
    Case("携手", OURS, title="区文广旅局携手区商务局举办消费季活动"),
    Case("与", OURS, title="区发改委与区商务局召开联席会议"),
    Case("和", OURS, title="区财政局和区商务局联合发放消费券"),
    Case("及", OURS, title="区市场监管局及区商务局开展联合执法"),
    Case("经 (an adverbial clause: a mention, no subject)", OURS, title="关于拟支持项目的公示",
         body="根据有关规定，经区商务局审核，现将拟支持项目予以公示。", reason="names the bureau"),
    Case("在…指导下", OURS, title="平原商场成功创建绿色商场",
         body="在区商务局的指导下，平原商场成功创建省级绿色商场。"),
    Case("在…领导下 names no subject; the bureau heads the next clause", OURS,
         title="我区消费持续回暖", body="在区委区政府的正确领导下，区商务局多措并举促消费。",
         reason="the lead names the bureau as its subject"),
    Case("我区商务局", OURS, title="我区商务局积极推进县域商业体系建设"),
    Case("punctuation", OURS, title="近日，区商务局联合区市场监管局开展检查"),
    Case("start of text", OURS, title="区商务局组织召开安全生产会议"),
    Case("the full name after the city's", OURS, title="新乡市卫滨区商务局开展消费季活动"),
    Case("the bureau attending is its own news when it is the subject", OURS,
         title="区商务局参加全市商务工作会议"),
    Case("a visit to the bureau: it is the host", OURS, title="区委常委、副区长张三到区商务局调研",
         reason="as host"),
    Case("the bureau accompanying a superior's visit: it is the host", OURS,
         title="市商务局领导到我区调研",
         body="3月5日，市商务局副局长张三到我区调研商贸流通工作，区商务局局长李四陪同。",
         reason="the lead names the bureau as host"),
    # -- 4. near misses ------------------------------------------------------------------------
    Case("another district's bureau (红旗区商务局)", NOT_OURS, title="红旗区商务局开展消费券发放",
         reason="the title's subject is 红旗区商务局"),
    Case("another district's bureau (牧野区商务局)", NOT_OURS, title="牧野区商务局召开招商推介会",
         body="牧野区商务局召开招商推介会，推介重点项目。"),
    Case("the city's bureau (市商务局)", NOT_OURS, title="市商务局召开全市商务工作会议"),
    Case("六合区商务局: 合 alone is not 联合", NOT_OURS, title="六合区商务局召开招商推介会"),
    Case("大同区商务局: 同 alone is not 会同", NOT_OURS, title="大同区商务局发放消费券"),
    Case("another body", NOT_OURS, title="区教育局开展安全教育"),
    Case("an attendee in another office's meeting report", NOT_OURS,
         title="区应急管理局召开安全生产工作会议",
         body="3月5日，区应急管理局召开全区安全生产工作会议，区商务局局长参加。",
         reason="the title's subject is 区应急管理局; the bureau is only an attendee"),
    Case("attendees listed in another office's meeting report", NOT_OURS,
         title="全区安全生产工作会议召开",
         body="3月5日上午，区应急管理局召开全区安全生产工作会议，区商务局、区市场监管局等部门负责人参加会议。",
         reason="the lead's subject is 区应急管理局"),
    Case("an attendee of a meeting whose convenor is not named", NOT_OURS,
         title="全区安全生产工作会议召开",
         body="3月5日，全区安全生产工作会议召开，区商务局局长出席。",
         reason="the bureau is named only as an attendee"),
    Case("another body's report naming the bureau further down", NOT_OURS,
         title="区应急管理局召开安全生产会议",
         body="会议由区应急管理局主持。会上，区商务局作表态发言。",
         reason="the bureau is named only further down"),
    Case("the bureau only in 上一篇/下一篇 links", NOT_OURS, title="我区开展消防演练",
         body="近日，我区组织开展消防演练。\n上一篇：区商务局开展消费季活动\n下一篇：区教育局召开安全会议",
         reason="named only in links to other articles"),
    Case("the bureau only in a 相关链接 footer", NOT_OURS, title="我区开展消防演练",
         body="近日，我区组织开展消防演练。\n相关链接：\n区商务局开展消费季活动",
         reason="named only in links to other articles"),
    Case("the bureau only in a push's 往期推荐", NOT_OURS, title="我区开展消防演练",
         body="近日，我区组织开展消防演练。\n往期推荐\n区商务局开展消费季活动"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.why for c in CASES])
def test_mention(case):
    got = attribution_of("mention", ALIASES, case.title, case.body, case.byline,
                         fields=case.fields)
    assert got.value == case.expected, got.reason
    assert case.reason in got.reason
    assert attribute("mention", ALIASES, case.title, case.body, case.byline,
                     fields=case.fields) == case.expected


def test_all_mode_needs_no_mention():
    assert attribution_of("all", ALIASES, "区教育局开展安全教育") == Attribution(
        "ours", "the source carries only the bureau's items (attribution = all)")


# -- the reason reaches the item, on both paths that save items ---------------------------------

NOW = datetime(2025, 1, 10, 4, 0, tzinfo=timezone.utc)
SHARED_ITEMS = [  # (title, body, fields) as a shared column's detail pages give them
    ("节前安全检查", "区市场监管局开展节前安全检查，区商务局派员参加。", {"发布机构": "区市场监管局"}),
    ("节前安全检查再部署", "近日开展节前安全检查。", {"发布机构": "卫滨区商务局"}),
]


class Shared(collectors.SourceKind):
    """A shared column whose items carry the detail page's fields in ``extra['fields']``."""

    name = "shared-test"
    options = {"url": collectors.Option(str)}

    def collect(self, state):
        for n, (title, body, fields) in enumerate(SHARED_ITEMS, 1):
            yield collectors.Item(key=f"{self.opts['url']}/{n}", url=f"{self.opts['url']}/{n}",
                                  title=title, body=body,
                                  published_at=datetime(2024, 5, n, 2, tzinfo=timezone.utc),
                                  extra={"fields": fields})


CONFIG = """
[bureau]
name = "卫滨区商务局"
aliases = ["区商务局"]

[database]
path = "g.db"

[[sources]]
id = "portal"
type = "shared-test"
channel = "website"
url = "http://portal.example.gov.cn/col"
attribution = "mention"

[[sources]]
id = "annex"
type = "manual"
channel = "annex-board"
attribution = "mention"
"""


@pytest.fixture
def cfg_path(tmp_path, monkeypatch):
    monkeypatch.setitem(collectors.REGISTRY, Shared.name, Shared)
    path = tmp_path / "gongkai.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def _reasons(path):
    with Store(path.parent / "g.db") as st:
        return {i["title"]: (i["attribution"], json.loads(i["meta_json"])["attribution_reason"])
                for i in st.items()}


def test_a_crawl_reads_the_detail_fields_and_keeps_the_reason(cfg_path):
    cfg = config.load(cfg_path)
    with Store(cfg.db_path) as st:
        st.sync_sources([s.as_row() for s in cfg.sources], NOW)
        result = pipeline.collect_source(cfg.source("portal"), cfg, st, None, since=None,
                                         clock=lambda: NOW)
    assert (result.status, result.new) == ("ok", 2)
    assert _reasons(cfg_path) == {
        "节前安全检查": ("not_ours", "发布机构 is 区市场监管局, another body, and neither the title "
                                 "nor the lead names the bureau as co-publisher"),
        "节前安全检查再部署": ("ours", "发布机构 “卫滨区商务局” names the bureau")}


def test_a_manual_entry_keeps_the_reason(cfg_path):
    assert main(["add", "--channel", "annex-board", "--date", "2024-03-05", "--title",
                 "燃气安全检查", "--byline", "区应急管理局", "--config", str(cfg_path)]) == 0
    assert _reasons(cfg_path) == {"燃气安全检查": (
        "not_ours", "byline is 区应急管理局, another body, and neither the title nor the lead "
                    "names the bureau as co-publisher")}
