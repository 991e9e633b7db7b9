"""Tables 二/三/四 as rows of cells with the official merges, shared by the HTML and Word renderers.

Cells follow HTML placement: each row lists only the cells that start in it; a cell occupies
``rowspan`` × ``colspan`` grid positions and later rows skip positions already covered.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ._format import (
    T2_BLOCKS,
    T2_GRID_COLUMNS,
    T2_LABEL_COLUMN,
    T3_APPLICANTS,
    T3_APPLICANT_COLUMNS,
    T3_COLUMNS,
    T3_GROUPS,
    T3_LEGAL_PERSONS,
    T3_NOTE,
    T3_RESULTS,
    T3_ROWS,
    T4_COLUMNS,
    T4_GROUPS,
    T4_LITIGATION,
    T4_OUTCOMES,
)
from ._tables import Tables


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    number: bool = False


@dataclass(frozen=True)
class Grid:
    key: str  # "t2" | "t3" | "t4"
    columns: int
    header_rows: int  # leading rows that are column headers (thead)
    rows: tuple[tuple[Cell, ...], ...]


def format_number(value: object) -> str:
    """Always print a number, 0 included (never blank or “/”); 万元 keeps its decimals as entered."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _num(value: object, colspan: int = 1) -> Cell:
    return Cell(format_number(value), colspan=colspan, number=True)


def grid_t2(tables: Tables) -> Grid:
    rows: list[tuple[Cell, ...]] = []
    for block in T2_BLOCKS:
        rows.append((Cell(block.header, colspan=T2_GRID_COLUMNS, header=True),))
        # Single-value blocks stretch their one column over the three value columns.
        span = (T2_GRID_COLUMNS - 1) // len(block.columns)
        rows.append((Cell(T2_LABEL_COLUMN, header=True),)
                    + tuple(Cell(label, colspan=span, header=True) for _, label in block.columns))
        for row_id, label in block.rows:
            rows.append((Cell(label),) + tuple(_num(tables.t2[row_id][c], span) for c, _ in block.columns))
    return Grid("t2", T2_GRID_COLUMNS, 0, tuple(rows))


def grid_t3(tables: Tables) -> Grid:
    header = (
        (Cell(T3_NOTE, rowspan=3, colspan=3, header=True), Cell(T3_APPLICANTS, colspan=7, header=True)),
        (Cell(T3_APPLICANT_COLUMNS[0][1], rowspan=2, header=True),
         Cell(T3_LEGAL_PERSONS, colspan=5, header=True),
         Cell(T3_COLUMNS[-1][1], rowspan=2, header=True)),
        tuple(Cell(label, header=True) for _, label in T3_APPLICANT_COLUMNS[1:]),
    )
    result_rows = sum(1 for r in T3_ROWS if r.level > 0)
    group_sizes = {g: sum(1 for r in T3_ROWS if r.group == g) for g in T3_GROUPS}
    body: list[tuple[Cell, ...]] = []
    seen_groups: set[str] = set()
    started_results = False
    for row in T3_ROWS:
        labels: list[Cell] = []
        if row.level == 0:
            labels.append(Cell(row.label, colspan=3))
        else:
            if not started_results:
                labels.append(Cell(T3_RESULTS, rowspan=result_rows))
                started_results = True
            if row.group is None:
                labels.append(Cell(row.label, colspan=2))
            else:
                if row.group not in seen_groups:
                    labels.append(Cell(T3_GROUPS[row.group], rowspan=group_sizes[row.group]))
                    seen_groups.add(row.group)
                labels.append(Cell(row.label))
        body.append(tuple(labels) + tuple(_num(tables.t3[row.id][c]) for c, _ in T3_COLUMNS))
    return Grid("t3", 10, len(header), header + tuple(body))


def grid_t4(tables: Tables) -> Grid:
    review, direct, after = (label for _, label in T4_GROUPS)
    outcomes = [label for _, label in T4_OUTCOMES]
    header = (
        (Cell(review, colspan=5, header=True), Cell(T4_LITIGATION, colspan=10, header=True)),
        tuple(Cell(o, rowspan=2, header=True) for o in outcomes)
        + (Cell(direct, colspan=5, header=True), Cell(after, colspan=5, header=True)),
        tuple(Cell(o, header=True) for o in outcomes * 2),
    )
    data = (tuple(_num(tables.t4[c]) for c, _ in T4_COLUMNS),)
    return Grid("t4", len(T4_COLUMNS), len(header), header + data)


def grid_for(key: str, tables: Tables) -> Grid:
    return {"t2": grid_t2, "t3": grid_t3, "t4": grid_t4}[key](tables)


def place(grid: Grid) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) for every cell, resolving HTML-style placement into grid positions."""
    taken: set[tuple[int, int]] = set()
    placed: list[tuple[int, int, Cell]] = []
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return placed
