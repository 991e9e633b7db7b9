from html.parser import HTMLParser

from report import render_html


HOSTILE = "<script>alert(1)</script>"


class _Outline(HTMLParser):
    """Headings by level, and per table id: rows in tbody and the merged cells."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: dict[str, list[str]] = {"h1": [], "h2": [], "h3": []}
        self.body_rows: dict[str, int] = {}
        self.spans: dict[str, list[tuple[str, str, str]]] = {}
        self.scripts = 0
        self._heading: str | None = None
        self._table: str | None = None
        self._in_body = False
        self._cell: tuple[str, str] | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag in self.headings:
            self._heading, self._text = tag, ""
        if tag == "table":
            self._table = attrs.get("id")
            self.body_rows[self._table] = 0
            self.spans[self._table] = []
        if tag == "tbody":
            self._in_body = True
        if tag == "tr" and self._in_body:
            self.body_rows[self._table] += 1
        if tag in ("td", "th") and ("rowspan" in attrs or "colspan" in attrs):
            self._cell, self._text = (attrs.get("rowspan", "1"), attrs.get("colspan", "1")), ""

    def handle_endtag(self, tag):
        if tag == self._heading:
            self.headings[tag].append(self._text)
            self._heading = None
        if tag in ("td", "th") and self._cell:
            self.spans[self._table].append((self._text, *self._cell))
            self._cell = None
        if tag == "tbody":
            self._in_body = False

    def handle_data(self, data):
        self._text += data


def outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


def test_self_contained_page_with_six_headings_in_order(model, seed):
    html = render_html(model)
    assert '<meta charset="utf-8">' in html and "<style>" in html
    assert "<link" not in html and "src=" not in html
    page = outline(html)
    assert page.headings["h1"] == [model.title]
    assert page.headings["h2"] == seed.headings
    assert page.headings["h3"][0] == "（一）主动公开"
    assert seed.sentence in html


def test_table_three_has_25_data_rows_and_official_merges(model):
    page = outline(render_html(model))
    assert page.body_rows["t3"] == 25
    assert page.body_rows["t4"] == 1
    spans = page.spans["t3"]
    assert ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "3", "3") in spans
    assert ("申请人情况", "1", "7") in spans
    assert ("法人或其他组织", "1", "5") in spans
    assert ("三、本年度办理结果", "22", "1") in spans
    assert ("（三）不予公开", "8", "1") in spans
    assert ("行政诉讼", "1", "10") in page.spans["t4"]
    assert ("第二十条第（一）项", "1", "4") in page.spans["t2"]


def test_hostile_names_and_texts_are_escaped(counts, build):
    model = build(bureau=f"局{HOSTILE}", channels=[f"网站{HOSTILE}", "公众号"],
                  texts={"other": f"说明{HOSTILE}\"'&"})
    html = render_html(model)
    assert "<script" not in html.lower()
    assert outline(html).scripts == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;&#x27;&amp;" in html


def test_fonts_named_with_fallbacks_and_headings_kept_with_their_tables(model):
    html = render_html(model)
    css = html[html.index("<style>"):html.index("</style>")]
    body = css[css.index("body{"):].split("}")[0]
    assert '"仿宋_GB2312","仿宋","FangSong"' in body and '"Noto Serif CJK SC"' in body
    assert body.rstrip().endswith("line-height:1.8")
    h1 = css[css.index("h1{"):].split("}")[0]
    assert h1.index('"方正小标宋简体"') < h1.index('"Noto Serif CJK SC"') < h1.index("serif;")
    assert '"Noto Sans CJK SC"' in css[css.index("h2{"):].split("}")[0]
    assert "h1,h2,h3{break-after:avoid" in css and ".table-wrap.whole{break-inside:avoid" in css
    assert '<div class="table-wrap whole"><table id="t2">' in html
    assert '<div class="table-wrap"><table id="t3">' in html       # a page long: may break between rows
    # the title's two halves, each kept on its line
    assert "<h1><span>卫滨区商务局 2024 年</span><span>政府信息公开工作年度报告</span></h1>" in html
