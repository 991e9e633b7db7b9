"""Store throughput: saving crawled items (upsert + cluster lookup + raw page) and counting a year.

Baseline, in the same run: a bare sqlite3 INSERT of the same rows, one commit per row (what a
crawler that commits each item as it goes pays at minimum), and a Python Counter over all rows
for the year's counts.

    .venv/bin/python benchmarks/store_bench.py [--n 20000]
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from store import Store  # noqa: E402

CATS = ["内贸流通", "促消费", "招商引资", "安全生产", "行政事项审批", "其他"]
NOW = datetime(2025, 1, 5, tzinfo=timezone.utc)


def rows(n: int):
    start = date(2024, 1, 1)
    for i in range(n):
        d = (start + timedelta(days=i % 366)).isoformat()
        title = f"卫滨区商务局开展第{i}期{CATS[i % 6]}工作"
        yield {"key": f"http://www.example.gov.cn/col/swj/{i}.html", "url": f"u{i}", "title": title,
               "title_norm": title, "pub_date": d, "published_at": d + "T09:00:00+08:00",
               "body": "正文" * 300}


def bench_store(n: int, tmp: Path) -> tuple[float, float, float]:
    st = Store(tmp / "store.db")
    st.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"}], NOW)
    raw = ("<html>" + "页面" * 2000 + "</html>").encode()
    t0 = time.perf_counter()
    for r in rows(n):
        st.save_item("web", "website", r, attribution="ours", now=NOW, raw=raw)
    save = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i, r in enumerate(rows(n), 1):
        st.apply_decision(i, {"category": CATS[i % 6], "score": 3.0, "ruleset_version": "v"},
                          now=NOW)
    decide = time.perf_counter() - t0
    t0 = time.perf_counter()
    st.counts(2024)
    count = time.perf_counter() - t0
    st.close()
    return save, decide, count


def bench_baseline(n: int, tmp: Path) -> tuple[float, float]:
    conn = sqlite3.connect(tmp / "base.db")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE items (key TEXT PRIMARY KEY, title TEXT, pub_date TEXT, body TEXT,"
                 " category TEXT)")
    t0 = time.perf_counter()
    for i, r in enumerate(rows(n)):
        conn.execute("INSERT OR IGNORE INTO items VALUES (?, ?, ?, ?, ?)",
                     (r["key"], r["title"], r["pub_date"], r["body"], CATS[i % 6]))
        conn.commit()
    save = time.perf_counter() - t0
    t0 = time.perf_counter()
    Counter(c for d, c in conn.execute("SELECT pub_date, category FROM items") if d[:4] == "2024")
    count = time.perf_counter() - t0
    conn.close()
    return save, count


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    n = ap.parse_args().n
    with tempfile.TemporaryDirectory() as d:
        save, decide, count = bench_store(n, Path(d))
        base_save, base_count = bench_baseline(n, Path(d))
    print(f"store.save_item      {n / save:10.0f} items/s   (upsert + cluster lookup + raw page)")
    print(f"baseline insert      {n / base_save:10.0f} items/s   (bare INSERT, commit per row)")
    print(f"  ratio store/baseline: {base_save / save:.2f}x")
    print(f"store.apply_decision {n / decide:10.0f} items/s")
    print(f"store.counts(2024)   {count * 1000:10.1f} ms for {n} items (clusters, per channel)")
    print(f"baseline Counter     {base_count * 1000:10.1f} ms (no clusters, no channels)")
    print(f"  ratio store/baseline: {base_count / count:.2f}x")


if __name__ == "__main__":
    main()
