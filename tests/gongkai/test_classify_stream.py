"""`gongkai classify` hands stdin's bytes to its workers (parallel.classify_stream): what it
writes must be exactly what reading stdin as text line by line gives (parallel.classify_lines),
whatever the line ends, blank lines, BOM or block boundaries."""
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import classifier
from gongkai import parallel

ROOT = Path(__file__).resolve().parents[2]
RULES = classifier.load_rules()


def _as_text(data: bytes, jobs: int) -> tuple[bytes, str | None]:
    """What the text path writes: stdin read as text stdin reads it (universal newlines)."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")
    lines = ((n, line.lstrip("\ufeff") if n == 1 else line)
             for n, line in enumerate(text, 1) if line.strip())
    out = []
    for _n, got, ok in parallel.classify_lines(RULES, lines, jobs=jobs):
        if not ok:
            return "".join(out).encode(), got
        out.append(got + "\n")
    return "".join(out).encode(), None


def _as_bytes(data: bytes, jobs: int, file: Path | None = None, skip: int = 0
              ) -> tuple[bytes, str | None]:
    """What the bytes path writes, from a stream (a pipe) or, with *file*, from a file whose
    first *skip* bytes another program read before (`(head -c N; gongkai classify) < f`):
    then its workers read their own byte ranges of it."""
    if file is None:
        source = io.BufferedReader(io.BytesIO(data))
    else:
        file.write_bytes(b"x" * skip + data)
        source = open(file, "rb")
        os.lseek(source.fileno(), skip, os.SEEK_SET)
    out = []
    with source:
        for block, reason in parallel.classify_stream(RULES, source, errors="surrogateescape",
                                                      jobs=jobs):
            out.append(block)
            if reason is not None:
                return b"".join(out), reason
    return b"".join(out), None


def _line(i: int) -> str:
    titles = ["我区开展燃气安全隐患排查整治", "2024年汽车消费券发放活动启动",
              "总投资12亿元新能源电池项目签约落户", "区委理论学习中心组开展集中学习"]
    return json.dumps({"title": f"{titles[i % 4]}（{i}）",
                       "body": "检查组深入辖区加油站开展安全检查。" * (i % 40)}, ensure_ascii=False)


ENDS = ["\n", "\r\n", "\r", "\n\n", "\n \u3000\n", "\n\u2028\n", "\n\x85\r\n"]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("tail", ["", "\n", "\r", "\r\n"])
@pytest.mark.parametrize("source", ["pipe", "file", "large file"])
def test_the_bytes_path_writes_what_the_text_path_writes(monkeypatch, tmp_path, jobs, tail,
                                                          source):
    # a "large file" goes to the workers from its first line (its BOM too)
    monkeypatch.setattr(parallel, "POOL_BYTES", 1000 if source == "large file" else 10**9)
    monkeypatch.setattr(parallel, "FIRST_READ", 4096)   # many blocks, lines cut across reads
    monkeypatch.setattr(parallel, "BLOCK", 20_000)
    monkeypatch.setattr(parallel, "LOOK", 64)           # line ends found across several reads
    monkeypatch.setattr(parallel, "POOL_MIN", 30)
    n = 160
    data = ("\ufeff" + "".join(_line(i) + ENDS[i % len(ENDS)] for i in range(n - 1))
            + _line(n - 1) + tail).encode()
    got = _as_bytes(data, jobs, tmp_path / "in.jsonl" if source != "pipe" else None,
                    skip=7 if source != "pipe" else 0)
    assert got[1] is None and got[0].count(b"\n") == n
    assert got == _as_text(data, jobs)


@pytest.mark.parametrize("large", [False, True])
def test_workers_read_a_file_stdin_by_themselves(monkeypatch, tmp_path, large):
    """From a file, the blocks after the first lines (from a large file, all of them) are byte
    ranges the workers read (the parent reads none of them), cut after a line end, and together
    the rest of the file (all of it)."""
    monkeypatch.setattr(parallel, "POOL_BYTES", 1000 if large else 10**9)
    monkeypatch.setattr(parallel, "FIRST_READ", 4096)
    monkeypatch.setattr(parallel, "BLOCK", 20_000)
    monkeypatch.setattr(parallel, "POOL_MIN", 30)
    sent = []
    real = parallel._pooled

    def pooled(work, setup, tasks, jobs, state=None, chunk=parallel.CHUNK):
        def seen():
            for task in tasks:
                sent.append(task[0])
                yield task
        return real(work, setup, seen(), jobs, state, chunk)

    monkeypatch.setattr(parallel, "_pooled", pooled)
    data = "".join(_line(i) + "\r\n" for i in range(300)).encode()
    got = _as_bytes(data, 2, tmp_path / "in.jsonl", skip=3)
    ranges = list(sent)   # (not the text path's tasks)
    assert got == _as_text(data, 2)
    assert ranges and all(isinstance(r, tuple) for r in ranges)
    assert [r[1] for r in ranges[1:]] == [r[1] + r[2] for r in ranges[:-1]]
    assert ranges[-1][1] + ranges[-1][2] == 3 + len(data)
    assert (ranges[0][1] == 3) == large
    assert all(data[r[1] - 3 + r[2] - 1:][:1] == b"\n" for r in ranges)


@pytest.mark.parametrize("bad", ['{"title": "a', '{"title": "a\r', "[1, 2]", "\ufeff\n",
                                 '{"title": ' + "[" * 100_000])
@pytest.mark.parametrize("source", ["pipe", "file", "large file"])
def test_a_bad_line_is_the_same_error_after_the_same_output(monkeypatch, tmp_path, bad, source):
    monkeypatch.setattr(parallel, "POOL_BYTES", 1000 if source == "large file" else 10**9)
    monkeypatch.setattr(parallel, "FIRST_READ", 4096)
    monkeypatch.setattr(parallel, "BLOCK", 20_000)
    monkeypatch.setattr(parallel, "POOL_MIN", 30)
    lines = [_line(i) for i in range(100)]
    lines[70] = bad
    data = "\n".join(lines).encode() + b"\n"
    for jobs in (1, 2):
        got = _as_bytes(data, jobs, tmp_path / "in.jsonl" if source != "pipe" else None)
        assert got[1] is not None and got == _as_text(data, jobs)


def test_an_undecodable_byte_is_a_one_line_error_after_the_lines_before_it():
    stdin = ("\n".join(_line(i) for i in range(5)) + "\n").encode() + b'{"title": "\xff"}\n'
    r = subprocess.run([sys.executable, "-m", "gongkai", "classify"], input=stdin,
                       capture_output=True, cwd=ROOT,
                       env={"PYTHONIOENCODING": "utf-8:strict", "PATH": "/usr/bin:/bin"})
    assert r.returncode == 2, r.stderr
    assert r.stderr.decode().strip() == ("gongkai: error: stdin line 6: not UTF-8 text "
                                         "(invalid start byte)")
    assert r.stdout.count(b"\n") == 5


def test_json_nested_too_deep_is_a_one_line_error():
    # the json module recurses once per nesting level: a RecursionError, not a JSONDecodeError
    stdin = (_line(0) + "\n" + '{"title": ' + "[" * 100_000 + "\n").encode()
    r = subprocess.run([sys.executable, "-m", "gongkai", "classify"], input=stdin,
                       capture_output=True, cwd=ROOT, env={"PATH": "/usr/bin:/bin"})
    assert r.returncode == 2, r.stderr
    assert r.stderr.decode().strip() == "gongkai: error: stdin line 2: not JSON (nested too deep)"
    assert r.stdout.count(b"\n") == 1
