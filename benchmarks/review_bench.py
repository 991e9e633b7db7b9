"""The review UI on a large database: the queue's first page and the counts panel.

    python benchmarks/review_bench.py [--n 1000000] [--db PATH] [--repeat 5]

Builds an N-item database through the real migrations (executemany in one transaction: items
plus one decision each; the FTS triggers index every title), logs in through the Flask test
client and times, median of --repeat:

- queue:   GET /?year=2024           the first page, ordered by doubt, via the queue index;
- counts:  GET /counts?year=2024     the panel: Store.counts_cached + report.Counts. Timed
           twice: "first load" right after a reviewer's write (the stamp moved: the changed
           cluster's summary row is recomputed, the year summed from the per-cluster summary
           and the cache refilled) and "cached" (nothing counted changed since). The one-off
           rebuild of the summary (every cluster is stale after the build, as after the
           upgrade that adds it) is timed once on its own;
- search:  GET /?q=汽车消费券 / ?q=消费  trigram FTS and the 2-character instr() fallback.

Baseline for the queue, in the same process: the same ORDER BY ... LIMIT with the indexes
disabled (NOT INDEXED: a full scan plus a top-N sort), i.e. what the query costs without
review_003_queue_indexes. Baseline for the counts: Store.counts, the full recount from items
that the panel ran on every first load before review_007_cluster_summary.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

import classifier
from gongkai.web import create_app
from gongkai.web._auth import hash_password
from store import Store
from store._schema_review import QUEUE_ORDER

TITLES = ["区商务局开展节前安全生产大检查", "卫滨区汽车消费券第二轮发放活动即将开启",
          "卫滨区召开2024年招商引资工作推进会", "区商务局推进一刻钟便民生活圈建设",
          "卫滨区商务局行政许可事项办理结果公示", "区商务局党支部开展主题党日活动",
          "家电以旧换新惠民补贴来了", "总投资12亿元新能源电池项目落户卫滨"]
SOURCES = [("portal", "website"), ("wx-bureau", "wechat"), ("wx-district", "wechat"),
           ("city-media", "media")]


def build(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    names = classifier.load_rules().names
    with Store(path) as st:
        st.sync_sources([{"id": s, "type": "website", "channel": c, "url": "u"}
                         for s, c in SOURCES], _now())
        st.add_user("bench", hash_password("bench-password"), "reviewer", now=_now())
        items, decisions = [], []
        for i in range(1, n + 1):
            source, channel = SOURCES[i % len(SOURCES)]
            year = 2021 + i % 4
            day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            cat = names[rng.randrange(len(names))]
            manual = rng.random() < 0.05
            needs = 0 if manual else int(rng.random() < 0.1)
            margin = None if manual else round(rng.random() * 40, 2)
            # about 1 in 5 items shares its cluster with the previous one (another channel)
            cluster = i - 1 if i > 1 and i % 5 == 0 else i
            title = f"{TITLES[i % len(TITLES)]}（第{i}期）"
            items.append((i, source, f"k{i}", channel, f"http://x.example/{i}", title, title,
                          day + "T09:00:00+08:00", day, year, "", "ours", "live", cluster, cat,
                          10.0, margin, needs, "manual" if manual else "auto", "v1", i))
            decisions.append((i, i, cat, 10.0, margin, needs,
                              json.dumps([{"keyword": "消费", "field": "title", "start": 3,
                                           "weight": 3.0, "category": cat}], ensure_ascii=False),
                              "v1", "manual" if manual else "auto", "gongkai", day))
        conn = st.db.conn
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO items (id, source_id, key, channel, url, title, title_norm, published_at, "
            "pub_date, pub_year, body, attribution, upstream_status, cluster_id, category, score, "
            "margin, needs_review, decided_by, ruleset_version, decision_id) VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", items)
        conn.executemany(
            "INSERT INTO decisions (id, item_id, category, score, margin, needs_review, "
            "evidence_json, ruleset_version, method, actor, decided_at) VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?)", decisions)
        conn.commit()
        st.db.execute("ANALYZE")


def _now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)


def timed(fn, repeat: int) -> float:
    fn()                                   # warm the page cache once
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    path = a.db or Path(tempfile.mkdtemp()) / "bench.db"
    if not path.exists():
        t = time.perf_counter()
        build(path, a.n, a.seed)
        print(f"built {a.n:,} items in {time.perf_counter() - t:.1f} s ({path})")
    with Store(path) as st:
        t = time.perf_counter()
        stale = st.refresh_count_summary()
        rebuild = time.perf_counter() - t
    app = create_app(path, classifier.load_rules())
    client = app.test_client()
    tok = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "bench", "password": "bench-password", "csrf_token": tok})

    def get(url):
        def run():
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
        return run

    queue = timed(get("/?year=2024"), a.repeat)
    queue_all = timed(get("/?status=all"), a.repeat)
    counts = timed(get("/counts?year=2024"), a.repeat)
    with Store(path) as st:
        flip = iter(range(10 ** 6))

        def after_a_write():
            # a real reviewer write moves the data stamp; only the panel load is timed
            st.review_set_category(1, "其他" if next(flip) % 2 else "促消费", actor="bench",
                                   now=_now())
            t = time.perf_counter()
            get("/counts?year=2024")()
            return time.perf_counter() - t
        after_a_write()
        counts_first = statistics.median(after_a_write() for _ in range(a.repeat)) * 1000
        raw = timed(lambda: st.counts(2024), a.repeat)
    search3 = timed(get("/?q=汽车消费券"), a.repeat)
    search2 = timed(get("/?q=消费"), a.repeat)
    with Store(path) as st:
        cols = "id, title, pub_date, category, margin, needs_review, decided_by"

        def naive():
            st.db.execute(f"SELECT {cols} FROM items NOT INDEXED WHERE pub_year = 2024 AND "
                          f"attribution = 'ours' ORDER BY {QUEUE_ORDER} LIMIT 51").fetchall()
        baseline = timed(naive, a.repeat)

        def indexed():
            st.review_queue(year=2024, limit=51)
        store_queue = timed(indexed, a.repeat)
    print(f"queue first page (HTTP, year filter): {queue:8.1f} ms")
    print(f"queue first page (HTTP, everything):  {queue_all:8.1f} ms")
    print(f"queue query alone (Store):            {store_queue:8.1f} ms")
    print(f"  baseline: same query NOT INDEXED:   {baseline:8.1f} ms  "
          f"(ratio {baseline / store_queue:.0f}x)")
    print(f"counts panel, cached (HTTP):          {counts:8.1f} ms")
    print(f"counts panel, first load after a write: {counts_first:6.1f} ms")
    print(f"  baseline: Store.counts alone:       {raw:8.1f} ms  (ratio {raw / counts_first:.0f}x "
          f"the first load, {raw / counts:.0f}x cached)")
    print(f"counts summary brought up to date once, {stale:,} clusters stale: {rebuild:.1f} s")
    print(f"search, trigram FTS 汽车消费券 (HTTP): {search3:8.1f} ms")
    print(f"search, 2-char instr 消费 (HTTP):      {search2:8.1f} ms")


if __name__ == "__main__":
    main()
