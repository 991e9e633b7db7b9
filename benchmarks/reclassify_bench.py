"""`gongkai reclassify` end to end on a large database (issue #5: 1,000,000 items in < 2 min).

    python benchmarks/reclassify_bench.py [--n 1000000] [--db PATH] [--jobs N]

Builds an N-item database through the real migrations (items with a headline and a body of
about 2 KB — 2,048 bytes of UTF-8, some 700 Chinese characters — over four channels, one in
five sharing a cluster, 1% decided by hand so the second opinion trains on 10,000 reviewed
items; ``--reviewed 0`` for none, hence no second opinion), then runs the real command as a
user would, in a subprocess, and times it:

1. ``gongkai reclassify`` on items never classified: every item gets its first decision
   (N decision rows with their evidence written);
2. ``gongkai reclassify --rules edited.toml``: the default rules plus one phrase (惠民补贴, in
   one headline in ten): every item is classified again, those whose decision changes get a
   new decision, the rest only move on to the new rules version;
3. the same command again: nothing to write.

Baseline in the same run: reading every item's title and body from the database and doing
nothing else (the floor no classifier can go under).

The full-text index is left out of the build (its trigger is dropped while loading and put
back after): reclassify never changes a title or body, so the index plays no part in it, and
indexing 2 GB of trigrams would take longer than everything measured here.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import classifier
from classify_bench import GENERIC, SENTENCES, TITLES
from store import Store

SOURCES = [("portal", "website"), ("wx-bureau", "wechat"), ("wx-district", "wechat"),
           ("board", "board")]


def build(path: Path, n: int, seed: int, reviewed: float) -> None:
    rng = random.Random(seed)
    names = classifier.load_rules().names
    with Store(path) as st:
        st.sync_sources([{"id": s, "type": "website", "channel": c, "url": "u"}
                         for s, c in SOURCES], _now())
        conn = st.db.conn
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'items_fts_ai'").fetchone()
        conn.execute("DROP TRIGGER IF EXISTS items_fts_ai")
        conn.execute("BEGIN IMMEDIATE")
        batch = []
        for i in range(1, n + 1):
            source, channel = SOURCES[i % len(SOURCES)]
            year = 2021 + i % 4
            day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            body, size = [], 0
            while size < 2048:
                s = rng.choice(SENTENCES if rng.random() < 0.5 else GENERIC)
                body.append(s)
                size += len(s.encode("utf-8")) + 1
            manual = reviewed > 0 and i % round(1 / reviewed) == 0
            title = f"{TITLES[i % len(TITLES)]}（第{i}期）"
            batch.append((i, source, f"k{i}", channel, f"http://x.example/{i}", title, title,
                          day + "T09:00:00+08:00", day, year, "\n".join(body), "ours", "live",
                          i - 1 if i > 1 and i % 5 == 0 else i,
                          names[i % len(names)] if manual else None,
                          "manual" if manual else None))
            if len(batch) == 20000:
                _insert(conn, batch)
                batch = []
        _insert(conn, batch)
        conn.commit()
        if sql:
            conn.execute(sql[0])
        st.db.execute("ANALYZE")


def _insert(conn, rows) -> None:
    conn.executemany(
        "INSERT INTO items (id, source_id, key, channel, url, title, title_norm, published_at, "
        "pub_date, pub_year, body, attribution, upstream_status, cluster_id, category, "
        "decided_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)


def _now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)


def run(args: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "gongkai", *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"gongkai {' '.join(args)} failed: {r.stderr.strip()}")
    return elapsed, "\n    ".join(r.stdout.splitlines()[:2])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, help="keep the database here (built when missing)")
    ap.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reviewed", type=float, default=0.01, metavar="SHARE",
                    help="share of items decided by hand (default 0.01; below 30 items in all "
                         "there is no second opinion)")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp())
    path = a.db or work / "bench.db"
    if not path.exists():
        t = time.perf_counter()
        build(path, a.n, a.seed, a.reviewed)
        print(f"built {a.n:,} items in {time.perf_counter() - t:.0f} s "
              f"({path.stat().st_size / 2**30:.1f} GiB)", flush=True)
    with Store(path) as st:
        t = time.perf_counter()
        rows = sum(1 for r in st.iter_auto_items(evidence=True) if r["body"])
        read = time.perf_counter() - t
    print(f"baseline: reading {rows:,} items' titles, bodies and decisions: {read:6.1f} s "
          f"({rows / read:,.0f} items/s)", flush=True)
    jobs = ["--jobs", str(a.jobs)] if a.jobs else []
    edited = work / "edited.toml"
    # An officer adds a phrase: one headline in ten carries it, so about that share changes.
    edited.write_text(classifier.default_rules_text().replace(
        '"以旧换新" = 5', '"以旧换新" = 5\n"惠民补贴" = 5', 1), encoding="utf-8")
    for label, args in (("first classification", []),
                        ("after a rules edit", ["--rules", str(edited)]),
                        ("again, nothing to do", ["--rules", str(edited)])):
        elapsed, line = run(["reclassify", "--db", str(path), *jobs, *args])
        print(f"reclassify, {label}: {elapsed:6.1f} s ({rows / elapsed:,.0f} items/s)\n    {line}",
              flush=True)


if __name__ == "__main__":
    main()
