"""Checks beyond one table's arithmetic: last year's file, numbers quoted in the texts, list sums.

Real reports quote "收到申请 2 件" in 一（二） and print 3 in 表三, or list categories that do not
add up to the stated total (义乌 2023: 125 vs 114). These rules catch that before publication.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

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
    # the same fact with the number first: "其中 1 件结转下年度继续办理"
    ("H-TEXT-T3-carried-out", re.compile(r"(?<![\d.])" + _NUM + r"件[^，。；;,\d]{0,6}?结转下(?:一)?年"),
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

# "共…T 条，其中 A a 条、B b 条…" and its kin (H-NARR-SUM): see :func:`narrative_lists`.
_COUNT = re.compile(r"(?<![\d.])(\d+)\s*([条篇件次])")
_TOTAL_UNITS = "条篇件"
_PAREN = re.compile(r"（([^（）]*)）|\(([^()]*)\)")
_CLAUSE = re.compile(r"[，,、；;：:]")
# A clause with its own total, or last year's carry-over, is outside the list being summed.
_LIST_ENDS = re.compile(r"共|累计|合计|上年结转|历年")
_CARRIED_OUT = re.compile(r"结转(?:至|到)?下(?:一)?年|结转(?:至|到)?\d{4}\s*年")


@dataclass(frozen=True)
class NarrativeList:
    """A total and the parts a sentence breaks it into (其中 / 含 / 另有).

    ``exhaustive``: two or more parts, which must add up to the total ("其中予以公开 1 件，
    另有 1 件结转下年度继续办理"); a single part is a subset ("共收到申请 2 件，其中 1 件结转
    下年度继续办理") and must only not exceed it. ``carried_out`` sums the parts that say
    结转下年度 (None when no part does).
    """

    total: int
    unit: str
    parts: tuple[tuple[int, str], ...]
    text: str
    carried_out: int | None = None

    @property
    def exhaustive(self) -> bool:
        return len(self.parts) > 1

    @property
    def summed(self) -> int:
        return sum(n for n, _ in self.parts)

    @property
    def consistent(self) -> bool:
        return self.summed == self.total if self.exhaustive else self.summed <= self.total

    @property
    def units(self) -> set[str]:
        return {u for _, u in self.parts} | {self.unit}


def _last_total(text: str) -> re.Match[str] | None:
    found = [m for m in _COUNT.finditer(text) if m.group(2) in _TOTAL_UNITS]
    return found[-1] if found else None


def _parts(tail: str) -> list[tuple[int, str, str]]:
    """(number, unit, clause) for each count in ``tail``, up to a clause that starts a new total."""
    parts = []
    for clause in _CLAUSE.split(tail):
        if _LIST_ENDS.search(clause):
            break
        parts += [(int(m.group(1)), m.group(2), clause) for m in _COUNT.finditer(clause)]
    return parts


def _make(total: re.Match[str], parts: list[tuple[int, str, str]], text: str) -> NarrativeList:
    carried = [n for n, _, clause in parts if _CARRIED_OUT.search(clause)]
    return NarrativeList(int(total.group(1)), total.group(2), tuple((n, u) for n, u, _ in parts),
                         text.strip(), sum(carried) if carried else None)


def narrative_lists(paragraph: str) -> list[NarrativeList]:
    """Every "total, 其中 parts" a paragraph states.

    The total is the last count (条/篇/件) before 其中 in the same sentence, or in the sentence
    before when 其中 opens one ("…213 条。其中，局网站 145 条…"); the parts are the counts after
    it to the end of the sentence, stopping at a clause with a total of its own (共/累计/合计) or
    last year's carry-over (上年结转). Brackets are lists of their own when they open with 其中
    or 含 ("部门财务信息 2 条（其中部门预算 1 条、部门决算 1 条）") and are otherwise skipped.
    """
    found: list[NarrativeList] = []
    previous = ""
    for sentence in re.findall(r"[^。]+。?", paragraph):
        for bracket in _PAREN.finditer(sentence):
            inner = (bracket.group(1) or bracket.group(2) or "").strip()
            opener = re.match(r"(?:其中|含)[：:，,]?", inner)
            total = _last_total(_PAREN.sub("", sentence[:bracket.start()]))
            if opener and total:
                parts = _parts(inner[opener.end():])
                if parts:
                    found.append(_make(total, parts, total.group(0) + bracket.group(0)))
        flat = _PAREN.sub("", sentence)
        for mark in re.finditer(r"其中", flat):
            head = flat[:mark.start()]
            total, start = _last_total(head), None
            if total is not None:
                start = total.start()
            elif not head.strip(" 　，,：:"):     # 其中 opens the sentence: the total is before
                total, start = _last_total(_PAREN.sub("", previous)), 0
            if total is None:
                continue
            following = flat[mark.end():]
            nxt = following.find("其中")
            parts = _parts(following if nxt < 0 else following[:nxt])
            if parts:
                said = flat[start:] if start else f"{total.group(0)}……{flat}"
                found.append(_make(total, parts, said.rstrip("。")))
        previous = sentence
    return found


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
        for lst in narrative_lists(text):
            if len(lst.units) > 1:
                found.append(problem("warning", "H-NARR-UNITS", (
                    f"{where}：合计与分项单位不一致（{'、'.join(sorted(lst.units))}），请分开表述")))
            if lst.consistent:
                continue
            if lst.exhaustive:
                found.append(problem("error", "H-NARR-SUM", (
                    f"{where}：“{lst.text}”称共 {lst.total} {lst.unit}，而其中各项之和为 "
                    f"{' + '.join(str(n) for n, _ in lst.parts)} = {lst.summed}")))
            else:
                found.append(problem("error", "H-NARR-SUM", (
                    f"{where}：“{lst.text}”称共 {lst.total} {lst.unit}，而其中一项即有 {lst.summed} {lst.parts[0][1]}")))
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
