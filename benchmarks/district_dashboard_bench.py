"""The 政务公开办's dashboard on a generated district (issue 17 #3 and #5).

    python benchmarks/district_dashboard_bench.py [--bodies 40] [--sources 8] [--n 250000]
                                                   [--db PATH] [--repeat 5]

Builds a district in a temporary SQLite file through the real migrations: --bodies bodies with
--sources own sources each, plus the portal's shared column and the district's WeChat account
(bureaus = "*"); --n items over five years (2020–2024), a fifth of them on the shared sources
(one body each mostly, some joint, some naming nobody), a fifth joining the previous item's 信息
on another channel, 10% awaiting review, 5% decided by hand; five runs per source, a few
failing; a yearly data file for every other body. Then, logged in as an admin through the
Flask test client, median of --repeat:

- first load:  GET /district?year=2024 right after a reviewer's write (the page keeps no cache:
               every load is a first load), and its parts measured alone: every body's counts
               (store.body_counts, one pass), the sources' health (the home page's health_rows),
               the report checks (cmd_report.prepare per body, handed the counts);
- export:      GET /district.xlsx?year=2024.

Baselines in the same run: a plain ``SELECT source_id, COUNT(*) FROM items GROUP BY
source_id`` (what reading the table once costs), and, once, what the page's counts would cost
asked body by body (``Store.counts(year, scope)`` for each body and both years).

The sources' health reads each source's newest 200 items through the index on items
(source_id, first_seen_at) (migration ops_002); before it, 0.38–0.41 s of the first load.
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import report
from gongkai import app as gk_app
from gongkai import cmd_report, config, district
from gongkai.web import create_app
from gongkai.web import _district as dash
from gongkai.web._auth import hash_password
from gongkai.web._home import health_rows
from store import Store, body_counts

CLOCK = datetime(2025, 1, 10, 6, 0, tzinfo=timezone.utc)     # 14:00 Beijing, report year 2024
YEARS = (2020, 2021, 2022, 2023, 2024)
CATEGORIES = ("促消费", "招商引资", "安全生产", "行政事项审批", "内贸流通", "其他")
SHARED = (("portal-bmdt", "website"), ("cxwb", "district-wechat"))
OWN_CHANNELS = ("website", "wechat", "media", "board")


def write_config(folder: Path, bodies: int, per_body: int) -> Path:
    lines = ['[database]\npath = "district.db"\n']
    for b in range(bodies):
        lines.append(f'[[bureaus]]\nid = "b{b:02d}"\nname = "卫滨区第{b:02d}局"\n'
                     f'aliases = ["区第{b:02d}局"]\n')
    for b in range(bodies):
        for s in range(per_body):
            lines.append(f'[[sources]]\nid = "b{b:02d}-s{s}"\ntype = "website"\n'
                         f'channel = "{OWN_CHANNELS[s % len(OWN_CHANNELS)]}"\n'
                         f'url = "http://b{b:02d}.example.gov.cn/col{s}/"\nbureau = "b{b:02d}"\n')
    for sid, channel in SHARED:
        lines.append(f'[[sources]]\nid = "{sid}"\ntype = "website"\nchannel = "{channel}"\n'
                     f'url = "http://www.example.gov.cn/{sid}/"\nbureaus = "*"\n')
    path = folder / "gongkai.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def build(cfg: config.Config, n: int, seed: int) -> None:
    rng = random.Random(seed)
    bodies = [b.id for b in cfg.bodies]
    own = [s for s in cfg.sources if not s.shared]
    shared = [s for s in cfg.sources if s.shared]
    now = CLOCK.isoformat(timespec="seconds")
    with Store(cfg.db_path) as st:
        st.sync_sources([s.as_row() for s in cfg.sources], CLOCK)
        st.add_user("boss", hash_password("bench-password"), "admin", now=CLOCK)
        items, item_bodies, runs = [], [], []
        for i in range(1, n + 1):
            on_shared = rng.random() < 0.2
            src = rng.choice(shared if on_shared else own)
            year = YEARS[i % len(YEARS)]
            day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            manual = rng.random() < 0.05
            needs = 0 if manual else int(rng.random() < 0.1)
            cluster = i - 1 if i > 1 and rng.random() < 0.2 else i
            attribution = "ours"
            if on_shared:
                roll = rng.random()
                named = ([] if roll < 0.1 else rng.sample(bodies, 2) if roll < 0.2
                         else [rng.choice(bodies)])
                attribution = "ours" if named else "not_ours"
                item_bodies += [(i, b, "发布机构") for b in named]
            title = f"区第{i % 40:02d}局开展工作（第{i}期）"
            items.append((i, src.id, f"k{i}", src.channel, f"http://x.example/{i}", title, title,
                          day + "T09:00:00+08:00", day, year, "", attribution, "live", cluster,
                          rng.choice(CATEGORIES), 10.0, round(rng.random() * 40, 2), needs,
                          "manual" if manual else "auto", "v1", now, now))
        for k, src in enumerate(cfg.sources):
            for r in range(5):
                failed = r == 4 and k % 29 == 0
                runs.append((src.id, f"2025-01-0{r + 5}T0{r}:00:00+00:00",
                             f"2025-01-0{r + 5}T0{r}:00:30+00:00", "failed" if failed else "ok",
                             "HTTP 503" if failed else "", 20, 0))
        conn = st.db.conn
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO items (id, source_id, key, channel, url, title, title_norm, published_at, "
            "pub_date, pub_year, body, attribution, upstream_status, cluster_id, category, score, "
            "margin, needs_review, decided_by, ruleset_version, first_seen_at, last_seen_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", items)
        conn.executemany("INSERT INTO item_bodies (item_id, body, reason) VALUES (?, ?, ?)",
                         item_bodies)
        conn.executemany(
            "INSERT INTO runs (source_id, started_at, finished_at, status, reason, n_seen, n_new) "
            "VALUES (?,?,?,?,?,?,?)", runs)
        conn.execute("UPDATE sources SET last_success_at = ?", [now])
        conn.commit()
        st.db.execute("ANALYZE")
        st.refresh_count_summary()
    for b in cfg.bodies[::2]:                   # every other body has written its data file
        report.init_data(cmd_report.default_data(cfg, 2024, b.id), 2024)


def timed(fn, repeat: int) -> float:
    fn()                                        # warm the page cache once
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bodies", type=int, default=40)
    ap.add_argument("--sources", type=int, default=8, help="own sources per body")
    ap.add_argument("--n", type=int, default=250_000)
    ap.add_argument("--db", type=Path, help="a folder to build in (kept); default: a temp one")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    folder = a.db or Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    path = write_config(folder, a.bodies, a.sources)
    cfg = config.load(path)
    if not Path(cfg.db_path).exists():
        t = time.perf_counter()
        build(cfg, a.n, a.seed)
        print(f"built {a.n:,} items, {len(cfg.bodies)} bodies, {len(cfg.sources)} sources in "
              f"{time.perf_counter() - t:.1f} s ({folder})")
    rules = gk_app.load_rules(cfg)
    app = create_app(cfg.db_path, rules, config=cfg, clock=lambda: CLOCK)
    client = app.test_client()
    tok = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "boss", "password": "bench-password", "csrf_token": tok})
    with Store(cfg.db_path) as st:
        scopes = [district.scope(cfg, b.id, st) for b in cfg.bodies]

    with Store(cfg.db_path) as st:
        flip = iter(range(10 ** 6))
        item = st.db.execute("SELECT id FROM items WHERE pub_year = 2024 AND source_id = ? "
                             "LIMIT 1", [cfg.sources[0].id]).fetchone()[0]

        def write():
            st.review_set_category(item, CATEGORIES[next(flip) % 2], actor="bench", now=CLOCK)

        def first_load():
            write()
            t = time.perf_counter()
            r = client.get("/district?year=2024")
            assert r.status_code == 200, r.status_code
            return time.perf_counter() - t

        first_load()
        page = statistics.median(first_load() for _ in range(a.repeat)) * 1000
        export = timed(lambda: client.get("/district.xlsx?year=2024"), a.repeat)
        counts = timed(lambda: body_counts(st, (2023, 2024), scopes), a.repeat)
        with app.test_request_context():
            health = timed(lambda: health_rows(st, CLOCK), a.repeat)
        known = body_counts(st, (2023, 2024), scopes)
        counted = dash._Counted(st, {sc: known[sc.body] for sc in scopes})

        def checks():
            for b in cfg.bodies:
                data = cmd_report.found_data(cfg, 2024, b.id)
                cmd_report.prepare(cfg, rules, counted, 2024, charts=False, body=b.id,
                                   data=data if data is not None and data.exists() else None)

        check = timed(checks, a.repeat)
        plain = timed(lambda: st.db.execute(
            "SELECT source_id, COUNT(*) FROM items GROUP BY source_id").fetchall(), a.repeat)
        t = time.perf_counter()
        each = {sc.body: {y: st.counts(y, sc) for y in (2023, 2024)} for sc in scopes}
        per_body = (time.perf_counter() - t) * 1000
        assert each == known, "body_counts differs from Store.counts"
    print(f"dashboard, first load after a write: {page:.0f} ms "
          f"({a.bodies} bodies, {len(cfg.sources)} sources, {a.n:,} items)")
    print(f"  of which every body's counts (one pass, 2 years): {counts:.0f} ms; sources' health: "
          f"{health:.0f} ms; report checks: {check:.0f} ms")
    print(f"export .xlsx: {export:.0f} ms")
    print(f"baseline, plain COUNT(*) GROUP BY source_id over items: {plain:.0f} ms "
          f"(first load / baseline: {page / plain:.1f}x)")
    print(f"baseline, Store.counts body by body, 2 years: {per_body:.0f} ms "
          f"({per_body / counts:.1f}x the one pass; equal results)")


if __name__ == "__main__":
    main()
