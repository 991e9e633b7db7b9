"""Hostile pages cost linear-ish time (collectors/_scriptrows.py, _feedbytes.py, _dates.py,
_rowdates.py, _presets/datafile.py): content from the web is hostile, and a regex that backtracks
2^n ways or a loop that costs n^2 stalls a crawl on one page.

Each case runs in a child Python with a generous 60 s timeout, at a size the code before took far
longer than that to read (the exponential ones: years; the quadratic ones: minutes), and checks what
was read — the bound is on the work, not on a clock measured here."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PAGE = ("<html><head><title>区商务局</title></head><body><ul class=\"list\">"
        "<script>document.write('<li><a href=\"./202501/t20250105_1.html\">区商务局召开会议</a>"
        "<span>2025-01-05</span></li>');</script>{hostile}</ul></body></html>")


def _run(code: str) -> str:
    """Run *code* in a child Python importing this checkout's collectors; its stdout."""
    prelude = f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
    done = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.parametrize("hostile", [
    # both \\. (re.S) and \\\n matched a backslash-newline: 2^60 ways to fail to close the string
    "\"<script>document.write('\" + '\\\\\\n' * 60 + '</script>'",
    # each of 100,000 unclosed strings (\\' keeps them open) scanned to the line's end: n^2
    "\"<script>document.write(x); x = '\" + \"\\\\'\" * 100_000 + '</script>'",
    "'<script>document.write(x); x = `' + '\\\\`' * 100_000 + '</script>'",
])
def test_an_unclosed_string_costs_one_pass_and_the_rows_written_before_it_are_kept(hostile):
    out = _run(f"""
from bs4 import BeautifulSoup
from collectors._listing import find_list
page = {PAGE!r}.format(hostile={hostile})
rows, note = find_list(BeautifulSoup(page, "html.parser"), "http://127.0.0.1:1/col/index.html",
                       context_year=2025)
print([r.title for r in rows], "written by the page's script" in note)
""")
    assert out.strip() == "['区商务局召开会议'] True"


def test_a_long_literal_chain_costs_linear_time():
    # 12 scripts just under the 400 kB cap, each a chain of 95,000 literals joined by + (a tuple
    # was copied per +): over a minute before, seconds now
    out = _run(r"""
from bs4 import BeautifulSoup
from collectors import _scriptrows as s
chain = "x='a'" + "+'a'" * 95_000 + ";document.write(x+'<li><a href=/x/1.html>t</a></li>');"
assert len(chain) < 400_000
soup = BeautifulSoup("<ul>" + f"<script>{chain}</script>" * 12 + "</ul>", "html.parser")
print(s.write_out(soup), len(soup.find_all("a")))
""")
    assert out.split() == ["12", "12"]


def test_many_json_addresses_cost_linear_time():
    # 8 scripts of 33,000 addresses written with an escape, so that their text is nowhere in the
    # script: each was looked for through the whole script (over a minute before)
    out = _run(r"""
from bs4 import BeautifulSoup
from collectors import _scriptrows as s
addresses = "'\\x2f.json';" * 33_000
assert len(addresses) < 400_000
soup = BeautifulSoup("<ul>" + f"<script>{addresses}</script>" * 8 + "</ul>", "html.parser")
print(s.json_lists(soup, "http://127.0.0.1:1/c/"))
""")
    assert out.strip() == "['http://127.0.0.1:1/.json']"


def test_many_processing_instructions_or_comments_before_the_root_cost_one_pass():
    # a lazy <?.*?\?> under * could span several: 2^n ways before a DOCTYPE that is not there
    out = _run(r"""
from collectors._feedbytes import HTML_START, declares_entities
n = 60
print(declares_entities(b"<?a?>" * n + b"<rss/>"), declares_entities(b"<!--a-->" * n + b"<rss/>"),
      declares_entities(b"<?a?>" * n + b"<!DOCTYPE x>" + b"<rss/>"),
      declares_entities(b"<?a?><!--b-->" * n + b'<!DOCTYPE x [<!ENTITY a "b">]><rss/>'),
      HTML_START.match(b"<!--a-->" * n + b"<rss/>") is None,
      HTML_START.match(b"<!--a-->" * n + b"<html>") is not None)
""")
    assert out.split() == ["False", "False", "False", "True", "True", "True"]


def test_a_row_of_many_dates_and_a_label_before_a_long_blank_run_cost_linear_time():
    # find_dates checked each date against every date before it (60,000 dates: minutes); the
    # label's four adjacent \s* before $ tried n^4 ways to split 3,000 blanks
    out = _run(r"""
from collectors._dates import find_dates
from collectors._rowdates import _label_rank, date_in
text = " ".join(f"2025-01-{i % 28 + 1:02d}" for i in range(60_000)) + " 2024年3月5日"
found = find_dates(text)
print(len(found), found[-1][1], found[0][1])
print(_label_rank("发布日期" + " " * 3_000 + "x"), _label_rank("实施日期 ：" + "\u3000" * 3_000))
print(date_in("成文日期：2025-12-28" + " " * 3_000 + "发布日期：2026-01-04", None)[0])
""")
    assert out.splitlines() == ["60001 2024年3月5日 2025-01-01", "1 None", "2026-01-04"]


@pytest.mark.parametrize("body", ["[" * 100_000, "cb(" + "[" * 100_000 + "])"])
def test_json_nested_too_deep_is_refused_with_a_reason(body):
    from collectors._presets import datafile
    with pytest.raises(datafile.TooDeep, match="JSON nested too deep"):
        datafile.load(body)
    assert datafile.Datafile.fingerprints(body, "http://127.0.0.1:1/d/list_1.json") == [
        (1, "a JSON body, but nested too deep to read")]


def test_many_unclosed_links_written_and_blanks_after_a_jsonp_call_cost_one_pass():
    # <a\b[^>]*\bhref searched from each of 130,000 unclosed "<a " to the end; \s*;?\s* after a
    # JSONP call split 300,000 blanks before a stray x n^2 ways
    out = _run(r"""
from bs4 import BeautifulSoup
from collectors import _scriptrows as s
from collectors._presets import datafile
page = "<ul><script>document.write('" + "<a " * 130_000 + "');</script></ul>"
print(s.write_out(BeautifulSoup(page, "html.parser")),
      datafile.load("cb([1])" + " " * 300_000 + "x"), datafile.load("cb([1]) ;\n"))
""")
    assert out.split() == ["0", "None", "[1]"]


def test_a_jpaas_answer_or_query_data_nested_too_deep_is_refused_not_an_internal_error():
    from collectors import SourceError
    from collectors._http import Response
    from collectors._presets import jpaas
    with pytest.raises(ValueError, match="unreadable queryData"):
        jpaas.query_data("[" * 100_000)
    api = jpaas.Jpaas({})
    with pytest.raises(SourceError, match="nested too deep"):
        api._api_page(None, Response("http://127.0.0.1:1/api", 200, text="[" * 100_000), None, {})
