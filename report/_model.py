"""The report model: everything a renderer needs, nothing renderer-specific."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ._charts import Monthly
from ._counts import Counts, ReportError
from ._format import S1_PARTS, S5_PARTS, SECTION_HEADINGS
from ._tables import Tables
from ._text import TEXT_KEYS, channels_sentence, clean, default_texts, paragraphs, proactive_sentence


@dataclass
class Part:
    """A sub-part headed （一）… inside a section."""

    key: str
    heading: str
    paragraphs: list[str]


@dataclass
class Section:
    """One of the six fixed sections; ``table`` names the table it carries ("t2"/"t3"/"t4")."""

    key: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    table: str | None = None


@dataclass
class ReportModel:
    """The whole 政府信息公开工作年度报告 for one year.

    ``defaulted_texts`` lists the narrative keys that fell back to the built-in wording, so a
    caller can warn before the report is published.
    """

    year: int
    bureau: str
    title: str
    counts: Counts
    channels: tuple[str, ...]
    proactive_sentence: str
    sections: list[Section]
    tables: Tables
    defaulted_texts: tuple[str, ...] = ()
    # Publications per month for the charts (None: no chart); draft marks every rendering 草稿.
    monthly: Monthly | None = None
    draft: bool = False

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)


def build_model(
    counts: Counts,
    *,
    bureau: str,
    channels: Sequence[str],
    labels: Mapping[str, str],
    template: Mapping[str, str],
    texts: Mapping[str, str] | None = None,
    tables: Tables | None = None,
    monthly: Monthly | None = None,
    draft: bool = False,
) -> ReportModel:
    """Assemble the six sections from the counts, the channel names and the officer's texts.

    ``texts`` keys are those of ``report.TEXT_KEYS``; a missing or blank one gets a neutral
    default. ``tables`` defaults to all zeros. ``monthly`` adds the charts; ``draft`` marks
    the report 草稿 (written with --force despite errors).
    """
    bureau = " ".join(clean(bureau).split())
    if not bureau:
        raise ReportError("bureau name is empty")
    texts = dict(texts or {})
    unknown = [key for key in texts if key not in TEXT_KEYS]
    if unknown:
        raise ReportError(f"unknown text key(s) {', '.join(unknown)}; known: {', '.join(TEXT_KEYS)}")
    tables = tables if tables is not None else Tables()
    channels = tuple(" ".join(clean(c).split()) for c in channels if clean(c).strip())
    year = counts.year

    defaults = default_texts(year, channels, tables)
    # "active" is optional extra wording, so leaving it out is not a default worth flagging.
    defaulted = tuple(k for k in TEXT_KEYS if k != "active" and not texts.get(k, "").strip())
    chosen = {k: (texts[k] if texts.get(k, "").strip() else defaults[k]) for k in TEXT_KEYS}

    sentence = proactive_sentence(counts, labels, template)
    # The seed keeps channels, counts and closing remarks in one paragraph; further lines of
    # the officer's "active" text become paragraphs of their own.
    extra = paragraphs(chosen["active"])
    first = channels_sentence(year, channels) + sentence + (extra[0] if extra else "")
    active = [first] + extra[1:]

    s1_paragraphs = {"active": active, **{k: paragraphs(chosen[k]) for k, _ in S1_PARTS if k != "active"}}
    headings = dict(SECTION_HEADINGS)
    sections = [
        Section("s1", headings["s1"], parts=[Part(k, h, s1_paragraphs[k]) for k, h in S1_PARTS]),
        Section("s2", headings["s2"], table="t2"),
        Section("s3", headings["s3"], table="t3"),
        Section("s4", headings["s4"], table="t4"),
        Section("s5", headings["s5"], parts=[Part(k, h, paragraphs(chosen[k])) for k, h in S5_PARTS]),
        Section("s6", headings["s6"], paragraphs=paragraphs(chosen["other"])),
    ]
    return ReportModel(
        year=year,
        bureau=bureau,
        title=f"{bureau} {year} 年政府信息公开工作年度报告",
        counts=counts,
        channels=channels,
        proactive_sentence=sentence,
        sections=sections,
        tables=tables,
        defaulted_texts=defaulted,
        monthly=monthly,
        draft=draft,
    )
