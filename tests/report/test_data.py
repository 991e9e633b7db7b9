"""The yearly data file: loading, errors naming file/line/table/row/column, the init template."""
import pytest

import report
from report import ReportError, data_template, init_data, load_data


def _write(tmp_path, text, name="report-2024.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_template_round_trips_to_zeros(tmp_path):
    path = _write(tmp_path, data_template(2024))
    data = load_data(path, 2024)
    assert data.tables == report.Tables() and data.texts == {}


def test_values_and_texts_are_read(tmp_path):
    path = _write(tmp_path, (
        "year = 2024\n[texts]\napply = '''\n我局新收申请 2 件。\n'''\n"
        "[t3.r1_new]\nnatural_person = 2\ntotal = 2\n[t2.admin_fees]\nfee_amount = \"1.25\"\n[t4]\nreview_total = 1\n"))
    data = load_data(path, 2024)
    assert data.tables.get("t3.r1_new.total") == 2
    assert str(data.tables.get("t2.admin_fees.fee_amount")) == "1.25"
    assert data.tables.get("t4.review_total") == 1
    assert "2 件" in data.texts["apply"]


@pytest.mark.parametrize("body, expected", [
    ("[t3.r1_new]\nnatural_person = -1\n", ["report-2024.toml:3", "表三", "r1_new", "natural_person", "自然人", "negative"]),
    ("[t3.r1_new]\ntotal = 1.5\n", ["report-2024.toml:3", "表三", "r1_new", "total", "whole number"]),
    ("[t3.r1_new]\ntotal = \"3\"\n", ["表三", "r1_new", "total"]),
    ("[t3.r1_new]\nnatural = 1\n", ["report-2024.toml:3", "has no column 'natural'"]),
    ("[t3.r9]\ntotal = 1\n", ["report-2024.toml:2", "表三 has no row 'r9'"]),
    ("[t2.regulations]\nissued = 1.0\n", ["表二", "regulations", "issued", "本年制发件数"]),
    ("[t4]\nreview_totl = 1\n", ["report-2024.toml:3", "表四 has no column 'review_totl'"]),
    ("[texts]\nfoo = 'x'\n", ["report-2024.toml:3", "unknown text key 'foo'"]),
    ("[t5]\nx = 1\n", ["unknown key 't5'"]),
    ("[t3.r1_new\n", ["not valid TOML"]),
])
def test_bad_data_names_file_line_table_row_column(tmp_path, body, expected):
    path = _write(tmp_path, "year = 2024\n" + body)
    with pytest.raises(ReportError) as exc:
        load_data(path, 2024)
    for fragment in expected:
        assert fragment in str(exc.value)


def test_wrong_year_is_rejected(tmp_path):
    with pytest.raises(ReportError, match="for 2023, not 2024"):
        load_data(_write(tmp_path, "year = 2023\n"), 2024)


def test_init_carries_over_and_keeps_texts_and_never_overwrites(tmp_path):
    last = report.Tables()
    last.t3["r4_carried_out"]["natural_person"] = 2
    last.t3["r4_carried_out"]["total"] = 2
    _write(tmp_path, data_template(2023, last, {"other": "无其他事项。"}), "report-2023.toml")
    path, notes = init_data(tmp_path / "report-2024.toml", 2024)
    data = load_data(path, 2024)
    assert data.tables.t3["r2_carried_in"]["natural_person"] == 2
    assert data.tables.t3["r2_carried_in"]["total"] == 2
    assert data.tables.t3["r4_carried_out"]["total"] == 0
    assert data.texts == {"other": "无其他事项。"}
    assert notes and "report-2023.toml" in notes[0]
    path.write_text("year = 2024\n", encoding="utf-8")
    with pytest.raises(ReportError, match="--force"):
        init_data(path, 2024)
    assert path.read_text(encoding="utf-8") == "year = 2024\n"
    init_data(path, 2024, force=True)
    assert "[t4]" in path.read_text(encoding="utf-8")


def test_text_with_quotes_survives_the_template(tmp_path):
    tricky = "含'''三引号\"和\\反斜杠"
    path = _write(tmp_path, data_template(2024, texts={"other": tricky}))
    assert load_data(path).texts["other"] == tricky
