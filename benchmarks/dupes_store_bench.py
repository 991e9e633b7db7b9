"""The duplicate detector against a stored record: placing a crawl's new items (``place_pending``)
and ``gongkai dupes rebuild`` of a whole year, beside the baseline of reading the same items and
grouping them by normalised title (what the store did before the detector).

    python benchmarks/dupes_store_bench.py [--items N]

A year of N website items (default 3,000, ten times a busy bureau), 40% reposted on WeChat within a
day under another headline, 10% on the board a week later (the text's first 120 characters, without the page's header
lines); bodies built from the labelled pair
set's texts, so their length and stock phrases are real-sized. A text used again later in the year
(every ~27 days at 3,000 items) is a recurring event: the days it names move with it.

The truth is known: an item and its reposts are one 信息; two website items whose texts come
from the two sides of one labelled `dup` pair are one too; every other join is a false merge.
Printed: the precision and recall of the placement's joins against it (pairs of items).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gongkai import clustering  # noqa: E402
from gongkai.matching import title_key  # noqa: E402
from store import Store  # noqa: E402

NOW = datetime(2025, 1, 5, tzinfo=timezone.utc)
PAIRS = ROOT / "tests" / "fixtures" / "dupes" / "pairs.jsonl"


def texts() -> list[tuple[str, str, str]]:
    """(title, body, tag): the tag names the 信息 — one per pair labelled dup, one per side else."""
    out = []
    for line in PAIRS.read_text("utf-8").splitlines():
        p = json.loads(line)
        for side in ("a", "b"):
            if p[side]["channel"] == "website":
                tag = p["id"] if p["label"] == "dup" else f"{p['id']}{side}"
                out.append((p[side]["title"], p[side]["body"], tag))
    return out


_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")


def redate(text: str, shift: int) -> str:
    """*text* with every 「M月D日」 it names moved *shift* days later."""
    def move(m: re.Match) -> str:
        try:
            d = date(2024, int(m[1]), int(m[2])) + timedelta(days=shift)
        except ValueError:
            return m[0]
        return f"{d.month}月{d.day}日"
    return _DAY.sub(move, text) if shift else text


_FURNITURE = ("发布时间", "来源：", "信息来源", "【字体", "浏览次数", "索引号", "字号", "作者：")


def summary(body: str) -> str:
    """What a clerk types on the board: the text's first 120 characters, not the web page's
    header lines (来源, 发布时间, 【字体】 …), which no board row carries."""
    lines = [ln for ln in body.split("\n") if not any(f in ln for f in _FURNITURE)]
    return "".join(lines)[:120]


def build(path: Path, n: int, rng: random.Random) -> dict[str, str]:
    """The record, and each item key's true 信息."""
    pool = texts()
    truth: dict[str, str] = {}
    with Store(path) as st:
        st.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"},
                         {"id": "wx", "type": "feed", "channel": "wechat", "url": "f"},
                         {"id": "board", "type": "manual", "channel": "board", "url": ""}], NOW)
        for i in range(n):
            title, body, tag = pool[i % len(pool)]
            # the same text used again a cycle later is another 信息
            info = f"{tag}#{i // len(pool)}"
            truth[f"http://w/{i}"] = truth[f"wx:1:{i}:1"] = truth[f"board:{i}"] = info
            day = date(2024, 1, 1) + timedelta(days=i * 365 // n)
            # A text used again is a recurring event (the next round of a meeting, next month's
            # check): its own day, not the first round's — the days it names move with it.
            body = redate(body, (day - date(2024, 1, 1) - timedelta(days=(i % len(pool)) * 365 // n)).days)
            title, body = f"{title}（{i}）", f"{i}号，{body}"
            rec = {"key": f"http://w/{i}", "url": f"http://w/{i}", "title": title,
                   "title_norm": title_key(title), "body": body, "pub_date": day.isoformat(),
                   "published_at": f"{day}T09:00:00+08:00"}
            st.save_item("web", "website", rec, attribution="ours", now=NOW)
            if rng.random() < 0.4:
                wx_day = day + timedelta(days=rng.choice((0, 1)))
                st.save_item("wx", "wechat", {**rec, "key": f"wx:1:{i}:1", "url": f"wx:1:{i}:1",
                                              "title": "商务动态｜" + title[:10], "body": "一图速览！" + body,
                                              "pub_date": wx_day.isoformat()}, attribution="ours", now=NOW)
            if rng.random() < 0.1:
                b_day = day + timedelta(days=7)
                st.save_item("board", "board", {**rec, "key": f"board:{i}", "url": "",
                                                "title": title[4:20], "body": summary(body),
                                                "pub_date": b_day.isoformat()}, attribution="ours", now=NOW)
    return truth


def score(rows: list[dict], truth: dict[str, str]) -> tuple[float, float, int, int]:
    """Pairwise precision and recall of the clusters against the true 信息, and the false and
    missed pair counts."""
    from collections import Counter
    by_cluster = Counter((r["cluster_id"], truth[r["key"]]) for r in rows)
    clusters = Counter(r["cluster_id"] for r in rows)
    infos = Counter(truth[r["key"]] for r in rows)
    pairs = lambda n: n * (n - 1) // 2   # noqa: E731
    right = sum(pairs(n) for n in by_cluster.values())
    joined = sum(pairs(n) for n in clusters.values())
    true = sum(pairs(n) for n in infos.values())
    return (right / joined if joined else 1.0, right / true if true else 1.0,
            joined - right, true - right)


def with_review(rows: list[dict], review: list[dict]) -> list[dict]:
    """*rows* with the clusters a review pair links counted as one: what an officer who settles
    the review queue ends with, if every possible duplicate put to them is one."""
    parent: dict = {}

    def find(c):
        parent.setdefault(c, c)
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c
    for pair in review:
        parent[find(pair["x"])] = find(pair["y"])
    return [{**r, "cluster_id": find(r["cluster_id"])} for r in rows]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, default=3000)
    args = ap.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.db"
        truth = build(path, args.items, rng)
        with Store(path) as st:
            total = len(st.items_for_dupes())
            t0 = time.perf_counter()
            rows = st.items_for_dupes()
            groups: dict[str, list[int]] = {}
            for r in rows:
                groups.setdefault(title_key(r["title"]), []).append(r["id"])
            base = time.perf_counter() - t0
            t0 = time.perf_counter()
            placed, joined = clustering.place_pending(st, NOW)
            place = time.perf_counter() - t0
            placed_rows = list(st.db.query("SELECT key, cluster_id FROM items"))
            review = list(st.db.query(
                "SELECT a.cluster_id AS x, b.cluster_id AS y FROM dupe_pairs p "
                "JOIN items a ON a.id = p.item_id JOIN items b ON b.id = p.other_id"))
            t0 = time.perf_counter()
            plan = clustering.rebuild(st, NOW, actor="bench", dry_run=True)
            rebuild = time.perf_counter() - t0
    print(f"{total} stored items ({args.items} website, the rest reposts)")
    print(f"place_pending: {placed} items placed, {joined} joined, in {place:.1f} s "
          f"({placed / place:,.0f} items/s)")
    precision, recall, false, missed = score(placed_rows, truth)
    print(f"placement against the truth: precision {precision:.3f} ({false} false item pairs), "
          f"recall {recall:.3f} ({missed} missed)")
    _, lenient, _, unseen = score(with_review(placed_rows, review), truth)
    print(f"recall counting the pairs sent to review as possible duplicates: {lenient:.3f} "
          f"({unseen} neither joined nor shown)")
    print(f"rebuild --dry-run of the year: {rebuild:.1f} s ({total / rebuild:,.0f} items/s), "
          f"{len(plan.moves)} moves, {len(plan.pairs)} pairs to review")
    print(f"baseline, reading the items and grouping by normalised title: {base:.2f} s "
          f"(place_pending {place / base:.0f}x, rebuild {rebuild / base:.0f}x slower)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
