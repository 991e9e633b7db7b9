"""Small text rules the pipeline applies to items: attribution (归属) and the title key that
groups cross-channel duplicates (the same 信息 on the website and on WeChat)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Mapping

# 【商务动态】, [转载], 〔图文〕 ... prefixes that WeChat editors add to a website headline
_TAG_PREFIX = re.compile(r"^\s*(?:[【\[〔（(][^】\]〕）)]{1,12}[】\]〕）)]\s*)+")
# "转载：", "转发|", "图文：" ... a short label before a colon or bar
_LABEL_PREFIX = re.compile(r"^\s*(?:转载|转发|转自|原创|图文|视频|快讯|速看|重磅|提醒|通知)\s*[:：|｜丨]\s*")
# RSSHub cuts long titles and appends "..." (wechat-feeds.md §2.1, F10)
_TRUNCATION = re.compile(r"(?:\.{3,}|…+|⋯+)\s*$")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)

# Appended to a key whose title was cut: the store then matches it as a prefix of a full title,
# and never mistakes a cut title for a complete one.
TRUNCATED_MARK = "…"


def title_key(title: str) -> str:
    """Normalized title for duplicate detection: NFKC, no tag prefixes or labels, no punctuation
    or space, lower case. A title cut short ("..." at the end) keeps ``TRUNCATED_MARK`` at the end
    of its key."""
    text = unicodedata.normalize("NFKC", title or "").strip()
    truncated = bool(_TRUNCATION.search(text))
    text = _TRUNCATION.sub("", text)
    for _ in range(3):   # 【商务动态】转载：... nests labels and brackets
        stripped = _LABEL_PREFIX.sub("", _TAG_PREFIX.sub("", text))
        if stripped == text or not stripped.strip():
            break
        text = stripped
    key = _NOISE.sub("", text).lower()
    return key + TRUNCATED_MARK if truncated and key else key


# -- attribution (归属) -----------------------------------------------------------------------------
#
# On a shared channel (attribution = "mention") an item is the bureau's when who published it says
# so. The order, each rule a case in tests/gongkai/test_attribution.py:
#
# 1. Fields first. A publisher field — 发布机构 / 发文机关 / 发布单位, 信息来源 / 来源 (the detail
#    page's 政府信息公开 block, gov-sites.md §3.2), a labelled value of the byline (§3.3), the byline
#    itself when it is only a name (a feed's author, a manual row's 来源 column), a "来源：…" or
#    "（…供稿）" line in the body — that names the bureau makes the item ours.
# 2. Then the text: title and body apart (never joined: the title's last character must not run
#    into the body's first), every line on its own, whitespace a boundary. The item's subject is
#    the body named at the head of the first clause that names one, in the title and in the body's
#    first sentence (the lead), once time words and lead-ins (近日，/ 3月5日上午，/ 记者从 / 据 /
#    由) are passed; an adverbial clause (在…下，/ 根据…，/ 为…，) has none.
#    - The bureau is that subject, or joined to it (区应急管理局联合区商务局, 区市场监管局、区商务局),
#      or hosts another body's visit (…到区商务局调研, 区商务局局长陪同): ours.
#    - A field named another body (发布机构 "区应急管理局") and the title and lead do not name the
#      bureau as above: not_ours. A portal's own office (区人民政府办公室) or a newsroom
#      (融媒体中心, 日报, …网) in 来源 says nothing: the district portal files the bureau's news
#      under 信息来源 卫滨区人民政府办公室 (gov-sites.md §4.2).
#    - Another body is the subject: not_ours. It is that body's report; the bureau attending its
#      meeting (…会议，区商务局局长参加) or named further down does not make it the bureau's.
#    - No subject: any mention of the bureau in title or body makes it ours, except as an attendee.
#    The bureau attending (参加 / 出席 / 列席 …) is its own news when it opens the sentence
#    (区商务局参加全市商务工作会议) and an attendee's mention when something was said before it
#    (全区安全生产工作会议召开，区商务局局长出席).
# 3. A name must be the bureau's own. The full name counts anywhere; a short alias (区商务局) only
#    after an accepted lead-in — start of a line, whitespace, punctuation, 我 / 本 / 全, 由 / 据 /
#    从 / 经 / 在 / 与 / 和 / 及, 联合 / 会同 / 携手 … — never as the end of another name (红旗区商务局,
#    牧野区商务局). Links to other articles (上一篇 / 下一篇, 相关链接, 往期推荐) are not the item's text.


@dataclass(frozen=True)
class Attribution:
    """An attribution (归属) decision: ``value`` is 'ours' or 'not_ours', ``reason`` says why in a
    sentence a reviewer can check against the item."""

    value: str
    reason: str


_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_LEVELS = "省市区县旗镇乡"
# Two-character words, then single characters, that may stand right before a short alias. 同 and
# 合 alone are not enough: 大同区 and 六合区 are districts with bureaus of their own.
_LEAD_WORDS = ("联合", "会同", "协同", "配合", "携手", "共同", "一同", "陪同", "连同", "关于", "对于",
               "来自", "前往", "来到", "走进", "深入", "莅临", "调研", "督导", "检查", "走访", "视察",
               "指导", "慰问")
_LEAD_CHARS = set("我本全该由与和及向对经据在是为请并从于给被让至到将、")
# Another organisation's name at the head of a clause: the shortest run of Han characters ending
# in a suffix. Words that end like one are not (布局, 格局, 委托, 大厅).
_ORG = re.compile(
    rf"[{_HAN}]{{1,14}}?(?P<suffix>人民政府办公室|人民政府|政府办公室|政府办|政府|办公室|办事处|委员会|"
    r"管理局|分局|(?<![布格开全大结当变破棋饭残赌])局|委(?![托屈婉])|中心|宣传部|组织部|统战部|"
    r"武装部|党工委|公司|集团|商会|协会|联合会|工会|妇联|法院|检察院|支队|大队|(?<!大)厅)")
_INSTITUTIONS = ("人民政府办公室", "人民政府", "政府办公室", "政府办", "政府", "办公室", "办事处", "委员会",
                 "管理局", "党工委", "公司", "集团", "商会", "协会", "联合会", "工会", "妇联", "法院",
                 "检察院")
# Who runs the channel or wrote the story, not who the item belongs to (see rule 2 above).
_CHANNEL_HOSTS = re.compile(
    r"(?:^|[省市区县旗])(?:人民)?政府(?:办公室|办)?$|融媒体中心$|新闻中心$|传媒中心$|信息中心$|"
    r"大数据中心$|宣传部$|网信办$|电视台$|报社?$|网$|本站|本网|原创")
_TIME = re.compile(
    rf"(?:[^{_HAN}A-Za-z]|[〇一二三四五六七八九十两]+[年月日号]|\d+(?:[年月日号时点]|月份)?|"
    r"今年以来|近年来|近日|日前|近期|目前|近来|最近|当天|当日|今天|昨天|昨日|今日|今年|去年|本月|本周|"
    r"上午|下午|中午|晚上|早上|凌晨|上旬|中旬|下旬|月初|月底|年初|年底|期间|以来|记者|笔者|据悉|"
    r"据了解|获悉|关于|对于|由|据|从|于)+")
_ADVERBIAL = re.compile(r"在|根据|按照|依照|依据|遵照|围绕|为了|为|随着|针对|经过|经|通过|结合|对照|本着|受")
_CONNECTORS = re.compile(r"(?:联合|会同|协同|配合|携手|共同|以及|同|与|和|及|、|并)+")
_VISITS = ("到", "赴", "走进", "深入", "莅临", "来到", "走访", "调研", "督导", "视察", "检查", "指导", "慰问")
_ATTENDS = re.compile(rf"[{_HAN}、]{{0,16}}?(?:参加|出席|列席|参会|到会|参与)")
_ACTS = re.compile(r"组织|带领|带队|率队|召开|举办|开展|主持|邀请|动员|牵头|推动|部署")
_SENTENCE_END = "。！？!?；;"
_CLAUSE_END = "，,：:"
# Where the item's own text ends: links to other articles and the footer of a page or a push.
_LINKS = re.compile(r"(?:^|(?<=\s))[【\[]?(?:上一篇|下一篇|上一条|下一条|相关链接|相关阅读|相关新闻|"
                    r"相关文章|推荐阅读|延伸阅读|往期回顾|往期推荐|热点推荐)", re.M)
# Lines of a body that are not its lead: a byline copied into the body, a photo credit, a prompt.
_NOT_LEAD = re.compile(r"(?:文|图|文图|摄影|来源|信息来源|发布时间|发布日期|作者|编辑|责任编辑|审核|时间|"
                       r"日期|字号)\s*[:：/]|点击|阅读原文|关注我们|扫码|长按")
_FIELD_LABELS = (("发布机构", "发布单位", "发文机关", "发文机构", "发文单位"),
                 ("信息来源", "文章来源", "稿件来源", "来源单位", "来源", "供稿单位", "供稿"),
                 ("作者", "撰稿", "责任编辑", "编辑"))
_BYLINE_FIELD = re.compile(
    "(?P<label>" + "|".join(r"\s*".join(label) for group in _FIELD_LABELS
                            for label in sorted(group, key=len, reverse=True))
    + r")\s*[:：]\s*(?P<value>[^\s:：|｜]*)")
_NEXT_LABEL = re.compile(r"发布|时间|日期|作者|浏览|访问|点击|字号|编辑|责任|来源")
_BODY_SOURCE = re.compile(rf"(?:信息来源|文章来源|稿件来源|来源|供稿单位|供稿)\s*[:：]\s*"
                          rf"(?P<value>[{_HAN}、]{{2,30}})|[（(](?P<credit>[{_HAN}、]{{2,30}}?)供稿[）)]")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@dataclass(frozen=True)
class _Line:
    """One line with its whitespace taken out; ``breaks`` are where whitespace stood, boundaries a
    name may start at (the layout space in "卫滨区 商务局" joins, a line break never does)."""

    text: str
    breaks: frozenset[int]

    @classmethod
    def of(cls, line: str) -> _Line:
        out: list[str] = []
        breaks: set[int] = set()
        for ch in line:
            if ch.isspace():
                breaks.add(len(out))
            else:
                out.append(ch)
        return cls("".join(out), frozenset(breaks))

    def ranges(self, ends: str, start: int = 0, stop: int | None = None,
               at_breaks: bool = False) -> list[tuple[int, int]]:
        """The pieces of text[start:stop] between the characters ``ends`` (and whitespace when
        ``at_breaks``), each keeping its end mark."""
        stop = len(self.text) if stop is None else stop
        out, a = [], start
        for i in range(start, stop):
            if self.text[i] in ends or (at_breaks and i + 1 in self.breaks and i + 1 < stop):
                out.append((a, i + 1))
                a = i + 1
        if a < stop:
            out.append((a, stop))
        return out


class _Names:
    """The bureau's names and where a text names the bureau itself (rule 3)."""

    def __init__(self, aliases: tuple[str, ...]) -> None:
        names = list(dict.fromkeys(n for n in map(_squash, aliases) if n))
        self.names = sorted(names, key=len, reverse=True)
        # A name that ends another of them, or starts with a bare level (区商务局), can end a
        # different body's name; the full name (卫滨区商务局) cannot.
        self.short = {n for n in names
                      if n[0] in _LEVELS or any(o != n and o.endswith(n) for o in names)}

    def spans(self, line: _Line) -> list[tuple[int, int]]:
        out = set()
        for name in self.names:
            start = line.text.find(name)
            while start != -1:
                if name not in self.short or self._lead_ok(line, start):
                    out.add((start, start + len(name)))
                start = line.text.find(name, start + 1)
        return sorted(out)

    @staticmethod
    def _lead_ok(line: _Line, start: int) -> bool:
        if start == 0 or start in line.breaks:
            return True
        before = line.text[start - 1]
        return (not _is_han(before) or before in _LEAD_CHARS
                or line.text[:start].endswith(_LEAD_WORDS))

    def in_text(self, text: str) -> bool:
        return any(self.spans(_Line.of(line)) for line in text.splitlines())


def _other_body(value: str, names: _Names) -> str:
    """The name of another organisation that ``value`` (a field's value) is, or ''."""
    for part in re.split(r"[、,，/;；\s]+", unicodedata.normalize("NFKC", value)):
        part = part.strip("()（）[]【】《》“”\"'")
        m = _ORG.fullmatch(part)
        if m and _plausible(m) and not _CHANNEL_HOSTS.search(part) and not names.in_text(part):
            return part
    return ""


def _plausible(m: re.Match) -> bool:
    """An organisation's name, not a word that happens to end like one: a level (区, 市 …) before
    the suffix, or a suffix only an institution has."""
    name = m.group()[: m.start("suffix") - m.start()]
    return any(c in _LEVELS for c in name) or m.group("suffix") in _INSTITUTIONS


def _fields(fields: Mapping[str, str] | None, byline: str, body: str) -> list[tuple[str, str]]:
    """(label, value) of everything that says who published the item, strongest first."""
    fields = fields or {}
    out = [(label, str(fields[label]).strip()) for group in _FIELD_LABELS for label in group
           if str(fields.get(label) or "").strip()]
    line = unicodedata.normalize("NFKC", byline or "")
    labelled = list(_BYLINE_FIELD.finditer(line))
    for m in labelled:
        value = _NEXT_LABEL.split(m.group("value"))[0]
        if value:
            out.append(("byline " + "".join(m.group("label").split()), value))
    if line.strip() and not labelled:
        out.append(("byline", line.strip()))
    for m in _BODY_SOURCE.finditer(unicodedata.normalize("NFKC", body)):
        out.append(("body's 来源 line", m.group("value") or m.group("credit")))
    return out


@dataclass(frozen=True)
class _Head:
    """Who a clause is about: the bureau ('ours') or another body ('other')."""

    kind: str
    name: str               # as written
    end: int                # where the name ends in its line
    joined: str = ""        # ours: "" (the subject itself), "joined to X", "hosting"
    attends: bool = False   # ours: what it does is 参加 / 出席 / 列席 …


class _Reading:
    """A title or a body read for the bureau: its subject and its mentions (rule 2)."""

    def __init__(self, text: str, names: _Names, *, title: bool, skip: str = "") -> None:
        self.names = names
        self.lines = [_Line.of(line) for line in text.splitlines() if line.strip()]
        self.title = title   # a title's words are often set apart by spaces alone
        self.skip = skip     # the body's lead is not the title repeated

    def sentences(self):
        """(line, the bureau's names in it, the clauses of one of its sentences) in order."""
        for line in self.lines:
            spans = self.names.spans(line)
            for a, b in line.ranges(_SENTENCE_END):
                yield line, spans, line.ranges(_CLAUSE_END, a, b, at_breaks=self.title)

    def lead(self):
        """The clauses of the title, or of the body's first sentence."""
        for line, spans, clauses in self.sentences():
            if self.title:
                return line, spans, clauses
            text = line.text[clauses[0][0]: clauses[-1][1]]
            if (sum(map(_is_han, text)) >= 6 and not _NOT_LEAD.match(text)
                    and text.rstrip(_SENTENCE_END) != self.skip):
                return line, spans, clauses
        return None

    def subject(self) -> tuple[_Head | None, _Head | None]:
        """(the head of the lead's first clause that has one, the bureau joined to or hosting
        another body anywhere in the lead)."""
        lead = self.lead()
        if lead is None:
            return None, None
        line, spans, clauses = lead
        first = joined = None
        for i, (a, b) in enumerate(clauses):
            head = _head(line, spans, a, b)
            if head and head.attends and _said_before(line, clauses, i):
                head = None     # …会议召开，区商务局局长出席: an attendee, not the subject
            if first is None and head is not None:
                first = head
            if head is not None and head.kind == "other":
                joined = joined or _joined(line, spans, head, b)
            joined = joined or _hosting(line, spans, a, b)
        return first, joined

    def mentions(self) -> tuple[str, str]:
        """(a clause naming the bureau as more than an attendee, a clause naming it only as one)."""
        counted = attending = ""
        for line, spans, clauses in self.sentences():
            for i, (a, b) in enumerate(clauses):
                for s, e in spans:
                    if not a <= s < b:
                        continue
                    clause = line.text[a:b].rstrip(_CLAUSE_END + _SENTENCE_END)
                    head = None if _said_before(line, clauses, i) else _head(line, spans, a, b)
                    if _attends(line.text, e, b) and not (head and head.kind == "ours"):
                        attending = attending or clause
                    else:
                        counted = counted or clause
        return counted, attending


def _said_before(line: _Line, clauses: list[tuple[int, int]], i: int) -> bool:
    """Whether a clause before the i-th of a sentence says something (not only 3月5日，/ 近日，)."""
    for a, b in clauses[:i]:
        m = _TIME.match(line.text, a, b)
        if (m.end() if m else a) < b:
            return True
    return False


def _head(line: _Line, spans: list[tuple[int, int]], a: int, b: int) -> _Head | None:
    """Who is named at the head of clause text[a:b], past time words and lead-ins."""
    text = line.text
    m = _TIME.match(text, a, b)
    pos = m.end() if m else a
    if pos >= b or _ADVERBIAL.match(text, pos, b):
        return None
    org = _ORG.match(text, pos, b)
    org = org if org and _plausible(org) else None
    end = org.end() if org else pos + 1
    for s, e in spans:
        if pos <= s < end:
            return _Head("ours", text[s:e], e, attends=_attends(text, e, b))
    return _Head("other", org.group(), org.end()) if org else None


def _joined(line: _Line, spans, head: _Head, b: int) -> _Head | None:
    """The bureau joined to the other body at the head: 区应急管理局联合区商务局, X、Y、区商务局."""
    text, end = line.text, head.end
    while (c := _CONNECTORS.match(text, end, b)) is not None:
        for s, e in spans:
            if s == c.end():
                return _Head("ours", text[s:e], e, joined=f"joined to {head.name}")
        org = _ORG.match(text, c.end(), b)
        if not org or not _plausible(org):
            return None
        end = org.end()
    return None


def _hosting(line: _Line, spans, a: int, b: int) -> _Head | None:
    """The bureau visited or accompanying: …到区商务局调研, 区商务局局长陪同."""
    for s, e in spans:
        if a <= s < b and (line.text[a:s].endswith(_VISITS) or "陪同" in line.text[e:b]):
            return _Head("ours", line.text[s:e], e, joined="hosting")
    return None


def _attends(text: str, end: int, b: int) -> bool:
    m = _ATTENDS.match(text, end, b)
    return m is not None and not _ACTS.search(m.group())


def attribution_of(mode: str, aliases: tuple[str, ...], title: str = "", body: str = "",
                   byline: str = "", *, fields: Mapping[str, str] | None = None) -> Attribution:
    """Whether an item is the bureau's (归属) and why: 'ours' on a source that carries only the
    bureau's items (mode 'all'); on a shared channel (mode 'mention') by its fields, then its
    title and body, as the rules above this function say. ``fields`` are the detail page's
    政府信息公开 fields (``Item.extra["fields"]``: 发布机构, 来源 …)."""
    if mode == "all":
        return Attribution("ours", "the source carries only the bureau's items (attribution = all)")
    names = _Names(aliases)
    text = unicodedata.normalize("NFKC", title or "")
    full = unicodedata.normalize("NFKC", body or "")
    cut = _LINKS.search(full)
    own = full[: cut.start()] if cut else full
    evidence = _fields(fields, byline, own)
    for label, value in evidence:
        if names.in_text(value):
            return Attribution("ours", f"{label} “{value}” names the bureau")
    other = next(((label, name) for label, value in evidence
                  if (name := _other_body(value, names))), None)
    t = _Reading(text, names, title=True)
    b = _Reading(own, names, title=False, skip=_squash(text))
    (t_head, t_joined), (b_head, b_joined) = t.subject(), b.subject()
    heads = [("the title", h) for h in (t_head, t_joined) if h] + \
            [("the lead", h) for h in (b_head, b_joined) if h]
    some_other = next((f"{where}'s subject is {h.name}" for where, h in heads
                       if h.kind == "other"), "")
    for where, h in heads:
        if h.kind == "ours" and not (h.attends and some_other):
            how = {"": "as its subject", "hosting": "as host"}.get(h.joined, h.joined)
            why = f"{where} names the bureau {how} (“{h.name}”)"
            if other:
                why = f"{other[0]} is {other[1]}, but {why}"
            return Attribution("ours", why)
    if other:
        return Attribution("not_ours", f"{other[0]} is {other[1]}, another body, and neither the "
                                       "title nor the lead names the bureau as co-publisher")
    counted, attending = t.mentions()
    more, attends_too = b.mentions()
    counted, attending = counted or more, attending or attends_too
    if some_other:
        named = ("the bureau is only an attendee (“%s”)" % attending if attending and not counted
                 else "the bureau is named only further down" if counted
                 else "the bureau is not named")
        return Attribution("not_ours", f"another body's report: {some_other}; {named}")
    if counted:
        return Attribution("ours", f"names the bureau: “{counted}”")
    if attending:
        return Attribution("not_ours", f"the bureau is named only as an attendee: “{attending}”")
    if cut and names.in_text(full[cut.start():]):
        return Attribution("not_ours", "the bureau is named only in links to other articles "
                                       f"(“{_squash(full[cut.start():])[:16]}…”)")
    return Attribution("not_ours", "no field, title or body names the bureau")


def attribute(mode: str, aliases: tuple[str, ...], title: str = "", body: str = "",
              byline: str = "", *, fields: Mapping[str, str] | None = None) -> str:
    """'ours' or 'not_ours': :func:`attribution_of` without the reason."""
    return attribution_of(mode, aliases, title, body, byline, fields=fields).value
