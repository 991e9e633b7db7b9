"""Manual channels (the bulletin board 政务信息公开栏 and anything else nobody can crawl): one entry
from the command line, or a spreadsheet of entries.

Spreadsheet layout (every sheet of an .xlsx whose headers are recognised, see board_sheets; or a
.csv in UTF-8, UTF-8 with BOM or GBK): the header row (row 1, or below a title row), then one 信息
a row; a total row (合计, 小计, 共N条) is skipped and said. Headers may be Chinese or English, in
any order:

======================  ============================  =========
column                  accepted headers              required
======================  ============================  =========
title                   标题 / 题目 / title            yes
date                    发布日期 / 日期 / 公示日期 / date  yes (2024-03-05, 2024/3/5, 2024年3月5日, an Excel date)
time                    时间 / time                    no (09:30)
body                    正文 / 内容 / 事项 / body      no (内容/事项 is the title with no 标题 column)
url                     链接 / 网址 / url              no
byline                  来源 / 发布机构 / byline       no
======================  ============================  =========

A file with any bad row imports nothing (unless the caller skips bad rows): a missing title, a date
that is missing, unreadable or in the future, or a row repeating an earlier row of the file. The
identity of a manual item is a hash of source + normalized title + date, so importing the same file
again adds nothing.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Iterable, Iterator

import collectors

from . import xlsx_limits
from .cleantext import clean_line, clean_text

# An import is untrusted: checked against these before and while it is read (issue 15 #3).
MAX_FILE_BYTES = xlsx_limits.MAX_FILE_BYTES
MAX_ROWS = xlsx_limits.MAX_ROWS
MAX_COLUMNS = xlsx_limits.MAX_COLUMNS
MAX_CELL = xlsx_limits.MAX_CELL
MAX_TEXT = 10_000_000            # characters in all cells: what the checked entries will hold
MAX_LINE = MAX_COLUMNS * (MAX_CELL + 3)   # one CSV line, before the csv module splits it
MAX_TITLE = 500
FUTURE_SLACK = timedelta(minutes=5)

TEMPLATE_HEADERS = ("标题", "发布日期", "时间", "正文", "链接", "来源")
_HEADERS = {
    "title": ("标题", "题目", "信息标题", "文章标题", "名称", "title", "headline"),
    "date": ("发布日期", "日期", "发布时间", "公开日期", "公示日期", "张贴日期", "张贴时间", "date", "published",
             "pubdate", "publishdate", "publisheddate"),
    "time": ("时间", "time"),
    "body": ("正文", "内容", "正文内容", "摘要", "事项", "body", "content", "text"),
    "url": ("链接", "网址", "原文链接", "url", "link"),
    "byline": ("来源", "发布机构", "发布单位", "作者", "byline", "author", "source"),
}
_IGNORED = ("序号", "编号", "备注", "说明", "no", "id", "note", "notes", "remark", "remarks")
_LOOKUP = {alias: name for name, aliases in _HEADERS.items() for alias in aliases}
_HINT = re.compile(r"[(（\[【].*?[)）\]】]")
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")
_IDENTITY_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
_EXCEL_EPOCH = date(1899, 12, 30)


class ManualError(ValueError):
    """A file or entry that cannot be imported; the message names the file or the field."""


@dataclass(frozen=True)
class Entry:
    """One manual 信息, checked and ready to store. ``row`` is the spreadsheet row (0: `add`)."""

    title: str
    published_at: datetime          # aware, Beijing time; midnight when only the date is known
    date_raw: str
    body: str = ""
    url: str = ""
    byline: str = ""
    row: int = 0
    has_time: bool = False
    sheet: str = ""                 # the sheet of a workbook of several
    sheet_year: int = 0             # the year its sheet sets against its date (0: none)

    @property
    def day(self) -> date:
        return collectors.beijing_date(self.published_at)


@dataclass
class Plan:
    """What a file holds: good entries, and one message per bad row (row number first)."""

    path: str
    entries: list[Entry] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)     # rows skipped on purpose (totals)
    sheets: list[str] = field(default_factory=list)    # each sheet read or skipped, and why


def manual_key(source_id: str, title: str, day: date) -> str:
    """The identity of a manual item. Frozen on purpose: changing this normalization would make
    every earlier import look new and double the board's count."""
    norm = _IDENTITY_NOISE.sub("", unicodedata.normalize("NFKC", title)).lower()
    digest = hashlib.sha256(f"{source_id}\x1f{norm}\x1f{day.isoformat()}".encode()).hexdigest()
    return f"manual:{digest[:24]}"


# -- one entry ---------------------------------------------------------------------------------

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).replace("\u3000", " ").split()) if not isinstance(value, str) \
        else value.strip()


def parse_day(value: Any) -> tuple[datetime, bool, str]:
    """A date cell -> (Beijing datetime, whether it carries a time, the raw text). ManualError
    when it is not a date: a bad date is reported, never guessed."""
    if isinstance(value, datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=collectors.BEIJING)
        return dt.astimezone(collectors.BEIJING), value.time() != time(0), value.isoformat(sep=" ")
    if isinstance(value, date):
        return datetime.combine(value, time(0), collectors.BEIJING), False, value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # a date pasted as a value into a General-formatted Excel cell becomes its serial number
        if 36526 <= value < 73051:   # 2000-01-01 .. 2099-12-31
            day = _EXCEL_EPOCH + timedelta(days=int(value))
            return datetime.combine(day, time(0), collectors.BEIJING), False, f"excel:{value}"
        value = _text(value)
    text = _text(value)
    if not text:
        raise ManualError("missing date")
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    elif re.fullmatch(r"\d{10}|\d{13}", text):
        raise ManualError(f"bad date {text!r} (write it like 2024-03-05)")
    dt = collectors.parse_date(text)
    if dt is None:
        raise ManualError(f"bad date {text!r} (write it like 2024-03-05)")
    has_time = bool(re.search(r"\d[:：时]\d", text))
    return dt, has_time, text


def parse_time(value: Any) -> time | None:
    if isinstance(value, time):
        return value
    if isinstance(value, datetime):
        return value.time()
    text = _text(value)
    if not text:
        return None
    m = _TIME.fullmatch(unicodedata.normalize("NFKC", text))
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59 or int(m.group(3) or 0) > 59:
        raise ManualError(f"bad time {text!r} (write it like 09:30)")
    return time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


def make_entry(*, title: Any, day: Any, when: Any = None, body: Any = "", url: Any = "",
               byline: Any = "", now: datetime, row: int = 0) -> Entry:
    """Check one entry; ManualError with every problem of it, joined by '; '."""
    problems: list[str] = []
    # typed or pasted text is cleaned at the door like crawled text (issue 15 #4-#6)
    title_s = " ".join(clean_line(_text(title)).split())
    if not title_s:
        problems.append("missing title")
    elif len(title_s) > MAX_TITLE:
        problems.append(f"title longer than {MAX_TITLE} characters (is it the body?)")
    published: datetime | None = None
    raw = ""
    try:
        published, has_time, raw = parse_day(day)
        t = parse_time(when)
        if t is not None:
            published = datetime.combine(published.date(), t, collectors.BEIJING)
            raw = f"{raw} {t.isoformat(timespec='minutes')}"
            has_time = True
        today = now.astimezone(collectors.BEIJING)
        if (has_time and published > today + FUTURE_SLACK) or published.date() > today.date():
            problems.append(f"date {published.date().isoformat()} is in the future")
    except ManualError as e:
        problems.append(str(e))
    url_s = clean_line(_text(url))
    if url_s and not re.match(r"https?://", url_s, re.I):
        problems.append(f"url {url_s[:60]!r} must start with http:// or https://")
    if problems:
        raise ManualError("; ".join(problems))
    body_s = clean_text(_text(body) if not isinstance(body, str) else body).strip()
    return Entry(title=title_s, published_at=published, date_raw=clean_line(raw), body=body_s,
                 url=url_s, byline=clean_line(_text(byline)), row=row, has_time=has_time)


# -- files -------------------------------------------------------------------------------------

def _header_name(cell: Any) -> str | None:
    text = unicodedata.normalize("NFKC", _text(cell)).lower().replace("*", "")
    text = _HINT.sub("", text)
    for part in [text, *re.split(r"[/|\s]+", text)]:
        part = re.sub(r"[\s_:\-]+", "", part)
        if part in _LOOKUP:
            return _LOOKUP[part]
        if part in _IGNORED:
            return ""
    return None


def _decode_csv(data: bytes, path: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")   # Excel's "Unicode text" export
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")   # Excel on Chinese Windows saves CSV in GBK
    except UnicodeDecodeError as e:
        raise ManualError(f"{path}: neither UTF-8 nor GBK text (byte {e.start}); "
                          "save it again as CSV UTF-8 or as .xlsx") from None


def read_rows(path: str | Path) -> list[tuple[int, list[Any]]]:
    """(row number, cells) of every row of a .csv or the first sheet of an .xlsx."""
    with closing(iter_rows(path)) as rows:
        return list(rows)


def iter_rows(path: str | Path, sheet: int = 0) -> Iterator[tuple[int, list[Any]]]:
    """``read_rows`` one row at a time, within the limits above: a file over any of them is a
    ManualError naming the file and the limit, raised before an .xlsx is opened by openpyxl."""
    p = Path(path)
    suffix = p.suffix.lower()
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise ManualError(f"{p}: file not found") from None
    if size > MAX_FILE_BYTES:
        raise ManualError(f"{p}: {size} bytes is too large for an import (max {MAX_FILE_BYTES})")
    if suffix in (".csv", ".txt"):
        rows = _csv_rows(p)
    elif suffix in (".xlsx", ".xlsm"):
        not_xlsx(p)
        rows = _xlsx_rows(p, sheet)
    elif suffix == ".xls":
        raise ManualError(f"{p}: the old .xls format is not read; save it as .xlsx or .csv")
    else:
        raise ManualError(f"{p}: unknown file type {suffix or '(none)'!r}; use .xlsx or .csv")
    return limited(p, rows)


def not_xlsx(p: Path) -> None:
    """ManualError naming what an .xlsx that is no workbook is: Excel's lock file, an old .xls."""
    if "~$" in p.name:
        raise ManualError(f"{p}: an Excel lock file (~$…, kept while the workbook is open in "
                          "Excel), not a workbook: import the file beside it")
    with p.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ManualError(f"{p}: an old .xls workbook (or a password-protected one) named .xlsx; "
                          "open it in Excel and save it as .xlsx (Excel Workbook)")
    if not head.startswith(b"PK"):
        raise ManualError(f"{p}: not a readable .xlsx file (it does not start like a workbook); "
                          "save it from Excel as .xlsx, or as .csv")


def limited(p: Path, rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    """``rows`` of ``p``, a ManualError at the first row past a limit."""
    text = 0
    with closing(rows):
        for n, cells in rows:
            if n > MAX_ROWS:
                raise ManualError(f"{p}: more than {MAX_ROWS:,} rows; not imported")
            if len(cells) > MAX_COLUMNS and any(_text(c) for c in cells[MAX_COLUMNS:]):
                raise ManualError(f"{p} row {n}: more than {MAX_COLUMNS} columns; not imported")
            for cell in cells:
                if isinstance(cell, str):
                    if len(cell) > MAX_CELL:
                        raise ManualError(f"{p} row {n}: a cell of {len(cell):,} characters "
                                          f"(limit {MAX_CELL:,}); not imported")
                    text += len(cell)
            if text > MAX_TEXT:
                raise ManualError(f"{p}: more than {MAX_TEXT:,} characters of text in all "
                                  f"(at row {n}); not imported")
            yield n, cells


def _csv_rows(p: Path) -> Iterator[tuple[int, list[Any]]]:
    text = _decode_csv(p.read_bytes(), str(p))
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    delimiter = "\t" if "\t" in first and "," not in first else ","

    def lines():
        for line in io.StringIO(text, newline=""):
            # the csv module builds a whole row before anyone can count its fields
            if len(line) > MAX_LINE:
                raise ManualError(f"{p}: a line of more than {MAX_LINE:,} characters; "
                                  "not imported")
            yield line
    try:
        yield from enumerate(csv.reader(lines(), delimiter=delimiter), 1)
    except csv.Error as e:
        raise ManualError(f"{p}: not a readable CSV file ({e})") from None


def _xlsx_rows(p: Path, sheet: int = 0) -> Iterator[tuple[int, list[Any]]]:
    try:
        xlsx_limits.check(p)
    except xlsx_limits.SheetRefused as e:
        raise ManualError(str(e)) from None
    import openpyxl
    n = 0
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        try:
            for n, row in enumerate(wb.worksheets[sheet].iter_rows(values_only=True), 1):
                yield n, list(row)
        finally:
            wb.close()
    except Exception as e:  # openpyxl raises many kinds for a damaged workbook
        where = f", row {n + 1}" if n else ""
        raise ManualError(f"{p}: not a readable .xlsx file ({type(e).__name__}{where})") from None


def plan_import(path: str | Path, source_id: str, *, now: datetime) -> Plan:
    """Read and check a file. Nothing is written anywhere. Every sheet of an .xlsx whose header
    is recognised is read (gongkai.board_sheets); a workbook with none is refused, naming the
    sheets and the headers found."""
    from . import board_sheets
    return board_sheets.plan_workbook(path, source_id, now=now)


def write_template(path: str | Path, bureau: str = "") -> None:
    """An empty sheet with the headers (and, in .xlsx, a sheet explaining them, with the
    configured ``bureau`` as the example of a 来源)."""
    p = Path(path)
    suffix = p.suffix.lower()
    tmp = p.with_name(p.name + ".tmp")
    if suffix == ".csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerow(TEMPLATE_HEADERS)
        # with a BOM, Excel on Chinese Windows opens UTF-8 correctly
        tmp.write_bytes(buf.getvalue().encode("utf-8-sig"))
    elif suffix == ".xlsx":
        import openpyxl
        from openpyxl.styles import Font
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "信息"
        ws.append(list(TEMPLATE_HEADERS))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for col, width in zip("ABCDEF", (50, 14, 8, 60, 30, 20)):
            ws.column_dimensions[col].width = width
        ws.column_dimensions["B"].number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
        help_ws = wb.create_sheet("说明")
        for line in (
                ("列", "必填", "说明"),
                ("标题", "是", "信息标题"),
                ("发布日期", "是", "张贴或发布的日期，如 2024-03-05（也可写 2024/3/5、2024年3月5日）"),
                ("时间", "否", "如 09:30；不填则只记日期"),
                ("正文", "否", "正文或摘要，用于分类"),
                ("链接", "否", "有网上版本时填写 http(s) 链接"),
                ("来源", "否", f"发布机构，如 {bureau}" if bureau else "发布机构（本单位全称）"),
                ("", "", "第 1 行是表头，从第 2 行起每行一条信息；读取每个有表头的工作表。"),
                ("", "", "有错误的行会按行号列出，整个文件不导入（除非使用 --skip-bad）。"),
                ("", "", "重复导入同一文件不会重复计数。")):
            help_ws.append(list(line))
        help_ws.column_dimensions["C"].width = 70
        wb.save(tmp)
    else:
        raise ManualError(f"{p}: a template is .xlsx or .csv")
    tmp.replace(p)


# -- storing -----------------------------------------------------------------------------------

def record(entry: Entry, source_id: str, title_key) -> dict:
    """The store record of an entry (``title_key`` is gongkai.matching.title_key)."""
    return {
        "key": manual_key(source_id, entry.title, entry.day), "url": entry.url,
        "title": entry.title, "title_norm": title_key(entry.title),
        "published_at": entry.published_at.isoformat(), "pub_date": entry.day.isoformat(),
        "date_source": "manual", "date_raw": entry.date_raw, "list_date": "",
        "body": entry.body, "byline": entry.byline, "external": False,
    }


def raw_of(entry: Entry, origin: str) -> bytes:
    """What the person typed, kept like a crawled page is kept (for audit and re-parsing)."""
    data = {"origin": origin, "row": entry.row, "title": entry.title, "date": entry.date_raw,
            "body": entry.body, "url": entry.url, "byline": entry.byline}
    if entry.sheet:
        data["sheet"] = entry.sheet
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")


def keys_of(entries: Iterable[Entry], source_id: str) -> list[str]:
    return [manual_key(source_id, e.title, e.day) for e in entries]


def store_entries(st, cfg, src, entries: list[Entry], *, now: datetime, origin: str,
                  classifier=None) -> list[tuple[Entry, int, bool]]:
    """Save entries of manual source ``src`` through the same path as crawled items (one run,
    ``store.save_item``, attribution, then classification). Returns (entry, item id, is new)."""
    from . import board_dates, clustering, district, pipeline, reattribute
    from .matching import title_key
    reattribute.sync(cfg, st, now)
    run_id = st.begin_run(src.id, now)
    out: list[tuple[Entry, int, bool]] = []
    try:
        for entry in entries:
            byline = entry.byline or src.options.get("byline", "")
            rec = record(entry, src.id, title_key)
            rec["byline"] = byline
            if not entry.has_time:
                # the same entry again without its time of day must not lose the time known
                known = st.item_id_for_key(src.id, rec["key"])
                if known is not None:
                    rec["published_at"] = st.item(known)["published_at"] or rec["published_at"]
                    rec["date_raw"] = ""
            owners = district.attribute(cfg, src, entry.title, entry.body, byline)
            why = owners.attribution
            # the file it came from: a corrected copy of that file tells what it dropped
            rec["meta"] = {"attribution_reason": why.reason, "origin": origin,
                           **board_dates.entry_conflict(entry.title, entry.day,
                                                        entry.sheet_year)}
            item_id, is_new = st.save_item(
                src.id, src.channel, rec, attribution=why.value, now=now,
                raw=raw_of(entry, origin), raw_url=entry.url or f"manual:{src.id}",
                raw_content_type="application/json", bodies=owners.bodies)
            out.append((entry, item_id, is_new))
    except BaseException:
        st.end_run(run_id, status="failed", now=now, reason=f"{origin}: stopped part-way",
                   n_seen=len(out), n_new=sum(n for _, _, n in out), memo=st.memo(src.id))
        raise
    st.end_run(run_id, status="ok", now=now, n_seen=len(out), n_new=sum(n for _, _, n in out),
               memo=st.memo(src.id))
    clustering.place_pending(st, now)
    if classifier is not None:
        pipeline.classify_pending(st, classifier, lambda: now)
        pipeline.classify_own(cfg, st, lambda: now)
    return out


def origin_of(path: str | Path) -> str:
    """What an import records as its items' origin: the file's name (a corrected copy of the
    file, saved under the same name, is recognised by it)."""
    return f"gongkai import {Path(path).name}"


def import_file(st, cfg, src, path: str | Path, *, now: datetime, classifier=None,
                skip_bad: bool = False, plan: Plan | None = None
                ) -> tuple[Plan, list[tuple[Entry, int, bool]]]:
    """What ``gongkai import FILE`` does: check the file (``plan`` when already checked), then
    store its entries. ManualError, and nothing stored, when a row is bad and not ``skip_bad``."""
    plan = plan if plan is not None else plan_import(path, src.id, now=now)
    if plan.errors and not skip_bad:
        row, message = plan.errors[0]
        raise ManualError(f"{path}: {len(plan.errors)} bad row(s); nothing imported "
                          f"(row {row}: {message})")
    saved = store_entries(st, cfg, src, plan.entries, now=now,
                          origin=origin_of(path), classifier=classifier)
    return plan, saved
