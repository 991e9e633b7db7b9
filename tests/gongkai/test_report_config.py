"""[report] data = "report-{year}.toml": the yearly data file without typing --data."""
import pytest

from gongkai import cli, config
from store import Store


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _config(folder, data_line):
    folder.mkdir(exist_ok=True)
    path = folder / "gongkai.toml"
    with Store(folder / "g.db"):  # report reads a crawled database; an empty one will do
        pass
    path.write_text('[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n'
                    f'[report]\nchannels = ["区政府官网专栏"]\n{data_line}\n', encoding="utf-8")
    return path


def test_data_key_is_relative_to_the_config_file(cwd):
    cfg = config.load(_config(cwd / "conf", 'data = "data/report-{year}.toml"'))
    assert cfg.report_data == str(cwd / "conf" / "data" / "report-{year}.toml")
    assert config.load(_config(cwd / "plain", "")).report_data is None


@pytest.mark.parametrize("line, words", [
    ('data = "report-{yr}.toml"', "{year}"),
    ("data = 2024", "file path"),
    ('data = ""', "file path"),
])
def test_bad_data_key_is_one_line_naming_it(cwd, capsys, line, words):
    path = _config(cwd, line)
    assert cli.main(["report", "check", "--year", "2024", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "[report] key 'data'" in err and words in err


def test_init_check_and_report_use_the_configured_file(cwd, capsys):
    path = _config(cwd / "conf", 'data = "report-{year}.toml"')
    assert cli.main(["report", "init", "--year", "2024", "--config", str(path)]) == 0
    assert (cwd / "conf" / "report-2024.toml").exists()
    capsys.readouterr()
    # The file's error is found without --data: the configured file is the one read.
    text = (cwd / "conf" / "report-2024.toml").read_text(encoding="utf-8")
    (cwd / "conf" / "report-2024.toml").write_text(
        text.replace("[t4]\nreview_upheld = 0", "[t4]\nreview_upheld = 1"), encoding="utf-8")
    assert cli.main(["report", "check", "--year", "2024", "--config", str(path)]) == 1
    assert "T4-SUM-review" in capsys.readouterr().out
    # --data still wins over the config.
    (cwd / "other.toml").write_text("year = 2024\n", encoding="utf-8")
    assert cli.main(["report", "check", "--year", "2024", "--config", str(path), "--data", "other.toml"]) == 0


def test_configured_file_missing_is_an_error_not_silent_defaults(cwd, capsys):
    path = _config(cwd, 'data = "report-{year}.toml"')
    assert cli.main(["report", "--year", "2024", "--config", str(path), "-o", "r.html"]) == 2
    err = capsys.readouterr().err
    assert "report-2024.toml" in err and "report init" in err and not (cwd / "r.html").exists()
