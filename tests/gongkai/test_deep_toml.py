"""A rules file or a yearly data file nested thousands of levels deep is one line and exit 2, like
the config (issue 15 #2): tomllib recurses once per level."""
import pytest

from gongkai.cli import main
from report import ReportError
from report._data import load_data

DEEP = "x = " + "[" * 5000 + "]" * 5000 + "\n"


def test_deep_rules_file_is_one_line(tmp_path, capsys):
    rules = tmp_path / "deep.toml"
    rules.write_text(DEEP, encoding="utf-8")
    code = main(["classify", "--rules", str(rules)])
    err = capsys.readouterr().err
    assert code == 2 and "nested too deep" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_deep_report_data_file_is_a_report_error(tmp_path):
    # the report commands turn a ReportError into one line and exit 2
    data = tmp_path / "report-2024.toml"
    data.write_text(DEEP, encoding="utf-8")
    with pytest.raises(ReportError, match="nested too deep"):
        load_data(data)


import json  # noqa: E402


@pytest.mark.parametrize("line, said", [
    ("title_weight = -5", "title_weight must be between"),
    ("title_weight = 1e308", "must be a number"),
    ("body_weight = 0", "body_weight must be between"),
])
def test_rules_weights_out_of_range_are_one_line(tmp_path, capsys, line, said):
    import classifier
    text = classifier.default_rules_text()
    key = line.split(" = ")[0]
    import re
    text = re.sub(rf"(?m)^{key}\s*=.*$", line, text) if re.search(rf"(?m)^{key}\s*=", text) \
        else line + "\n" + text
    rules = tmp_path / "r.toml"
    rules.write_text(text, encoding="utf-8")
    code = main(["classify", "--rules", str(rules)])
    err = capsys.readouterr().err
    assert code == 2 and said in err and "Traceback" not in err


def test_default_rules_still_classify_to_json(capsys, monkeypatch):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"title": "消费券发放", "body": ""}) + "\n"))
    assert main(["classify"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["category"]
