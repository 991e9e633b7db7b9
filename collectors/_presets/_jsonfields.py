"""Which field of a JSON record means what (datafile.py): the title, the link and the
publication date, chosen by what a field's name means, not by one name — see datafile.py's
docstring for the shapes and the ranking (published beats generic beats written/created)."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .._dates import parse_date

SAMPLE = 50            # records looked at to decide which fields mean what


def norm(key: str) -> str:
    return re.sub(r"[\s_\-]", "", str(key)).lower()


# -- which field means what ---------------------------------------------------------------------

_TITLE_EXACT = {"title", "doctitle", "filetitle", "articletitle", "infotitle", "filename", "wjmc",
                "wjbt", "biaoti", "bt", "标题", "文件名称", "名称", "题名", "信息名称"}
_TITLE_WORDS = ("title", "标题", "名称", "题名")
_TITLE_WEAK = {"name", "topic", "subject", "headline"}

_URL_EXACT = {"url", "docpuburl", "posturl", "link", "href", "detailurl", "articleurl", "pageurl",
              "htmlurl", "linkurl", "infourl", "puburl", "链接", "地址", "网址", "详情地址"}
_URL_WORDS = ("url", "link", "href", "链接", "地址")
# Links beside the record's own page: pictures, media, attachments.
_URL_NOT = ("pic", "img", "image", "icon", "thumb", "cover", "logo", "video", "audio", "attach",
            "download", "附件")
_LINKISH = re.compile(r"^(?:https?:)?//|^\.{0,2}/|\.(?:s?html?|jsp|aspx?|php|do|pdf|docx?|wps|ofd)"
                      r"(?:[?#]|$)", re.I)

# Dates that are not the publication.
_DATE_NOT = ("effect", "efect", "abol", "expir", "deadline", "valid", "updat", "modif", "lastmod",
             "enddate", "endtime", "startdate", "starttime", "截止", "失效", "废止", "生效", "实施",
             "更新", "修改", "有效")
_DATE_PUBLISHED = ("reltime", "release", "relpub", "publish", "fbrq", "fbsj", "发布", "公开日期",
                   "公开时间", "上网", "posttime", "onlinetime", "showtime", "displaytime")
_DATE_WRITTEN = ("cwrq", "成文", "write", "fwrq", "发文", "sign", "create", "crtime", "input",
                 "录入", "创建", "scrq", "生成")
_DATE_GENERIC = ("date", "time", "rq", "sj", "日期", "时间")

def _title_rank(key: str) -> int | None:
    k = norm(key)
    if k in _TITLE_EXACT:
        return 0
    if k.startswith("sub") or "color" in k or "img" in k or "pic" in k:
        return None       # SUB_TITLE is a second line, titleColor a style
    if any(w in k for w in _TITLE_WORDS):
        return 1
    return 2 if k in _TITLE_WEAK else None


def _url_rank(key: str) -> int | None:
    k = norm(key)
    if k in _URL_EXACT:
        return 0
    if any(w in k for w in _URL_NOT):
        return None
    return 1 if any(w in k for w in _URL_WORDS) else None


def _date_tier(key: str) -> int | None:
    """1: published/released, 2: generic, 3: written/created; None: not a publication date."""
    k = norm(key)
    if any(w in k for w in _DATE_NOT):
        return None
    if any(w in k for w in _DATE_PUBLISHED):
        return 1
    if any(w in k for w in _DATE_WRITTEN):
        return 3
    return 2


def _dateish(key: str) -> bool:
    k = norm(key)
    return any(w in k for w in _DATE_PUBLISHED + _DATE_WRITTEN + _DATE_GENERIC)


def as_date(value: Any) -> tuple[str, datetime | None]:
    """A date value as written, and its instant. Epoch numbers (gkmlpt) are seconds or ms."""
    if isinstance(value, bool) or value is None:
        return "", None
    if isinstance(value, (int, float)):
        text = str(int(value))
        return text, parse_date(text)
    if not isinstance(value, str):
        return "", None
    text = " ".join(value.split())
    return text, parse_date(text)


def as_text(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    # Titles carry <br/>, <em> from search highlighting, and entities.
    text = re.sub(r"<[^>]{0,200}>", "", html.unescape(value))
    return " ".join(text.replace("\xa0", " ").split())


@dataclass
class _Fields:
    titles: list[str]
    urls: list[str]
    dates: list[str]        # the chosen tier's keys, best first


def fields_of(records: list[dict]) -> _Fields:
    keys: dict[str, None] = {}
    for rec in records[:SAMPLE]:
        keys.update(dict.fromkeys(rec))
    titles = sorted((k for k in keys if _title_rank(k) is not None), key=_title_rank)
    urls = sorted((k for k in keys if _url_rank(k) is not None), key=_url_rank)
    dated: dict[int, list[str]] = {}
    for k in keys:
        tier = _date_tier(k)
        if tier is None or k in titles or k in urls:
            continue
        values = [rec.get(k) for rec in records[:SAMPLE] if rec.get(k) not in (None, "")]
        if not _dateish(k):
            # Under any other name only written dates count: a 10-digit id is not an epoch.
            values = [v for v in values if not isinstance(v, (int, float)) and not str(v).isdigit()]
        hits = sum(1 for v in values if as_date(v)[1] is not None)
        # A field is a date when its values are dates; a date-like name with other values
        # (``timeliness``) is not.
        if values and hits * 2 >= len(values):
            dated.setdefault(tier, []).append(k)
    # Published beats generic within the same records; written/created only when nothing else.
    chosen = (dated.get(1, []) + dated.get(2, [])) or dated.get(3, [])
    return _Fields(titles, urls, chosen)


def first_of(rec: dict, keys: list[str], pick) -> Any:
    for k in keys:
        value = pick(rec.get(k))
        if value:
            return value
    return None


def link_of(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    value = html.unescape(value).strip()
    if not value or value.lower().startswith(("javascript:", "mailto:", "#")):
        return ""
    return value if _LINKISH.search(value) else ""
