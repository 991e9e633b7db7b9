"""An item whose dates disagree on the year reaches the officer (issue 19): the crawl's
classification puts it in the review queue whatever its category's score, with every date
candidate in its evidence, on the item page, and it stays there through a reclassify."""
import re
from datetime import datetime, timezone

import classifier
from collectors import _consensus as consensus
from gongkai import pipeline
from gongkai.cli import main
from gongkai.web import create_app
from gongkai.web._auth import hash_password
from store import Store

NOW = datetime(2025, 1, 5, 8, 0, tzinfo=timezone.utc)
TITLE, BODY = "2024年汽车消费券发放活动启动", "汽车消费 消费券 促消费"


def _conflict() -> dict:
    """What the website collector keeps for the plain column's art_2: a lone PubDate meta of 1
    January against the list's 31 December (tests/fixtures/dates/consensus)."""
    return consensus.decide([consensus.candidate(consensus.META, "2025-01-01 00:10", "PubDate"),
                             consensus.candidate(consensus.LIST, "2024-12-31")]).extra()


def _db(tmp_path):
    db = tmp_path / "g.db"
    with Store(db) as st:
        st.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"}], NOW)
        ids = []
        for n, meta in enumerate([_conflict(), {"encoding": "utf-8"}], 1):
            record = {"key": f"http://gov.example/{n}", "url": f"http://gov.example/{n}",
                      "title": TITLE, "title_norm": classifier.normalize(TITLE) + str(n),
                      "body": BODY, "pub_date": "2024-12-31",
                      "published_at": "2024-12-31T00:00:00+08:00", "date_source": "list",
                      "meta": meta}
            ids.append(st.save_item("web", "website", record, attribution="ours", now=NOW)[0])
        pipeline.classify_pending(st, classifier.Classifier(classifier.load_rules()), lambda: NOW)
    return db, ids


def test_a_year_conflict_goes_to_the_review_queue_with_its_candidates(tmp_path):
    db, (flagged, plain) = _db(tmp_path)
    with Store(db) as st:
        # The same text, so the same category and score: only the date decides the review flag.
        assert st.item(flagged)["category"] == st.item(plain)["category"]
        assert st.item(flagged)["needs_review"] == 1 and st.item(plain)["needs_review"] == 0
        todo = st.review_queue(status="todo")
        assert [r["id"] for r in todo] == [flagged]
        note = todo[0]["evidence"][0]
        assert note["field"] == "date" and "日期冲突" in note["keyword"]
        assert "2024-12-31" in note["keyword"] and "2025-01-01" in note["keyword"]
        assert "PubDate (detail-meta)" in note["keyword"]
        # The keyword hits that decided the category are still there after the note.
        assert any(e["field"] in ("title", "body") for e in todo[0]["evidence"][1:])
        assert st.review_queue()[0]["id"] == flagged          # first in the default order too
        assert st.review_backlog() == 1
        assert '"date_candidates"' in st.item(flagged)["meta_json"]


def test_the_flag_survives_reclassification_and_a_hand_decision_clears_it(tmp_path):
    db, (flagged, plain) = _db(tmp_path)
    rules = tmp_path / "rules.toml"
    rules.write_text(classifier.default_rules_text() + "\n# edited\n", encoding="utf-8")
    edited = classifier.Classifier(classifier.load_rules(rules))
    with Store(db) as st:
        decisions = st.db["decisions"].count
        assert pipeline.classify_pending(st, edited, lambda: NOW) == 2
        assert st.db["decisions"].count == decisions      # same decisions: no new history
        assert st.item(flagged)["needs_review"] == 1
    rules.write_text(classifier.default_rules_text() + "\n# edited again\n", encoding="utf-8")
    assert main(["reclassify", "--db", str(db), "--rules", str(rules)]) == 0
    with Store(db) as st:
        assert st.item(flagged)["needs_review"] == 1 and st.item(plain)["needs_review"] == 0
        assert st.auto_evidence([flagged])[flagged][0]["field"] == "date"
        st.review_set_category(flagged, st.item(flagged)["category"], actor="officer", now=NOW)
        assert st.review_queue(status="todo") == []


def test_the_item_page_shows_the_date_candidates(tmp_path):
    db, (flagged, _plain) = _db(tmp_path)
    with Store(db) as st:
        st.add_user("alice", hash_password("correct horse battery"), "reviewer", now=NOW)
    client = create_app(db, classifier.load_rules()).test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "alice", "password": "correct horse battery",
                                "csrf_token": token})
    page = client.get(f"/item/{flagged}").text
    assert "日期冲突" in page and "2025-01-01" in page and "PubDate" in page
