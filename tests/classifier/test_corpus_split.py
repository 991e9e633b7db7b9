"""The headline corpus of issue 14: split by bureau, the test part shares no bureau with anything
the rules or the calibration were tuned on, and the shipped files are what the tools write."""
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "tests" / "fixtures" / "rules"
SIX = {"内贸流通", "促消费", "招商引资", "安全生产", "行政事项审批", "其他"}
sys.path.insert(0, str(ROOT / "tools"))
import split_corpus  # noqa: E402


def rows(path):
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def hosts(rs):
    return {split_corpus.norm_host(r.get("host") or urlsplit(r["source"]).hostname or "") for r in rs} - {""}


def names(rs):
    return {split_corpus.norm_name(r.get("bureau", "")) for r in rs} - {""}


@pytest.mark.parametrize("tool", ["split_corpus.py", "calibrate_doubt.py"])
def test_the_shipped_files_are_what_the_tools_write(tool):
    done = subprocess.run([sys.executable, str(ROOT / "tools" / tool), "--check"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_bureau_is_in_both_parts_by_host_or_by_name():
    test = rows(RULES / "corpus" / "test.jsonl")
    dev = rows(RULES / "corpus" / "dev.jsonl")
    real = rows(RULES / "real" / "headlines.jsonl")
    # counts only in the messages: the test part is not to be read by whoever edits the rules
    assert not len(hosts(test) & (hosts(dev) | hosts(real))), len(hosts(test) & (hosts(dev) | hosts(real)))
    assert not len(names(test) & names(dev)), len(names(test) & names(dev))


def test_the_test_part_is_not_in_what_the_model_learns():
    seed = rows(ROOT / "classifier" / "data" / "seed_headlines.jsonl")
    test = rows(RULES / "corpus" / "test.jsonl")
    shared = {r["title"] for r in seed} & {r["title"] for r in test}
    assert not len(shared), f"{len(shared)} test headlines in the seed"
    assert len(seed) == len(rows(RULES / "corpus" / "dev.jsonl")) + len(rows(RULES / "real" / "headlines.jsonl"))


@pytest.mark.parametrize("part", ["dev.jsonl", "test.jsonl"])
def test_every_line_is_labelled_by_the_guideline(part):
    rs = rows(RULES / "corpus" / part)
    assert rs
    for n, r in enumerate(rs, 2):
        assert r["title"] and r["bureau"] and r["source"], f"{part} line {n}"
        assert r["label"] in SIX and r["second_label"] in SIX | {""}, f"{part} line {n}"
        assert r["kind"] in ("commerce", "other"), f"{part} line {n}"
        assert len(r["body"]) <= 150, f"{part} line {n}"


def _line(title, bureau, host, label="其他"):
    return json.dumps({"title": title, "bureau": bureau, "host": host, "label": label,
                       "source": f"http://{host}/a.html", "kind": "commerce"}, ensure_ascii=False)


def _sides(monkeypatch, tmp_path, files):
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    for old in raw.glob("*.jsonl"):
        old.unlink()
    for name, lines in files.items():
        (raw / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "real.jsonl").write_text("", encoding="utf-8")
    monkeypatch.setattr(split_corpus, "RAW", raw)
    monkeypatch.setattr(split_corpus, "REAL", tmp_path / "real.jsonl")
    dev, test, _ = split_corpus.split()
    return {r["title"]: "dev" for r in dev} | {r["title"]: "test" for r in test}


def test_development_only_material_goes_to_dev_and_never_moves_a_test_line(monkeypatch, tmp_path):
    # twenty hashed bureaus: with TEST_SHARE 55 some of them land in the test part
    hashed = [_line(f"甲{i}", f"第{i}商务局", f"b{i}.gov.cn") for i in range(20)]
    before = _sides(monkeypatch, tmp_path, {"dev_a.jsonl": hashed})
    assert "test" in before.values() and "dev" in before.values()
    extra = [_line(f"乙{i}", f"新{i}商务局", f"n{i}.gov.cn") for i in range(10)]
    # a development-only line of a bureau the hashed file knows follows that bureau
    joined = [_line(f"丙{i}", f"第{i}商务局", f"b{i}.gov.cn") for i in range(20)]
    after = _sides(monkeypatch, tmp_path, {"dev_a.jsonl": hashed, "devonly_x.jsonl": extra + joined})
    assert {t: after[t] for t in before} == before
    assert all(after[f"乙{i}"] == "dev" for i in range(10))
    assert all(after[f"丙{i}"] == before[f"甲{i}"] for i in range(20))
