from report import render_markdown

from .conftest import SEED_SENTENCE, SIX_HEADINGS, build


def test_markdown_has_headings_sentence_and_tables(model):
    md = render_markdown(model)
    assert [line[3:] for line in md.splitlines() if line.startswith("## ")] == SIX_HEADINGS
    assert SEED_SENTENCE in md
    t3_rows = [line for line in md.splitlines() if line.startswith("| ") and line.endswith("| 0 | 0 | 0 | 0 | 0 | 0 | 0 |")]
    assert len(t3_rows) == 25


def test_markdown_escapes_html_and_table_pipes(counts):
    md = render_markdown(build(counts, bureau="局<script>x</script>", texts={"other": "a|b"}))
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "a\\|b" in md
