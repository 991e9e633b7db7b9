"""One self-contained HTML page, like the 年报 pages bureaus publish on their portals."""

from __future__ import annotations

from html import escape

from ._charts import chart_svg
from ._format import TITLE_TAIL
from ._grid import Grid, grid_for
from ._model import ReportModel

_CSS = """
body{margin:0;background:#f4f4f4;color:#222;font-family:"仿宋_GB2312","仿宋","FangSong","STFangsong","Noto Serif CJK SC","Source Han Serif SC",serif;font-size:16pt;line-height:1.8}
main{max-width:210mm;margin:0 auto;padding:20mm 18mm;background:#fff}
h1{font-family:"方正小标宋简体","方正小标宋_GBK","华文中宋","STZhongsong","Noto Serif CJK SC","Source Han Serif SC",serif;font-size:22pt;font-weight:normal;text-align:center;line-height:1.4;margin:0 0 1em}
h1 span{display:inline-block}
h2{font-family:"黑体","SimHei","Heiti SC","Noto Sans CJK SC","Source Han Sans SC",sans-serif;font-size:16pt;font-weight:normal;margin:1em 0 .3em}
h3{font-family:"楷体_GB2312","楷体","KaiTi","STKaiti","AR PL UKai CN","Noto Serif CJK SC",serif;font-size:16pt;font-weight:normal;margin:.6em 0 .2em}
h1,h2,h3{break-after:avoid;page-break-after:avoid;break-inside:avoid}
p{text-indent:2em;margin:0}
.table-wrap{overflow-x:auto;margin:.5em 0 1em;break-before:avoid;page-break-before:avoid}
.table-wrap.whole{break-inside:avoid;page-break-inside:avoid}
tr{break-inside:avoid;page-break-inside:avoid}
table{border-collapse:collapse;width:100%;font-size:10.5pt;line-height:1.4}
th,td{border:1px solid #000;padding:4px 5px;vertical-align:middle}
th{font-weight:bold;text-align:center}
td{text-align:left}
td.num{text-align:center;white-space:nowrap}
th{word-break:keep-all}
.draft{color:#c00;border:3px solid #c00;display:inline-block;padding:0 .5em;font-size:20pt;font-weight:bold;letter-spacing:.3em}
.draft-wrap{text-align:center;margin:0 0 .5em}
figure.chart{margin:.8em 0;text-align:center}figure.chart svg{max-width:100%;height:auto}
@media print{body{background:#fff}main{padding:0}}
""".strip()


DRAFT_MARK = "草稿"


def _e(text: str) -> str:
    return escape(text, quote=True)


def _title(title: str) -> str:
    # two lines where the sense breaks, like the .docx: each half wraps only if it must
    head, tail = title[: -len(TITLE_TAIL)].rstrip(), TITLE_TAIL
    if not title.endswith(TITLE_TAIL) or not head:
        return _e(title)
    return f"<span>{_e(head)}</span><span>{_e(tail)}</span>"


def _table(grid: Grid) -> str:
    def cell(c) -> str:
        tag = "th" if c.header else "td"
        attrs = ""
        if c.rowspan > 1:
            attrs += f' rowspan="{c.rowspan}"'
        if c.colspan > 1:
            attrs += f' colspan="{c.colspan}"'
        if c.number:
            attrs += ' class="num"'
        return f"<{tag}{attrs}>{_e(c.text)}</{tag}>"

    def rows(rs) -> str:
        return "".join("<tr>" + "".join(cell(c) for c in r) + "</tr>\n" for r in rs)

    head = rows(grid.rows[: grid.header_rows])
    body = rows(grid.rows[grid.header_rows:])
    thead = f"<thead>\n{head}</thead>\n" if head else ""
    # 表二 and 表四 are short: kept whole on a printed page; 表三 may break between rows
    whole = " whole" if grid.key != "t3" else ""
    return f'<div class="table-wrap{whole}"><table id="{grid.key}">\n{thead}<tbody>\n{body}</tbody>\n</table></div>\n'


def render_html(model: ReportModel) -> str:
    """The report as one page: inline CSS, real tables with merged headers, every text escaped."""
    out = [
        "<!DOCTYPE html>\n",
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>{'（草稿）' if model.draft else ''}{_e(model.title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n<main>\n",
    ]
    if model.draft:
        out.append(f'<div class="draft-wrap"><span class="draft">{DRAFT_MARK}</span></div>\n')
    out.append(f"<h1>{_title(model.title)}</h1>\n")
    for section in model.sections:
        out.append(f'<section id="{section.key}">\n<h2>{_e(section.heading)}</h2>\n')
        out.extend(f"<p>{_e(p)}</p>\n" for p in section.paragraphs)
        for part in section.parts:
            out.append(f"<h3>{_e(part.heading)}</h3>\n")
            out.extend(f"<p>{_e(p)}</p>\n" for p in part.paragraphs)
            if part.key == "active" and model.monthly is not None:
                # Inline SVG with text as paths: the page stays one file and needs no font.
                out.append(f'<figure class="chart" id="chart-monthly">{chart_svg(model.monthly)}</figure>\n')
        if section.table:
            out.append(_table(grid_for(section.table, model.tables)))
        out.append("</section>\n")
    out.append("</main>\n</body>\n</html>\n")
    return "".join(out)
