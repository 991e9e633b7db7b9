"""Charts: publications per month by category and by channel (PNG for Word, SVG for HTML).

Chinese labels must render on a machine without Chinese fonts (CI, a fresh server), so the
package brings its own: ``report/fonts/NotoSansSC-gongkai-subset.otf`` (OFL, GB 2312 level 1 —
see ``make_subset.py``). A label character outside the subset falls back to any installed CJK
font; if none has it, matplotlib draws a box, and :func:`missing_glyphs` lets ``check`` warn.
The SVG draws text as paths, so the HTML page needs no font either.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ._counts import ReportError

log = logging.getLogger(__name__)

FONT_PATH = Path(__file__).parent / "fonts" / "NotoSansSC-gongkai-subset.otf"
FONT_FAMILY = "Noto Sans CJK SC"
# Tried in order per glyph (matplotlib ≥ 3.6): ours, then common system CJK fonts, then Latin.
_FALLBACK = [FONT_FAMILY, "Noto Sans CJK JP", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "DejaVu Sans"]
MONTHS = tuple(f"{m}月" for m in range(1, 13))
_WIDTH_IN = 156 / 25.4  # the docx type area


@dataclass(frozen=True)
class Monthly:
    """Publications per month (index 0 = January): unique 信息 per category, items per channel."""

    year: int
    categories: dict[str, tuple[int, ...]]
    by_channel: dict[str, tuple[int, ...]]

    @classmethod
    def from_raw(cls, year: int, raw: Mapping[str, Mapping], category_names: Sequence[str]) -> Monthly:
        """From ``Store.monthly_counts``: ``{"categories": {cat: {month: n}}, "by_channel": {...}}``."""
        def series(per_month: Mapping, where: str) -> tuple[int, ...]:
            values = [0] * 12
            for month, n in per_month.items():
                if not (isinstance(month, int) and 1 <= month <= 12) or not isinstance(n, int) or n < 0:
                    raise ReportError(f"monthly counts {where}: bad entry {month!r}: {n!r}")
                values[month - 1] = n
            return tuple(values)

        cats = raw.get("categories", {})
        unknown = [c for c in cats if c not in category_names]
        if unknown:
            raise ReportError(f"monthly counts: unknown category {', '.join(unknown)}")
        return cls(
            year=year,
            categories={name: series(cats.get(name, {}), name) for name in category_names},
            by_channel={str(ch): series(per, str(ch)) for ch, per in raw.get("by_channel", {}).items()},
        )

    @property
    def total(self) -> int:
        return sum(sum(v) for v in self.categories.values())


@lru_cache(maxsize=1)
def _font_setup() -> frozenset[int]:
    """Register the bundled font once; return the code points it covers."""
    from matplotlib import font_manager, ft2font

    font_manager.fontManager.addfont(str(FONT_PATH))
    return frozenset(ft2font.FT2Font(str(FONT_PATH)).get_charmap())


def missing_glyphs(labels: Sequence[str]) -> str:
    """Characters of ``labels`` the bundled font lacks (each once, in order of appearance)."""
    covered = _font_setup()
    return "".join(dict.fromkeys(ch for label in labels for ch in label if ord(ch) not in covered and not ch.isspace()))


def _figure(monthly: Monthly):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(_WIDTH_IN, 5.4), layout="constrained")
    top, bottom = fig.subplots(2, 1)
    x = list(range(12))
    base = [0] * 12
    for name, values in monthly.categories.items():
        top.bar(x, values, bottom=base, label=name, width=0.7)
        base = [b + v for b, v in zip(base, values)]
    top.set_title(f"{monthly.year} 年各月发布信息数（按类别）", fontsize=10)
    for name, values in monthly.by_channel.items():
        bottom.plot(x, values, marker="o", markersize=3, label=name)
    bottom.set_title(f"{monthly.year} 年各月发布信息数（按渠道）", fontsize=10)
    for ax in (top, bottom):
        ax.set_xticks(x, MONTHS, fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
        # the unit upright above the axis, as Chinese charts print it (rotated, 篇 reads sideways)
        ax.set_ylabel("篇", fontsize=8, rotation=0, ha="right", va="bottom")
        ax.yaxis.set_label_coords(-0.01, 1.01)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.spines[["top", "right"]].set_visible(False)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig


def _render(monthly: Monthly, fmt: str, **kwargs) -> bytes:
    import matplotlib

    _font_setup()
    labels = list(monthly.categories) + list(monthly.by_channel)
    lacking = missing_glyphs(labels)
    if lacking:
        log.warning("chart font subset lacks %s; falling back to installed fonts", lacking)
    params = {"font.family": "sans-serif", "font.sans-serif": _FALLBACK, "svg.fonttype": "path",
              "svg.hashsalt": "gongkai", "axes.unicode_minus": False}
    with matplotlib.rc_context(params):
        buf = io.BytesIO()
        _figure(monthly).savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None, **kwargs)
    return buf.getvalue()


def chart_png(monthly: Monthly, dpi: int = 200) -> bytes:
    """The chart as PNG, sized for the 156 mm Word type area."""
    return _render(monthly, "png", dpi=dpi)


def chart_svg(monthly: Monthly) -> str:
    """The chart as a standalone SVG (text drawn as paths), for inlining in HTML."""
    svg = _render(monthly, "svg").decode("utf-8")
    # Drop the XML prolog and DOCTYPE: inline SVG in HTML starts at <svg>.
    return svg[svg.index("<svg"):]
