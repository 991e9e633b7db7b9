"""Year-end trial #1: an item whose dates disagree on the year (the list's 2025-12-31, the
detail's 发布时间 2026-01-01 00:10) is named by both years' counts and report check until a
person settles its date — in `gongkai review`, on its web page or in the Excel date column."""
import re
from datetime import datetime, timezone

import classifier
from openpyxl import load_workbook
from collectors import _consensus as consensus
from gongkai import pipeline
from gongkai.cli import main
from gongkai.web import create_app
from gongkai.web._auth import hash_password
from store import Store

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
TITLE, BODY = "2025年汽车消费券发放活动启动", "汽车消费 消费券 促消费"
PASSWORD = "correct horse battery"


def _record(n: int, meta: dict, day: str = "2026-01-01") -> dict:
    return {"key": f"http://gov.example/{n}", "url": f"http://gov.example/{n}", "title": TITLE,
            "title_norm": classifier.normalize(TITLE) + str(n), "body": BODY, "pub_date": day,
            "published_at": day + "T00:10:00+08:00", "date_source": "detail", "meta": meta}


def _setup(tmp_path):
    cfg = tmp_path / "gongkai.toml"
    cfg.write_text('[bureau]\nname = "卫滨区商务局"\n[database]\npath = "g.db"\n'
                   '[[sources]]\nid = "web"\ntype = "website"\nchannel = "website"\n'
                   'url = "http://127.0.0.1:9/col/index.html"\n', encoding="utf-8")
    meta = consensus.decide([consensus.candidate(consensus.LABEL, "2026-01-01 00:10", "发布时间"),
                             consensus.candidate(consensus.LIST, "2025-12-31")]).extra()
    with Store(tmp_path / "g.db") as st:
        st.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"}], NOW)
        flagged = st.save_item("web", "website", _record(1, meta), attribution="ours", now=NOW)[0]
        st.save_item("web", "website", _record(2, {}, "2025-06-01"), attribution="ours", now=NOW)
        pipeline.classify_pending(st, classifier.Classifier(classifier.load_rules()), lambda: NOW)
        st.add_user("alice", hash_password(PASSWORD), "reviewer", now=NOW)
    return cfg, tmp_path / "g.db", flagged


def test_counts_and_report_check_of_both_years_name_the_unsettled_item(tmp_path, capsys):
    cfg, db, flagged = _setup(tmp_path)
    for year in (2025, 2026):
        capsys.readouterr()
        assert main(["counts", "--year", str(year), "--config", str(cfg)]) == 0
        err = capsys.readouterr().err
        assert f"#{flagged} may be of 2025 or 2026 (日期冲突" in err and "counted in 2026" in err
        main(["report", "check", "--year", str(year), "--config", str(cfg)])
        out = capsys.readouterr().out
        assert f"warning: [DATE-CONFLICT] #{flagged}「{TITLE}」" in out and "2025/2026" in out
    with Store(db) as st:        # settled: no more warnings
        from datetime import date
        st.settle_date(flagged, date(2025, 12, 31), actor="o", now=NOW)
    capsys.readouterr()
    assert main(["counts", "--year", "2025", "--json", "--config", str(cfg)]) == 0
    assert "日期冲突" not in capsys.readouterr().err
    main(["report", "check", "--year", "2025", "--config", str(cfg)])
    assert "DATE-CONFLICT" not in capsys.readouterr().out


def test_the_terminal_review_offers_the_candidate_days_and_sets_one(tmp_path, capsys,
                                                                    monkeypatch):
    cfg, db, flagged = _setup(tmp_path)
    answers, prompts = iter(["d", "1", "q"]), []
    monkeypatch.setattr("builtins.input", lambda p="": prompts.append(p) or next(answers))
    assert main(["review", "--year", "2026", "--config", str(cfg), "--actor", "officer"]) == 0
    out = capsys.readouterr().out
    assert "dates 日期: 1) 2025-12-31  2) 2026-01-01" in out and "d date" in prompts[0]
    assert "1) 2025-12-31  2) 2026-01-01 or YYYY-MM-DD" in prompts[1]
    assert f"#{flagged}: date 2026-01-01 -> 2025-12-31" in out
    with Store(db) as st:
        it = st.item(flagged)
        assert (it["pub_date"], it["pub_year"]) == ("2025-12-31", 2025)
        assert st.audit(flagged)[-1]["action"] == "date"
        assert st.audit(flagged)[-1]["actor"] == "officer"
    # a typed day works too, and nonsense is refused without a change
    answers = iter(["d", "2025年13月01日", "d", "2025/12/30", "q"])
    monkeypatch.setattr("builtins.input", lambda _prompt="": next(answers))
    with Store(db) as st:       # back in the queue: needs a category decision
        st.db.execute("UPDATE items SET needs_review = 1 WHERE id = ?", [flagged])
        st.db.conn.commit()
    main(["review", "--year", "2025", "--config", str(cfg)])
    assert "? '2025年13月01日' is not a date" in capsys.readouterr().out
    with Store(db) as st:
        assert st.item(flagged)["pub_date"] == "2025-12-30"


def test_the_item_page_sets_the_date_and_undo_takes_it_back(tmp_path):
    cfg, db, flagged = _setup(tmp_path)
    client = create_app(db, classifier.load_rules()).test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": token})
    page = client.get(f"/item/{flagged}").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    assert 'id="date-form"' in page and 'value="2025-12-31"' in page
    r = client.post(f"/item/{flagged}/date", data={"day": "2025-12-31", "csrf_token": token,
                                                   "reason": "以列表为准"})
    assert r.status_code == 302
    with Store(db) as st:
        assert st.item(flagged)["pub_date"] == "2025-12-31"
        assert st.audit(flagged)[-1]["reason"] == "以列表为准"
    page = client.get(f"/item/{flagged}").text
    assert "人工确定" in page and "改发布日期" in page        # the audit says it in words
    assert client.post(f"/item/{flagged}/date", data={"typed": "someday",
                                                      "csrf_token": token}).status_code == 400
    assert client.post(f"/api/item/{flagged}/undo",
                       headers={"X-CSRF-Token": token}).status_code in (200, 302)
    with Store(db) as st:
        assert st.item(flagged)["pub_date"] == "2026-01-01"


def test_a_date_typed_in_the_review_sheet_is_set_by_hand(tmp_path, capsys):
    cfg, db, flagged = _setup(tmp_path)
    sheet = tmp_path / "review.xlsx"
    assert main(["export", "--year", "2026", str(sheet), "--config", str(cfg)]) == 0
    wb = load_workbook(sheet)
    ws = wb["review"]
    assert ws.cell(row=2, column=1).value == flagged
    ws.cell(row=2, column=3, value="2025-12-31")
    wb.save(sheet)
    capsys.readouterr()
    assert main(["import-review", str(sheet), "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert f"#{flagged}: date 2026-01-01 -> 2025-12-31" in out and "IGNORED" not in out
    with Store(db) as st:
        assert st.item(flagged)["pub_date"] == "2026-01-01"       # a dry run
    assert main(["import-review", str(sheet), "--apply", "--config", str(cfg)]) == 0
    assert "1 change(s) applied" in capsys.readouterr().out
    with Store(db) as st:
        assert st.item(flagged)["pub_date"] == "2025-12-31"
        assert st.audit(flagged)[-1]["reason"] == "import-review"
    # applied twice: already so, not a conflict
    main(["import-review", str(sheet), "--apply", "--config", str(cfg)])
    assert "0 conflict(s), 1 already so" in capsys.readouterr().out
    # an unreadable date is a bad cell: nothing applied
    ws.cell(row=2, column=3, value="明年")
    wb.save(sheet)
    assert main(["import-review", str(sheet), "--apply", "--config", str(cfg)]) == 2
    assert "column C (date 日期)" in capsys.readouterr().err
