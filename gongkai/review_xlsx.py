"""The Excel round trip of the review (issue 6): one row per item out, the officer's edits in.

Each row carries an export stamp (the item's decision id and attribution at export time) so the
import can tell "the officer changed this" from "the database changed since", and report the
second as a conflict instead of overwriting it. Files open in Excel and LibreOffice alike.

Only the category, attribution and date columns are read back (a date typed there settles the
item's date by hand). A hidden sheet keeps what every other cell said at export time, so an
edit there (a title, a score) is reported as ignored instead of vanishing silently, and so are a
row deleted and a category or attribution cell emptied (the item is left unchanged); every bad
row is reported at once, and nothing is applied while one is bad.
Each member of a cluster (one 信息 on several channels) shows the cluster's category, the one
``gongkai counts`` counts it under.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import display, review_dates, xlsx_limits
from .app import UsageError
from .cleantext import clean_line

SHEET = "review"
LISTS = "lists"
ORIGINAL = "original"          # hidden: each row's cells as exported, keyed by id
# what the export writes in the attribution column, and every spelling the import accepts
ATTRIBUTIONS = ("本单位", "非本单位")
ATTRIBUTION_WORDS = {"ours": "ours", "本单位": "ours", "本单位信息": "ours", "是": "ours",
                     "not_ours": "not_ours", "not ours": "not_ours", "非本单位": "not_ours",
                     "非本单位信息": "not_ours", "否": "not_ours"}
# (header, width); the import finds columns by header, so their order may change
COLUMNS = (("id", 8), ("stamp", 10), ("date 日期", 12), ("channel 渠道", 10),
           ("source 来源", 14), ("title 标题", 60), ("category 类别", 14),
           ("attribution 归属", 12), ("score", 7), ("margin", 7), ("needs_review", 7),
           ("decided_by", 9), ("keywords 关键词", 30), ("url", 40),
           ("same 信息 同一信息", 14))
# headers the import recognises, old exports' included (matched ignoring case and spaces)
_FIND = {"id": ("id", "编号"), "stamp": ("stamp", "校验"),
         "category": ("category类别", "category", "类别", "信息类别"),
         "attribution": ("attribution归属", "attribution", "归属")}
_DATE = ("date日期", "date", "日期", "发布日期")     # read back when present: a day set by hand
EDITABLE = ("category", "attribution")
# A reviewed file comes back from outside: it is checked before openpyxl opens it (issue 15 #3).
# Each row of an export carries two hyperlinks, which openpyxl reads whole when it opens the file
# (xlsx_limits.MAX_ELEMENTS); 20,000 items is far beyond a bureau's year.
MAX_ROWS = 20_000


def _link(url: str | None) -> str | None:
    if url and urlsplit(url).scheme in ("http", "https"):
        return url
    return None


def write(path: Path, rows: Iterable[dict], categories: Sequence[str],
          names: display.Names | None = None) -> None:
    """``names``: how channels and sources are named for the officer (gongkai.display)."""
    names = names or display.Names()
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    lists = wb.create_sheet(LISTS)
    for i, name in enumerate(categories, 1):
        lists.cell(row=i, column=1, value=name).data_type = "s"
    for i, name in enumerate(ATTRIBUTIONS, 1):
        lists.cell(row=i, column=2, value=name)
    lists.sheet_state = "hidden"
    original = wb.create_sheet(ORIGINAL)
    original.sheet_state = "hidden"

    for col, (header, width) in enumerate(COLUMNS, 1):
        ws.cell(row=1, column=col, value=header).font = Font(bold=True)
        original.cell(row=1, column=col, value=header)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    n = 1
    for r in rows:
        n += 1
        evidence = "、".join(dict.fromkeys(e["keyword"] for e in r.get("evidence", [])))
        category = r.get("cluster_category") or r["category"]
        attribution = ATTRIBUTIONS[r["attribution"] == "not_ours"]
        same = " ".join(f"#{i}" for i in r.get("cluster_members") or ())
        values = (r["id"], f"{r['decision_id'] or 0}:{r['attribution']}", r["pub_date"],
                  names.channel(r["channel"]), names.source(r["source_id"]), r["title"], category,
                  attribution, r["score"], r["margin"], "是" if r["needs_review"] else "否",
                  display.decided_by_name(r["decided_by"]), evidence, r["url"],
                  same or None)
        for col, value in enumerate(values, 1):
            if isinstance(value, str):
                # Items stored before text was cleaned at the door may still hold characters
                # openpyxl refuses (one NUL would fail the whole export) or bidi overrides.
                value = clean_line(value)
            for sheet in (ws, original):
                cell = sheet.cell(row=n, column=col, value=value)
                if isinstance(value, str):
                    # Crawled text starting with "=" must stay text, never become a formula.
                    cell.data_type = "s"
        link = _link(r["url"])
        if link:
            for col in (6, 14):
                ws.cell(row=n, column=col).hyperlink = link
                ws.cell(row=n, column=col).style = "Hyperlink"
    last = max(n, 2)
    cat_col = get_column_letter(7)
    dv = DataValidation(type="list", formula1=f"{LISTS}!$A$1:$A${len(categories)}",
                        allow_blank=False, showErrorMessage=True,
                        errorTitle="category", error="choose one of the categories")
    dv.add(f"{cat_col}2:{cat_col}{last}")
    ws.add_data_validation(dv)
    av = DataValidation(type="list", formula1=f"{LISTS}!$B$1:$B${len(ATTRIBUTIONS)}",
                        allow_blank=False, showErrorMessage=True)
    av.add(f"H2:H{last}")
    ws.add_data_validation(av)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"
    wb.save(path)


@dataclass
class Review:
    """A reviewed export as read: the rows for Store.apply_review_import and, one line each,
    the edits to columns that are not read back (``ignored``)."""

    changes: list[dict] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    # a date edited by hand: {item_id, row, day (a date), was (the day exported)}
    dates: list[dict] = field(default_factory=list)
    # rows deleted and category/attribution cells emptied: the item is left unchanged
    left: list[str] = field(default_factory=list)


class BadRows(UsageError):
    """Rows that cannot be read; the message has one line per bad cell."""


def read(path: Path, categories: Sequence[str]) -> list[dict]:
    """The rows of a reviewed export as changes for Store.apply_review_import."""
    return read_review(path, categories).changes


def read_review(path: Path, categories: Sequence[str],
                labels: Mapping[str, str] | None = None) -> Review:
    """Read a reviewed export. ``labels`` maps other spellings of a category (its report
    wording, 促消费信息) to its name.

    Every unreadable row is reported at once: BadRows, one line per cell naming the sheet, row
    and column; nothing is applied then."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    try:
        xlsx_limits.check(path, max_rows=MAX_ROWS + 1)
    except xlsx_limits.SheetRefused as e:
        raise UsageError(str(e)) from None
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        raise UsageError(f"{path}: not a readable .xlsx file ({e.__class__.__name__})") from None
    try:
        if SHEET not in wb.sheetnames:
            raise UsageError(f"{path}: no sheet named {SHEET!r} (was it made by gongkai export?)")
        original = (_original(wb[ORIGINAL].iter_rows(values_only=True))
                    if ORIGINAL in wb.sheetnames else None)
        return _Reader(path, categories, labels or {}, original).read(
            wb[SHEET].iter_rows(values_only=True))
    except UsageError:
        raise
    except Exception as e:  # a damaged sheet fails while its rows are read
        raise UsageError(f"{path}: not a readable .xlsx file ({e.__class__.__name__})") from None
    finally:
        wb.close()


def _norm_header(h: Any) -> str:
    return "".join(str(h).split()).lower() if h is not None else ""


def _original(it) -> dict[Any, dict[str, Any]]:
    """The hidden copy: {id as exported: {header: value}}."""
    header = [str(h).strip() if h is not None else "" for h in next(it, ())]
    out = {}
    for row in it:
        if row and row[0] is not None:
            out[_key(row[0])] = dict(zip(header, row))
    return out


def _key(value: Any) -> str:
    # an id as Excel may hand it back: 12, 12.0 or "12"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    norm = [("" if v is None else str(v)).strip() for v in (a, b)]
    return norm[0] == norm[1]


def _show(value: Any) -> str:
    text = "" if value is None else clean_line(str(value))
    return repr(text if len(text) <= 40 else text[:39] + "…")


class _Reader:
    def __init__(self, path: Path, categories: Sequence[str], labels: Mapping[str, str],
                 original: dict | None) -> None:
        self.path, self.original = path, original
        self.categories = {c: c for c in categories}
        self.categories.update({k.strip(): v for k, v in labels.items() if v in categories})
        self.names = categories
        self.errors: list[str] = []
        self.review = Review()

    def where(self, n: int, col: int, header: str) -> str:
        return f"sheet {SHEET!r} row {n} column {get_column_letter(col + 1)} ({header})"

    def read(self, it) -> Review:
        header = [str(h).strip() if h is not None else "" for h in next(it, ())]
        norm = [_norm_header(h) for h in header]
        cols = {}
        for key, names in _FIND.items():
            found = next((norm.index(n) for n in names if n in norm), None)
            if found is None:
                raise UsageError(f"{self.path}: sheet {SHEET!r} has no column {names[0]!r} "
                                 f"(was it made by gongkai export?)")
            cols[key] = found
        self.date_col = next((norm.index(n) for n in _DATE if n in norm), None)
        self.header, self.cols = header, cols
        seen: dict[str, int] = {}
        for n, row in enumerate(it, 2):
            if n > MAX_ROWS + 1:
                raise UsageError(f"{self.path}: more than {MAX_ROWS:,} item rows")
            if not row or all(v is None for v in row):
                continue
            self.row(n, row, seen)
        for key in self.original or ():
            if key not in seen:      # a deleted row is no wish: say so, change nothing
                self.review.left.append(
                    f"row missing: #{key} left unchanged (to mark it not ours, set 归属 to 非本单位)")
        if self.errors:
            lines = self.errors
            if len(lines) == 1:
                raise BadRows(f"{self.path}: {lines[0]}; nothing applied")
            raise BadRows(f"{self.path}: {len(lines)} bad cells, nothing applied:\n"
                          + "\n".join(f"  {line}" for line in lines))
        return self.review

    def row(self, n: int, row: tuple, seen: dict[str, int]) -> None:
        def cell(key: str):
            i = self.cols[key]
            return row[i] if i < len(row) else None

        def bad(key: str, message: str) -> None:
            self.errors.append(f"{self.where(n, self.cols[key], self.header[self.cols[key]])}: "
                               f"{message}")

        try:
            item_id = int(_key(cell("id")))
        except ValueError:
            bad("id", f"unreadable id {_show(cell('id'))} (the id column cannot be edited)")
            item_id = None
        try:
            dec, attr = str(cell("stamp")).split(":", 1)
            stamp_decision = int(dec) or None
            if attr not in ("ours", "not_ours"):
                raise ValueError(attr)
        except ValueError:
            bad("stamp", f"unreadable stamp {_show(cell('stamp'))} (the stamp column cannot be "
                         f"edited: export again)")
            stamp_decision = attr = None
        if item_id is not None:
            if _key(item_id) in seen:
                bad("id", f"item {item_id} is also on row {seen[_key(item_id)]}")
            seen[_key(item_id)] = n
        before = self.original.get(_key(cell("id"))) if self.original is not None else None
        if self.original is not None and item_id is not None and before is None:
            bad("id", f"item {item_id} was not in this export (the id column cannot be edited)")

        raw_cat = cell("category")
        category = None
        if raw_cat is not None and str(raw_cat).strip():
            category = self.categories.get(str(raw_cat).strip())
            if category is None:
                bad("category", f"unknown category {_show(raw_cat)}; one of "
                                f"{', '.join(self.names)}")
        raw_attr = cell("attribution")
        attribution = None
        if raw_attr is not None and str(raw_attr).strip():
            attribution = ATTRIBUTION_WORDS.get(str(raw_attr).strip().lower())
            if attribution is None:
                bad("attribution", f"attribution {_show(raw_attr)} must be 本单位 or 非本单位 "
                                   f"(ours / not_ours)")
        if before is not None:
            # The sheet showed the cluster's category and attribution in words: only a cell the
            # officer changed is a wish; an untouched one is no change, whatever it shows.
            shown = {k: before.get(self.header[self.cols[k]]) for k in EDITABLE}
            if category is not None and _same(raw_cat, shown["category"]):
                category = None
            if attribution is not None and _same(raw_attr, shown["attribution"]):
                attribution = None
            for key, raw in (("category", raw_cat), ("attribution", raw_attr)):
                if _same(raw, None) and not _same(shown[key], None):
                    self.review.left.append(f"row {n}: {key} blank: #{item_id} left unchanged")
            self.ignored(n, row, before)
            self.date(n, row, before, item_id)
        if item_id is None or attr is None:
            return
        self.review.changes.append({
            "item_id": item_id, "stamp_decision_id": stamp_decision, "stamp_attribution": attr,
            "category": category, "attribution": attribution,
            "category_edited": before is not None and category is not None})

    def date(self, n: int, row: tuple, before: Mapping[str, Any], item_id: int | None) -> None:
        """A date cell changed from the export: the day a person settles for the item."""
        i = self.date_col
        if i is None or item_id is None or self.header[i] not in before:
            return
        now, was = (row[i] if i < len(row) else None), before[self.header[i]]
        if _same(now, was):
            return
        if _same(now, None):
            self.review.left.append(f"row {n}: date blank: #{item_id} left unchanged")
            return
        try:
            day = review_dates.parse_day(now)
        except review_dates.BadDate as e:
            self.errors.append(f"{self.where(n, i, self.header[i])}: {e}")
            return
        if day.isoformat() != str(was or ""):
            self.review.dates.append({"item_id": item_id, "row": n, "day": day,
                                      "was": None if was is None else str(was)})

    def ignored(self, n: int, row: tuple, before: Mapping[str, Any]) -> None:
        read_back = {self.cols[k] for k in (*EDITABLE, "id", "stamp")} | {self.date_col}
        for i, name in enumerate(self.header):
            if i in read_back or not name or name not in before:
                continue
            now = row[i] if i < len(row) else None
            if not _same(now, before[name]):
                self.review.ignored.append(
                    f"{self.where(n, i, name)}: changed from {_show(before[name])} to "
                    f"{_show(now)}; this column is not read back, so the edit is ignored "
                    f"(only category, attribution and date are)")
