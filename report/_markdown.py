"""Markdown rendering, for review in a terminal or a merge request.

Markdown tables cannot merge cells, so each row label carries its parent groups instead.
"""

from __future__ import annotations

import re
from html import escape

from ._format import T2_BLOCKS, T3_COLUMNS, T3_GROUPS, T3_RESULTS, T3_ROWS, T4_COLUMNS, T4_GROUP_LABEL, T4_LITIGATION
from ._grid import format_number
from ._model import ReportModel

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def _e(text: str) -> str:
    # Markdown passes raw HTML through, so hostile names must not survive as tags.
    return _MD_SPECIAL.sub(r"\\\1", escape(text, quote=False))


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(header), _row(["---"] * len(header))] + [_row(r) for r in rows] + [""]


def _t2(model: ReportModel) -> list[str]:
    lines: list[str] = []
    for block in T2_BLOCKS:
        lines.append(f"**{_e(block.header)}**")
        lines.append("")
        rows = [[_e(label)] + [format_number(model.tables.t2[row][c]) for c, _ in block.columns]
                for row, label in block.rows]
        lines += _table(["信息内容"] + [_e(label) for _, label in block.columns], rows)
    return lines


def _t3(model: ReportModel) -> list[str]:
    rows = []
    for row in T3_ROWS:
        path = [row.label]
        if row.group:
            path.insert(0, T3_GROUPS[row.group])
        if row.level > 0:
            path.insert(0, T3_RESULTS)
        rows.append([_e(" / ".join(path))] + [format_number(model.tables.t3[row.id][c]) for c, _ in T3_COLUMNS])
    return _table(["项目"] + [_e(label) for _, label in T3_COLUMNS], rows)


def _t4(model: ReportModel) -> list[str]:
    def path(column: str, label: str) -> str:
        group = T4_GROUP_LABEL[column]
        return f"{group}·{label}" if column.startswith("review_") else f"{T4_LITIGATION}·{group}·{label}"

    header = [_e(path(c, label)) for c, label in T4_COLUMNS]
    return _table(header, [[format_number(model.tables.t4[c]) for c, _ in T4_COLUMNS]])


def render_markdown(model: ReportModel) -> str:
    lines = (["> **草稿**：本报告未通过校验，不得发布。", ""] if model.draft else []) + [f"# {_e(model.title)}", ""]
    tables = {"t2": _t2, "t3": _t3, "t4": _t4}
    for section in model.sections:
        lines += [f"## {_e(section.heading)}", ""]
        for p in section.paragraphs:
            lines += [_e(p), ""]
        for part in section.parts:
            lines += [f"### {_e(part.heading)}", ""]
            for p in part.paragraphs:
                lines += [_e(p), ""]
        if section.table:
            lines += tables[section.table](model)
    return "\n".join(lines).rstrip("\n") + "\n"
