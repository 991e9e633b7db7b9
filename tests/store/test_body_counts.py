"""Every body's counts in one pass (issue 17 #3, the district dashboard): ``store.body_counts``
must give, dict for dict, what ``Store.counts(year, scope)`` gives each body, and
``store.body_backlog`` what the backlog of each body's items is. Compared on a generated
district holding every case the counting rule distinguishes: a 信息 on several channels and
bodies, across 31 December, decided by hand, undated, unclassified, not ours, awaiting review,
joint, unattributed, on a disabled source, and open possible-duplicate pairs."""
import random
from datetime import datetime, timezone

import pytest

from store import BodyScope, Store, body_backlog, body_counts
from store._schema_review import AWAITING_REVIEW

NOW = datetime(2025, 1, 10, 6, 0, tzinfo=timezone.utc)
BODIES = ("shangwu", "yingji", "shijian", "jiaoyu")
# each body's own two sources; two shared ones, the second listing only the first two bodies
OWN = {b: (f"{b}-web", f"{b}-wx") for b in BODIES}
SHARED = {"portal": BODIES, "cxwb": BODIES[:2]}
CHANNELS = {"web": "website", "wx": "wechat", "portal": "website", "cxwb": "district-wechat"}
CATEGORIES = ("促消费", "安全生产", "其他")


def _channel(source: str) -> str:
    return CHANNELS[source.rsplit("-", 1)[-1]] if "-" in source else CHANNELS[source]


def _scopes() -> list[BodyScope]:
    return [BodyScope(b, owned=OWN[b], shared=tuple(s for s, who in SHARED.items() if b in who))
            for b in BODIES]


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    path = tmp_path_factory.mktemp("bodies") / "d.db"
    rng = random.Random(17)
    sources = [*(s for pair in OWN.values() for s in pair), *SHARED]
    with Store(path) as st:
        st.sync_sources([{"id": s, "type": "website", "channel": _channel(s), "url": s}
                         for s in sources], NOW)
        st.db.execute("UPDATE sources SET enabled = 0 WHERE id = 'jiaoyu-wx'")
        items, bodies, cluster = [], [], 0
        for i in range(1, 1501):
            source = rng.choice(sources)
            # a third of the items join the previous one's 信息 (another channel, another body)
            cluster = cluster if i > 1 and rng.random() < 0.33 else i
            undated = rng.random() < 0.03
            day = (None if undated else
                   f"{rng.choice((2023, 2024, 2024, 2025))}-{rng.randint(1, 12):02d}-"
                   f"{rng.randint(1, 28):02d}")
            if day and rng.random() < 0.05:       # the 31 December / 1 January edge
                day = rng.choice(("2023-12-31", "2024-01-01", "2024-12-31", "2025-01-01"))
            category = None if rng.random() < 0.04 else rng.choice(CATEGORIES)
            manual = category is not None and rng.random() < 0.1
            needs = int(not manual and rng.random() < 0.25)
            attribution = "not_ours" if rng.random() < 0.08 else "ours"
            items.append((i, source, f"k{i}", _channel(source), day, int(day[:4]) if day else None,
                          attribution, "live", cluster, category, needs,
                          "manual" if manual else "auto"))
            if source in SHARED:
                who = SHARED[source]
                # some name none (unattributed), some one, some two (a joint notice), and
                # some name a body the source does not list (it must not count there)
                named = rng.sample(BODIES, rng.choice((0, 1, 1, 1, 2)))
                bodies += [(i, b, "test") for b in named
                           if b in who or rng.random() < 0.5]
        conn = st.db.conn
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO items (id, source_id, key, channel, pub_date, pub_year, attribution, "
            "upstream_status, cluster_id, category, needs_review, decided_by) VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?,?)", items)
        conn.executemany("INSERT INTO item_bodies (item_id, body, reason) VALUES (?,?,?)", bodies)
        pairs = rng.sample(range(1, 1501), 120)
        conn.executemany(
            "INSERT INTO dupe_pairs (item_id, other_id, score, reason, status, created_at) "
            "VALUES (?, ?, 0.7, 'test', ?, ?)",
            [(a, b, rng.choice(("open", "open", "merged")), NOW.isoformat())
             for a, b in zip(pairs[::2], pairs[1::2])])
        conn.commit()
    return path


def test_every_body_and_year_equals_its_own_count(district):
    years = (2023, 2024, 2025, 2026)
    with Store(district) as st:
        got = body_counts(st, years, _scopes())
        assert set(got) == set(BODIES)
        for scope in _scopes():
            assert set(got[scope.body]) == set(years)
            for year in years:
                assert got[scope.body][year] == st.counts(year, scope), (scope.body, year)


def test_the_generated_district_holds_every_case(district):
    # the comparison above proves little if a case never occurs
    with Store(district) as st:
        counts = [st.counts(2024, s) for s in _scopes()]
        assert all(c["categories"] for c in counts)
        assert all(c["undated"] and c["unreviewed"] and c["unclassified"] for c in counts)
        assert sum(c["possible_duplicates"] for c in counts)
        assert all(len(c["by_channel"]) >= 2 for c in counts)
        assert "district-wechat" in counts[0]["by_channel"]
        q = st.db.execute
        assert q("SELECT COUNT(*) FROM item_bodies GROUP BY item_id HAVING COUNT(*) > 1").fetchone()
        assert q("SELECT COUNT(*) FROM items WHERE decided_by = 'manual'").fetchone()[0]
        assert q("SELECT COUNT(*) FROM (SELECT cluster_id FROM items GROUP BY cluster_id "
                 "HAVING COUNT(DISTINCT pub_year) > 1)").fetchone()[0]


def test_a_write_is_seen_at_once(district, tmp_path):
    # no cache between the write and the next answer
    with Store(district) as st:
        item = st.db.execute("SELECT id, source_id FROM items WHERE source_id = 'yingji-web' "
                             "AND attribution = 'ours' AND pub_year = 2024 AND category IS NOT NULL "
                             "AND cluster_id = id LIMIT 1").fetchone()
        before = body_counts(st, [2024], _scopes())["yingji"][2024]
        st.review_set_attribution(item[0], "not_ours", actor="t", now=NOW)
        after = body_counts(st, [2024], _scopes())["yingji"][2024]
        assert sum(after["categories"].values()) < sum(before["categories"].values())
        assert after == st.counts(2024, _scopes()[1])
        st.review_set_attribution(item[0], "ours", actor="t", now=NOW)


def test_the_backlog_of_each_body_over_every_year(district):
    with Store(district) as st:
        got = body_backlog(st, _scopes())
        for scope in _scopes():
            where, args = scope.where("items")
            want = st.db.execute("SELECT COUNT(*) FROM items WHERE attribution = 'ours' AND "
                                 f"{where} AND {AWAITING_REVIEW}", args).fetchone()[0]
            years = [r[0] for r in st.db.execute("SELECT DISTINCT pub_year FROM items "
                                                 "WHERE pub_year IS NOT NULL")]
            assert want == sum(st.counts(y, scope)["unreviewed"] for y in years) + \
                st.db.execute("SELECT COUNT(*) FROM items WHERE attribution = 'ours' AND "
                              f"pub_year IS NULL AND {where} AND {AWAITING_REVIEW}",
                              args).fetchone()[0]
            assert got[scope.body] == want > 0


def test_no_body_no_scope():
    assert body_counts(None, [2024], []) == {}
    assert body_backlog(None, []) == {}
