"""Reading a headline for the duplicate detector (gongkai.dupes): cleaned of series labels and
bridge cuts, compared by bigrams, and what it says that tells two 信息 apart — the body it opens
with, the places it names, the numbers of a notice, the stage of a list (拟…公示 or 结果), an
explainer (解读), a meeting notice."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .matching import TRUNCATED_MARK, title_key

# Entries each cache keeps within one placing pass (clear_caches empties them after it): a
# headline's bigrams take about 2 KB, so a pass of a district's first crawl stays near 30 MB.
_CACHED = 16384

MIN_PREFIX = 10            # a headline cut by a bridge must keep this much to match a full one
_SERIES = re.compile(r"^[^｜|丨]{1,10}[｜|丨]")                 # 消费提示｜… 守护节日平安｜…
# A year in a headline: before 年, or in brackets (（2024）, 〔2024〕), or ending it — not the
# 2000 of 最高补贴2000元.
_YEAR = re.compile(r"(?:19|20)\d{2}(?=年)|(?<=[〔\[(【])(?:19|20)\d{2}|(?:19|20)\d{2}$")
_IDENT_NUMBER = re.compile(r"第?([〇零一二三四五六七八九十百\d]+)(?:号|期|批|季度|次|届|轮|条|版)")
_ANY_NUMBER = re.compile(r"\d+|[〇零一二三四五六七八九十百千]+(?=[号期批次季届轮条版部篇])")
_PAREN_NUMBER = re.compile(r"[(（]([〇一二三四五六七八九十\d]{1,3})[)）]\s*$")    # 企业走访（三）
_QUARTER = re.compile(r"([一二三四1-4])季度|上半年|下半年|前三季度")
_PLACE = re.compile(r"[\u4e00-\u9fa5]{2,3}?(?:镇|乡|街道|社区)(?![\u4e00-\u9fa5]{0,1}(?:政府|办事处))")
# 返乡, 城乡, 乡镇, 全区各镇, 属地街道, 义诊进乡: words of the prose, not a town
_NOT_TOWN = re.compile(r"(?:城|返|进|下|回|各|乡|属地|所在|辖区)(?:镇|乡|街道|社区)$")
_LEAD_WORD = re.compile(r"^[在到赴于至入对和与及向从经]")      # 在城关镇, 到城关镇: 城关镇
_EXPLAINER = re.compile(r"解读|读懂|图解|答记者问|问答")
_MEETING_NOTICE = re.compile(r"关于(?:召开|举办|组织召开).{0,40}的通知|会(?:议)?通知$")
# The body a headline is about when it opens with one: 区商务局开展…, 卫滨区应急管理局召开…
_TITLE_ORG = re.compile(r"^([\u4e00-\u9fa5]{2,12}?(?:局|委员会|办公室|中心|人民政府|街道办事处|大队|支队))"
                        r"(?=[\u4e00-\u9fa5])")


def towns(text: str) -> frozenset[str]:
    """The towns (镇, 乡, 街道, 社区) a text names, without the word before them (在, 到, 赴)."""
    found = set()
    for name in _PLACE.findall(text):
        if _NOT_TOWN.search(name):
            continue
        kind = 2 if name.endswith(("街道", "社区")) else 1
        bare = _LEAD_WORD.sub("", name)
        found.add(bare if len(bare) - kind >= 2 else name)
    return frozenset(found)


def clear_caches() -> None:
    """Forget the headlines read so far. The caches below serve one pass of the detector (an item
    against the candidates around it); kept across the daemon's passes they only filled towards
    their caps — subjects_differ's pairs holding a fresh copy of both headlines each time, _bigrams
    a set per headline — and the daemon's heap grew with every new headline (issue 17 #5)."""
    for cached in (_bigrams, _numbers, title_org, subjects_differ, _skeleton):
        cached.cache_clear()


def _nfkc(text: str) -> str:
    # most text is already NFKC: the check runs in C and saves most of the normalising
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def clean_title(title: str) -> str:
    key = title_key(_SERIES.sub("", _nfkc(title or "").strip()))
    return key or title_key(title)


@lru_cache(maxsize=_CACHED)
def _bigrams(text: str) -> frozenset[str]:
    return frozenset({text[i:i + 2] for i in range(len(text) - 1)} or ({text} if text else set()))


def title_similarity(a: str, b: str) -> float:
    """1.0 for equal or one-cut-from-the-other headlines, else bigram overlap of the shorter."""
    cut = a.endswith(TRUNCATED_MARK) or b.endswith(TRUNCATED_MARK)
    a, b = a.rstrip(TRUNCATED_MARK), b.rstrip(TRUNCATED_MARK)
    if not a or not b:
        return 0.0
    if a == b or (cut and (a.startswith(b) or b.startswith(a)) and min(len(a), len(b)) >= MIN_PREFIX):
        return 1.0
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / min(len(x), len(y))


@lru_cache(maxsize=_CACHED)
def _numbers(title: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    text = _nfkc(title or "")
    return (frozenset(_YEAR.findall(text)), frozenset(_IDENT_NUMBER.findall(text)),
            frozenset(_QUARTER.findall(text)))


@lru_cache(maxsize=_CACHED)
def title_org(title: str) -> str:
    """The body a headline opens with (区商务局, 卫滨区应急管理局); two name one body when one
    ends the other (卫滨区商务局 and 区商务局)."""
    text = _SERIES.sub("", _nfkc(title or "").strip())
    text = re.sub(r"^\s*(?:[【\[〔(（][^】\]〕)）]{1,12}[】\]〕)）]\s*)+", "", text)
    m = _TITLE_ORG.match(text)
    return m.group(1) if m else ""


def same_org(a: str, b: str) -> bool:
    """Two names of one body: one ends the other (卫滨区商务局, 区商务局), or one names the place
    without its level (澄阳商务局) and ends with the other's body (商务局), or one is the other's
    short name (县人社局 for 县人力资源和社会保障局). 市商务局 and 区商务局 stay two bodies."""
    if a.endswith(b) or b.endswith(a):
        return True
    stem = lambda n: re.split(r"[区县市]", n)[-1]   # noqa: E731
    if not re.search(r"[区县市]", a) or not re.search(r"[区县市]", b):
        return len(stem(a)) >= 2 and len(stem(b)) >= 2 and (
            a.endswith(stem(b)) or b.endswith(stem(a)) or short_name(stem(a), stem(b)))
    place_a, place_b = a[:-len(stem(a))], b[:-len(stem(b))]
    if place_a[-1:] != place_b[-1:]:
        return False
    # 县经商信局 and 枫渚县经济商务和信息化局: one level, the place said by one only
    return (place_a.endswith(place_b) or place_b.endswith(place_a)) and short_name(stem(a), stem(b))


def short_name(a: str, b: str) -> bool:
    """One name is the other's short form (简称): it takes characters of the full name in their
    order, from its first character to its kind (局, 委), from more than its first words: 人社局
    of 人力资源和社会保障局, 市场监管局 of 市场监督管理局, 经信局 of 经济和信息化局. 商务局 is
    no short form of 经济商务局 (the first character differs) nor of 商务和投资促进局 (only its
    first words: another body may be called so)."""
    short, full = (a, b) if len(a) < len(b) else (b, a)
    if len(short) < 3 or len(short) == len(full) or short[0] != full[0] or short[-1] != full[-1]:
        return False
    if full.startswith(short[:-1]):
        return False
    rest = iter(full)
    return all(ch in rest for ch in short)


@lru_cache(maxsize=_CACHED)
def subjects_differ(ka: str, kb: str) -> str:
    """Why two headlines of one frame name two subjects, or "": the same words before and after
    (县商务局关于做好2025年度 … 项目申报的通知; 张局长带队走访 … 等企业) around two middles
    with no two characters in common — 老字号认定 vs 电子商务示范企业, one firm vs another. A
    headline reworded for another channel changes the frame or keeps words of the middle.
    ``ka``, ``kb``: the headlines as ``clean_title`` gives them."""
    if not ka or not kb or ka.endswith(TRUNCATED_MARK) or kb.endswith(TRUNCATED_MARK):
        return ""
    ka, kb = ka.replace("的", ""), kb.replace("的", "")     # a board's short headline drops 的
    head = len(_common_prefix(ka, kb))
    tail = len(_common_prefix(ka[head:][::-1], kb[head:][::-1]))
    mid_a, mid_b = ka[head:len(ka) - tail], kb[head:len(kb) - tail]
    if not head or not tail or head + tail < MIN_FRAME or min(len(_han(mid_a)), len(_han(mid_b))) < MIN_SUBJECT:
        return ""
    if _bigrams(mid_a) & _bigrams(mid_b):
        return ""
    return f"one headline frame, other subjects ({mid_a} vs {mid_b})"


MIN_FRAME = 6              # characters of shared frame around the two subjects
MIN_SUBJECT = 4            # Han characters each subject must have to be one (not a name or a word)


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _han(text: str) -> str:
    return re.sub(r"[^\u4e00-\u9fa5]", "", text)


def numbers_one_sided(a: str, b: str) -> bool:
    """One headline numbers its notice (第二批, 第3期) and the other does not."""
    return bool(_numbers(a)[1]) != bool(_numbers(b)[1])


@lru_cache(maxsize=_CACHED)
def _skeleton(title: str) -> tuple[str, tuple[str, ...]]:
    """A headline without its numbers, and the numbers in order: 区商务局开展促消费活动（1） and
    …（2） share the skeleton and differ in the numbers."""
    text = clean_title(title)
    return _ANY_NUMBER.sub("#", text), tuple(_ANY_NUMBER.findall(text))


def numbers_conflict(a: str, b: str) -> str:
    """Why two headlines name different notices ("第15号" vs "第16号", 2023 vs 2024, the same
    headline numbered 1 and 2), or ""."""
    pa, pb = _PAREN_NUMBER.search(_nfkc(a or "")), _PAREN_NUMBER.search(_nfkc(b or ""))
    if pa and pb and pa.group(1) != pb.group(1):
        return f"parts of a series numbered differently ({pa.group(1)} vs {pb.group(1)})"
    (ska, nsa), (skb, nsb) = _skeleton(a), _skeleton(b)
    if ska == skb and nsa != nsb:
        return f"the same headline numbered differently ({'/'.join(nsa)} vs {'/'.join(nsb)})"
    ya, na, qa = _numbers(a)
    yb, nb, qb = _numbers(b)
    if ya and yb and not ya & yb:
        return f"years differ ({'/'.join(sorted(ya))} vs {'/'.join(sorted(yb))})"
    if na and nb and na != nb:
        return f"numbers differ ({'/'.join(sorted(na))} vs {'/'.join(sorted(nb))})"
    if qa and qb and qa != qb:
        return "periods differ"
    return ""


# The text of a list put up for objection asks for it (现予以公示, 特此公示); the outcome's text
# says the objection time has passed (经公示无异议, 公示期内未收到异议) and announces (予以公告).
_DRAFT_TEXT = re.compile(r"予以?公示|特此公示")
_FINAL_TEXT = re.compile(r"(?<!如)(?<!若)(?:公示期内|公示期间)未收到.{0,4}异议|经公示无异议|予以?公告|特此公告")


def _phase(title: str, body: str = "") -> str:
    """Where a notice stands: a draft put up for objection (拟…公示, 征求意见) or the outcome
    (…名单公布, 名单公告, 结果): the 公示 of 第三批 and its 公布 are two 信息. A headline that says
    neither (a WeChat hook) is read by its text: the one asking for objections, the other saying
    the objection time is over."""
    text = _nfkc(title or "")
    if re.search(r"拟|征求意见", text):     # 备案情况公示 alone is a list, not a draft
        return "draft"
    if re.search(r"公布|结果|获批|下达|名单的?公告|确定", text):
        return "final"
    words = _nfkc(body or "")
    draft, final = bool(_DRAFT_TEXT.search(words)), bool(_FINAL_TEXT.search(words))
    if draft != final and re.search(r"名单|企业|项目", words):
        return "draft" if draft else "final"
    return ""
