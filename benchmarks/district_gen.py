"""A generated district in one SQLite file (issue 17 #5), for the district benchmarks.

    python benchmarks/district_gen.py [--bodies 40] [--sources 8] [--n 250000] [--out DIR]

Writes ``DIR/gongkai.toml`` (--bodies ``[[bureaus]]``, --sources own sources each, and two
shared sources: the portal's 部门动态 column and the district's WeChat account, ``bureaus =
"*"``) and builds ``DIR/district.db`` through the real migrations, with bulk inserts of the
schema's own rows: --n items over five years (2020–2024). Its shapes:

- a fifth of the items on the shared sources: one body each mostly, 10% joint (two bodies),
  10% naming nobody (unattributed, ``not_ours``);
- a fifth joining the previous item's 信息 (on another source, often another body's), so
  clusters of two or three span channels, bodies and sometimes 31 December;
- 1% published on 31 December or 1 January (Beijing dates), 0.2% undated;
- 10% awaiting review, 5% decided by hand; 0.3% unclassified;
- one open possible-duplicate pair per 500 items; five runs per source, a few failing;
- a report data file for every other body.

Run alone it builds one and prints the items per second against a bare ``executemany`` of
the same rows into a table without indexes or triggers.
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import report  # noqa: E402
from gongkai import cmd_report, config  # noqa: E402
from gongkai.web._auth import hash_password  # noqa: E402
from store import Store  # noqa: E402

CLOCK = datetime(2025, 1, 10, 6, 0, tzinfo=timezone.utc)     # 14:00 Beijing, report year 2024
YEARS = (2020, 2021, 2022, 2023, 2024)
CATEGORIES = ("促消费", "招商引资", "安全生产", "行政事项审批", "内贸流通", "其他")
SHARED = (("portal-bmdt", "website"), ("cxwb", "district-wechat"))
OWN_CHANNELS = ("website", "wechat", "media", "board")
ADMIN = ("boss", "bench-password")
ITEM_COLUMNS = ("id, source_id, key, channel, url, title, title_norm, published_at, pub_date, "
                "pub_year, body, attribution, upstream_status, cluster_id, category, score, "
                "margin, needs_review, decided_by, ruleset_version, first_seen_at, last_seen_at")


OWN_RULES = """fallback = "其他"
[[category]]
name = "安全监管"
label = "安全监管信息"
key = 1
[category.keywords]
"安全" = 5
[[category]]
name = "工作动态"
label = "工作动态信息"
key = 2
[category.keywords]
"工作" = 3
[[category]]
name = "其他"
label = "其他信息"
key = 3
[category.keywords]
"其他" = 1
"""
OWN_CATEGORIES = ("安全监管", "工作动态", "其他")


def write_config(folder: Path, bodies: int, per_body: int, own: int = 0) -> Path:
    """The district's config; the first ``own`` bodies have categories of their own."""
    lines = ['[database]\npath = "district.db"\n']
    if own:
        (folder / "own-rules.toml").write_text(OWN_RULES, encoding="utf-8")
    for b in range(bodies):
        lines.append(f'[[bureaus]]\nid = "b{b:02d}"\nname = "卫滨区第{b:02d}局"\n'
                     f'aliases = ["区第{b:02d}局"]\n'
                     + ('rules = "own-rules.toml"\n' if b < own else ""))
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


def rows(cfg: config.Config, n: int, seed: int) -> tuple[list, list, list]:
    """The items, item_bodies and dupe_pairs rows of the district."""
    rng = random.Random(seed)
    bodies = [b.id for b in cfg.bodies]
    own = [s for s in cfg.sources if not s.shared]
    shared = [s for s in cfg.sources if s.shared]
    now = CLOCK.isoformat(timespec="seconds")
    items, item_bodies, pairs = [], [], []
    cluster = 0
    for i in range(1, n + 1):
        on_shared = rng.random() < 0.2
        src = rng.choice(shared if on_shared else own)
        year = YEARS[i % len(YEARS)]
        roll = rng.random()
        day = (None if roll < 0.002 else
               f"{year}-12-31" if roll < 0.007 else f"{year}-01-01" if roll < 0.012 else
               f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        manual = rng.random() < 0.05
        needs = 0 if manual else int(rng.random() < 0.1)
        # a copy of the previous item's 信息 (up to three copies), else a 信息 of its own
        cluster = cluster if i > 1 and rng.random() < 0.2 and items[-1][13] > i - 3 else i
        attribution = "ours"
        if on_shared:
            roll = rng.random()
            named = ([] if roll < 0.1 else rng.sample(bodies, 2) if roll < 0.2
                     else [rng.choice(bodies)])
            attribution = "ours" if named else "not_ours"
            item_bodies += [(i, b, "发布机构") for b in named]
        category = None if rng.random() < 0.003 else rng.choice(CATEGORIES)
        title = f"区第{i % 40:02d}局开展工作（第{i}期）"
        items.append((i, src.id, f"k{i}", src.channel, f"http://x.example/{i}", title, title,
                      day and day + "T09:00:00+08:00", day, day and int(day[:4]), "",
                      attribution, "live", cluster, category, 10.0,
                      round(rng.random() * 40, 2), needs, "manual" if manual else "auto", "v1",
                      now, now))
        if i % 500 == 0:
            pairs.append((i - rng.randint(1, 400), i, 0.7, "generated", "open", now))
    return items, item_bodies, pairs


def build(cfg: config.Config, n: int, seed: int = 1) -> None:
    """The district's database at ``cfg.db_path`` and every other body's data file."""
    items, item_bodies, pairs = rows(cfg, n, seed)
    runs = []
    for k, src in enumerate(cfg.sources):
        for r in range(5):
            failed = r == 4 and k % 29 == 0
            runs.append((src.id, f"2025-01-0{r + 5}T0{r}:00:00+00:00",
                         f"2025-01-0{r + 5}T0{r}:00:30+00:00", "failed" if failed else "ok",
                         "HTTP 503" if failed else "", 20, 0))
    with Store(cfg.db_path) as st:
        st.sync_sources([s.as_row() for s in cfg.sources], CLOCK)
        st.add_user(ADMIN[0], hash_password(ADMIN[1]), "admin", now=CLOCK)
        conn = st.db.conn
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(f"INSERT INTO items ({ITEM_COLUMNS}) VALUES "
                         f"({','.join('?' * 22)})", items)
        conn.executemany("INSERT INTO item_bodies (item_id, body, reason) VALUES (?, ?, ?)",
                         item_bodies)
        conn.executemany("INSERT INTO dupe_pairs (item_id, other_id, score, reason, status, "
                         "created_at) VALUES (?, ?, ?, ?, ?, ?)", pairs)
        conn.executemany(
            "INSERT INTO runs (source_id, started_at, finished_at, status, reason, n_seen, n_new) "
            "VALUES (?,?,?,?,?,?,?)", runs)
        conn.execute("UPDATE sources SET last_success_at = ?", [CLOCK.isoformat()])
        own = [b.id for b in cfg.bodies if b.rules_path is not None]
        if own:     # each own-category body's decision of every item it counts
            owner = {s.id: s.bureaus[0] for s in cfg.sources if not s.shared}
            named: dict[int, list[str]] = {}
            for i, body, _ in item_bodies:
                named.setdefault(i, []).append(body)
            rng = random.Random(seed + 1)
            decided = []
            for row in items:
                for body in named.get(row[0], [owner.get(row[1])]):
                    if body in own:
                        manual = rng.random() < 0.05
                        decided.append((row[0], body, rng.choice(OWN_CATEGORIES),
                                        "manual" if manual else "auto",
                                        int(not manual and rng.random() < 0.1)))
            conn.executemany("INSERT INTO body_decisions (item_id, body, body_category, "
                             "body_decided_by, body_needs_review, body_version) VALUES "
                             "(?, ?, ?, ?, ?, 'bench')", decided)
        conn.commit()
        st.db.execute("ANALYZE")
        st.refresh_count_summary()
    for b in cfg.bodies[::2]:                   # every other body has written its data file
        report.init_data(cmd_report.default_data(cfg, 2024, b.id), 2024)


def district(folder: Path, bodies: int = 40, per_body: int = 8, n: int = 250_000,
             seed: int = 1, own: int = 0) -> tuple[config.Config, float | None]:
    """The district in ``folder`` (built unless its database is there): the config, and the
    seconds the build took (None: it was there). ``own``: bodies with categories of their own."""
    folder.mkdir(parents=True, exist_ok=True)
    cfg = config.load(write_config(folder, bodies, per_body, own))
    if Path(cfg.db_path).exists():
        return cfg, None
    t = time.perf_counter()
    build(cfg, n, seed)
    return cfg, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bodies", type=int, default=40)
    ap.add_argument("--sources", type=int, default=8, help="own sources per body")
    ap.add_argument("--n", type=int, default=250_000)
    ap.add_argument("--out", type=Path, help="a folder to build in (kept); default: a temp one")
    a = ap.parse_args()
    folder = a.out or Path(tempfile.mkdtemp())
    cfg, took = district(folder, a.bodies, a.sources, a.n)
    if took is None:
        print(f"{cfg.db_path} is there already")
        return
    items = rows(cfg, a.n, 1)[0]
    bare = sqlite3.connect(folder / "bare.db")
    bare.execute(f"CREATE TABLE items ({ITEM_COLUMNS})")
    t = time.perf_counter()
    with bare:
        bare.executemany(f"INSERT INTO items VALUES ({','.join('?' * 22)})", items)
    plain = time.perf_counter() - t
    bare.close()
    (folder / "bare.db").unlink()
    print(f"district: {len(cfg.bodies)} bodies, {len(cfg.sources)} sources, {a.n:,} items built "
          f"in {took:.1f} s ({a.n / took:,.0f} items/s, with the rows generated, migrations, "
          f"indexes, triggers and ANALYZE) in {folder}")
    print(f"baseline, bare executemany of the same rows: {plain:.1f} s "
          f"({took / plain:.1f}x slower)")


if __name__ == "__main__":
    main()
