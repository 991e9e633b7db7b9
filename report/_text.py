"""Generated narrative: the 主动公开 sentence, the channels sentence and neutral default texts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from string import Formatter

from ._counts import Counts, ReportError
from ._tables import Tables

_TEMPLATE_KEYS = ("sentence", "item", "separator")
LIST_SEPARATOR = "、"


def fill(template: str, what: str, **values: object) -> str:
    """``str.format`` restricted to the named placeholders.

    Templates come from the rules file, which the officer edits; plain ``format`` would allow
    ``{count.__class__}``-style attribute access and give a bare KeyError for a typo.
    """
    allowed = ", ".join("{" + k + "}" for k in values)
    try:
        fields = list(Formatter().parse(template))
    except ValueError as exc:
        raise ReportError(f"{what}: malformed template {template!r} ({exc})") from None
    for _, name, spec, _conversion in fields:
        if name is None:
            continue
        if name not in values or (spec and "{" in spec):
            raise ReportError(f"{what}: unknown placeholder {{{name}}} in {template!r}; allowed: {allowed}")
    try:
        return template.format_map(values)
    except (ValueError, TypeError) as exc:
        raise ReportError(f"{what}: cannot fill template {template!r} ({exc})") from None


def proactive_sentence(counts: Counts, labels: Mapping[str, str], template: Mapping[str, str]) -> str:
    """The 主动公开 sentence, items in ``labels`` order (the rules file's report order).

    Every counted category must have a label and vice versa: a category left out of the
    sentence would make the published parts not add up to what was published.
    Zero counts are written out ("… 0 篇"), so the list is always exhaustive.
    """
    missing_keys = [k for k in _TEMPLATE_KEYS if k not in template]
    if missing_keys:
        raise ReportError(f"sentence template: missing key(s) {', '.join(missing_keys)}")
    unlabelled = [c for c in counts.categories if c not in labels]
    if unlabelled:
        raise ReportError(f"sentence labels: no report wording for category {', '.join(unlabelled)}")
    uncounted = [c for c in labels if c not in counts.categories]
    if uncounted:
        raise ReportError(f"sentence labels: category {', '.join(uncounted)} is not in the counts")
    items = [
        fill(template["item"], "sentence template 'item'", label=label, count=counts.categories[name], category=name)
        for name, label in labels.items()
    ]
    return fill(
        template["sentence"],
        "sentence template 'sentence'",
        year=counts.year,
        total=counts.total,
        items=template["separator"].join(items),
    )


def channels_sentence(year: int, channels: Sequence[str]) -> str:
    """"{year} 年，我局通过A、B等多种渠道发布信息。"; empty without channels.

    The seed report says "2024 全年我局通过…", which reads as a slip ("2024 年全年" or "2024 年，
    我局"); the report writes the plain form.
    """
    if not channels:
        return ""
    joined = LIST_SEPARATOR.join(channels)
    if len(channels) == 1:
        return f"{year} 年，我局通过{joined}发布信息。"
    return f"{year} 年，我局通过{joined}等多种渠道发布信息。"


# Narrative texts the officer may supply (``build_model(texts=...)``), with their place in the report.
TEXT_KEYS: dict[str, str] = {
    "active": "一（一）主动公开: closing remarks appended after the generated sentences",
    "apply": "一（二）依申请公开",
    "management": "一（三）政府信息管理",
    "platform": "一（四）政府信息公开平台建设",
    "supervision": "一（五）监督保障",
    "problems": "五（一）存在的主要问题",
    "improvements": "五（二）改进情况",
    "other": "六、其他需要报告的事项",
}


def default_texts(year: int, channels: Sequence[str], tables: Tables) -> dict[str, str]:
    """Neutral defaults. Those that state facts derive them from the model, never invent them."""
    return {
        "active": "",
        "apply": _apply_default(year, tables),
        "management": "我局严格落实政府信息公开各项制度，规范信息发布审核程序，确保政府信息公开工作规范运行。",
        "platform": (
            f"目前，我局相关信息依托{LIST_SEPARATOR.join(channels)}等平台进行公开。"
            if channels
            else "我局依托政府网站等平台公开政府信息。"
        ),
        "supervision": "我局明确专人负责政务公开日常工作，做到有领导分管、有专人承办，保障政府信息公开工作有序推进。",
        "problems": "政府信息公开的及时性、全面性和政策解读的形式仍有提升空间。",
        "improvements": "下一步，我局将加强政务公开业务培训，健全信息发布审核机制，丰富政策解读形式，持续提升政府信息公开工作水平。",
        "other": f"{year} 年度无其他需要报告的事项。",
    }


def _apply_default(year: int, tables: Tables) -> str:
    # Stated numbers must equal table 三 (H-TEXT-T3), so they are read from it.
    t3 = tables.t3
    new, carried_in = t3["r1_new"]["total"], t3["r2_carried_in"]["total"]
    if new == 0 and carried_in == 0:
        return f"{year} 年度我局未收到政府信息公开申请。"
    done, carried_out = t3["r3_7_total"]["total"], t3["r4_carried_out"]["total"]
    return (
        f"{year} 年度我局新收政府信息公开申请 {new} 件，上年结转 {carried_in} 件，"
        f"办结 {done} 件，结转下年度继续办理 {carried_out} 件。"
    )


# Text pasted from Word carries vertical tabs (soft breaks) and other control characters that
# XML — hence .docx — cannot hold; they would crash the Word renderer at publication time.
_CONTROL = {c: None for c in range(0x20) if chr(c) not in "\t\n\r\x0b\x0c"} | {0x7F: None}


def clean(text: str) -> str:
    """Drop control characters; soft line breaks become line breaks."""
    return text.replace("\x0b", "\n").replace("\x0c", "\n").translate(_CONTROL)


def paragraphs(text: str) -> list[str]:
    """One paragraph per non-blank line, trimmed."""
    return [line.strip() for line in clean(text).splitlines() if line.strip()]
