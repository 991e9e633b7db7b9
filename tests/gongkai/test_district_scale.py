"""Issue 17 #5: the district's fast paths count exactly what the plain definition counts.

The bodies' summary the dashboard reads (``Store.body_summary``, kept by triggers), the one
pass (``store.body_counts``) and ``Store.counts(year, scope)`` (its queries rewritten to find a
body's items by index) are each compared, figure for figure, with the counting rule written
out plainly below over every row of the database — on a district built through the store's own
API with the awkward cases: joint notices, unattributed items, a body named on a shared
source that does not list it, items either side of the year boundary in Beijing time, 信息
spanning bodies and channels, manual decisions (which end a copy's wait for review), undated
and unclassified items, open possible-duplicate pairs, a disabled source. Then every kind of
write is made in turn and the summary must show it at once: no stale number, ever.
"""
import random
from datetime import date, datetime, timedelta, timezone

import pytest

import collectors
from store import BodyScope, Store, body_backlog, body_counts

NOW = datetime(2025, 1, 10, 6, 0, tzinfo=timezone.utc)
BODIES = ("shangwu", "yingji", "jiaoyu", "zhenA")
OWN = {b: (f"{b}-web", f"{b}-wx") for b in BODIES}
SHARED = {"portal": BODIES, "cxwb": BODIES[:2]}     # cxwb lists only the first two
CHANNEL = {"web": "website", "wx": "wechat", "portal": "website", "cxwb": "district-wechat"}
CATEGORIES = ("促消费", "安全生产", "其他")
YEARS = (2023, 2024, 2025, 2026)
AWAIT = {"category": "促消费", "needs_review": True, "score": 1.0, "margin": 0.1,
         "ruleset_version": "t"}


def channel_of(source: str) -> str:
    return CHANNEL[source.rsplit("-", 1)[-1]]


# zhenA-wx was shangwu's own until the config gave it to zhenA (store/_ownership.py): its
# earlier items name shangwu, a few both (a joint notice from when it was shared)
CARRIED = {"zhenA-wx": "shangwu"}


# jiaoyu has categories of its own (store/_body_rules.py): its counts read its own decisions
OWN_RULES = {"jiaoyu": ("教育宣传", "校园安全", "其他")}


def scopes(shared=SHARED) -> list[BodyScope]:
    return [BodyScope(b, owned=OWN[b],
                      shared=tuple(s for s, who in shared.items() if b in who) + tuple(
                          s for s, was in CARRIED.items() if was == b),
                      mixed=tuple(s for s in OWN[b] if s in CARRIED), own=b in OWN_RULES)
            for b in BODIES]


# -- the plain definition -----------------------------------------------------------------------

def plain(st: Store, year: int, scope: BodyScope) -> dict:
    """The counts dict of DESIGN.md / Store.counts' docstring, by brute force over every row."""
    items = [dict(zip(("id", "source_id", "cluster_id", "channel", "pub_date", "pub_year",
                       "category", "decided_by", "attribution", "needs_review"), r))
             for r in st.db.execute(
                 "SELECT id, source_id, cluster_id, channel, pub_date, pub_year, category, "
                 "decided_by, attribution, needs_review FROM items")]
    named = {}
    for item_id, body in st.db.execute("SELECT item_id, body FROM item_bodies"):
        named.setdefault(item_id, set()).add(body)
    if scope.own:       # the body's own decision in place of the district's; none: unclassified
        own = {r[0]: r[1:] for r in st.db.execute(
            "SELECT item_id, body_category, body_decided_by, body_needs_review FROM "
            "body_decisions WHERE body = ?", [scope.body])}
        items = [{**it, **dict(zip(("category", "decided_by", "needs_review"),
                                   own.get(it["id"], (None, "auto", 0))))} for it in items]

    def mine(it):
        rows = named.get(it["id"], ())
        if it["source_id"] in scope.owned:      # rows on a source that changed owner decide
            return it["source_id"] not in scope.mixed or not rows or scope.body in rows
        return it["source_id"] in scope.shared and scope.body in rows

    ours = [it for it in items if mine(it) and it["attribution"] == "ours"]
    manual_clusters = {it["cluster_id"] for it in items if it["decided_by"] == "manual"}
    clusters: dict = {}
    for it in ours:
        if it["cluster_id"] is not None:
            clusters.setdefault(it["cluster_id"], []).append(it)
    categories, per_channel = {}, {}
    for members in clusters.values():
        filed = {it["pub_year"] for it in members}
        counted = [it for it in members if it["pub_date"] and it["category"]]
        if not counted:
            continue
        manual = [it for it in counted if it["decided_by"] == "manual"]
        rep = min(manual or counted, key=lambda it: (it["pub_date"], it["id"]))
        first = min(it["pub_date"] for it in counted)
        if int(first[:4]) == year and year in filed:
            categories[rep["category"]] = categories.get(rep["category"], 0) + 1
        for ch in {it["channel"] for it in counted}:
            on = min(it["pub_date"] for it in counted if it["channel"] == ch)
            if int(on[:4]) == year and year in filed:
                per_channel.setdefault(ch, {})
                per_channel[ch][rep["category"]] = per_channel[ch].get(rep["category"], 0) + 1
    enabled = {r[0]: r[1] for r in st.db.execute(
        "SELECT id, channel FROM sources WHERE enabled = 1")}
    channels = {enabled[s] for s in scope.owned + scope.shared if s in enabled}
    channels |= {it["channel"] for it in items if mine(it) and it["pub_year"] == year}
    by_channel = {ch: per_channel.get(ch, {}) for ch in sorted(channels)}
    for ch in per_channel:
        by_channel.setdefault(ch, per_channel[ch])
    by_id = {it["id"]: it for it in items}
    possible = sum(
        1 for a, b in st.db.execute("SELECT item_id, other_id FROM dupe_pairs "
                                    "WHERE status = 'open'")
        if any(mine(by_id[x]) and by_id[x]["attribution"] == "ours" for x in (a, b))
        and year in (by_id[a]["pub_year"], by_id[b]["pub_year"]))
    return {
        "categories": categories, "by_channel": by_channel,
        "unreviewed": sum(1 for it in ours if it["pub_year"] == year and awaiting(it,
                                                                              manual_clusters)),
        "undated": sum(1 for it in ours if it["pub_date"] is None),
        "unclassified": sum(1 for it in ours if it["pub_year"] == year
                            and it["category"] is None),
        "possible_duplicates": possible}


def awaiting(it, manual_clusters) -> bool:
    return (it["needs_review"] == 1 and it["decided_by"] == "auto"
            and (it["cluster_id"] is None or it["cluster_id"] not in manual_clusters))


def plain_backlog(st: Store, scope: BodyScope) -> int:
    years = {r[0] for r in st.db.execute("SELECT DISTINCT pub_year FROM items")}
    where, args = scope.where("items")
    undated = st.db.execute(
        "SELECT id, cluster_id, needs_review, decided_by FROM items WHERE pub_year IS NULL "
        f"AND attribution = 'ours' AND {where}", args).fetchall()
    manual = {r[0] for r in st.db.execute(
        "SELECT cluster_id FROM items WHERE decided_by = 'manual'")}
    if scope.own:
        own = {r[0]: r[1:] for r in st.db.execute(
            "SELECT item_id, body_needs_review, body_decided_by FROM body_decisions "
            "WHERE body = ?", [scope.body])}
        undated = [(i, c, *own.get(i, (0, "auto"))) for i, c, _, _ in undated]
        manual = {r[0] for r in st.db.execute(
            "SELECT i.cluster_id FROM items i JOIN body_decisions b ON b.item_id = i.id "
            "WHERE b.body = ? AND b.body_decided_by = 'manual'", [scope.body])}
    return sum(plain(st, y, scope)["unreviewed"] for y in years if y is not None) + sum(
        1 for i, c, n, d in undated
        if awaiting({"cluster_id": c, "needs_review": n, "decided_by": d}, manual))


def assert_all_equal(st: Store, shared=SHARED) -> None:
    summary, backlog = st.body_summary(YEARS, scopes(shared))
    for sc in scopes(shared):
        for y in YEARS:
            assert summary[sc.body][y] == plain(st, y, sc), (sc.body, y)
        assert backlog[sc.body] == plain_backlog(st, sc), sc.body


# -- the district -------------------------------------------------------------------------------

def save(st: Store, source: str, n: int, when: datetime | None, *, bodies=None,
         attribution="ours") -> int:
    """One item through the store's API, its date read in Beijing time as the pipeline does."""
    record = {"key": f"{source}/{n}", "url": f"http://x.example/{source}/{n}",
              "title": f"第{n}条", "published_at": when.isoformat() if when else None,
              "pub_date": collectors.beijing_date(when).isoformat() if when else None}
    return st.save_item(source, channel_of(source), record, attribution=attribution, now=NOW,
                        bodies=None if source not in SHARED else (bodies or {}))[0]


@pytest.fixture
def district(tmp_path):
    rng = random.Random(5)
    sources = [*(s for pair in OWN.values() for s in pair), *SHARED]
    st = Store(tmp_path / "d.db")
    st.sync_sources([{"id": s, "type": "website", "channel": channel_of(s), "url": s}
                     for s in sources], NOW)
    st.db.execute("UPDATE sources SET enabled = 0 WHERE id = 'jiaoyu-wx'")
    ids = []
    for n in range(400):
        source = rng.choice(sources)
        if rng.random() < 0.04:
            when = None
        elif rng.random() < 0.15:       # 16:00 UTC on 31 December is 00:00 Beijing on 1 January
            when = datetime(rng.choice((2023, 2024, 2025)), 12, 31, 16, rng.choice((0, 30)),
                            tzinfo=timezone.utc) - timedelta(minutes=rng.choice((0, 1, 45)))
        else:
            when = datetime(rng.choice(YEARS[:3]), rng.randint(1, 12), rng.randint(1, 28), 3,
                            tzinfo=timezone.utc)
        bodies = None
        if source in SHARED:            # none (unattributed), one, two (joint), or unlisted
            bodies = {b: "发布机构" for b in rng.sample(BODIES, rng.choice((0, 1, 1, 2)))}
        item = save(st, source, n, when, bodies=bodies,
                    attribution="ours" if (source not in SHARED and rng.random() > 0.08)
                    or bodies else "not_ours")
        ids.append(item)
        if rng.random() > 0.05:         # some stay unclassified
            st.apply_decision(item, {**AWAIT, "category": rng.choice(CATEGORIES),
                                     "needs_review": rng.random() < 0.3}, now=NOW)
    # 信息 across bodies and channels, some decided by hand, possible-duplicate pairs open
    for k in range(0, 160, 4):
        st.merge_items(ids[k:k + rng.choice((2, 3))], now=NOW, actor="t")
    for item in rng.sample(ids, 30):
        st.review_set_category(item, rng.choice(CATEGORIES), actor="t", now=NOW)
    for a, b in zip(ids[200:260:2], ids[201:261:2]):
        st._open_pair(a, b, 0.7, "test", NOW)
    carried = [r[0] for r in st.db.execute("SELECT id FROM items WHERE source_id = 'zhenA-wx' "
                                           "ORDER BY id")]
    for k, item in enumerate(carried[:len(carried) // 2]):
        for body in ("shangwu", "zhenA") if k % 5 == 0 else ("shangwu",):
            st.db.execute("INSERT INTO item_bodies (item_id, body, reason) VALUES (?, ?, 'was')",
                          [item, body])
    st.db.execute("INSERT INTO source_carries (source_id, at) VALUES ('zhenA-wx', 'x')")
    for body, cats in OWN_RULES.items():     # most items decided by the body's own rules
        for item in ids:
            if rng.random() < 0.8:
                manual = rng.random() < 0.1
                st.db.execute(
                    "INSERT INTO body_decisions (item_id, body, body_category, body_decided_by, "
                    "body_needs_review, body_version) VALUES (?, ?, ?, ?, ?, 'own')",
                    [item, body, rng.choice(cats), "manual" if manual else "auto",
                     int(not manual and rng.random() < 0.3)])
    st.db.conn.commit()
    yield st, ids
    st.close()


def test_the_district_holds_every_awkward_case(district):
    st, _ = district
    q = lambda sql: st.db.execute(sql).fetchone()[0]     # noqa: E731
    assert q("SELECT COUNT(*) FROM (SELECT item_id FROM item_bodies GROUP BY item_id "
             "HAVING COUNT(*) > 1)")                                        # joint
    assert q("SELECT COUNT(*) FROM items WHERE source_id IN ('portal', 'cxwb') AND id NOT IN "
             "(SELECT item_id FROM item_bodies)")                           # unattributed
    assert q("SELECT COUNT(*) FROM items i JOIN item_bodies b ON b.item_id = i.id "
             "WHERE i.source_id = 'cxwb' AND b.body IN ('jiaoyu', 'zhenA')")  # not listed
    assert q("SELECT COUNT(*) FROM items WHERE pub_date LIKE '%-01-01' AND published_at "
             "LIKE '%-12-31T16:%'")                                        # Beijing new year
    assert q("SELECT COUNT(*) FROM items WHERE pub_date LIKE '%-12-31' AND published_at "
             "LIKE '%-12-31T15:%'")
    assert q("SELECT COUNT(*) FROM (SELECT cluster_id FROM items GROUP BY cluster_id HAVING "
             "COUNT(DISTINCT source_id) > 1 AND COUNT(DISTINCT pub_year) > 1)")
    assert q("SELECT COUNT(*) FROM items WHERE decided_by = 'manual'")
    assert q("SELECT COUNT(*) FROM items WHERE pub_date IS NULL")
    assert q("SELECT COUNT(*) FROM items WHERE category IS NULL")
    assert q("SELECT COUNT(*) FROM dupe_pairs WHERE status = 'open'")
    assert q("SELECT COUNT(*) FROM items i JOIN item_bodies b ON b.item_id = i.id "   # carried
             "WHERE i.source_id = 'zhenA-wx' AND b.body = 'shangwu' AND i.attribution = 'ours' "
             "AND i.pub_year = 2024 AND i.category IS NOT NULL")
    assert q("SELECT COUNT(*) FROM items WHERE source_id = 'zhenA-wx' AND attribution = 'ours' "
             "AND id NOT IN (SELECT item_id FROM item_bodies)")
    counts = [plain(st, 2024, sc) for sc in scopes()]
    assert all(c["categories"] and c["unreviewed"] and c["possible_duplicates"]
               for c in counts[:2])
    own = counts[BODIES.index("jiaoyu")]                            # its own categories
    assert set(own["categories"]) <= set(OWN_RULES["jiaoyu"]) and own["categories"]
    assert own["unreviewed"] and own["unclassified"]
    assert q("SELECT COUNT(*) FROM body_decisions WHERE body_decided_by = 'manual'")


def test_every_fast_path_equals_the_plain_definition(district):
    st, _ = district
    assert_all_equal(st)
    one_pass = body_counts(st, YEARS, scopes())
    backlog = body_backlog(st, scopes())
    for sc in scopes():
        assert backlog[sc.body] == plain_backlog(st, sc)
        for y in YEARS:
            assert st.counts(y, sc) == plain(st, y, sc), (sc.body, y)
            assert one_pass[sc.body][y] == plain(st, y, sc), (sc.body, y)


def test_no_write_leaves_a_stale_number(district):
    st, ids = district
    assert_all_equal(st)                                # built: every later call refreshes
    rng = random.Random(9)
    writes = [
        lambda: save(st, "yingji-web", 1000, datetime(2024, 12, 31, 16, tzinfo=timezone.utc)),
        lambda: save(st, "portal", 1001, datetime(2024, 5, 1, tzinfo=timezone.utc),
                     bodies={"shangwu": "发布机构", "yingji": "发布机构"}),
        # a re-crawl naming another body: the item moves from one body to another
        lambda: save(st, "portal", 1001, datetime(2024, 5, 1, tzinfo=timezone.utc),
                     bodies={"jiaoyu": "发布机构"}),
        lambda: st.review_set_category(ids[0], "其他", actor="t", now=NOW),
        lambda: st.review_set_category(rng.choice(ids), "安全生产", actor="t", now=NOW),
        lambda: st.review_undo(ids[0], actor="t", now=NOW),
        lambda: st.review_set_attribution(ids[4], "not_ours", actor="t", now=NOW),
        lambda: st.apply_decision(rng.choice(ids), AWAIT, now=NOW),
        lambda: st.merge_items([ids[300], ids[301], ids[5]], now=NOW, actor="t"),
        lambda: st.split_item(ids[301], now=NOW, actor="t"),
        lambda: st.decide_dupe_pair(st.dupe_pairs()[0]["id"], "merged", now=NOW, actor="t"),
        # a body with its own categories: its reviewer, and its rules
        lambda: st.set_body_category(ids[10], "jiaoyu", "校园安全", actor="t", now=NOW),
        lambda: st.apply_body_decisions("jiaoyu", [(ids[11], {**AWAIT, "category": "其他"}),
                                                   (ids[12], {**AWAIT, "category": "教育宣传",
                                                              "needs_review": False})], now=NOW),
        lambda: st.set_body_category(ids[10], "jiaoyu", None, actor="t", now=NOW),
        lambda: st.sync_sources([{"id": s, "type": "website", "channel": channel_of(s),
                                  "url": s, "enabled": s != "zhenA-wx"}
                                 for s in [*(s for p in OWN.values() for s in p), *SHARED]],
                                NOW),
    ]
    for n, write in enumerate(writes):
        write()
        assert_all_equal(st), n


def test_another_set_of_scopes_rebuilds(district):
    st, _ = district
    assert_all_equal(st)
    narrower = {"portal": BODIES[1:], "cxwb": BODIES[:2]}   # shangwu off the portal's list
    assert_all_equal(st, narrower)
    assert_all_equal(st)


def test_a_write_in_another_connection_is_seen(district, tmp_path):
    st, ids = district
    assert_all_equal(st)
    with Store(tmp_path / "d.db") as other:
        other.review_set_category(ids[7], "其他", actor="t", now=NOW)
        other.apply_decision(ids[8], AWAIT, now=NOW)
    assert_all_equal(st)


def test_the_years_newest_first(district):
    st, _ = district
    assert st.pub_years() == sorted({r[0] for r in st.db.execute(
        "SELECT pub_year FROM items WHERE pub_year IS NOT NULL")}, reverse=True)
    assert st.unattributed_count(2024, ("portal", "cxwb")) == len(
        st.unattributed(2024, ("portal", "cxwb")))


def test_the_beijing_date_decides_the_year():
    # the boundary the district's generator and the test above rely on
    assert collectors.beijing_date(datetime(2024, 12, 31, 16, tzinfo=timezone.utc)) == \
        date(2025, 1, 1)
    assert collectors.beijing_date(datetime(2024, 12, 31, 15, 59, tzinfo=timezone.utc)) == \
        date(2024, 12, 31)


def test_nothing_is_marked_before_a_summary_is_built(tmp_path):
    # a one-bureau database never builds the bodies' summary: its writes leave no trace there
    with Store(tmp_path / "one.db") as st:
        st.sync_sources([{"id": "shangwu-web", "type": "website", "channel": "website",
                          "url": "u"}], NOW)
        first = save(st, "shangwu-web", 1, datetime(2024, 3, 1, tzinfo=timezone.utc))
        st.review_set_category(first, "其他", actor="t", now=NOW)
        assert st.db.execute("SELECT COUNT(*) FROM body_dirty").fetchone()[0] == 0
        scope = BodyScope("shangwu", owned=("shangwu-web",))
        assert st.body_summary([2024], [scope])[0]["shangwu"][2024] == plain(st, 2024, scope)
        second = save(st, "shangwu-web", 2, datetime(2024, 3, 2, tzinfo=timezone.utc))
        # saved alone (-id), then placed in its own cluster
        assert sorted(st.db.execute("SELECT grp FROM body_dirty").fetchall()) == [
            (-second,), (second,)]
        assert st.body_summary([2024], [scope])[0]["shangwu"][2024] == plain(st, 2024, scope)


def test_a_re_crawl_of_an_unchanged_shared_item_marks_nothing(tmp_path):
    # the daemon re-reads the shared column's items every poll: the same bodies, with the same
    # reasons, are no change, and the summary has nothing to recount
    shared = next(s for s in SHARED)
    with Store(tmp_path / "d.db") as st:
        st.sync_sources([{"id": s, "type": "website", "channel": channel_of(s), "url": "u"}
                         for s in SHARED], NOW)
        when = datetime(2024, 3, 1, tzinfo=timezone.utc)
        body = sorted(SHARED[shared])[0]
        item = save(st, shared, 1, when, bodies={body: "发布机构"})
        st.body_summary([2024], scopes())
        assert st.db.execute("SELECT COUNT(*) FROM body_dirty").fetchone()[0] == 0
        assert save(st, shared, 1, when, bodies={body: "发布机构"}) == item
        assert st.db.execute("SELECT COUNT(*) FROM body_dirty").fetchone()[0] == 0
        # the same text naming one more body (a config edit) adds it, and is a change
        other = sorted(SHARED[shared])[1]
        save(st, shared, 1, when, bodies={other: "正文"})
        assert st.db.execute("SELECT COUNT(*) FROM body_dirty").fetchone()[0] > 0
        assert st.item_bodies(item) == {body: "发布机构", other: "正文"}


def test_a_re_crawl_follows_the_page_only_when_its_text_changed(tmp_path):
    """Found by a new-user trial: after an alias edit, the items still in the feed were judged
    again and fell to unattributed, the older ones not. The same text judged again keeps every
    body it named; a page whose text changed (the 发布机构 corrected upstream) is followed."""
    shared = next(s for s in SHARED)
    a, b = sorted(SHARED[shared])[:2]
    with Store(tmp_path / "d.db") as st:
        st.sync_sources([{"id": s, "type": "website", "channel": channel_of(s), "url": "u"}
                         for s in SHARED], NOW)
        when = datetime(2024, 3, 1, tzinfo=timezone.utc)
        item = save(st, shared, 1, when, bodies={a: "title"})
        save(st, shared, 1, when, bodies={}, attribution="not_ours")      # aliases edited
        assert st.item_bodies(item) == {a: "title"}
        assert st.item(item)["attribution"] == "ours"
        record = {"key": f"{shared}/1", "url": "u", "title": "第1条（更正）",
                  "published_at": when.isoformat(), "pub_date": "2024-03-01"}
        st.save_item(shared, channel_of(shared), record, attribution="ours", now=NOW,
                     bodies={b: "发布机构"})
        assert st.item_bodies(item) == {b: "发布机构"}
