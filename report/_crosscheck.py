"""Checks beyond one table's arithmetic: last year's file, numbers quoted in the texts, list sums.

Real reports quote "收到申请 2 件" in 一（二） and print 3 in 表三, or list categories that do not
add up to the stated total (义乌 2023: 125 vs 114). These rules catch that before publication.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ._format import T2_BLOCKS, T3_COLUMNS
from ._model import ReportModel
from ._tables import Tables

_NUM = r"(\d+)\s*"
_GAP = r"[^，。；;,\d]{0,16}?"   # words between the subject and its number, within one clause

# (rule id, pattern on the texts, what the table says, description of the cell)
_TextRule = tuple[str, re.Pattern[str], Callable[[Tables], int], str]
_TEXT_RULES: tuple[_TextRule, ...] = (
    ("H-TEXT-T3-new", re.compile(r"(?:新收|收到)" + _GAP + r"申请" + _GAP + _NUM + r"件"),
     lambda t: t.t3["r1_new"]["total"], "表三“一、本年新收政府信息公开申请数量”行“总计”列"),
    ("H-TEXT-T3-carried-in", re.compile(r"上年结转" + _GAP + _NUM + r"件"),
     lambda t: t.t3["r2_carried_in"]["total"], "表三“二、上年结转政府信息公开申请数量”行“总计”列"),
    ("H-TEXT-T3-done", re.compile(r"(?:办结|答复)" + _GAP + _NUM + r"件"),
     lambda t: t.t3["r3_7_total"]["total"], "表三“（七）总计”行“总计”列"),
    ("H-TEXT-T3-carried-out", re.compile(r"结转下(?:一)?年度?" + _GAP + _NUM + r"件"),
     lambda t: t.t3["r4_carried_out"]["total"], "表三“四、结转下年度继续办理”行“总计”列"),
    ("H-TEXT-T4-review", re.compile(r"行政复议" + _GAP + _NUM + r"(?:件|起)"),
     lambda t: t.t4["review_total"], "表四“行政复议·总计”"),
    ("H-TEXT-T4-litigation", re.compile(r"行政诉讼" + _GAP + _NUM + r"(?:件|起)"),
     lambda t: t.t4["lit_direct_total"] + t.t4["lit_after_review_total"],
     "表四“未经复议直接起诉·总计”+“复议后起诉·总计”"),
    ("H-TEXT-T2-penalty", re.compile(r"行政处罚" + _GAP + _NUM + r"(?:件|起)"),
     lambda t: t.t2["admin_penalty"]["decisions"], "表二“行政处罚”行“本年处理决定数量”"),
    ("H-TEXT-T2-licensing", re.compile(r"行政许可" + _GAP + _NUM + r"(?:件|起)"),
     lambda t: t.t2["admin_licensing"]["decisions"], "表二“行政许可”行“本年处理决定数量”"),
)
# "未收到…申请" / "无依申请公开…事项" claim table 三 is empty.
_NO_REQUESTS = re.compile(r"未收到[^，。；]{0,12}申请|无依申请公开")

# "共…T 条/篇，其中 A a 篇、B b 篇…": an exhaustive list whose parts must add up (H-NARR-SUM).
_TOTAL_LIST = re.compile(r"共[^，。；\d]{0,20}?(\d+)\s*([条篇件])[，,：:]?\s*其中[：:]?([^。；]*)")
_PART = re.compile(r"(\d+)\s*([条篇件次])")


def _texts(model: ReportModel) -> list[tuple[str, str]]:
    """(where, paragraph) for every narrative paragraph of the report."""
    found = []
    for section in model.sections:
        found += [(section.heading, p) for p in section.paragraphs]
        for part in section.parts:
            found += [(f"{section.heading}{part.heading}", p) for p in part.paragraphs]
    return found


def text_problems(model: ReportModel, problem) -> list:
    found = []
    texts = _texts(model)
    for where, text in texts:
        for rule, pattern, cell, label in _TEXT_RULES:
            for match in pattern.finditer(text):
                stated, actual = int(match.group(1)), cell(model.tables)
                if stated != actual:
                    found.append(problem("error", rule, (
                        f"{where}写“{match.group(0).strip()}”（{stated}），而{label}为 {actual}")))
        for match in _NO_REQUESTS.finditer(text):
            new, carried = model.tables.t3["r1_new"]["total"], model.tables.t3["r2_carried_in"]["total"]
            if new or carried:
                found.append(problem("error", "H-TEXT-T3-none", (
                    f"{where}写“{match.group(0)}”，而表三新收 {new} 件、上年结转 {carried} 件")))
        for match in _TOTAL_LIST.finditer(text):
            total, unit, rest = int(match.group(1)), match.group(2), match.group(3)
            parts = [(int(n), u) for n, u in _PART.findall(rest)]
            if not parts:
                continue
            units = {u for _, u in parts} | {unit}
            if len(units) > 1:
                found.append(problem("warning", "H-NARR-UNITS", (
                    f"{where}：合计与分项单位不一致（{'、'.join(sorted(units))}），请分开表述")))
            summed = sum(n for n, _ in parts)
            if summed != total:
                found.append(problem("error", "H-NARR-SUM", (
                    f"{where}：称共 {total} {unit}，而其中各项之和为 "
                    f"{' + '.join(str(n) for n, _ in parts)} = {summed}")))
    return found


def previous_year_problems(model: ReportModel, previous: Tables, problem) -> list:
    """H-T3-CARRY (error: the carry-over is a fact from last year's filed report) and H-T2-BALANCE."""
    found = []
    t3, last = model.tables.t3, previous.t3
    for col, label in T3_COLUMNS:
        now, then = t3["r2_carried_in"][col], last["r4_carried_out"][col]
        if now != then:
            found.append(problem("error", f"H-T3-CARRY-{col}", (
                f"表三“二、上年结转政府信息公开申请数量”行“{label}”列（{col}）为 {now}，"
                f"而 {model.year - 1} 年数据文件“四、结转下年度继续办理”为 {then}")))
    block = next(b for b in T2_BLOCKS if b.id == "art20_1")
    for row, label in block.rows:
        cells, before = model.tables.t2[row], previous.t2[row]
        expected = before["in_force"] + cells["issued"] - cells["repealed"]
        if cells["in_force"] != expected:
            found.append(problem("warning", f"H-T2-BALANCE-{row}", (
                f"表二“{label}”现行有效件数为 {cells['in_force']}，而上年现行有效 {before['in_force']} + "
                f"本年制发 {cells['issued']} − 本年废止 {cells['repealed']} = {expected}（文件失效时可忽略）")))
    return found


def monotone_problems(model: ReportModel, problem) -> list:
    """H-T2-MONOTONE: documents issued this year and not repealed are in force (锡盟 2021)."""
    found = []
    block = next(b for b in T2_BLOCKS if b.id == "art20_1")
    for row, label in block.rows:
        cells = model.tables.t2[row]
        if cells["in_force"] < cells["issued"] - cells["repealed"]:
            found.append(problem("warning", f"H-T2-MONOTONE-{row}", (
                f"表二“{label}”现行有效件数 {cells['in_force']} 小于 本年制发 {cells['issued']} − "
                f"本年废止 {cells['repealed']} = {cells['issued'] - cells['repealed']}")))
    return found
