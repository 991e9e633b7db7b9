"""Split the collected headline corpus into a development part and a test part, by bureau.

    .venv/bin/python tools/split_corpus.py           # write tests/fixtures/rules/corpus/{dev,test}.jsonl
    .venv/bin/python tools/split_corpus.py --check   # exit 1 when they are not what this writes

Input: the collectors' files in tests/fixtures/rules/corpus/raw/*.jsonl, labelled by GUIDELINE.md
before any classifier ran on them. A *bureau* is every line connected through a shared host or a
shared publisher name (union-find), so a body that publishes on two sites, or two names on one
site, lands wholly on one side. A bureau goes to the test part when

- it was collected as blind test material (raw/blind_*.jsonl), or
- a stable hash of its key puts it among the TEST_SHARE of the rest,

and to the development part when it is one of the hosts of the older labelled set
(tests/fixtures/rules/real/headlines.jsonl), on which the rules were tuned before, or when every
line of it was collected as development material (raw/devonly_*.jsonl). A devonly line whose bureau
is joined to a line of another file follows that bureau's side, so adding development material never
moves a line of the test part.

Prints counts only: the test part is not to be read by whoever edits the rules.
"""
from __future__ import annotations

import argparse
import json
import sys
import zlib
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "rules" / "corpus"
RAW = CORPUS / "raw"
REAL = ROOT / "tests" / "fixtures" / "rules" / "real" / "headlines.jsonl"
TEST_SHARE = 55          # percent of the bureaus not fixed to a side
FIELDS = ("title", "body", "label", "second_label", "bureau", "host", "source", "kind", "note")


def norm_host(host: str) -> str:
    host = (host or "").strip().lower()
    if "://" in host:
        host = urlsplit(host).hostname or ""
    host = host.split("/")[0].split(":")[0]
    for prefix in ("www.", "m.", "wap."):
        host = host.removeprefix(prefix)
    return host


def norm_name(name: str) -> str:
    return "".join((name or "").split())


def keys_of(row: dict) -> list[str]:
    keys = []
    if norm_host(row.get("host", "")):
        keys.append("h:" + norm_host(row["host"]))
    if norm_name(row.get("bureau", "")):
        keys.append("n:" + norm_name(row["bureau"]))
    return keys


def read(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            rows.append(json.loads(line))
    return rows


class Groups:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, k: str) -> str:
        self.parent.setdefault(k, k)
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, keys: list[str]) -> None:
        roots = [self.find(k) for k in keys]
        for r in roots[1:]:
            self.parent[self.find(r)] = self.find(roots[0])


def split() -> tuple[list[dict], list[dict], dict]:
    raw: list[tuple[str, dict]] = []
    for path in sorted(RAW.glob("*.jsonl")):
        raw += [(path.name, r) for r in read(path)]
    real = read(REAL)
    real_hosts = {"h:" + norm_host(urlsplit(r["source"]).hostname or "") for r in real}
    real_titles = {r["title"] for r in real}
    g = Groups()
    for _, r in raw:
        g.union(keys_of(r) or ["t:" + r["title"]])
    for k in real_hosts:
        g.find(k)
    blind = {g.find(k) for name, r in raw if name.startswith("blind_") for k in keys_of(r)}
    shared = {g.find((keys_of(r) or ["t:" + r["title"]])[0]) for name, r in raw
              if not name.startswith("devonly_")}
    seen = {g.find(k) for k in real_hosts}
    dev, test, seen_titles = [], [], set()
    stats = {"duplicate titles dropped": 0, "blind bureaus moved to dev (tuned on before)": 0,
             "headlines already in the older set dropped": 0}
    for name, r in raw:
        if r["title"] in seen_titles:
            stats["duplicate titles dropped"] += 1
            continue
        if r["title"] in real_titles:     # the same headline reposted elsewhere: seen before
            stats["headlines already in the older set dropped"] += 1
            continue
        seen_titles.add(r["title"])
        root = g.find((keys_of(r) or ["t:" + r["title"]])[0])
        if root in seen:
            side = dev
            if root in blind:
                stats["blind bureaus moved to dev (tuned on before)"] += 1
        elif root in blind:
            side = test
        elif root not in shared:          # a bureau only development collections know
            side = dev
        else:
            side = test if zlib.crc32(root.encode("utf-8")) % 100 < TEST_SHARE else dev
        side.append({k: r.get(k, "") for k in FIELDS})
    return dev, test, stats


def text_of(rows: list[dict], part: str) -> str:
    head = (f"# Headline corpus, {part} part: written by tools/split_corpus.py from raw/*.jsonl, split by "
            f"bureau (see GUIDELINE.md and NOTES.md).\n")
    return head + "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def bureaus(rows: list[dict]) -> int:
    g = Groups()
    for r in rows:
        g.union(keys_of(r) or ["t:" + r["title"]])
    return len({g.find((keys_of(r) or ["t:" + r["title"]])[0]) for r in rows})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    dev, test, stats = split()
    out = {CORPUS / "dev.jsonl": text_of(dev, "development"), CORPUS / "test.jsonl": text_of(test, "test")}
    if args.check:
        stale = [p.name for p, t in out.items() if not p.exists() or p.read_text(encoding="utf-8") != t]
        print("stale: " + ", ".join(stale) if stale else "corpus split is up to date")
        return 1 if stale else 0
    for p, t in out.items():
        p.write_text(t, encoding="utf-8")
    for name, rows in (("development", dev), ("test", test)):
        cats: dict[str, int] = {}
        for r in rows:
            cats[r["label"]] = cats.get(r["label"], 0) + 1
        commerce = sum(1 for r in rows if r["kind"] == "commerce")
        print(f"{name}: {len(rows)} headlines, {bureaus(rows)} bureaus, {commerce} from commerce bodies; "
              + ", ".join(f"{c} {n}" for c, n in sorted(cats.items())))
    for k, v in stats.items():
        print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
