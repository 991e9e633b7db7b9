import json
import re
import subprocess
import sys
from pathlib import Path

from gongkai import cli

ROOT = Path(__file__).resolve().parents[2]


def _run(args, stdin=""):
    return subprocess.run([sys.executable, "-m", "gongkai", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT)


def _subcommands():
    parser = cli._parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return action.choices


def test_every_subcommand_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = {m for m in re.findall(r"^\| `([a-z-]+)` \|", readme, re.M)}
    assert set(_subcommands()) == table


def test_every_subcommand_takes_db_and_config():
    for name, sub in _subcommands().items():
        opts = {o for a in sub._actions for o in a.option_strings}
        assert {"--db", "--config"} <= opts, name


def test_readme_quick_start_is_the_two_make_targets():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert block.split() == ["make", "demo", "make", "test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_classify_contract_in_order():
    lines = [{"title": "我区开展燃气安全隐患排查整治", "body": ""},
             {"title": "2024年汽车消费券发放活动启动", "body": "以旧换新"},
             {"title": "区委理论学习中心组开展集中学习", "body": ""}]
    r = _run(["classify"], "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
    assert r.returncode == 0, r.stderr
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == 3
    for d in out:
        assert {"category", "score", "needs_review", "evidence"} <= set(d)
    assert [d["category"] for d in out] == ["安全生产", "促消费", "其他"]


def test_classify_bad_line_is_one_line_status_2():
    r = _run(["classify"], '{"title": "a"}\nnot json\n')
    assert r.returncode == 2
    assert r.stderr.strip().startswith("gongkai: error: stdin line 2") and r.stderr.count("\n") == 1


def test_classify_missing_rules_file():
    r = _run(["classify", "--rules", "/nonexistent/rules.toml"], "")
    assert r.returncode == 2 and "rules.toml" in r.stderr and "Traceback" not in r.stderr


def test_counts_without_db_or_config(tmp_path):
    r = subprocess.run([sys.executable, "-m", "gongkai", "counts", "--year", "2024"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2 and "--db" in r.stderr


def test_bad_since_date(tmp_path):
    (tmp_path / "gongkai.toml").write_text('[bureau]\nname = "x"\n', encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "gongkai", "crawl", "--since", "2024/13/01"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2 and "--since must be a date" in r.stderr


def test_reading_a_database_that_does_not_exist_is_an_error_not_zeros(tmp_path):
    missing = tmp_path / "typo.db"
    r = _run(["counts", "--year", "2024", "--db", str(missing)])
    assert r.returncode == 2 and "no database at" in r.stderr and not missing.exists()


def test_a_file_that_is_not_a_database(tmp_path):
    bogus = tmp_path / "report-2024.toml"
    bogus.write_text("year = 2024\n" * 200, encoding="utf-8")
    r = _run(["counts", "--year", "2024", "--db", str(bogus)])
    assert r.returncode == 2 and "not a gongkai database" in r.stderr and "Traceback" not in r.stderr


def test_writing_into_a_missing_folder_names_the_folder(tmp_path):
    r = _run(["init", "--config", str(tmp_path / "nope" / "sub" / "gongkai.toml")])
    assert r.returncode == 2 and f"no such folder: {tmp_path / 'nope' / 'sub'}" in r.stderr


def test_year_must_be_plausible():
    r = _run(["counts", "--year", "1850", "--db", "x.db"])
    assert r.returncode == 2 and "not a plausible report year" in r.stderr


def test_verbose_before_the_command():
    r = _run(["-v", "classify"], '{"title": "燃气安全检查"}\n')
    assert r.returncode == 0, r.stderr


def test_backup_never_overwrites_without_force(tmp_path):
    keep = tmp_path / "keep.toml"
    keep.write_text("precious\n", encoding="utf-8")
    db = tmp_path / "g.db"
    from store import Store
    Store(db).close()
    r = _run(["backup", "--db", str(db), "--to", str(keep)])
    assert r.returncode == 2 and "--force" in r.stderr
    assert keep.read_text(encoding="utf-8") == "precious\n"
    r = _run(["backup", "--db", str(db), "--to", str(tmp_path)])
    assert r.returncode == 2 and "is a folder" in r.stderr


def test_a_command_line_mistake_is_one_line_status_2():
    for args in (["counts", "--year", "abc"], ["nosuch"], [], ["rules", "diff"],
                 ["classify", "--jobs", "x"]):
        r = _run(args)
        assert r.returncode == 2, args
        assert r.stderr.startswith("gongkai: error: ") and r.stderr.count("\n") == 1, r.stderr
        assert "usage:" not in r.stderr


def test_ctrl_c_while_the_commands_load_is_one_line_not_a_traceback(monkeypatch, capsys):
    def interrupted():
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "command_modules", interrupted)
    assert cli.main(["status"]) == 130
    assert capsys.readouterr().err == "gongkai: interrupted\n"
