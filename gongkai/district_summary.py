"""The district summary (全区汇总) of ``gongkai report --district``: every body's counts, the
state of its report, the bodies still missing data, and what no body counts. Plain Markdown, for
the 政务公开办 checking every body's report before 31 January."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

import report

from .display import when


@dataclass(frozen=True)
class BodyRow:
    """One body's line: its counts, its data file (None: not written yet) and its problems."""

    id: str
    name: str
    counts: report.Counts
    data: Path | None
    problems: tuple[report.Problem, ...]

    @property
    def errors(self) -> list[report.Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def status(self) -> str:
        if self.data is None:
            return "no data file"
        if self.errors:
            return f"{len(self.errors)} error(s)"
        warnings = len(self.problems)
        return f"ready ({warnings} warning(s) to confirm)" if warnings else "ready"

    def missing(self) -> list[str]:
        """What keeps this body's report from being written, in words an officer acts on."""
        out = []
        if self.counts.total == 0:
            out.append("no 信息 counted this year: are its sources configured and crawled?")
        if self.data is None:
            out.append("no yearly data file (tables 二/三/四): "
                       f"`gongkai report init --year {self.counts.year} --bureau {self.id}`")
        elif self.errors:
            out.append(f"its data file {self.data} fails the checks, first: {self.errors[0]}")
        if self.counts.unreviewed:
            out.append(f"{self.counts.unreviewed} item(s) awaiting review")
        return out


def render(year: int, rows: Sequence[BodyRow], *, unique_total: int, unattributed: Sequence[dict],
           categories: Sequence[str], now: datetime) -> str:
    """The summary as Markdown. ``unique_total``: the district's 信息, each once however many
    bodies published it; ``unattributed``: the shared sources' items naming no body."""
    head = ["单位 body", "id", "信息", *categories, "待审 unreviewed", "无日期 undated",
            "可能重复 possible duplicates", "年报 report"]
    own_any = any(_own(r.counts, categories) for r in rows)
    if own_any:
        head.append("自定分类 own categories")
    lines = [f"# {year} 年度政府信息公开 全区汇总 — district summary", "",
             f"Written {when(now)} (Beijing time) by `gongkai report --district --year {year}`.",
             "", f"- bodies: {len(rows)}; ready to report: "
             f"{sum(r.status().startswith('ready') for r in rows)}",
             f"- the district's 信息 (each once, however many bodies published it): {unique_total}",
             f"- unattributed (shared sources' items naming no body, counted nowhere): "
             f"{len(unattributed)}", "", "## Every body", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        c = r.counts
        own = _own(c, categories)
        cells = [r.name, r.id, str(c.total),
                 *(("—" if own else str(c.categories[k])) for k in categories),
                 str(c.unreviewed), str(c.undated), str(c.possible_duplicates), r.status()]
        if own_any:
            cells.append(own or "—")
        lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    lines += ["", "A joint notice counts for each body that published it, so the body rows may "
              "add up to more than the district's 信息.", "", "## Bodies still missing data", ""]
    missing = [(r, r.missing()) for r in rows]
    missing = [(r, m) for r, m in missing if m]
    for r, reasons in missing:
        lines.append(f"- **{r.name}** (`{r.id}`): " + "; ".join(reasons))
    if not missing:
        lines.append("None: every body has counts and a data file that passes the checks.")
    lines += ["", "## Unattributed", ""]
    for row in unattributed:
        lines.append(f"- #{row['id']} {row['pub_date'] or '-'} [{_cell(row['source'])}] "
                     f"{_cell(row['title'] or '')}")
    if not unattributed:
        lines.append("None: every item of the shared sources names a body.")
    else:
        lines += ["", "Each is kept in the record and counted for no body. An admin gives one "
                  "to a body on its page (改归属单位); a body missing from its source's "
                  "`bureaus`, or a name missing from a body's `aliases`, is fixed in the config "
                  "(the stored items are asked again at the next crawl or count)."]
    return "\n".join(lines) + "\n"


def _own(counts: Any, categories: Sequence[str]) -> str:
    """A body's own categories and counts ('' for one filed under the district's)."""
    if list(counts.categories) == list(categories):
        return ""
    return "；".join(f"{k} {n}" for k, n in counts.categories.items())


def _cell(text: str) -> str:
    # a table cell is one line, and a bar would start another cell
    return " ".join(str(text).split()).replace("|", "｜")
