from report import render_markdown



def test_markdown_has_headings_sentence_and_tables(model, seed):
    md = render_markdown(model)
    assert [line[3:] for line in md.splitlines() if line.startswith("## ")] == seed.headings
    assert seed.sentence in md
    # A table-三 data row: a label and seven zeros (table 四's single row has fifteen).
    t3_rows = [line for line in md.splitlines() if line.count("|") == 9 and line.endswith("| 0 | 0 | 0 | 0 | 0 | 0 | 0 |")]
    assert len(t3_rows) == 25


def test_markdown_escapes_html_and_table_pipes(counts, build):
    md = render_markdown(build(bureau="局<script>x</script>", texts={"other": "a|b"}))
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "a\\|b" in md
