"""Reading a bulletin-board spreadsheet sheet by sheet (outside test 8).

An office keeps its board as one workbook: a sheet per quarter or per year, sometimes a hidden
template sheet or a cover page first, a title row (2025年第一季度公示栏张贴记录) above the headers,
and a 合计 row under the rows. Every sheet whose headers are recognised is read — a hidden one
too when it holds rows — and the plan names each sheet read with its row count and each sheet
skipped with why. A workbook with no recognisable header anywhere is refused, naming the sheets.

A row is identified as before (source + title + date, ``manual.manual_key``): the sheet is not
part of the identity, so a one-sheet file imported before keeps its items, and the same row
found on two sheets is one posting, reported as a duplicate. The year a sheet is of (its name's
or title row's, else the year most of its rows have) dates what its rows lack (10月9日) and flags
a row more than a year away from it for review (``board_dates.sheet_year_typo``).
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from contextlib import closing, contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import manual, xlsx_limits
from .manual import ManualError, Plan, _text

HEADER_SEARCH = 10          # non-blank rows from the top in which the header row may be
HEAD_ROWS = 200             # rows read to tell whether a sheet has headers
_YEAR = re.compile(r"(20\d{2})\s*年")
_TOTAL = re.compile(r"^[^\W\d]{0,6}?(?:合计|小计|总计|共计)[:：]?\s*(?:共?\s*\d+\s*[条项件个]?)?$"
                    r"|^共计?\s*\d+\s*[条项件个]$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.0+)?$")
_AS_TITLE = ("内容", "事项")      # the title column of a sheet with no 标题


class _NoHeaders(Exception):
    def __init__(self, row: int, missing: list[str], headers: list[Any]):
        self.row = row
        found = [_text(c)[:20] for c in headers if _text(c)]
        self.found = ", ".join(found[:8]) + (", …" if len(found) > 8 else "") or "nothing"
        names = {"title": "标题 (or 题目, 内容, title)",
                 "date": "发布日期 (or 日期, 公示日期, date)"}
        self.what = (f"no {' and no '.join(missing)} column (found: {self.found}); expected "
                     f"headers {' and '.join(names[m] for m in missing)}, optionally "
                     f"{', '.join(manual.TEMPLATE_HEADERS[2:])} (see `gongkai import --template`)")


class _Empty(Exception):
    pass


def plan_workbook(path: str | Path, source_id: str, *, now: datetime) -> Plan:
    """``manual.plan_import``: a .csv as one sheet, an .xlsx sheet by sheet."""
    p = Path(path)
    plan = Plan(str(path))
    if p.suffix.lower() not in (".xlsx", ".xlsm"):
        try:
            with closing(manual.iter_rows(path)) as rows:
                _plan_sheet(plan, list(rows), source_id, now, {}, "", "")
        except _NoHeaders as e:
            raise ManualError(f"{path} row {e.row}: {e.what}") from None
        except _Empty:
            raise ManualError(f"{path}: the file is empty (row 1 must hold the headers)") from None
        return plan
    seen: dict[str, str] = {}
    read, skipped, refusals = [], [], []
    with _workbook(p) as wb:
        sheets = [(ws.title, getattr(ws, "sheet_state", "visible") or "visible", ws)
                  for ws in wb.worksheets]
        # rows name their sheet when more than one sheet has headers
        several = sum(_has_header(_rows(p, ws, HEAD_ROWS)) for _, _, ws in sheets) > 1
        for name, state, ws in sheets:     # one sheet's rows held at a time
            hidden = " (hidden)" if state != "visible" else ""
            before = len(plan.entries) + len(plan.errors)
            part = getattr(ws, "_worksheet_path", "")
            try:
                _plan_sheet(plan, _rows(p, ws), source_id, now, seen, name if several else "",
                            name, lambda: _merged(p, part))
            except _NoHeaders as e:
                refusals.append((name, e))
                skipped.append(f"{name!r}{hidden} skipped: no title and date headers "
                               f"(found: {e.found})")
                continue
            except _Empty:
                skipped.append(f"{name!r}{hidden} skipped: empty")
                continue
            n = len(plan.entries) + len(plan.errors) - before
            read.append(f"{name!r}{hidden} {n} row{'' if n == 1 else 's'}")
            if hidden and n:
                plan.warnings.append(f"{path}: sheet {name!r} is hidden in Excel and holds {n} "
                                     f"row(s); read (unhide it to check them, or delete them)")
    if not read:
        if not sheets:
            raise ManualError(f"{path}: the workbook has no sheet")
        if not refusals:
            raise ManualError(f"{path}: the file is empty (row 1 must hold the headers)")
        name, first = refusals[0]
        where = "" if len(sheets) == 1 else "; no other sheet has them either"
        raise ManualError(f"{path} sheet {name!r} row {first.row}: {first.what}{where}")
    if len(sheets) > 1:
        plan.sheets = [f"read {', '.join(read)}"] + skipped
    if refusals and refusals[0][0] == sheets[0][0]:
        first = read[0].rsplit(" ", 2)[0]
        plan.warnings.insert(0, f"{path}: the first sheet {sheets[0][0]!r} has no title and "
                                f"date headers; read sheet {first}, which has them")
    return plan


def _has_header(rows: list[tuple[int, list[Any]]]) -> bool:
    try:
        _find_header(Plan(""), rows)
    except (_NoHeaders, _Empty, ManualError):
        return False
    return True


@contextmanager
def _workbook(p: Path):
    """The workbook, open read-only, checked against the limits first; a damaged one is a
    ManualError however openpyxl fails on it."""
    manual.not_xlsx(p)
    try:
        xlsx_limits.check(p)
    except xlsx_limits.SheetRefused as e:
        raise ManualError(str(e)) from None
    import openpyxl
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged workbook
        raise ManualError(f"{p}: not a readable .xlsx file ({type(e).__name__})") from None
    try:
        yield wb
    except (ManualError, _NoHeaders, _Empty):
        raise
    except Exception as e:
        raise ManualError(f"{p}: not a readable .xlsx file ({type(e).__name__})") from None
    finally:
        wb.close()


def _rows(p: Path, ws, limit: int = 0) -> list[tuple[int, list[Any]]]:
    """The rows of sheet ``ws`` (the first ``limit``), within manual's limits."""
    out = []
    with closing(manual.limited(p, (r for r in enumerate(ws.iter_rows(values_only=True), 1)))) \
            as rows:
        for n, cells in rows:
            out.append((n, list(cells)))
            if limit and len(out) >= limit:
                break
    return out


def _columns(plan: Plan, headers: list[Any], header_row: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for i, cell in enumerate(headers):
        if not _text(cell):
            continue
        name = manual._header_name(cell)
        if name is None:
            plan.warnings.append(
                f"{plan.path}: column {_text(cell)!r} is not one gongkai reads; ignored")
        elif name and name in columns:
            raise ManualError(f"{plan.path} row {header_row}: two columns mean {name} "
                              f"({_text(headers[columns[name]])!r} and {_text(cell)!r})")
        elif name:
            columns[name] = i
    body = columns.get("body")
    if "title" not in columns and body is not None and _text(headers[body]) in _AS_TITLE:
        columns["title"] = columns.pop("body")
        plan.warnings.append(f"{plan.path}: no 标题 column; column {_text(headers[body])!r} is "
                             "read as the title")
    return columns


def _find_header(plan: Plan, rows: list[tuple[int, list[Any]]]) -> tuple[int, dict[str, int], list[str]]:
    """(index in ``rows`` of the header row, its columns, the text of the rows above it)."""
    tops = [(i, r) for i, r in enumerate(rows) if any(_text(c) for c in r[1])][:HEADER_SEARCH]
    if not tops:
        raise _Empty()
    best: tuple[int, _NoHeaders] | None = None
    for k, (i, (n, cells)) in enumerate(tops):
        trial = Plan(plan.path)
        try:
            columns = _columns(trial, cells, n)
        except ManualError:
            if k == 0:
                raise
            continue        # a row below the first that is no header (说明: 标题 是 信息标题)
        missing = [m for m in ("title", "date") if m not in columns]
        if not missing:
            plan.warnings.extend(w for w in trial.warnings if w not in plan.warnings)
            above = [_text(c) for _, (_, r) in tops[:k] for c in r if _text(c)]
            return i, columns, above
        if best is None or len(missing) < best[0]:
            best = (len(missing), _NoHeaders(n, missing, cells))
    raise best[1]


def _plan_sheet(plan: Plan, rows: list[tuple[int, list[Any]]], source_id: str, now: datetime,
                seen: dict[str, str], label: str, name: str, merged=lambda: []) -> None:
    at, columns, above = _find_header(plan, rows)
    named = {int(y) for y in _YEAR.findall(" ".join([name, *above]))}
    named_year = named.pop() if len(named) == 1 else 0
    body = rows[at + 1:]
    dcol = columns["date"]
    cells_of = [(n, cells) for n, cells in body if any(_text(c) for c in cells)]
    dates = [c[dcol] for _, c in cells_of if dcol < len(c) and _text(c[dcol])]
    # dates Excel holds as dates (or as their serial numbers): a serial stored as text among
    # them is one too
    real = any(isinstance(d, (date, datetime)) or (isinstance(d, (int, float))
               and not isinstance(d, bool) and 36526 <= d < 73051) for d in dates)
    prefix = f"sheet {label!r}: " if label else ""
    entries = []
    years = []
    for n, cells in cells_of:
        get = {k: (cells[i] if i < len(cells) else None) for k, i in columns.items()}
        # the title, or the first cell (序号): 合计, 小计, 二季度小计, 合计：2条, 共6条
        lead = next((c for c in cells if _text(c)), None)
        total = next((_text(c) for c in (get["title"], lead) if isinstance(c, str)
                      and _TOTAL.match(re.sub(r"\s+", "", _text(c)))), None)
        if total:
            plan.notes.append(f"{prefix}row {n}: a total row ({total!r}), not a posting; skipped")
            continue
        day = get["date"]
        if isinstance(day, str):
            text = _text(day)
            m = _MONTH_DAY.match(text)
            if m and named_year:
                day = f"{named_year}-{int(m.group(1)):02d}-{int(m.group(2)):02d}"
            elif _SERIAL_TEXT.match(text) and real:
                day = int(float(text))   # a serial number stored as text, among real dates
        try:
            years.append(manual.parse_day(day)[0].year)
        except ManualError:
            pass
        try:
            entry = manual.make_entry(title=get["title"], day=day, when=get.get("time"),
                                      body=get.get("body") or "", url=get.get("url") or "",
                                      byline=get.get("byline") or "", now=now, row=n)
        except ManualError as e:
            why = str(e)
            if why.startswith("missing date"):
                why += _in_merged(merged, n, dcol, rows)
            plan.errors.append((n, f"{prefix}{why}"))
            continue
        key = manual.manual_key(source_id, entry.title, entry.day)
        if key in seen:
            first = seen[key].removeprefix(f"sheet {label!r} ") if label else seen[key]
            plan.errors.append((n, f"{prefix}duplicate of {first} (same title and date)"))
            continue
        seen[key] = f"sheet {label!r} row {n}" if label else f"row {n}"
        entries.append(replace(entry, sheet=label))
    if named_year:
        plan.entries.extend(replace(e, sheet_year=named_year) for e in entries)
        return
    # a sheet that names no year may hold several years on purpose (a board's history): only a
    # year as rare as a typo (one row, or a tenth of them) is set against the year most rows have
    year, held = _most(years), Counter(years)
    rare = max(1, len(years) // 10)
    plan.entries.extend(replace(e, sheet_year=year if held[e.day.year] <= rare else 0)
                        for e in entries)


def _in_merged(merged, row: int, col: int, rows) -> str:
    """Why a date cell is empty when it lies inside a merged cell: Excel keeps the value in the
    merged range's first cell only."""
    for c1, r1, c2, r2, ref in merged():
        if c1 <= col + 1 <= c2 and r1 <= row <= r2 and row != r1:
            first = next((cells[c1 - 1] for n, cells in rows if n == r1 and len(cells) >= c1), None)
            value = first.date().isoformat() if isinstance(first, datetime) else _text(first)
            return (f" (the date cell is inside the merged cell {ref}, whose value {value!r} "
                    f"Excel keeps in its first row only: unmerge it and fill in each row's date)")
    return ""


def _merged(p: Path, part: str) -> list[tuple[int, int, int, int, str]]:
    """The merged ranges of sheet ``part`` of ``p`` (read only when a row lacks its date; the
    read-only reader of openpyxl does not keep them)."""
    import zipfile
    from xml.parsers import expat
    out: list[tuple[int, int, int, int, str]] = []

    def start(name, attrs):
        if name.rpartition(" ")[2] == "mergeCell" and len(out) < 10_000:
            m = _RANGE.match(attrs.get("ref", ""))
            if m:
                c1, r1, c2, r2 = m.groups()
                out.append((_col(c1), int(r1), _col(c2), int(r2), m.group(0)))
    if not part:
        return out
    try:
        with zipfile.ZipFile(p) as z, z.open(part.lstrip("/")) as f:
            parser = expat.ParserCreate(namespace_separator=" ")
            parser.StartElementHandler = start
            while chunk := f.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (KeyError, OSError, zipfile.BadZipFile, expat.ExpatError):
        return out
    return out


_RANGE = re.compile(r"([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})$")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _most(years: list[int]) -> int:
    """The year most rows have; with no single one, the median year (0 with under 3 rows)."""
    if len(years) < 3:
        return 0
    ranked = Counter(years).most_common(2)
    if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
        return ranked[0][0]
    return int(statistics.median_low(years))
