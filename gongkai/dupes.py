"""One 信息 counted once: is this item the same piece of information as that one? (跨渠道重复)

The question an officer answers by reading both: the same article behind both links, or the same
text under two headlines. In that order:

1. **Hard identity.** The same WeChat article ``(__biz, mid, idx)`` or the same canonical URL,
   from any link an item carries (its URL, a board row's 链接, a short link resolved before). Two
   articles of one push (same ``__biz`` and ``mid``, another ``idx``) are different by definition.
2. **The text.** Bodies compared by character shingles: the share of the shorter text's 5-grams
   found in the longer (containment survives a WeChat lead paragraph, a board summary, 【字体】 and
   编辑/审核 lines). Exact sets, not MinHash: candidates are the few items of the date window, so
   exact containment is cheap and has no sampling error (benchmarks/dupes_bench.py).
3. **The headline.** Normalised titles (no 【】 prefixes, series labels before ｜, emoji, "…"),
   compared by containment, prefix and bigram overlap; numbers that identify a notice (第16号, 第二批,
   a quarter, a year both titles state) must agree.
4. **The date window of the two channels**: the website and WeChat post within days; the bulletin
   board weeks later.

``judge`` answers ``dup`` (merge), ``maybe`` (a person decides: the review queue shows both texts)
or ``distinct``, with a score and the reason in words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

from collectors import canonical_url, wechat_key

from .dupe_headlines import (_EXPLAINER, _MEETING_NOTICE, _nfkc, _numbers, _phase,
                             clean_title, numbers_conflict, numbers_one_sided, same_org, short_name,
                             subjects_differ, title_org, title_similarity, towns)
from .dupe_events import (days_of, event_day_of, figures_conflict, figures_of, figures_shared, names_of,
                          other_day, other_occasion, phones_of, retold, same_call,
                          only_running_totals, same_day_and_town, totals_of)
from .dupe_channels import (WINDOW_DAYS, board_before, containment, other_days_of_one_outlet,
                            two_outlets, two_postings, window_days)
from .dupe_phrases import self_reference_same, shared_figures, shared_phrase
from .matching import TRUNCATED_MARK

SHINGLE = 5
MIN_BODY = 30              # characters of cleaned body below which the body is not evidence
MIN_SHINGLES = 15          # distinctive shingles (stock phrases left out) needed on both sides
LEAD_CHARS = 12            # the opening sentence(s) must be shared when only the text says "the same"
LEAD_SHARED = 0.5
BOARD_TEXT = 0.1           # a board summary in its own words still shares this much of the text
BOARD_TITLE = 0.3
BODY_DUP = 0.5             # containment at or above: the same text
HEADLINE_ONLY = "the same headline (no text to compare)"   # a verdict on the headline alone
SAME_DAY_TEXT = 0.15       # two outlets, one day named, this much text shared: a person decides
BODY_MAYBE = 0.25          # containment at or above: related text, the title decides
RETOLD_SCORE = 0.55        # below any join by text: a copy found by its words wins over a retelling
TITLE_DUP = 0.62           # bigram overlap of cleaned titles at or above: the same headline
BOARD_HEADLINE = 0.8       # bigram overlap: a board's short form of the item's headline (year, 关于, 的 dropped)
MIN_HEADLINE = 12          # a shorter headline ("区商务局召开会议") alone says too little

_BOILERPLATE = re.compile(
    r"^\s*(?:来源|来自|编辑|责任编辑|审核|审校|校对|初审|复审|终审|作者|撰稿|供稿|图片|摄影|文字|排版|"
    r"监制|出品|主编|点击|长按|扫码|关注|分享|收藏|点赞|在看|阅读原文|原文链接|附件|打印|关闭|"
    r"【?字体|字号|发布时间|发布日期|浏览次数|访问量|索引号|文号|发布机构|主题分类|信息来源)"
    r"[^\n]{0,80}$", re.M)
_ROUNDUP = re.compile(r"汇总|要闻|一周|速览|简讯|早知道|集锦|回顾|^【?今日")
_NUMBERED_ITEMS = re.compile(r"①[^②]*②[^③]*③")     # ① … ② … ③ …: a list of several news
_HAN_ALNUM = re.compile(r"[^\w]|_", re.U)
_SENTENCE = re.compile(r"[。！？!?；;\n]+")
_SOURCE_LINE = re.compile(r"(?:^|\n)\s*(?:来源|信息来源)\s*[:：]\s*([^\s，,。|｜]{2,30})")
_CARRIER = re.compile(r"人民政府办公室|政府办公室|政府办$|融媒体|新闻中心|日报|晚报|报社|电视台|广播|宣传部|网$|"
                      r"公众号|微信|发布$")
_BODY_NAME = re.compile(r"(?:局|委员会|委|办公室|中心|人民政府|政府|街道办事处|街道|镇|乡)$")
_SUBUNIT = re.compile(r"^(.{2,20}?(?:局|委员会|委))(?:办公室|综合科|[\u4e00-\u9fa5]{1,8}(?:科|股|处|室))$")
_MEETING_HELD = re.compile(r"会议(?:指出|强调|要求|听取|认为|总结)|会上|会议由.{0,12}主持|表态发言|出席会议|"
                           r"参加会议|会议现场")
# A government body named in running text: 区商务局, 青澜区市场监管局, 市发改委. Anchored on the
# level (区/县/市) so "带队联合区市场监管局" yields 市场监管局, not the words before it.
_TEXT_ORG = re.compile(r"[区县市]([\u4e00-\u9fa5]{1,8}?(?:局|委员会|委|大队|支队))")
_SELF = re.compile(r"我局|本局|我委|本委")
ACTOR_CHARS = 400          # the opening in which the acting body is named


@dataclass
class Doc:
    """What the detector reads of one item."""

    id: Any
    cluster_id: Any = None
    pending: bool = False                # saved, not yet placed by the detector
    channel: str = ""
    title: str = ""
    body: str = ""
    url: str = ""
    pub_date: date | None = None
    links: tuple[str, ...] = ()          # other URLs of the item: a board row's 链接, aliases
    publisher: str = ""                  # 发布机构 / 信息来源 when the page states it
    actors: tuple[str, ...] = ()         # bodies the opening names, in order (商务局, 消防救援大队)
    speaks_as: bool = False              # the opening says 我局 / 本局: the publisher acts, unnamed
    keys: frozenset[str] = field(default_factory=frozenset)
    push: str = ""                       # "wx:biz:mid" of a WeChat article
    tkey: str = ""
    shingles: frozenset[str] = field(default_factory=frozenset)
    body_len: int = 0
    # read once per item, not once per pair (placing a year compares each item with ~150 others)
    event_day: tuple[int, int] | None = None
    days: frozenset[tuple[int, int]] = field(default_factory=frozenset)   # every day the opening names
    figures: frozenset[str] = field(default_factory=frozenset)
    totals: frozenset[str] = field(default_factory=frozenset)    # figures of running-total sentences
    roundup: bool = False
    places: frozenset[str] = field(default_factory=frozenset)
    venues: frozenset[str] = field(default_factory=frozenset)   # towns the opening sentence names
    names: frozenset[str] = field(default_factory=frozenset)    # “programme” and 《document》 names
    phones: frozenset[str] = field(default_factory=frozenset)   # contact numbers
    explainer: bool = False
    phase: str = ""
    meeting_notice: bool = False
    plain: str = ""                      # the body in NFKC without 来源/编辑/字体 lines

    @classmethod
    def of(cls, item: Mapping[str, Any]) -> "Doc":
        """From a row or dict with title, body, url, pub_date, channel and optionally links,
        fields / meta (a board row's 链接 and a page's 发布机构 live there)."""
        meta = item.get("meta") or {}
        fields = item.get("fields") or meta.get("fields") or {}
        links = tuple(item.get("links") or ()) + tuple(
            v for k, v in meta.items() if k in ("link", "链接", "original_url") and isinstance(v, str))
        when = item.get("pub_date")
        if isinstance(when, str):
            when = date.fromisoformat(when[:10]) if when else None
        doc = cls(id=item.get("id"), cluster_id=item.get("cluster_id"),
                  pending=bool(item.get("dupe_pending")), channel=item.get("channel") or "", title=item.get("title") or "",
                  body=item.get("body") or "", url=item.get("url") or "", pub_date=when,
                  links=links, publisher=_publisher(fields, item.get("body") or ""))
        doc.prepare(item.get("key") or "")
        docno = _docno(fields)
        if docno:
            doc.keys = doc.keys | {docno}
        return doc

    def prepare(self, key: str = "") -> "Doc":
        keys: set[str] = set()
        for link in (self.url, *self.links):
            if not link:
                continue
            wk = wechat_key(link)
            keys.add(wk or canonical_url(link))
        if key:
            keys.add(key)
        self.keys = frozenset(k for k in keys if k)
        self.push = next((k.rsplit(":", 1)[0] for k in sorted(self.keys) if k.startswith("wx:")), "")
        self.tkey = clean_title(self.title)
        # the body normalised once: NFKC of a long text is most of the cost of preparing an item
        body = _nfkc(self.body)
        self.plain = _BOILERPLATE.sub("", body)
        self.actors = text_actors(title_org(self.title) + "。" + body)
        self.speaks_as = bool(_SELF.search(body[:ACTOR_CHARS]))
        title = _nfkc(self.title)
        plain = self.plain
        self.event_day = event_day_of(plain)
        self.days = days_of(plain)
        self.figures = figures_of(body)
        self.totals = totals_of(body)
        # a digest of several news (一周要闻汇总, 【今日X区】, ① … ② … ③ …) carries an item, it is
        # not that item
        self.roundup = bool(_ROUNDUP.search(title) or _NUMBERED_ITEMS.search(self.body[:1500]))
        self.places = towns(title)
        self.venues = towns(_SENTENCE.split(plain.strip(), maxsplit=1)[0])
        self.names, self.phones = names_of(title + plain), phones_of(plain)
        self.explainer = bool(_EXPLAINER.search(title))
        self.phase = _phase(self.title, body)
        self.meeting_notice = bool(_MEETING_NOTICE.search(title))
        # the body's words only: no boilerplate lines, punctuation, space or emoji
        text = _HAN_ALNUM.sub("", plain).lower()
        self.body_len = len(text)
        self.shingles = frozenset(text[i:i + SHINGLE] for i in range(max(0, len(text) - SHINGLE + 1)))
        return self

    def lead(self, common: frozenset[str]) -> frozenset[str]:
        """The opening sentence, stock phrases skipped: what the article is about. A sentence too
        short to say it ("安全生产月来了！") runs on into the next."""
        text = ""
        for sentence in _SENTENCE.split(self.plain):
            part = _HAN_ALNUM.sub("", sentence).lower()
            shingles = [part[i:i + SHINGLE] for i in range(max(0, len(part) - SHINGLE + 1))]
            if not part or all(sh in common for sh in shingles):
                continue
            text += part
            if len(text) >= LEAD_CHARS:
                break
        return frozenset(text[i:i + SHINGLE] for i in range(max(0, len(text) - SHINGLE + 1))) - common


def _publisher(fields: Mapping[str, Any], body: str) -> str:
    """The body that published the item: a 发布机构-like field, else a 来源： line opening the
    text (WeChat reposts carry one). Portal offices and newsrooms are carriers, not publishers:
    the district portal files a bureau's news under 信息来源 区人民政府办公室."""
    found = ""
    for label in ("发布机构", "发文机关", "发布单位", "信息来源", "来源"):
        value = fields.get(label) if isinstance(fields, Mapping) else None
        if isinstance(value, str) and value.strip():
            found = re.sub(r"\s+", "", value)
            break
    if not found:
        m = _SOURCE_LINE.search(_nfkc(body or "")[:300])
        found = m.group(1) if m else ""
        # a 来源 line often names the account (峪川人社, “澄阳商务”微信公众号), not the body:
        # only a body's name separates publishers
        if not _BODY_NAME.search(found):
            found = ""
    if _CARRIER.search(found):
        return ""
    # 区商务局办公室, 区商务局市场运行科: a body's own office or section publishes for the body
    return _SUBUNIT.sub(r"\1", found)


def text_actors(body: str) -> tuple[str, ...]:
    """The bodies the text's opening names, in order, without their place (青澜区商务局 and
    区商务局 are both 商务局): the first one is who did what the text reports."""
    opening = _BOILERPLATE.sub("", _nfkc(body or ""))[:ACTOR_CHARS]
    found: list[str] = []
    for m in _TEXT_ORG.finditer(opening):
        name = re.split(r"[区县]", m.group(1))[-1]
        if len(name) >= 2 and name not in found:
            found.append(name)
    return tuple(found)


def other_actors(x: "Doc", y: "Doc") -> str:
    """Why two texts report different bodies' work, or "": each names a body (in its headline or
    opening) that the other never names — 区应急管理局 inspected here, 区商务局 there, under one
    district directive both quote. A body's own cross-post names the same bodies; a joint action
    names both; a body named by both (the directive's 安委会) says nothing."""
    only_x = [a for a in x.actors if not any(a == b or short_name(a, b) for b in y.actors)]
    only_y = [a for a in y.actors if not any(a == b or short_name(a, b) for b in x.actors)]
    # 我局联合县财政局…: the body acting is the speaker, whom the other text may name
    only_x = only_x[1:] if y.speaks_as else only_x
    only_y = only_y[1:] if x.speaks_as else only_y
    if not only_x or not only_y:
        return ""
    return f"the texts report different bodies ({only_x[0]} vs {only_y[0]})"


def _docno(fields: Mapping[str, Any]) -> str:
    """A document number (文号 澄商〔2025〕55号) as an identity key: one number, one document,
    however often and wherever it is posted. Placeholders (无, —) are none."""
    value = fields.get("文号") if isinstance(fields, Mapping) else None
    if not isinstance(value, str):
        return ""
    text = re.sub(r"[\s〔〕\[\]()（）【】]", "", _nfkc(value))
    return f"docno:{text}" if re.search(r"\d", text) and len(text) >= 4 else ""


def meeting_notice_and_report(x: "Doc", y: "Doc") -> bool:
    """One is the notice calling a meeting, the other the report of the meeting held."""
    nx, ny = x.meeting_notice, y.meeting_notice
    if nx == ny:
        return False
    report = y if nx else x
    return bool(_MEETING_HELD.search(_nfkc(report.body or "")))


def judge(a: Mapping[str, Any] | Doc, b: Mapping[str, Any] | Doc,
          common: frozenset[str] = frozenset(), stock: frozenset[str] = frozenset()) -> tuple[str, float, str]:
    """("dup" | "maybe" | "distinct", score 0-1, reason) for two items; ``common``: stock-phrase
    shingles to leave out of the text comparison (``dupe_match.common_shingles``); ``stock``: the
    bureau's stock headline bigrams (``dupe_phrases.title_stock``)."""
    x = a if isinstance(a, Doc) else Doc.of(a)
    y = b if isinstance(b, Doc) else Doc.of(b)
    same = x.keys & y.keys
    if same:
        return "dup", 1.0, f"the same article ({sorted(same)[0]})"
    if x.push and x.push == y.push:
        return "distinct", 0.0, "two articles of one WeChat push"
    if x.channel == y.channel == "board" and two_postings(x, y):
        if not (x.shingles or y.shingles) and x.tkey == y.tkey:
            # rows known only by one headline: a row imported again with its date corrected and
            # a second posting look alike, and parting them silently would count one twice
            return "maybe", 0.5, "two board rows of one headline on other days, no text to tell"
        return "distinct", 0.0, "two rows of the board on other days"
    if x.pub_date and y.pub_date:
        gap = abs((x.pub_date - y.pub_date).days)
        # a late post of the same event still names its day: both texts anchored on one day
        # may be as far apart as the board's window
        if gap > window_days(x, y) and not (
                gap <= WINDOW_DAYS["board"] and x.event_day is not None and x.event_day == y.event_day):
            return "distinct", 0.0, f"{gap} days apart (window {window_days(x, y)})"
        early = board_before(x, y)
        if early:
            return "distinct", 0.0, f"the board row was put up {early} days before the item"
    why = other_body_or_subject(x, y) or other_occasion(x, y)
    if why:
        return "distinct", 0.0, why
    # 拟…公示 and …结果公告 of one list: two 信息 — unless the texts are one (a hook headline
    # may say 公布 of a 公示)
    phases = {x.phase, y.phase} == {"draft", "final"}
    conflict = numbers_conflict(x.title, y.title)
    t = title_similarity(x.tkey, y.tkey)
    xs, ys = (x.shingles - common, y.shingles - common) if common else (x.shingles, y.shingles)
    bodies = x.body_len >= MIN_BODY and y.body_len >= MIN_BODY and min(len(xs), len(ys)) >= MIN_SHINGLES
    c = containment(xs, ys) if bodies else None
    if conflict:
        if c is not None and c >= 0.9:
            return "maybe", 0.5, f"near-identical texts but {conflict}"
        return "distinct", 0.0, conflict
    if phases and (c is None or c < 0.8):
        return "distinct", 0.0, "a list put up for objection (拟…公示) and its outcome (结果) are two 信息"
    if meeting_notice_and_report(x, y):
        return "distinct", 0.0, "the notice calling a meeting and the report of it"
    if c is not None:
        verdict, score, reason = _by_text(x, y, c, t, xs, ys, common)
        figures = figures_shared(x, y)
        clash = figures_conflict(x, y)
        if verdict != "distinct" and clash and c < 0.9:
            return "distinct", 0.0, f"{reason}, but {clash}"
        roundup = x.roundup or y.roundup
        if verdict == "dup" and roundup:
            return "maybe", score, f"{reason}, but one is a roundup of several items"
        if roundup and c < BODY_DUP:
            # a digest quotes each item's first lines: carrying a part of it is not being it
            return "distinct", round(c, 3), f"{reason}, and one is a roundup carrying a part of it"
        if verdict != "dup" and two_outlets(x, y) and not roundup:
            why = retold(x, y, c, t) or (c < BODY_DUP and same_day_and_town(x, y, t))
            if why and (c < BODY_DUP or figures is not None and figures[0] >= 3):
                verdict, score, reason = "dup", RETOLD_SCORE, why
            elif verdict == "maybe" and c >= BODY_DUP and figures is not None \
                    and figures[0] >= 3 and figures[0] == figures[1] and not only_running_totals(x, y):
                # the same list or table (names and amounts) under another opening
                verdict, score, reason = "dup", 0.8, f"{reason}; every figure of the shorter text agrees"
            elif verdict == "distinct":
                why = same_call(x, y)
                if why:
                    verdict, score, reason = "maybe", 0.45, why
        if verdict == "dup":
            why = other_actors(x, y)
            if why:
                return "maybe", score, f"{reason}, but {why}"
            if other_days_of_one_outlet(x, y) and c < 0.95:
                # one template, two days on one channel: the same official's two visits (a
                # bureau does not post one event twice on one channel; across channels the first
                # date a text names is too loose a reading to overrule the text)
                days = f"{x.event_day[0]}月{x.event_day[1]}日 vs {y.event_day[0]}月{y.event_day[1]}日"
                return "distinct", 0.0, f"{reason}, but the texts tell of other days ({days})"
        return verdict, score, reason
    clash = figures_conflict(x, y)
    if clash:
        return "distinct", 0.0, clash
    if two_outlets(x, y):
        why = retold(x, y, 0.0, t) or same_day_and_town(x, y, t)
        if why:
            return "dup", RETOLD_SCORE, why
        day = x.event_day
        if "board" in (x.channel, y.channel) and day is not None and day == y.event_day \
                and t >= BOARD_TITLE:
            return "dup", 0.7, f"the board's line on the same event ({day[0]}月{day[1]}日), headline related ({t:.0%})"
    equal = x.tkey.rstrip(TRUNCATED_MARK) == y.tkey.rstrip(TRUNCATED_MARK)
    long_enough = min(len(x.tkey), len(y.tkey)) >= MIN_HEADLINE
    why = self_reference_same(x, y)
    if why:
        return "dup", 0.9, why
    if t >= 0.999 and (equal or long_enough) and not numbers_one_sided(x.title, y.title):
        if x.event_day is not None and y.event_day is not None and x.event_day != y.event_day:
            # a recurring notice under one headline (this month's check, next month's): the
            # texts, too alike to tell apart, still name their days
            days = f"{x.event_day[0]}月{x.event_day[1]}日 vs {y.event_day[0]}月{y.event_day[1]}日"
            return "maybe", 0.5, f"the same headline, but the texts name other days ({days})"
        return "dup", 0.9, HEADLINE_ONLY
    why = shared_figures(x, y)
    if why:
        return "maybe", 0.8, why          # strong, but a headline's figures alone merge nothing
    if t >= TITLE_DUP and long_enough:
        return "maybe", round(t, 3), f"similar headlines ({t:.0%}), no text to compare"
    why = shared_phrase(x, y, stock)
    if why:
        return "maybe", 0.45, why
    return "distinct", round(t, 3), "different headlines, no text to compare"


def _by_text(x: Doc, y: Doc, c: float, t: float, xs: frozenset[str], ys: frozenset[str],
             common: frozenset[str]) -> tuple[str, float, str]:
    """The verdict from two texts that can be compared (``c``: containment, ``t``: headline)."""
    if c >= BODY_DUP and t >= TITLE_DUP:
        return "dup", round(min(1.0, 0.5 + c / 2), 3), f"the same text ({c:.0%}) and headline"
    if c >= BODY_DUP:
        # A reworded headline: the text must also open the same way (a WeChat lead paragraph
        # added in front still leaves the website's opening inside the post), or two reports
        # sharing a bureau's paragraphs would be one.
        lead = max(containment(x.lead(common), ys), containment(y.lead(common), xs))
        if lead >= LEAD_SHARED:
            return "dup", round(min(1.0, 0.5 + c / 2), 3), \
                f"the same text ({c:.0%} of the shorter, opening shared), headline reworded"
        return "maybe", round(c, 3), f"texts overlap {c:.0%} but open differently, headlines differ"
    board = _board_summary(x, y, c, t)
    if board:
        return board
    numbered = _same_numbered_event(x, y, c, t)
    if numbered:
        return numbered
    if c >= BODY_MAYBE:
        if t >= TITLE_DUP:
            return "dup", round((c + t) / 2, 3), f"related text ({c:.0%}) and headline ({t:.0%})"
        return "maybe", round(c, 3), f"texts overlap {c:.0%}, headlines differ"
    if "board" in (x.channel, y.channel) and x.channel != y.channel:
        board = board_headline(*((x, y) if x.channel == "board" else (y, x)), t)
        if board:
            return board
    if x.tkey == y.tkey and len(x.tkey) >= MIN_HEADLINE and x.event_day is not None \
            and x.event_day == y.event_day and not ("board" in (x.channel, y.channel) and _board_first(x, y)):
        # a bridge's digest or a short version under the very headline, naming the same day
        day = f"{x.event_day[0]}月{x.event_day[1]}日"
        return "dup", RETOLD_SCORE, f"the same headline and the same day ({day}), texts overlap only {c:.0%}"
    if t >= 0.999 and c >= 0.1:
        return "maybe", 0.4, f"the same headline, texts overlap only {c:.0%}"
    if c >= SAME_DAY_TEXT and two_outlets(x, y) and x.event_day is not None and x.event_day == y.event_day \
            and x.pub_date and y.pub_date and abs((x.pub_date - y.pub_date).days) <= 1:
        # two sites' own write-ups of one briefing: each in its words, the day and some
        # sentences shared — as likely two items of one busy day, so a person decides
        day = f"{x.event_day[0]}月{x.event_day[1]}日"
        return "maybe", round(c, 3), f"two outlets tell of the same day ({day}) and share {c:.0%} of the text"
    return "distinct", round(c, 3), f"different texts ({c:.0%} shared)"


def _same_numbered_event(x: Doc, y: Doc, c: float, t: float) -> tuple[str, float, str] | None:
    """Two channels' versions of one numbered item (第七期 培训班, 第二批): the same number in
    both headlines and the same day in both texts, some words shared — a retelling under a
    hook headline still names its 期."""
    if not two_outlets(x, y) or c < BOARD_TEXT or t < BOARD_TITLE or x.phase != y.phase:
        return None
    ident = _numbers(x.title)[1]
    if not ident or ident != _numbers(y.title)[1] or x.event_day is None or x.event_day != y.event_day:
        return None
    return "dup", round(0.5 + c / 2, 3), \
        f"the same numbered item ({'/'.join(sorted(ident))}) on the same day, {c:.0%} of the text shared"


def _board_summary(x: Doc, y: Doc, c: float, t: float) -> tuple[str, float, str] | None:
    """The bulletin board retells an event in its own words days later: little shared text, but
    the same day of the event (2月5日) in both, and its places and figures among the words; or
    it posts the same numbered item (周报第46期) under a shorter headline. A row that is mostly
    the board's own formulas (欢迎监督, 特此公开) shares almost no text: then the same day under
    the kept headline is enough."""
    if "board" not in (x.channel, y.channel) or x.channel == y.channel:
        return None
    day_x, day_y = x.event_day, y.event_day
    same_day = day_x is not None and day_x == day_y
    when = f"{day_x[0]}月{day_x[1]}日" if same_day else ""
    if c >= BOARD_TEXT:
        ident_x, ident_y = _numbers(x.title)[1], _numbers(y.title)[1]
        if ident_x and ident_x == ident_y and t >= BOARD_TITLE and x.phase == y.phase:
            return "dup", round(0.5 + c, 3), \
                f"the board's notice of the same numbered item ({'/'.join(sorted(ident_x))}, {c:.0%} shared)"
        if same_day and (t >= BOARD_TITLE or c >= 2 * BOARD_TEXT):
            return "dup", round(0.5 + c, 3), f"the board's summary of the same event ({when}, {c:.0%} shared)"
        if same_day:
            return "maybe", round(c, 3), f"the board may summarise the same event ({when}), headlines differ"
    elif same_day and t >= TITLE_DUP and not _board_first(x, y):
        return "dup", round(0.5 + c, 3), f"the board's line on the same event ({when}) under its headline ({t:.0%})"
    return None


def _board_first(x: Doc, y: Doc) -> bool:
    """The board row was put up before the item: the board copies what was published, so a row
    known only by its headline and day cannot be this item's."""
    board, other = (x, y) if x.channel == "board" else (y, x)
    return bool(board.pub_date and other.pub_date and board.pub_date < other.pub_date)


def board_headline(board: Doc, other: Doc, t: float) -> tuple[str, float, str] | None:
    """A board row typed in later under the item's headline, its one line saying nothing more
    (no day, no figure): that is all an officer has too — a possible duplicate, for a person;
    a figure of the item in the row as well makes it the item's row. Never a row posted before
    the item, nor one whose day is another."""
    if _board_first(board, other):
        return None
    if other_day(board, other) or min(len(board.tkey), len(other.tkey)) < MIN_HEADLINE or t < BOARD_HEADLINE:
        return None
    shared = board.figures & other.figures
    if t >= 0.999 and shared:
        return "dup", RETOLD_SCORE, f"the board's row under the same headline, with its figure ({sorted(shared)[0]})"
    return "maybe", round(t / 2, 3), f"the board's row under the item's headline ({t:.0%}), nothing else to tell"


def other_body_or_subject(x: Doc, y: Doc) -> str:
    """Why two items are not one 信息 by who published them or what their headlines name, or "":
    another publisher, another body or place in the headline, a policy against its explainer."""
    if x.publisher and y.publisher and not (x.publisher in y.publisher or y.publisher in x.publisher
                                             or same_org(x.publisher, y.publisher)):
        return f"different publishers ({x.publisher} vs {y.publisher})"
    org_x, org_y = title_org(x.title), title_org(y.title)
    if org_x and org_y and not same_org(org_x, org_y):
        return f"headlines about different bodies ({org_x} vs {org_y})"
    if x.places and y.places and not any(a.endswith(b) or b.endswith(a)
                                         for a in x.places for b in y.places):
        return f"headlines about different places ({'/'.join(sorted(x.places))} vs " \
               f"{'/'.join(sorted(y.places))})"
    if x.explainer != y.explainer:
        return "a policy and its explainer (解读) are two 信息"
    why = subjects_differ(x.tkey, y.tkey)
    if why:
        return why
    return ""

