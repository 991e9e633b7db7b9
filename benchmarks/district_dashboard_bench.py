"""The 政务公开办's dashboard and the bodies' counts on a generated district (issue 17 #3, #5).

    python benchmarks/district_dashboard_bench.py [--bodies 40] [--sources 8] [--n 250000]
                                                   [--db DIR] [--repeat 5] [--own 0]

Builds the district of ``district_gen.py`` (40 bodies × 8 sources + 2 shared, 250,000 items
over five years) unless --db holds one, then, logged in as an admin through the Flask test
client, medians of --repeat:

- first load:  GET /district?year=2024 right after a write — a reviewer's decision, or a new
               item of the shared portal column naming two bodies — which the page must show;
- export:      GET /district.xlsx?year=2024;
- one body:    ``Store.counts(2024, scope)`` (what ``gongkai counts --bureau`` prints), each
               body in turn; and the commands themselves, ``counts --bureau`` and
               ``counts --all``, as processes (Python's start included);
- the summary's rebuild (a new database, or another config): once.

Baselines in the same run: the same first load with every body's counts from one pass over
the years' items (``store.body_counts`` and ``body_backlog``, the dashboard's way before the
kept summary), and a plain ``SELECT source_id, COUNT(*) FROM items GROUP BY source_id``.
Every run checks the summary equals the one pass.
"""
from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import district_gen as gen  # noqa: E402
from review_bench import timed as median_ms  # noqa: E402  (median ms of repeated calls)
from gongkai import app as gk_app  # noqa: E402
from gongkai import district  # noqa: E402
from gongkai.web import create_app  # noqa: E402
from store import Store, body_backlog, body_counts  # noqa: E402

GONGKAI = Path(sys.executable).with_name("gongkai")


def command_ms(args: list[str], repeat: int) -> float:
    runs = []
    for _ in range(max(3, repeat // 2)):
        t = time.perf_counter()
        subprocess.run([str(GONGKAI), *args], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        runs.append(time.perf_counter() - t)
    return statistics.median(runs) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bodies", type=int, default=40)
    ap.add_argument("--sources", type=int, default=8, help="own sources per body")
    ap.add_argument("--n", type=int, default=250_000)
    ap.add_argument("--db", type=Path, help="a folder to build in (kept); default: a temp one")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--own", type=int, default=0,
                    help="this many bodies have categories of their own (their own decisions)")
    a = ap.parse_args()
    folder = a.db or Path(tempfile.mkdtemp())
    cfg, took = gen.district(folder, a.bodies, a.sources, a.n, own=a.own)
    if took is not None:
        print(f"built {a.n:,} items, {len(cfg.bodies)} bodies, {len(cfg.sources)} sources in "
              f"{took:.1f} s ({folder})")
    rules = gk_app.load_rules(cfg)
    app = create_app(cfg.db_path, rules, config=cfg, clock=lambda: gen.CLOCK)
    client = app.test_client()
    tok = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": gen.ADMIN[0], "password": gen.ADMIN[1],
                                "csrf_token": tok})
    with Store(cfg.db_path) as st:
        scopes = list(district.scopes(cfg, st).values())
        st.db.execute("DELETE FROM body_summary_meta")      # as a new database or config
        t = time.perf_counter()
        st.body_summary((2023, 2024), scopes)
        rebuild = (time.perf_counter() - t) * 1000
        assert st.body_summary((2023, 2024), scopes) == (
            body_counts(st, (2023, 2024), scopes), body_backlog(st, scopes)), \
            "the summary differs from the one pass"
        flip, new = iter(range(10 ** 6)), iter(range(10 ** 6))
        item = st.db.execute("SELECT id FROM items WHERE pub_year = 2024 AND source_id = ? "
                             "LIMIT 1", [cfg.sources[0].id]).fetchone()[0]

        def decide():
            st.review_set_category(item, gen.CATEGORIES[next(flip) % 2], actor="bench",
                                   now=gen.CLOCK)

        def add():
            n = next(new)
            st.save_item("portal-bmdt", "website", {
                "key": f"bench-new-{time.time_ns()}-{n}", "url": f"http://x.example/new{n}",
                "title": "区第01局 区第02局联合开展工作", "pub_date": "2024-06-01",
                "published_at": "2024-06-01T09:00:00+08:00"},
                attribution="ours", now=gen.CLOCK,
                bodies={"b01": "发布机构", "b02": "发布机构"})

        def first_load(write) -> float:
            write()
            t = time.perf_counter()
            r = client.get("/district?year=2024")
            assert r.status_code == 200, r.status_code
            return time.perf_counter() - t

        def page_after(write) -> float:
            first_load(write)
            return statistics.median(first_load(write) for _ in range(a.repeat)) * 1000

        after_decision = page_after(decide)
        after_item = page_after(add)
        export = median_ms(lambda: client.get("/district.xlsx?year=2024"), a.repeat)
        one_body = statistics.median(
            median_ms(lambda: st.counts(2024, sc), 1) for sc in scopes[:: max(1, len(scopes)
                                                                                // 10)])
        plain = median_ms(lambda: st.db.execute(
            "SELECT source_id, COUNT(*) FROM items GROUP BY source_id").fetchall(), a.repeat)
        # the baseline: the dashboard's way before the kept summary, in this run
        summary = Store.body_summary
        Store.body_summary = lambda self, years, sc: (body_counts(self, years, sc),
                                                      body_backlog(self, sc))
        try:
            before = page_after(decide)
        finally:
            Store.body_summary = summary
    conf = ["--config", str(cfg.path)]
    cli_body = command_ms(["counts", "--year", "2024", "--bureau", cfg.bodies[1].id, "--json",
                           *conf], a.repeat)
    cli_all = command_ms(["counts", "--year", "2024", "--all", "--json", *conf], a.repeat)
    cli_start = command_ms(["--help"], a.repeat)
    print(f"dashboard, first load after a review decision: {after_decision:.0f} ms; after a new "
          f"item: {after_item:.0f} ms ({a.bodies} bodies, {len(cfg.sources)} sources, "
          f"{a.n:,} items)")
    print(f"baseline, the same first load with the counts from one pass over the years' items: "
          f"{before:.0f} ms ({before / after_decision:.1f}x slower)")
    print(f"export .xlsx: {export:.0f} ms; the summary's rebuild (new database or config): "
          f"{rebuild / 1000:.1f} s")
    print(f"one body's counts (Store.counts, median over bodies): {one_body:.1f} ms; baseline, "
          f"plain COUNT(*) GROUP BY source_id over items: {plain:.0f} ms "
          f"({plain / one_body:.1f}x the one body)")
    print(f"gongkai counts --bureau: {cli_body:.0f} ms, counts --all: {cli_all:.0f} ms, as "
          f"processes; baseline, gongkai --help: {cli_start:.0f} ms")


if __name__ == "__main__":
    main()
