"""The officer's wording (显示用语): names, statuses, evidence, confidence and times, in one place.

The web UI, the CLI tables and the exports say the same thing the same way:

    names = Names.from_config(cfg)            # or Names.from_rows(store.sources())
    names.channel("wechat")                   # -> "卫滨商务微信公众号"
    when("2026-12-06T06:01:49+00:00")         # -> "2026-12-06 14:01" (北京时间)
    evidence_text(e, body)                    # -> "正文第 3 段含‘备案’"
    confidence(5.0, 0.0, needs_review=True)   # -> "低"

Machine outputs (``classify`` JSON lines, ``counts --json``) keep their ids; nothing here is used
for them.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Mapping, Sequence

import classifier
import collectors

BEIJING = collectors.BEIJING
TIME_FORMAT = "%Y-%m-%d %H:%M"

# -- channel and source names ----------------------------------------------------------------------

# A channel's kind decides its default name and which `[report] channels` entry it takes.
KIND_NAMES = {"website": "网站栏目", "wechat": "微信公众号", "board": "公开栏",
              "media": "政务新媒体", "feed": "订阅源", "other": "信息渠道"}
# Words in a `[report] channels` entry that say which kind of channel it names.
_KIND_WORDS = {"website": ("官网", "网站", "门户", "网页", "专栏"),
               "wechat": ("微信", "公众号"),
               "board": ("公开栏", "公示栏", "宣传栏", "信息栏"),
               "media": ("媒体", "头条", "抖音", "微博", "号")}


def channel_kind(channel: str, types: Iterable[str] = (), hosts: Iterable[str] = ()) -> str:
    """website | wechat | board | media | feed | other, from the channel id and its sources."""
    cid = channel.lower()
    types = set(types)
    if "manual" in types or "board" in cid:
        return "board"
    if ("wechat" in types or any(w in cid for w in ("wechat", "weixin", "wx"))
            or any("weixin.qq.com" in h for h in hosts)):
        return "wechat"
    if "media" in cid:
        return "media"
    if "website" in types or any(w in cid for w in ("web", "site", "portal")):
        return "website"
    if "feed" in types:
        return "feed"
    return "other"


def _kind_of_name(name: str) -> str | None:
    # most specific first: "微信公众号" also contains "号", "公开栏" is not a 专栏
    for kind in ("wechat", "board", "website", "media"):
        if any(w in name for w in _KIND_WORDS[kind]):
            return kind
    return None


def channel_names(channels: Sequence[tuple[str, str]], report_channels: Sequence[str]
                  ) -> dict[str, str]:
    """Default names for ``channels`` (``(id, kind)`` in config order) from ``[report] channels``.

    As many report names as channels: taken in order. Otherwise each kind's channels take the
    report names of that kind in order, when there are exactly as many; the rest get the kind's
    default name (made unique with （2）, （3）)."""
    names: dict[str, str] = {}
    report_channels = [r.strip() for r in report_channels if r.strip()]
    if channels and len(report_channels) == len(channels):
        return {cid: name for (cid, _), name in zip(channels, report_channels)}
    for kind in dict.fromkeys(k for _, k in channels):
        ids = [cid for cid, k in channels if k == kind]
        offered = [r for r in report_channels if _kind_of_name(r) == kind]
        if len(offered) == len(ids):
            names.update(zip(ids, offered))
    return unique({cid: names.get(cid) or KIND_NAMES[kind] for cid, kind in channels})


def unique(names: Mapping[str, str]) -> dict[str, str]:
    """Names made unique in order: the second 微信公众号 becomes 微信公众号（2）."""
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for key, name in names.items():
        seen[name] = seen.get(name, 0) + 1
        out[key] = name if seen[name] == 1 else f"{name}（{seen[name]}）"
    return out


@dataclass(frozen=True)
class Names:
    """Display names of channels and sources; an unknown id falls back to its kind's name."""
    channels: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)

    def channel(self, channel_id: str | None) -> str:
        if not channel_id:
            return "-"
        return self.channels.get(channel_id) or KIND_NAMES[channel_kind(channel_id)]

    def source(self, source_id: str | None) -> str:
        if not source_id:
            return "-"
        return self.sources.get(source_id) or self.channel(source_id)

    def merged(self, other: "Names") -> "Names":
        """``other``'s names win, in its order; ours follow for the ids it does not know."""
        def both(mine: Mapping[str, str], theirs: Mapping[str, str]) -> dict[str, str]:
            return {**theirs, **{k: v for k, v in mine.items() if k not in theirs}}
        return Names(both(self.channels, other.channels), both(self.sources, other.sources))

    def order(self, ids: Iterable[str], of: str = "channels") -> list[str]:
        """``ids`` in the config's order (as named), unknown ones last by name."""
        known = list(self.channels if of == "channels" else self.sources)
        return sorted(ids, key=lambda i: (known.index(i) if i in known else len(known),
                                          self.channel(i) if of == "channels" else self.source(i)))

    @classmethod
    def from_config(cls, cfg: Any) -> "Names":
        return cls({s.channel: s.channel_label for s in cfg.sources},
                   {s.id: s.label for s in cfg.sources})

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> "Names":
        """From the store's source rows: ``gongkai.config`` writes each source's resolved
        ``label`` and ``channel_label`` into its config; older rows get names by kind."""
        rows = list(rows)
        parsed = []
        for r in rows:
            try:
                conf = json.loads(r.get("config_json") or "{}")
            except ValueError:
                conf = {}
            parsed.append((r, conf if isinstance(conf, dict) else {}))
        kinds: dict[str, tuple[set, set]] = {}
        for r, conf in parsed:
            types, hosts = kinds.setdefault(r["channel"], (set(), set()))
            types.add(r.get("type") or "")
            hosts.update(h for h in conf.get("allow_hosts") or () if isinstance(h, str))
        defaults = unique({ch: KIND_NAMES[channel_kind(ch, t, h)] for ch, (t, h) in kinds.items()})
        channels = dict(defaults)
        for r, conf in parsed:
            if isinstance(conf.get("channel_label"), str) and conf["channel_label"].strip():
                channels[r["channel"]] = conf["channel_label"].strip()
        sources = {}
        for r, conf in parsed:
            label = conf.get("label")
            label = (label.strip() if isinstance(label, str) and label.strip()
                     else channels[r["channel"]])
            # a source taken out of the config keeps the name it had, marked: the config's
            # sources are numbered anew without it, and one may now carry that very name
            sources[r["id"]] = label + ("（已停用）" if r.get("enabled") == 0 else "")
        return cls(channels, unique(sources))


def names_for(st: Any, cfg: Any = None) -> Names:
    """The names a command or page shows: the store's source rows, the config's winning."""
    names = Names.from_rows(st.sources())
    return names.merged(Names.from_config(cfg)) if cfg is not None else names


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    """``text`` left-aligned in ``columns`` terminal columns (CJK counted double)."""
    return text + " " * max(0, columns - width(text))


# -- statuses, decisions, actions ---------------------------------------------------------------

STATUS_NAMES = {"": "本单位信息", "todo": "待审", "not_ours": "非本单位", "undated": "无日期",
                "gone": "原文已删除", "all": "全部"}
ATTRIBUTION_NAMES = {"ours": "本单位", "not_ours": "非本单位"}
DECIDED_BY_NAMES = {"auto": "自动分类", "manual": "人工确认", None: "未分类", "": "未分类"}
RUN_STATUS_NAMES = {"ok": "成功", "not_modified": "成功（无更新）", "failed": "失败",
                    "running": "进行中"}
ACTION_NAMES = {"category": "改类别", "attribution": "改归属", "cluster": "合并/拆分",
                "undo category": "撤销改类别", "undo attribution": "撤销改归属",
                "user_add": "添加账号", "user_reset": "重设账号", "user_passwd": "修改密码",
                "user_remove": "删除账号", "user_bind": "绑定单位", "body": "改归属单位",
                "date": "改发布日期", "undo date": "撤销改发布日期"}
FIELD_NAMES = {"title": "标题", "body": "正文"}
ROLE_NAMES = {"admin": "管理员", "reviewer": "审核员", "readonly": "只读"}
HTTP_ERRORS = {400: "请求有误", 401: "需要登录", 403: "没有权限（只读账号不能修改）",
               404: "找不到这一页或这条信息", 429: "尝试次数太多，请稍后再试", 503: "暂时无法使用"}


def status_name(status: str | None) -> str:
    return STATUS_NAMES.get(status or "", status or "")


def attribution_name(value: str | None) -> str:
    return ATTRIBUTION_NAMES.get(value or "", value or "-")


def decided_by_name(value: str | None) -> str:
    return DECIDED_BY_NAMES.get(value, value or "未分类")


def run_status_name(value: str | None) -> str:
    return RUN_STATUS_NAMES.get(value or "", value or "-")


def role_name(value: str | None) -> str:
    return ROLE_NAMES.get(value or "", value or "-")


def action_name(value: str | None) -> str:
    return ACTION_NAMES.get(value or "", value or "-")


def audit_value(action: str | None, value: str | None) -> str:
    """An audit row's from / to in words (an attribution is 本单位 / 非本单位, a cluster a group,
    an account its name with the role: wangli（管理员）)."""
    if not value:
        return "-"
    base = (action or "").removeprefix("undo ")
    if base == "attribution":
        return attribution_name(value)
    if base == "cluster":
        return f"第 {value} 组"
    if base.startswith("user_"):
        # the store writes an account as "name (role)"
        m = re.fullmatch(r"(.*) \((\w+)\)", value)
        return f"{m[1]}（{role_name(m[2])}）" if m else value
    return value


def audit_row(action: str | None, old: str | None, new: str | None) -> tuple[str, str, str]:
    """(动作, 从, 到) of an audit row in words. Filing an item in the category the classifier
    already gave it is a confirmation, not a change: 确认类别, with nothing under 从."""
    if action == "category" and old and old == new:
        return "确认类别", "", audit_value(action, new)
    return action_name(action), audit_value(action, old), audit_value(action, new)


def item_state(row: Mapping[str, Any]) -> str:
    """The queue's 状态 column: 待审 / 已审 / 自动 / 非本单位, and 原文已删除 when gone."""
    if row.get("attribution") == "not_ours":
        state = "非本单位"
    elif row.get("decided_by") == "manual":
        state = "已审"
    elif row.get("needs_review"):
        state = "待审"
    elif row.get("decided_by") == "auto":
        state = "自动"
    else:
        state = "未分类"
    return state + (" · 原文已删除" if row.get("upstream_status") == "gone" else "")


# The duplicate detector explains itself in English (gongkai.dupes); the officer reads this.
_PAIR_PHRASES = [
    (r"texts overlap (\d+%) but open differently", r"正文重合 \1，但开头不同"),
    (r"texts overlap only (\d+%)", r"正文只重合 \1"),
    (r"texts overlap (\d+%)", r"正文重合 \1"),
    (r"headlines differ", "标题不同"),
    (r"similar headlines \((\d+%)\)", r"标题相近（\1）"),
    (r"\(?no text to compare\)?", "没有正文可比"),
    (r"near-identical texts but ", "正文几乎相同，但"),
    (r"the same text \((\d+%) of the shorter, opening shared\)", r"正文相同（较短一篇的 \1，开头一致）"),
    (r"related text \((\d+%)\) and headline \((\d+%)\)", r"正文（\1）和标题（\2）相近"),
    (r"the same text \((\d+%)\) and headline", r"正文（\1）和标题相同"),
    (r"the same headline", "标题相同"),
    (r"headline reworded", "标题改写过"),
    (r"periods differ", "所说的时期不同"),
    (r", but ", "，但"),
    (r", ", "，"),
]


# The attribution rules (gongkai.matching) explain themselves in English; the officer reads this.
_WHERE = {"the title": "标题", "the lead": "导语"}
_ATTRIBUTION_REASONS = [
    (r"^the source carries only the bureau's items", lambda m: "这个来源只发布本单位的信息（配置为全部算本单位）"),
    (r"^(.+?) “(.+)” names the bureau$", lambda m: f"署名或来源“{m[2]}”写明本单位"),
    (r"(the title|the lead) names the bureau as its subject \(“(.+?)”\)$",
     lambda m: f"{_WHERE[m[1]]}以本单位为主体（“{m[2]}”）"),
    (r"(the title|the lead) names the bureau as host \(“(.+?)”\)$",
     lambda m: f"{_WHERE[m[1]]}写明本单位主办（“{m[2]}”）"),
    (r"(the title|the lead) names the bureau .+ \(“(.+?)”\)$",
     lambda m: f"{_WHERE[m[1]]}写明本单位（“{m[2]}”）"),
    (r"^names the bureau: “(.+)”$", lambda m: f"提到本单位：“{m[1]}”"),
    (r"^the bureau is named only as an attendee: “(.+)”$",
     lambda m: f"本单位只是作为参加单位被提到：“{m[1]}”"),
    (r"^the bureau is named only in links to other articles", lambda m: "本单位只出现在文末其他文章的链接里"),
    (r"^no field, title or body names the bureau", lambda m: "标题、正文和署名都没有提到本单位"),
    (r"^another body's report", lambda m: "这是其他单位的信息，本单位不是主体"),
    (r", another body, and neither the title nor the lead",
     lambda m: "署名是其他单位，标题和导语也没有把本单位列为发布单位"),
]


def attribution_reason(reason: str | None, attribution: str | None) -> str:
    """Why an item is 本单位 / 非本单位, in Chinese (a reason worded in a way not known here
    becomes a general sentence; the English stays available as a hint)."""
    text = (reason or "").strip()
    for pattern, words in _ATTRIBUTION_REASONS:
        m = re.search(pattern, text)
        if m:
            return words(m)
    if not text:
        return ""
    return "标题或正文提到本单位" if attribution == "ours" else "标题和导语都没有以本单位为主体"


def pair_reason(reason: str | None, score: float | None = None) -> str:
    """Why the detector could not decide, in Chinese; a reason it words in a way not known here
    becomes a general sentence (the English stays available as a hint)."""
    text = reason or ""
    for pattern, repl in _PAIR_PHRASES:
        text = re.sub(pattern, repl, text)
    if not text or re.search(r"[A-Za-z]", text):
        return "查重程序无法确定" + (f"（相似度 {score:.0%}）" if score is not None else "")
    return text


# -- evidence and confidence ---------------------------------------------------------------------

def paragraph_of(body: str | None, keyword: str) -> int | None:
    """The 1-based number of the body's first non-empty paragraph holding ``keyword`` as the
    classifier saw it (normalized), or None."""
    n = 0
    for line in (body or "").splitlines():
        if not line.strip():
            continue
        n += 1
        if keyword and keyword in classifier.normalize(line):
            return n
    return None


def evidence_text(e: Mapping[str, Any], body: str | None = None) -> str:
    """“标题含‘招商’”, “正文第 3 段含‘备案’” (or “正文含‘备案’” without the body)."""
    keyword = str(e.get("keyword", ""))
    where = e.get("field")
    if where == "body":
        n = paragraph_of(body, keyword) if body is not None else None
        return f"正文第 {n} 段含‘{keyword}’" if n else f"正文含‘{keyword}’"
    return f"{FIELD_NAMES.get(str(where), str(where or ''))}含‘{keyword}’"


def keyword_chips(evidence: Iterable[Mapping[str, Any]], category: str | None,
                  limit: int = 6) -> list[dict]:
    """One chip per keyword and category (a word in title and body is one chip), the winning
    category's first, then by weight: ``{"keyword", "category", "fields", "won"}``."""
    chips: dict[tuple[str, str], dict] = {}
    for e in evidence:
        key = (str(e.get("keyword", "")), str(e.get("category", "")))
        chip = chips.setdefault(key, {"keyword": key[0], "category": key[1], "fields": [],
                                      "won": key[1] == category, "weight": 0.0})
        name = FIELD_NAMES.get(str(e.get("field")), "")
        if name and name not in chip["fields"]:
            chip["fields"].append(name)
        chip["weight"] += float(e.get("weight") or 0)
    ordered = sorted(chips.values(), key=lambda c: (not c["won"], -c["weight"]))
    return ordered[:limit]


def confidence(score: float | None, margin: float | None, *, needs_review: bool,
               min_score: float = 3.0, min_margin: float = 2.0) -> str:
    """把握 of an automatic decision: 低 exactly when it is flagged for review (the calibrated
    doubt, classifier/_doubt.py), 高 when score and lead are both at least twice the rules'
    review thresholds, 中 between."""
    if score is None or margin is None:
        return "-"
    if needs_review:
        return "低"
    if score >= 2 * max(min_score, 0.5) and margin >= 2 * max(min_margin, 0.5):
        return "高"
    return "中"


def how_decided(item: Mapping[str, Any], *, min_score: float = 3.0,
                min_margin: float = 2.0) -> str:
    """How an item got its category, as the item page's header says it: 人工确认, or
    自动分类，把握：低."""
    words = decided_by_name(item.get("decided_by"))
    if item.get("decided_by") == "auto":
        words += "，把握：" + confidence(item.get("score"), item.get("margin"),
                                       needs_review=bool(item.get("needs_review")),
                                       min_score=min_score, min_margin=min_margin)
    return words


# -- times ---------------------------------------------------------------------------------------

def _parse(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        t = value
    else:
        try:
            t = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    # the store writes aware times; a naive one came from a UTC clock
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def when(value: str | datetime | None, empty: str = "-") -> str:
    """A stored time as Beijing time, ``2026-12-06 14:01``; a bare date stays a date."""
    if value is None or value == "":
        return empty
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return value.strip()
    t = _parse(value)
    return t.astimezone(BEIJING).strftime(TIME_FORMAT) if t else str(value)


def beijing_today(now: datetime) -> date:
    return now.astimezone(BEIJING).date()


def days_ago(value: str | datetime | None, now: datetime) -> int | None:
    t = _parse(value)
    return None if t is None else max(0, (now - t) // timedelta(days=1))


# -- the report deadline -------------------------------------------------------------------------

def report_year(now: datetime) -> int:
    """The year whose report is being prepared: last year's during January (Beijing time),
    the current year's otherwise."""
    return _report_year_on(beijing_today(now))


def _report_year_on(day: date) -> int:
    return day.year - 1 if day.month == 1 else day.year


def shown_year(now: datetime, years_with_items: Iterable[int | None],
               latest: str | date | None = None) -> tuple[int, str]:
    """The year a page opens on, and a hint when it is not ``report_year(now)``.

    That year, or, when it has no item at all (a demo, a restored backup), the year that was
    being reported when the newest item came out (``latest``, its date: the demo's run into
    January 2025, so 2024), else the latest year that has items."""
    year = report_year(now)
    years = {y for y in years_with_items if y is not None}
    if not years or year in years:
        return year, ""
    shown = max(years)
    try:
        day = date.fromisoformat(str(latest)[:10]) if latest else None
    except ValueError:
        day = None
    if day is not None and _report_year_on(day) in years:
        shown = _report_year_on(day)
    return shown, f"{year} 年还没有采集到信息，显示已有信息的 {shown} 年。"


def deadline_of(year: int, now: datetime) -> tuple[date, int]:
    """The 1月31日 publication deadline of ``year``'s report and the days left (negative: past)."""
    due = date(year + 1, 1, 31)
    return due, (due - beijing_today(now)).days


def deadline(now: datetime) -> tuple[date, int]:
    """The 1月31日 publication deadline of ``report_year(now)``'s report and the days left."""
    year = report_year(now)
    due = date(year + 1, 1, 31)
    return due, (due - beijing_today(now)).days


# -- source health -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Health:
    level: str           # ok | failing | quiet | never | disabled
    words: str           # 正常 / 连续 3 次失败：原因 / 超过 10 天没有新信息 / ...


def health(*, enabled: bool, streak: int, reason: str, last_success_at: str | None,
           last_new_at: str | None, quiet_after_days: int | None, now: datetime) -> Health:
    """A source's health in words. ``quiet_after_days``: how long it may go without a new item
    (the alerts' rhythm rule); None when it never had one."""
    if not enabled:
        return Health("disabled", "已停用")
    if streak:
        why = reason.strip() or "原因不明"
        head = "上次运行失败" if streak == 1 else f"连续 {streak} 次失败"
        return Health("failing", f"{head}：{why}")
    if not last_success_at:
        return Health("never", "还没有运行过")
    idle = days_ago(last_new_at, now) if last_new_at else None
    if idle is not None and quiet_after_days is not None and idle > quiet_after_days:
        return Health("quiet", f"超过 {idle} 天没有新信息")
    return Health("ok", "正常")
