"""The yearly data file (``report-2024.toml``): every number and text the bot cannot crawl.

The officer keeps one file per year next to the database, e.g.::

    year = 2024

    [texts]                       # keys of report.TEXT_KEYS; a missing one gets neutral wording
    apply = '''
    我局 2024 年度无依申请公开政府信息事项。
    '''

    [t2.regulations]              # 表二 by schema id: [t2.<row>] <column> = number
    issued = 0
    repealed = 0
    in_force = 0
    [t2.admin_fees]
    fee_amount = 0                # 万元, decimals allowed ("1.25" or 1.25)

    [t3.r1_new]                   # 表三: [t3.<row>] <column> = whole number
    natural_person = 0
    ...
    total = 0

    [t4]                          # 表四: <column> = whole number
    review_upheld = 0
    ...

Every table cell may be left out (it is 0); an unknown table, row, column or text key, a
negative number or a non-integer where a count is required is a :class:`ReportError` naming the
file, the line, the table, the row and the column. ``gongkai report init`` writes a complete
template (:func:`data_template`), carrying over last year's 结转下年度继续办理 and texts.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ._counts import ReportError
from ._format import T2_BLOCKS, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_GROUP_LABEL
from ._grid import format_number
from ._tables import Tables
from ._text import TEXT_KEYS

_T2_ROWS = {row: (block, label) for block in T2_BLOCKS for row, label in block.rows}
_T3_ROWS = {row.id: row.label for row in T3_ROWS}
_T3_COLS = dict(T3_COLUMNS)
_T4_COLS = dict(T4_COLUMNS)
_TOP_KEYS = ("year", "texts", "t2", "t3", "t4")


@dataclass
class ReportData:
    """What a data file holds: the tables, the officer's texts, and where it came from."""

    year: int
    tables: Tables = field(default_factory=Tables)
    texts: dict[str, str] = field(default_factory=dict)
    path: Path | None = None


def previous_path(path: str | os.PathLike[str], year: int) -> Path:
    """Last year's data file, by convention beside this one: ``report-<year-1>.toml``."""
    return Path(path).with_name(f"report-{year - 1}.toml")


class _Lines:
    """Find the line of ``[a.b]`` / ``key =`` in the source, because tomllib reports none."""

    _HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"']+)\s*=")

    def __init__(self, text: str) -> None:
        self.index: dict[tuple[str, str], int] = {}
        table = ""
        for n, line in enumerate(text.splitlines(), 1):
            header = self._HEADER.match(line)
            if header:
                table = header.group(1).replace(" ", "").replace('"', "")
                self.index.setdefault((table, ""), n)
                continue
            key = self._KEY.match(line)
            if key:
                self.index.setdefault((table, key.group(1).strip("\"'")), n)

    def of(self, table: str, key: str = "") -> str:
        n = self.index.get((table, key)) or self.index.get((table, ""))
        return f":{n}" if n else ""


def load_data(path: str | os.PathLike[str], year: int | None = None) -> ReportData:
    """Read and check one data file; ``year``, when given, must match the file's own."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{path}: no such data file (write one with `gongkai report init`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot read data file ({exc})") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ReportError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:      # tomllib recurses once per nesting level
        raise ReportError(f"{path}: not valid TOML (nested too deep)") from None
    lines = _Lines(text)
    where = lambda table, key="": f"{path}{lines.of(table, key)}"  # noqa: E731

    unknown = [k for k in raw if k not in _TOP_KEYS]
    if unknown:
        raise ReportError(f"{where(unknown[0]) if isinstance(raw[unknown[0]], dict) else where('', unknown[0])}: "
                          f"unknown key {unknown[0]!r}; known: {', '.join(_TOP_KEYS)}")
    file_year = raw.get("year", year)
    if isinstance(file_year, bool) or not isinstance(file_year, int):
        raise ReportError(f"{where('', 'year')}: year must be a whole number like 2024, got {file_year!r}")
    if year is not None and file_year != year:
        raise ReportError(f"{where('', 'year')}: the file is for {file_year}, not {year}")

    data = ReportData(year=file_year, path=path)
    texts = _table(raw, "texts", where)
    for key, value in texts.items():
        if key not in TEXT_KEYS:
            raise ReportError(f"{where('texts', key)}: unknown text key {key!r}; known: {', '.join(TEXT_KEYS)}")
        if not isinstance(value, str):
            raise ReportError(f"{where('texts', key)}: texts.{key} must be a string, got {value!r}")
        data.texts[key] = value

    for row, cells in _table(raw, "t2", where).items():
        if row not in _T2_ROWS:
            raise ReportError(f"{where('t2.' + row)}: 表二 has no row {row!r}; rows: {', '.join(_T2_ROWS)}")
        block, label = _T2_ROWS[row]
        columns = dict(block.columns)
        for col, value in _cells(cells, where(f"t2.{row}"), f"t2.{row}").items():
            if col not in columns:
                raise ReportError(f"{where(f't2.{row}', col)}: 表二 row {row}（{label}）has no column {col!r}; "
                                  f"columns: {', '.join(columns)}")
            _set(data.tables, f"t2.{row}.{col}", value,
                 f"{where(f't2.{row}', col)}: 表二 row {row}（{label}）column {col}（{columns[col]}）")

    for row, cells in _table(raw, "t3", where).items():
        if row not in _T3_ROWS:
            raise ReportError(f"{where('t3.' + row)}: 表三 has no row {row!r}; rows: {', '.join(_T3_ROWS)}")
        for col, value in _cells(cells, where(f"t3.{row}"), f"t3.{row}").items():
            if col not in _T3_COLS:
                raise ReportError(f"{where(f't3.{row}', col)}: 表三 row {row}（{_T3_ROWS[row]}）has no column "
                                  f"{col!r}; columns: {', '.join(_T3_COLS)}")
            _set(data.tables, f"t3.{row}.{col}", value,
                 f"{where(f't3.{row}', col)}: 表三 row {row}（{_T3_ROWS[row]}）column {col}（{_T3_COLS[col]}）")

    for col, value in _table(raw, "t4", where).items():
        if col not in _T4_COLS:
            raise ReportError(f"{where('t4', col)}: 表四 has no column {col!r}; columns: {', '.join(_T4_COLS)}")
        _set(data.tables, f"t4.{col}", value,
             f"{where('t4', col)}: 表四 column {col}（{T4_GROUP_LABEL[col]}·{_T4_COLS[col]}）")
    return data


def _table(raw: dict, key: str, where) -> dict:
    return _cells(raw.get(key, {}), where("", key), key)


def _cells(value: object, where: str, name: str) -> dict:
    if not isinstance(value, dict):
        raise ReportError(f"{where}: {name} must be a table ([{name}]), got {value!r}")
    return value


def _set(tables: Tables, ref: str, value: object, what: str) -> None:
    try:
        tables.set(ref, value)
    except ReportError as exc:
        # Tables.set names the cell id; keep its reason, prefix the file, line and labels.
        reason = str(exc).split(": ", 1)[-1]
        raise ReportError(f"{what}: {reason}") from None


# --- writing a template -------------------------------------------------------------------------

def _toml_string(text: str) -> str:
    # Literal multi-line strings read naturally for paragraphs; fall back to a JSON-escaped basic
    # string (valid TOML) when the text could not survive a literal one.
    if text and "'''" not in text and not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text) and not text.endswith("'"):
        return "'''\n" + text.strip("\n") + "'''"
    return json.dumps(text, ensure_ascii=False)


def data_template(year: int, tables: Tables | None = None, texts: dict[str, str] | None = None) -> str:
    """A complete, commented data file for ``year`` (every cell written out, zeros included)."""
    tables = tables or Tables()
    texts = texts or {}
    out = [
        f"# {year} 年政府信息公开工作年度报告 — 数据文件 (gongkai report init)",
        "# 表二/三/四 按国办公开办函〔2021〕30号格式；每格为不小于 0 的整数（收费金额单位万元，可有小数）。",
        "# 检查：gongkai report check --year YYYY --data 本文件",
        "",
        f"year = {year}",
        "",
        "[texts]",
    ]
    for key, what in TEXT_KEYS.items():
        out.append(f"# {what}")
        out.append(f"{key} = {_toml_string(texts[key])}" if texts.get(key, "").strip() else f"# {key} = ''")
    for block in T2_BLOCKS:
        out += ["", f"# 表二 {block.header}"]
        for row, label in block.rows:
            out.append(f"[t2.{row}]  # {label}")
            out += [f"{col} = {format_number(tables.t2[row][col])}  # {clabel}" for col, clabel in block.columns]
    out += ["", "# 表三 收到和处理政府信息公开申请情况（第一项加第二项之和，等于第三项加第四项之和）"]
    for row in T3_ROWS:
        out.append(f"[t3.{row.id}]  # {row.label}")
        out += [f"{col} = {tables.t3[row.id][col]}  # {label}" for col, label in T3_COLUMNS]
    out += ["", "# 表四 政府信息公开行政复议、行政诉讼情况", "[t4]"]
    out += [f"{col} = {tables.t4[col]}  # {T4_GROUP_LABEL[col]}·{label}" for col, label in T4_COLUMNS]
    return "\n".join(out) + "\n"


def starting_data(path: str | os.PathLike[str], year: int) -> tuple[Tables, dict[str, str], list[str]]:
    """What a new data file for ``year`` starts from: zeros, plus what last year's file beside
    ``path`` (``report-<year-1>.toml``) supplies — 二、上年结转 (= its 四、结转下年度继续办理) and
    the officer's texts. Returns the tables, the texts and notes on what was carried over."""
    tables, texts, notes = Tables(), {}, []
    previous = previous_path(path, year)
    if previous.exists():
        last = load_data(previous, year - 1)
        for col, _ in T3_COLUMNS:
            tables.t3["r2_carried_in"][col] = last.tables.t3["r4_carried_out"][col]
        texts = dict(last.texts)
        notes.append(f"上年结转 from {previous} (结转下年度继续办理 total {last.tables.t3['r4_carried_out']['total']})")
        if texts:
            notes.append(f"texts {', '.join(texts)} from {previous}: update them for {year}")
    return tables, texts, notes


def init_data(path: str | os.PathLike[str], year: int, *, force: bool = False) -> tuple[Path, list[str]]:
    """Write the template for ``year`` at ``path``; returns the path and what was carried over.

    Starts from :func:`starting_data`. Never overwrites without ``force``.
    """
    path = Path(path)
    if path.exists() and not force:
        raise ReportError(f"{path} exists; pass --force to overwrite it")
    tables, texts, notes = starting_data(path, year)
    from ._atomic import write_text_atomic

    write_text_atomic(path, data_template(year, tables, texts))
    return path, notes
