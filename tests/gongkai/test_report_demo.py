"""`gongkai demo` writes a complete, valid 2024 report: the bundled data file's texts, no defaults."""
import tomllib
from pathlib import Path

import docx
import pytest

from gongkai import cli, config, demo

DATA = Path(demo.__file__).with_name("report-2024.toml")


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    assert cli.main(["demo", "--out", str(out)]) == 0
    return out


def test_demo_report_passes_check_without_default_texts(demo_out, capsys):
    capsys.readouterr()
    args = ["report", "check", "--year", "2024", "--config", str(demo_out / "gongkai.toml"), "--data", str(DATA)]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "0 error(s)" in out and "TEXT-DEFAULT" not in out, out


def test_demo_docx_and_html_hold_the_data_files_texts_tables_and_chart(demo_out):
    texts = tomllib.loads(DATA.read_text(encoding="utf-8"))["texts"]
    document = docx.Document(str(demo_out / "report-2024.docx"))
    paragraphs = [p.text for p in document.paragraphs]
    html = (demo_out / "report-2024.html").read_text(encoding="utf-8")
    for key, text in texts.items():
        text = text.strip()
        if key == "active":  # appended to the generated sentences, in the same paragraph
            assert any(p.endswith(text) and p.startswith("2024 年，我局通过") for p in paragraphs)
        else:
            assert text in paragraphs, key
        assert text in html, key
    assert len(document.tables) == 3
    assert document.inline_shapes and 'id="chart-monthly"' in html


def test_demo_platform_text_names_every_demo_channel(demo_out):
    # The data file's text is written by hand: it must follow the demo config's channels.
    channels = config.load(demo_out / "gongkai.toml").report_channels
    platform = tomllib.loads(DATA.read_text(encoding="utf-8"))["texts"]["platform"]
    assert channels and all(channel in platform for channel in channels), (channels, platform)
