"""The Excel round trip of the review (issue 6): one row per item out, the officer's edits in.

Each row carries an export stamp (the item's decision id and attribution at export time) so the
import can tell "the officer changed this" from "the database changed since", and report the
second as a conflict instead of overwriting it. Files open in Excel and LibreOffice alike.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence
from urllib.parse import urlsplit

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import xlsx_limits
from .app import UsageError
from .cleantext import clean_line

SHEET = "review"
LISTS = "lists"
ATTRIBUTIONS = ("ours", "not_ours")
# (header, width); the import finds columns by header, so their order may change
COLUMNS = (("id", 8), ("stamp", 10), ("date 日期", 12), ("channel 渠道", 10),
           ("source 来源", 14), ("title 标题", 60), ("category 类别", 14),
           ("attribution 归属", 12), ("score", 7), ("margin", 7), ("needs_review", 7),
           ("decided_by", 9), ("keywords 关键词", 30), ("url", 40))
# A reviewed file comes back from outside: it is checked before openpyxl opens it (issue 15 #3).
# Each row of an export carries two hyperlinks, which openpyxl reads whole when it opens the file
# (xlsx_limits.MAX_ELEMENTS); 20,000 items is far beyond a bureau's year.
MAX_ROWS = 20_000


def _link(url: str | None) -> str | None:
    if url and urlsplit(url).scheme in ("http", "https"):
        return url
    return None


def write(path: Path, rows: Iterable[dict], categories: Sequence[str]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    lists = wb.create_sheet(LISTS)
    for i, name in enumerate(categories, 1):
        lists.cell(row=i, column=1, value=name).data_type = "s"
    for i, name in enumerate(ATTRIBUTIONS, 1):
        lists.cell(row=i, column=2, value=name)
    lists.sheet_state = "hidden"

    for col, (header, width) in enumerate(COLUMNS, 1):
        ws.cell(row=1, column=col, value=header).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    n = 1
    for r in rows:
        n += 1
        evidence = "、".join(dict.fromkeys(e["keyword"] for e in r.get("evidence", [])))
        values = (r["id"], f"{r['decision_id'] or 0}:{r['attribution']}", r["pub_date"],
                  r["channel"], r["source_id"], r["title"], r["category"], r["attribution"],
                  r["score"], r["margin"], r["needs_review"], r["decided_by"], evidence, r["url"])
        for col, value in enumerate(values, 1):
            if isinstance(value, str):
                # Items stored before text was cleaned at the door may still hold characters
                # openpyxl refuses (one NUL would fail the whole export) or bidi overrides.
                value = clean_line(value)
            cell = ws.cell(row=n, column=col, value=value)
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


def read(path: Path, categories: Sequence[str]) -> list[dict]:
    """The rows of a reviewed export as changes for Store.apply_review_import.

    Any unreadable row is a UsageError naming the file and row; nothing is applied then."""
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
        return _changes(path, wb[SHEET].iter_rows(values_only=True), categories)
    except UsageError:
        raise
    except Exception as e:  # a damaged sheet fails while its rows are read
        raise UsageError(f"{path}: not a readable .xlsx file ({e.__class__.__name__})") from None
    finally:
        wb.close()


def _changes(path: Path, it, categories: Sequence[str]) -> list[dict]:
    header = [str(h).strip() if h is not None else "" for h in next(it, ())]
    need = {"id": "id", "stamp": "stamp", "category": "category 类别",
            "attribution": "attribution 归属"}
    cols = {}
    for key, name in need.items():
        if name not in header:
            raise UsageError(f"{path}: column {name!r} is missing")
        cols[key] = header.index(name)
    changes = []
    for n, row in enumerate(it, 2):
        if n > MAX_ROWS + 1:
            raise UsageError(f"{path}: more than {MAX_ROWS:,} item rows")
        if not row or all(v is None for v in row):
            continue
        changes.append(_change(path, n, row, cols, categories))
    return changes


def _change(path: Path, n: int, row: tuple, cols: dict, categories: Sequence[str]) -> dict:
    def cell(key: str):
        i = cols[key]
        return row[i] if i < len(row) else None

    try:
        item_id = int(cell("id"))
        dec, attr = str(cell("stamp")).split(":", 1)
        stamp_decision = int(dec) or None
    except (TypeError, ValueError):
        raise UsageError(f"{path} row {n}: unreadable id or stamp") from None
    category = (str(cell("category")).strip() if cell("category") is not None else "") or None
    attribution = (str(cell("attribution")).strip()
                   if cell("attribution") is not None else "") or None
    if category is not None and category not in categories:
        raise UsageError(f"{path} row {n}: unknown category {category!r}; "
                         f"one of {', '.join(categories)}")
    if attribution is not None and attribution not in ATTRIBUTIONS:
        raise UsageError(f"{path} row {n}: attribution must be ours or not_ours")
    return {"item_id": item_id, "stamp_decision_id": stamp_decision, "stamp_attribution": attr,
            "category": category, "attribution": attribution}
