"""The numbers of tables 二, 三 and 四, addressed by schema cell ids.

Issue 7's yearly data file fills these with :meth:`Tables.set` (``"t3.r1_new.natural_person"``);
until then every cell is 0, which is also what most district bureaus report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Union

from ._counts import ReportError
from ._format import T2_BLOCKS, T3_COLUMNS, T3_ROWS, T4_COLUMNS

Number = Union[int, Decimal]

_T2_DECIMAL_ROWS = frozenset(row for b in T2_BLOCKS if b.decimal for row, _ in b.rows)


def _zeros_t2() -> dict[str, dict[str, Number]]:
    return {
        row: {col: (Decimal(0) if block.decimal else 0) for col, _ in block.columns}
        for block in T2_BLOCKS
        for row, _ in block.rows
    }


def _zeros_t3() -> dict[str, dict[str, int]]:
    return {row.id: {col: 0 for col, _ in T3_COLUMNS} for row in T3_ROWS}


def _zeros_t4() -> dict[str, int]:
    return {col: 0 for col, _ in T4_COLUMNS}


@dataclass
class Tables:
    """Cell values: ``t2[row][column]``, ``t3[row][column]``, ``t4[column]``.

    Derived cells (the 总计 columns and （七）总计) are stored, not computed: the report prints
    what the officer entered, and :func:`report.validate` checks the arithmetic (勾稽关系).
    """

    t2: dict[str, dict[str, Number]] = field(default_factory=_zeros_t2)
    t3: dict[str, dict[str, int]] = field(default_factory=_zeros_t3)
    t4: dict[str, int] = field(default_factory=_zeros_t4)

    def _locate(self, ref: str) -> tuple[dict, str]:
        parts = ref.split(".")
        table = parts[0]
        if table == "t4" and len(parts) == 2 and parts[1] in self.t4:
            return self.t4, parts[1]
        if table in ("t2", "t3") and len(parts) == 3:
            rows = self.t2 if table == "t2" else self.t3
            row, col = parts[1], parts[2]
            if row in rows and col in rows[row]:
                return rows[row], col
        raise ReportError(
            f"unknown table cell {ref!r}; expected t2.<row>.<column>, t3.<row>.<column> or t4.<column>"
        )

    def get(self, ref: str) -> Number:
        cells, key = self._locate(ref)
        return cells[key]

    def set(self, ref: str, value: object) -> None:
        """Set one cell; fee amounts (万元) accept decimals, every other cell a whole number ≥ 0."""
        cells, key = self._locate(ref)
        is_fee = ref.startswith("t2.") and ref.split(".")[1] in _T2_DECIMAL_ROWS
        cells[key] = _decimal(ref, value) if is_fee else _whole(ref, value)


def _whole(ref: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ReportError(f"{ref}: expected a whole number, got {value!r}")
    if value < 0:
        raise ReportError(f"{ref}: must not be negative, got {value}")
    return value


def _decimal(ref: str, value: object) -> Decimal:
    # float would carry binary noise into a printed amount; go through str.
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ReportError(f"{ref}: expected an amount in 万元, got {value!r}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ReportError(f"{ref}: expected an amount in 万元, got {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ReportError(f"{ref}: amount must be a finite number ≥ 0, got {value!r}")
    return amount
