"""A headline reworded for another channel, with no text beside it to compare (split from
gongkai.dupes): what the two headlines still share.

- **The self-reference.** The account says 我局召开上半年工作总结会议 where the website says
  区商务局召开上半年工作总结会议: everything but the speaker is the same headline.
- **A distinctive name or phrase.** 国庆“惠民消费月”来了！多重优惠等你来 (the account, the evening
  before) and 临河区启动国庆“惠民消费月”活动 share the campaign's name; a headline's stock words
  (召开, 开展, 安全生产, 区商务局 …) say nothing, nor do words the bureau's headlines around use
  again and again.
- **Figures.** 签约7个项目、总投资32.5亿元！… keeps the website text's figures.

Each is evidence for a person (a possible duplicate), except the self-reference: the same headline
spoken by the bureau itself is merged as a word-for-word copy is.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Any, Iterable

from .dupe_events import _STANDARD, _distinctive, figures_of, names_of, only_running_totals
from .dupe_headlines import title_org

if TYPE_CHECKING:
    from .dupes import Doc

PHRASE_DAYS = 3            # a reworded post and its original: the account the evening before, the site days later
SELF_DAYS = 1              # 我局X and 区商务局X: the same headline, the same day give or take one
MIN_REST = 6               # characters of headline besides the speaker (我局召开会议 is too little)
MIN_PHRASE = 4             # characters of a shared run of a headline to read it at all
PHRASE_BIGRAMS = 3         # bigrams of a shared run, stock ones left out, that make it distinctive
NAME_BIGRAMS = 2           # …of a quoted name (“惠民消费月”): its author marked it as a name
WINDOW_STOCK = 3           # a bigram in the headlines of this many other 信息 around is the bureau's stock

# The speaker in a headline and the kind of body or place it stands for: 我局 is a 局, 我区 a 区.
_SELF_HEAD = re.compile(r"^(?:我|本)(局|委|区|县|市)")
_BODY_OF = {"局": re.compile(r"^[\u4e00-\u9fa5]{2,12}局$"), "委": re.compile(r"^[\u4e00-\u9fa5]{2,12}委$"),
            "区": re.compile(r"^[\u4e00-\u9fa5]{1,8}区$"), "县": re.compile(r"^[\u4e00-\u9fa5]{1,8}县$"),
            "市": re.compile(r"^[\u4e00-\u9fa5]{1,6}市$")}
_JOINT = re.compile(r"联合|会同|和|与|及")          # 区商务局联合区市场监管局: two bodies, not one speaker
_PLACE_HEAD = re.compile(r"^[\u4e00-\u9fa5]{2,3}?[区县市](?![场委局长])")   # 临河区启动…: the place, not the news
_HAN = re.compile(r"[^\u4e00-\u9fa5]")

# Bigrams of headline stock: in 1% or more of the 2,640 headlines of tests/fixtures/dupes and in
# the headlines of five or more of its nine sets (each another author's district, so no place
# name is among them). Measured once; the bureau's own stock is read from the headlines around
# an item (``title_stock``).
STOCK_BIGRAMS = frozenset(
    "商务 消费 开展 区商 安全 企业 关于 检查 务局 商贸 培训 活动 项目 年度 通知 生产 全生 工作 的通 举办 专项 公示 "
    "申报 组织 局开 费券 领域 资金 贸领 训班 换新 以旧 旧换 发放 召开 公告 市场 域安 电商 项资 预付 年第 招商 签约 "
    "的公 启动 报年 农村 发展 名单 付卡 开班 区年 第期 月日 汽车 家电 商业 外贸 重点 补贴 织申 展专 于组 开幕 节前 "
    "直播 服务 产检 村电 贸企 亿元 局举 推进 流通 商直 万元 认定 贸流 展年 情况 全检 餐饮 走进 电子 示范 第二 投资 "
    "行动 于开 支持 价格 家政 前商 管理 应急 政服 子商 老字 字号 政策 第四 年货 燃气 街道 来了 第三 新补 费季 作的 "
    "集中 单用 用途 个项 电以 生活 进会 于年 美食 参加 范企 增长 春节 日开 备案 前安 气安 项检 第一 国庆 经济 车以 "
    "理局 零售 点项 夜间 成品 品油 食品 播带 带货 提质 五一 货培 拟支 费品 学员 持项 购物 促进 隐患 排查 局召 业预 "
    "途商 展节 家企 间消 目集 急管 级电 务示 务培 元旦 期间 大检 开抢 举行 金拟 现场 政府 展招 结果 第五 周报 度商 "
    "作推 谈会 建设 报工 扎实 场监 会议 民政 局扎 民生 焕新 这些 做好 正式 式启 区应 出口 产工"
    # a firm's legal form: two visits to two 有限公司 share it
    " 有限 限公 公司 股份 份有".split())
# A headline announcing what is to come (预告｜…8月7日开幕，亮点抢先看！): the report of the day is
# another 信息, and shares the event's name with it
_PREVIEW = re.compile(r"预告|抢先看|即将|将于|倒计时")


def self_reference(x: "Doc", y: "Doc") -> str:
    """"我局 = 区商务局": the body one headline names where the other says 我局 / 本局 (我区 for
    the district …), everything else word for word, or "". 我局召开上半年工作总结会议 and
    区商务局召开上半年工作总结会议: 我局 = 区商务局."""
    for a, b in ((x.tkey, y.tkey), (y.tkey, x.tkey)):
        m = _SELF_HEAD.match(a)
        rest = a[m.end():] if m else ""
        if len(_HAN.sub("", rest)) < MIN_REST or not b.endswith(rest) or len(b) == len(rest):
            continue
        head = b[:-len(rest)]
        if _BODY_OF[m.group(1)].match(head) and not _JOINT.search(head):
            return f"{m.group(0)} = {head}"
    return ""


def self_reference_same(x: "Doc", y: "Doc") -> str:
    """Why a headline and another spoken by the bureau itself (我局…) are one 信息, or "": the same
    words but the speaker, on two channels, the same day give or take one."""
    if x.channel == y.channel or not (x.pub_date and y.pub_date) \
            or abs((x.pub_date - y.pub_date).days) > SELF_DAYS:
        return ""
    who = self_reference(x, y)
    return f"{SELF_HEADLINE} ({who})" if who else ""


SELF_HEADLINE = "the same headline but for the speaker"


def headline_grams(doc: "Doc") -> frozenset[str]:
    """The bigrams of a headline, its body and place left out: what the bureau's headlines around
    share with it is their stock."""
    return _read(doc.title, doc.tkey)[1]


@lru_cache(maxsize=16384)
def _read(title: str, tkey: str) -> tuple[str, frozenset[str], frozenset[str], frozenset[str]]:
    """A headline read once per placing pass, not once per pair: its content (``_content``), the
    content's bigrams, its quoted names and its figures."""
    content = _content(title, tkey)
    return content, frozenset(_bigrams(content)), names_of(title), figures_of(title)


def clear_caches() -> None:
    """Forget the headlines read (as ``dupe_headlines.clear_caches``: one pass's worth)."""
    _read.cache_clear()


def title_stock(doc: "Doc", others: Iterable["Doc"], clusters: int = WINDOW_STOCK) -> frozenset[str]:
    """The bigrams of ``doc``'s headline found in the headlines of ``clusters`` or more other 信息
    around it: the bureau's own stock (its place, its campaign's standing words). Counted by
    信息, as ``common_shingles`` counts text."""
    mine = headline_grams(doc)
    by_cluster: dict[Any, set[str]] = {}
    for other in others:
        if other.id == doc.id:
            continue
        shared = mine & headline_grams(other)
        if shared:
            tag = other.cluster_id if other.cluster_id is not None else ("item", other.id)
            by_cluster.setdefault(tag, set()).update(shared)
    counted = Counter(chain.from_iterable(by_cluster.values()))
    return frozenset(g for g, n in counted.items() if n >= clusters)


def shared_phrase(x: "Doc", y: "Doc", stock: frozenset[str] = frozenset()) -> str:
    """Why two headlines on two channels a few days apart may be one 信息 reworded, or "": a
    quoted or bracketed name (“…”, 《…》, 「…」) of the one found in the other, or a run of words
    both headlines share, either saying more than stock words. ``stock``: the bureau's own
    stock bigrams (``title_stock``)."""
    if x.channel == y.channel or not (x.pub_date and y.pub_date) \
            or abs((x.pub_date - y.pub_date).days) > PHRASE_DAYS:
        return ""
    if bool(_PREVIEW.search(x.title)) != bool(_PREVIEW.search(y.title)):
        return ""
    # a name of one headline, in the other's headline or text
    (cx, gx, nx, _), (cy, gy, ny, _) = _read(x.title, x.tkey), _read(y.title, y.tkey)
    names = (nx & y.names) | (ny & x.names)
    for name in sorted(names, key=len, reverse=True):
        if len(_telling(name, stock)) >= NAME_BIGRAMS:
            return f"a reworded headline with the same name ({name}) on two channels"
    if len((gx & gy) - STOCK_BIGRAMS - stock) < PHRASE_BIGRAMS:
        return ""            # most pairs: the table of shared runs is not worth building
    for run in _common_runs(cx, cy):
        if len(_telling(run, stock)) >= PHRASE_BIGRAMS:
            return f"a reworded headline with the same words ({run}) on two channels"
    return ""


def shared_figures(x: "Doc", y: "Doc") -> str:
    """Why a headline and a text, or two, may tell one event by its figures, or "": two or more
    figures of one found in the other (签约7个项目、总投资32.5亿元 in the account's headline,
    现场签约项目7个，总投资32.5亿元 in the website's text), one of them distinctive, the same day
    give or take one. A scheme's standard amounts and running totals are no evidence."""
    if x.channel == y.channel or not (x.pub_date and y.pub_date) \
            or abs((x.pub_date - y.pub_date).days) > SELF_DAYS:
        return ""
    fx = x.figures | _read(x.title, x.tkey)[3]
    fy = y.figures | _read(y.title, y.tkey)[3]
    shared = fx & fy
    if len(shared) < 2 or all(_STANDARD.fullmatch(f) for f in shared):
        return ""
    if not any(_distinctive(f) for f in shared) and len(shared) < 3:
        return ""
    if shared <= (x.totals & y.totals) and only_running_totals(x, y):
        return ""
    return f"the same figures ({'/'.join(sorted(shared)[:3])}) on two channels, the same day"


def _content(title: str, tkey: str) -> str:
    """The headline's words without the body that opens it and the place (区商务局, 临河区)."""
    text = tkey
    org = title_org(title)
    if org and text.startswith(org):
        text = text[len(org):]
    text = _SELF_HEAD.sub("", text)
    return _HAN.sub("", _PLACE_HEAD.sub("", text))


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _telling(text: str, stock: frozenset[str]) -> set[str]:
    return {g for g in _bigrams(_HAN.sub("", text)) if g not in STOCK_BIGRAMS and g not in stock}


def _common_runs(a: str, b: str) -> list[str]:
    """The runs of characters both strings share that no longer shared run extends, MIN_PHRASE or
    longer, longest first (headlines are short: the quadratic table costs microseconds)."""
    if len(a) < MIN_PHRASE or len(b) < MIN_PHRASE:
        return []
    runs: set[str] = set()
    prev = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                cur[j] = prev[j - 1] + 1
        for j in range(1, len(b) + 1):
            n = cur[j]
            if n >= MIN_PHRASE and (i == len(a) or j == len(b) or a[i] != b[j]):
                runs.add(a[i - n:i])
        prev = cur
    return sorted(runs, key=lambda r: (-len(r), r))
