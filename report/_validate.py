"""Arithmetic checks (勾稽关系) on a report model before anything is published.

Rule ids follow ``annual-report-schema.yaml``; each message names the table, row, column and
the numbers, because the officer has to find the wrong cell in a printed form.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ._format import (
    T2_BLOCKS,
    T3_APPLICANT_COLUMNS,
    T3_COLUMNS,
    T3_LEAVES,
    T3_ROWS,
    T3_TOTAL_ROW,
    T4_COLUMNS,
    T4_GROUPS,
    T4_OUTCOMES,
)
from ._charts import missing_glyphs
from ._crosscheck import monotone_problems, previous_year_problems, text_problems
from ._model import ReportModel
from ._tables import Tables
from ._text import TEXT_KEYS

@dataclass(frozen=True)
class Problem:
    severity: str  # "error" blocks publication; "warning" is for the officer to confirm
    rule: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def validate(model: ReportModel, *, previous: Tables | None = None) -> list[str]:
    """Error messages only; an empty list means the numbers are consistent."""
    return [str(p) for p in check(model, previous=previous) if p.severity == "error"]


def check(model: ReportModel, *, previous: Tables | None = None) -> list[Problem]:
    """Errors and warnings, errors first.

    ``previous`` is last year's tables (from its data file): the carry-over must match it.
    Texts are checked only when every table adds up, so one wrong cell is reported once.
    """
    problems = _counts(model) + _domain(model)
    if not problems:
        # Cross-checks do arithmetic on cells, which needs the domain (whole numbers ≥ 0) to hold.
        problems += _t3(model) + _t4(model) + text_problems(model, Problem) + monotone_problems(model, Problem)
        if previous is not None:
            problems += previous_year_problems(model, previous, Problem)
    problems += _warnings(model)
    return sorted(problems, key=lambda p: p.severity != "error")


def _counts(model: ReportModel) -> list[Problem]:
    counts = model.counts
    found: list[Problem] = []
    parts = sum(counts.categories.values())
    if parts != counts.total:
        listing = " + ".join(f"{name} {n}" for name, n in counts.categories.items())
        found.append(Problem("error", "COUNTS-SUM",
                             f"主动公开分类合计 {listing} = {parts}，与总数 {counts.total} 不符"))
    for channel, per in counts.by_channel.items():
        stray = [c for c in per if c not in counts.categories]
        if stray:
            found.append(Problem("error", "COUNTS-CHANNEL",
                                 f"渠道 {channel} 含未知分类 {', '.join(stray)}"))
    return found


def _domain(model: ReportModel) -> list[Problem]:
    # Cells may have been assigned directly rather than through Tables.set.
    found: list[Problem] = []
    tables = model.tables

    def bad(ref: str, value: object, decimal: bool) -> None:
        ok_types = (int, Decimal) if decimal else (int,)
        if isinstance(value, bool) or not isinstance(value, ok_types) or not value >= 0:
            found.append(Problem("error", "DOM-INT", f"{ref} = {value!r}：应为不小于 0 的{'数' if decimal else '整数'}"))

    for block in T2_BLOCKS:
        for row, _ in block.rows:
            for col, _ in block.columns:
                bad(f"t2.{row}.{col}", tables.t2[row][col], block.decimal)
    for row in T3_ROWS:
        for col, _ in T3_COLUMNS:
            bad(f"t3.{row.id}.{col}", tables.t3[row.id][col], False)
    for col, _ in T4_COLUMNS:
        bad(f"t4.{col}", tables.t4[col], False)
    return found


def _ints(*values: object) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _t3(model: ReportModel) -> list[Problem]:
    t3 = model.tables.t3
    found: list[Problem] = []
    for col, col_label in T3_COLUMNS:
        new, carried_in = t3["r1_new"][col], t3["r2_carried_in"][col]
        done, carried_out = t3[T3_TOTAL_ROW][col], t3["r4_carried_out"][col]
        if _ints(new, carried_in, done, carried_out) and new + carried_in != done + carried_out:
            found.append(Problem("error", f"T3-IDENT-{col}", (
                f"表三“{col_label}”列（{col}）：第一项 {new} + 第二项 {carried_in} = {new + carried_in}，"
                f"不等于 第三项（七）总计 {done} + 第四项 {carried_out} = {done + carried_out}")))
        leaves = [t3[r][col] for r in T3_LEAVES]
        if _ints(done, *leaves) and sum(leaves) != done:
            found.append(Problem("error", f"T3-TOTALROW-{col}", (
                f"表三“{col_label}”列（{col}）：“（七）总计”行为 {done}，"
                f"而 21 项办理结果之和为 {sum(leaves)}")))
    for row in T3_ROWS:
        cells = [t3[row.id][c] for c, _ in T3_APPLICANT_COLUMNS]
        total = t3[row.id]["total"]
        if _ints(total, *cells) and sum(cells) != total:
            found.append(Problem("error", f"T3-COLSUM-{row.id}", (
                f"表三“{row.label}”行（{row.id}）：“总计”列为 {total}，"
                f"而六类申请人之和为 {' + '.join(map(str, cells))} = {sum(cells)}")))
    return found


def _t4(model: ReportModel) -> list[Problem]:
    t4 = model.tables.t4
    found: list[Problem] = []
    for prefix, group in T4_GROUPS:
        parts = [t4[f"{prefix}_{o}"] for o, _ in T4_OUTCOMES if o != "total"]
        total = t4[f"{prefix}_total"]
        if _ints(total, *parts) and sum(parts) != total:
            labels = "、".join(label for o, label in T4_OUTCOMES if o != "total")
            found.append(Problem("error", f"T4-SUM-{prefix}", (
                f"表四“{group}”的“总计”（{prefix}_total）为 {total}，"
                f"而{labels}之和为 {' + '.join(map(str, parts))} = {sum(parts)}")))
    return found


def _warnings(model: ReportModel) -> list[Problem]:
    found: list[Problem] = []
    counts = model.counts
    if counts.total == 0:
        found.append(Problem("warning", "COUNTS-ZERO", f"{model.year} 年度没有统计到任何主动公开信息："
                             "来源是否已配置并采集？"))
    if counts.unreviewed:
        found.append(Problem("warning", "PENDING-REVIEW", f"仍有 {counts.unreviewed} 条信息待人工复核，分类数可能变化"))
    if counts.possible_duplicates:
        found.append(Problem("warning", "PENDING-DUPLICATES",
                             f"仍有 {counts.possible_duplicates} 对可能重复的信息待判定"
                             "（gongkai dupes pairs），判定前每对可能被计为两条"))
    if counts.undated:
        found.append(Problem("warning", "PENDING-UNDATED", f"仍有 {counts.undated} 条信息发布日期未定，未计入 {model.year} 年"))
    regs = model.tables.t2["regulations"]
    if any(v for v in regs.values()):
        found.append(Problem("warning", "H-T2-NO-RULEMAKING",
                             "表二“规章”行不为 0：区县级部门没有规章制定权，请核实"))
    if model.monthly is not None:
        lacking = missing_glyphs(list(model.monthly.categories) + list(model.monthly.by_channel))
        if lacking:
            found.append(Problem("warning", "CHART-GLYPHS",
                                 f"图表字体子集缺少“{lacking}”，将使用本机字体，无中文字体时显示为方框"))
    for key in model.defaulted_texts:
        where = TEXT_KEYS[key].split(":")[0]      # "一（三）政府信息管理"
        found.append(Problem("warning", "TEXT-DEFAULT", f"{where}（{key}）未填写，使用了默认文字，请核实后再发布"))
    return found

