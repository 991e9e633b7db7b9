"""Issue 16 #7, the smaller half: the board template names the configured bureau, `status` and
`counts` say which year they count, and a manual source never shows `not_modified`."""
import openpyxl

from gongkai.cli import main

CONFIG = """
[bureau]
name = "红旗区发展和改革委员会"
aliases = ["红旗区发改委"]

[database]
path = "g.db"

[[sources]]
id = "board"
type = "manual"
channel = "board"
"""


def _cfg(tmp_path):
    path = tmp_path / "gongkai.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def _help_text(path) -> str:
    ws = openpyxl.load_workbook(path)["说明"]
    return "\n".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)


def test_the_board_template_names_the_configured_bureau(tmp_path):
    out = tmp_path / "board.xlsx"
    assert main(["import", "--template", str(out), "--config", str(_cfg(tmp_path))]) == 0
    text = _help_text(out)
    assert "红旗区发展和改革委员会" in text and "卫滨区商务局" not in text
    # without a config: no bureau's name at all, rather than someone else's
    bare = tmp_path / "bare.xlsx"
    assert main(["import", "--template", str(bare), "--config", str(tmp_path / "none.toml")]) == 2
    from gongkai import manual
    manual.write_template(bare)
    assert "卫滨区商务局" not in _help_text(bare)
