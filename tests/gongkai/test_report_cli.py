"""gongkai report / report init / report check, end to end on an empty database."""
import docx
import pytest

from gongkai import cli
from store import Store


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    (tmp_path / "gongkai.toml").write_text(
        '[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n'
        '[report]\nchannels = ["区政府官网专栏"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with Store(tmp_path / "g.db"):  # report reads a crawled database; an empty one will do
        pass
    return tmp_path


def test_plain_report_without_data_is_a_forced_draft(cwd, capsys):
    assert cli.main(["report", "--year", "2024", "--format", "html", "-o", "r.html"]) == 2
    assert "DATA-MISSING" in capsys.readouterr().err and not (cwd / "r.html").exists()
    assert cli.main(["report", "--year", "2024", "--format", "html", "-o", "r.html",
                     "--force"]) == 0
    html = (cwd / "r.html").read_text(encoding="utf-8")
    assert "卫滨区商务局" in html and "草稿" in html


def test_init_check_and_write_with_data(cwd, capsys):
    assert cli.main(["report", "init", "--year", "2024"]) == 0
    assert (cwd / "report-2024.toml").exists()
    assert cli.main(["report", "init", "--year", "2024"]) == 2
    assert "--force" in capsys.readouterr().err
    assert cli.main(["report", "check", "--year", "2024", "--data", "report-2024.toml"]) == 0
    assert "0 error(s)" in capsys.readouterr().out
    assert cli.main(["report", "--year", "2024", "--data", "report-2024.toml", "--format", "docx",
                     "-o", "r.docx"]) == 0
    assert docx.Document(str(cwd / "r.docx")).paragraphs[0].text.startswith("卫滨区商务局")


def test_errors_block_the_report_unless_forced_then_draft(cwd, capsys):
    data = cwd / "report-2024.toml"
    data.write_text("year = 2024\n[t3.r1_new]\nnatural_person = 1\ntotal = 1\n", encoding="utf-8")
    assert cli.main(["report", "check", "--year", "2024", "--data", str(data)]) == 1
    out = capsys.readouterr().out
    assert "T3-IDENT-natural_person" in out and "自然人" in out
    args = ["report", "--year", "2024", "--data", str(data), "--format", "md", "-o", "r.md"]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    # the whole command inside the backticks, so it can be copied as it stands
    assert f"`gongkai report check --year 2024 --data {data}`" in err
    assert not (cwd / "r.md").exists()
    assert cli.main(args + ["--force"]) == 0
    assert "草稿" in (cwd / "r.md").read_text(encoding="utf-8")


def test_carry_over_checked_against_last_years_file(cwd, capsys):
    (cwd / "report-2023.toml").write_text(
        "year = 2023\n[t3.r1_new]\ntotal = 1\nnatural_person = 1\n"
        "[t3.r4_carried_out]\ntotal = 1\nnatural_person = 1\n", encoding="utf-8")
    (cwd / "report-2024.toml").write_text("year = 2024\n", encoding="utf-8")
    assert cli.main(["report", "check", "--year", "2024", "--data", "report-2024.toml"]) == 1
    assert "H-T3-CARRY-natural_person" in capsys.readouterr().out
    assert cli.main(["report", "init", "--year", "2024", "--force"]) == 0
    capsys.readouterr()
    # Carried over now; the carried application must still be handled (T3-IDENT) — not a carry error.
    cli.main(["report", "check", "--year", "2024", "--data", "report-2024.toml"])
    out = capsys.readouterr().out
    assert "H-T3-CARRY" not in out and "T3-IDENT-natural_person" in out


def test_bad_data_file_is_one_line_exit_2(cwd, capsys):
    (cwd / "report-2024.toml").write_text("year = 2024\n[t4]\nreview_total = -2\n", encoding="utf-8")
    assert cli.main(["report", "--year", "2024", "--data", "report-2024.toml", "-o", "x.html"]) == 2
    err = capsys.readouterr().err
    assert "report-2024.toml:3" in err and "review_total" in err and len(err.strip().splitlines()) == 1
    assert not (cwd / "x.html").exists()


def test_template_writes_the_bureaus_own_layout(cwd, capsys):
    template = docx.Document()
    template.add_paragraph("{{bureau}}{{year}}年报")
    template.add_paragraph("{{表三}}")
    template.save(str(cwd / "ours.docx"))
    assert cli.main(["report", "init", "--year", "2024"]) == 0
    capsys.readouterr()
    assert cli.main(["report", "--year", "2024", "--template", "ours.docx", "-o", "r.docx", "--no-charts"]) == 0
    out = docx.Document(str(cwd / "r.docx"))
    assert out.paragraphs[0].text == "卫滨区商务局2024年报" and len(out.tables) == 1
    assert "TEMPLATE-MISSING" in capsys.readouterr().err  # 表二, 表四 and the texts are missing
    # Implies docx: asking for html with a template is a usage error, as is an unknown placeholder.
    assert cli.main(["report", "--year", "2024", "--template", "ours.docx", "--format", "html"]) == 2
    template.add_paragraph("{{局名}}")
    template.save(str(cwd / "ours.docx"))
    assert cli.main(["report", "--year", "2024", "--template", "ours.docx", "-o", "bad.docx", "--no-charts"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "{{局名}}" in err[1] and not (cwd / "bad.docx").exists()


def test_check_reads_the_file_beside_the_config_without_data(cwd, capsys):
    # where `report init` and the browser's report form put it, with no [report] data configured
    (cwd / "report-2024.toml").write_text("year = 2024\n[t3.r1_new]\ntotal = 1\n", encoding="utf-8")
    assert cli.main(["report", "check", "--year", "2024"]) == 1
    assert "T3-COLSUM-r1_new" in capsys.readouterr().out
    assert cli.main(["report", "check", "--year", "2023"]) == 1      # no file for 2023
    assert "DATA-MISSING" in capsys.readouterr().out
