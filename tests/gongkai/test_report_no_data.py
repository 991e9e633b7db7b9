"""A report without its yearly data file, or for a year not yet begun, never passes as final."""
import argparse
from datetime import datetime, timezone

import docx
import pytest

from gongkai import app, cli
from store import Store


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    (tmp_path / "gongkai.toml").write_text(
        '[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with Store(tmp_path / "g.db"):
        pass
    return tmp_path


def test_check_names_the_missing_data_file_and_how_to_write_it(cwd, capsys):
    assert cli.main(["report", "check", "--year", "2024"]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "DATA-MISSING" in x)
    assert line.startswith("error:") and "report-2024.toml" in line
    assert "gongkai report init --year 2024" in line
    assert "1 error(s)" in out
    # once written, the missing-file error is gone
    assert cli.main(["report", "init", "--year", "2024"]) == 0
    capsys.readouterr()
    cli.main(["report", "check", "--year", "2024"])
    assert "DATA-MISSING" not in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["html", "md", "docx"])
def test_report_without_data_is_refused_then_marked_draft_in_every_format(cwd, capsys, fmt):
    out = cwd / f"r.{fmt}"
    assert cli.main(["report", "--year", "2024", "--format", fmt, "-o", str(out)]) == 2
    assert not out.exists()
    assert cli.main(["report", "--year", "2024", "--format", fmt, "-o", str(out), "--force"]) == 0
    assert "草稿" in capsys.readouterr().out
    if fmt == "docx":
        d = docx.Document(str(out))
        header = "".join(p.text for p in d.sections[0].header.paragraphs)
        body = "".join(p.text for p in d.paragraphs)
        assert "草稿" in header or "草稿" in body
    else:
        assert "草稿" in out.read_text(encoding="utf-8")


def test_template_report_without_data_is_marked_draft(cwd, capsys):
    template = docx.Document()
    template.add_paragraph("{{bureau}}{{year}}年报")
    template.save(str(cwd / "ours.docx"))
    assert cli.main(["report", "--year", "2024", "--template", "ours.docx", "-o", "r.docx",
                     "--force"]) == 0
    d = docx.Document(str(cwd / "r.docx"))
    texts = [p.text for p in d.paragraphs] + [p.text for s in d.sections for p in s.header.paragraphs]
    assert any("草稿" in t for t in texts)


def test_year_after_this_one_in_beijing_is_refused():
    # 31 December 16:30 UTC is already 1 January in Beijing
    eve = datetime(2025, 12, 31, 16, 30, tzinfo=timezone.utc)
    assert app.year_arg("2026", now=eve) == 2026
    with pytest.raises(argparse.ArgumentTypeError, match="2027"):
        app.year_arg("2027", now=eve)
    with pytest.raises(argparse.ArgumentTypeError):
        app.year_arg("2026", now=datetime(2025, 12, 31, 15, 30, tzinfo=timezone.utc))


@pytest.mark.parametrize("command", [["report"], ["report", "check"], ["counts"]])
def test_future_year_is_one_line_exit_2(cwd, capsys, command):
    future = datetime.now(timezone.utc).year + 2
    with pytest.raises(SystemExit) as e:
        cli.main([*command, "--year", str(future)])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and str(future) in err and "Traceback" not in err
