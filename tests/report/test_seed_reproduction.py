"""The seed report, reproduced number for number from a data file and the seed's counts.

``tests/fixtures/reports/seed-2024.toml`` holds the seed's texts and tables; its ``#!`` header
lines hold what the bot would supply (counts, channels). The .docx is read back with python-docx,
the HTML with html.parser, and both are compared with ``reference/seed-report-2024.txt``.
"""

from __future__ import annotations

import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest

import report

FIXTURE = Path(__file__).parents[1] / "fixtures" / "reports" / "seed-2024.toml"
# A copy of reference/seed-report-2024.txt (the bureau's published report, as extracted text).
SEED_TEXT = FIXTURE.with_name("seed-report-2024.txt")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
TABLE_SECTIONS = {  # table → (heading that opens it in the seed, heading that closes it)
    "t2": ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"),
    "t3": ("三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"),
    "t4": ("四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况"),
}


def seed_case(path: Path = FIXTURE) -> dict:
    """The ``#! key = value`` header of a fixture, parsed as TOML."""
    header = "\n".join(line[3:] for line in path.read_text(encoding="utf-8").splitlines()
                       if line.startswith("#! "))
    return tomllib.loads(header)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED_TEXT.read_text(encoding="utf-8")


def seed_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def seed_numbers(text: str) -> dict[str, list[str]]:
    """Every number of tables 二/三/四 in the seed: cells that are a number and nothing else."""
    lines = text.splitlines()
    found = {}
    for key, (start, end) in TABLE_SECTIONS.items():
        i, j = lines.index(start), lines.index(end)
        found[key] = [cell.strip() for line in lines[i + 1:j] for cell in line.split("\t")
                      if NUMBER.fullmatch(cell.strip())]
    return found


@pytest.fixture(scope="module")
def seed_model() -> report.ReportModel:
    case = seed_case()
    data = report.load_data(FIXTURE, 2024)
    rules = report_rules()
    raw = {"categories": case["counts"], "by_channel": {}, "unreviewed": 0, "undated": 0}
    counts = report.Counts.from_raw(2024, raw, list(rules["labels"]))
    return report.build_model(counts, bureau=case["bureau"], channels=case["channels"], labels=rules["labels"],
                              template=rules["template"], texts=data.texts, tables=data.tables)


def report_rules() -> dict:
    """The report wording of the bundled default rules (what a fresh install uses)."""
    import classifier

    rules = classifier.load_rules()
    return {"labels": {c.name: c.label for c in rules.categories}, "template": rules.report}


@pytest.fixture(scope="module")
def docx_doc(seed_model, tmp_path_factory):
    path = tmp_path_factory.mktemp("seed") / "seed.docx"
    report.render_docx(seed_model, path)
    return docx.Document(str(path))


class _HTMLText(HTMLParser):
    """Paragraph/heading texts and, per table id, the texts of its numeric cells."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self.numbers: dict[str, list[str]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._block: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = attrs.get("id")
            self.numbers[self._table] = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("p", "h1", "h2", "h3"):
            self._block = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell).strip()
            if tag == "td" and NUMBER.fullmatch(text):
                self.numbers[self._table].append(text)
            self._cell = None
        elif tag in ("p", "h1", "h2", "h3") and self._block is not None:
            self.blocks.append("".join(self._block).strip())
            self._block = None

    def handle_data(self, data):
        for sink in (self._cell, self._block):
            if sink is not None:
                sink.append(data)


@pytest.fixture(scope="module")
def html_page(seed_model) -> _HTMLText:
    parser = _HTMLText()
    parser.feed(report.render_html(seed_model))
    return parser


def docx_numbers(document) -> list[list[str]]:
    """Numeric cells of each table, each merged cell once, in reading order."""
    tables = []
    for table in document.tables:
        # Keyed by id() with the element kept alive: lxml proxies are recreated, and an id()
        # could be reused once the proxy is freed.
        seen, numbers = {}, []
        for row in table.rows:
            for cell in row.cells:
                if id(cell._tc) in seen:
                    continue
                seen[id(cell._tc)] = cell._tc
                if NUMBER.fullmatch(cell.text.strip()):
                    numbers.append(cell.text.strip())
        tables.append(numbers)
    return tables


def test_the_seed_data_file_is_valid_and_complete(seed_model):
    # No defaulted text: every narrative part is the seed's own; no error.
    assert seed_model.defaulted_texts == ()
    assert report.validate(seed_model) == []


def test_docx_tables_equal_the_seeds_numbers(docx_doc, seed_text):
    expected = seed_numbers(seed_text)
    assert [len(v) for v in expected.values()] == [10, 175, 15]  # 表二 10 cells, 表三 25×7, 表四 15
    assert docx_numbers(docx_doc) == [expected["t2"], expected["t3"], expected["t4"]]


def test_html_tables_equal_the_seeds_numbers(html_page, seed_text):
    assert html_page.numbers == seed_numbers(seed_text)


# The one deliberate difference from the seed: its "2024 全年我局通过" is written "2024 年，我局通过".
SEED_WORDING = ("2024 全年我局通过", "2024 年，我局通过")


def _seed_active_paragraph(seed_text: str) -> str:
    lines = seed_lines(seed_text)
    return lines[lines.index("(一) 主动公开") + 1].replace(*SEED_WORDING)


def test_docx_proactive_paragraph_equals_the_seed(docx_doc, seed_text):
    paragraphs = [p.text for p in docx_doc.paragraphs]
    expected = _seed_active_paragraph(seed_text)
    assert expected.startswith("2024 年，我局通过市商务局融媒体账号及微信公众号、")
    assert "2024 年度共通过各渠道发表内贸流通领域信息 7 篇、促消费信息 36 篇、招商引资信息 28 篇、" in expected
    assert expected in paragraphs


def test_html_proactive_paragraph_equals_the_seed(html_page, seed_text):
    assert _seed_active_paragraph(seed_text) in html_page.blocks


def _seed_headings_and_paragraphs(seed_text: str) -> tuple[list[str], list[str]]:
    """The six section headings and every narrative paragraph of the seed (tables left out)."""
    lines = seed_lines(seed_text)
    headings = [line for line in lines if re.match(r"^[一二三四五六]、", line) and "\t" not in line]
    # Narrative paragraphs follow a （n） sub-heading, or section 六's heading directly.
    paragraphs = [lines[i + 1].replace(*SEED_WORDING) for i, line in enumerate(lines)
                  if re.fullmatch(r"\(([一二三四五])\) \S+", line) or line == headings[-1]]
    return headings, paragraphs


def test_headings_and_narrative_appear_in_docx_and_html(docx_doc, html_page, seed_text):
    headings, paragraphs = _seed_headings_and_paragraphs(seed_text)
    assert len(headings) == 6 and len(paragraphs) == 8
    # the title is printed on two lines
    for rendered in ([p.text.replace("\n", "") for p in docx_doc.paragraphs], html_page.blocks):
        assert "卫滨区商务局 2024 年政府信息公开工作年度报告" in rendered
        for text in headings + paragraphs:
            assert text in rendered, text
        # The sub-headings, in the official full-width form of the seed's "(一) 主动公开".
        for heading in ("（一）主动公开", "（五）监督保障", "（二）改进情况"):
            assert heading in rendered
