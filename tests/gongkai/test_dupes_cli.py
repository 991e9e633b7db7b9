"""`gongkai dupes pairs | same | apart | rebuild`: the pairs the detector could not decide, shown
side by side and decided by a person; a rebuild that re-runs the detector over the record, shows
first (--dry-run), keeps every hand merge, split and keep-apart, and is audited."""
import json
from datetime import datetime, timezone

import pytest

from gongkai import clustering
from gongkai.cli import main
from gongkai.matching import title_key
from store import Store

NOW = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)
LEAD_A = "6月3日，卫滨区商务系统“安全生产月”活动在平原商场启动，42家商贸企业负责人参加动员会。"
LEAD_B = "6月4日，卫滨区商务局走访辖区5家大型商超，现场查看燃气管道、消防通道和应急照明设施。"
DETAIL = ("检查组共检查商超5家、加油站3座，发现燃气软管老化、灭火器过期等隐患12处，已全部下达整改通知书，"
          "明确整改时限，并将于一周后组织复查。")
STOCK = ("区商务局要求各经营单位切实落实安全生产主体责任，加强员工安全教育培训，常态化开展隐患自查自纠，"
         "坚决防范和遏制各类安全生产事故发生。下一步，区商务局将持续加大商贸领域安全生产监督检查力度。")


def _rec(key, title, body, day):
    return {"key": key, "url": key, "title": title, "title_norm": title_key(title), "body": body,
            "pub_date": day, "published_at": day + "T09:00:00+08:00"}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "d.db"
    with Store(path) as st:
        st.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"},
                         {"id": "wx", "type": "feed", "channel": "wechat", "url": "f"}], NOW)
        save = lambda src, ch, *rec: st.save_item(src, ch, _rec(*rec), attribution="ours", now=NOW)[0]
        ids = {
            # the same text under a reworded headline: joined
            "web1": save("web", "website", "http://w/1", "卫滨区商务系统“安全生产月”活动启动",
                         LEAD_A + STOCK, "2024-06-03"),
            "wx1": save("wx", "wechat", "wx:1:10:1", "守护平安｜商务人在行动", "安全生产月来了！" + LEAD_A + STOCK,
                        "2024-06-03"),
            # two reports sharing a paragraph of findings (and the stock one), opening differently
            # under unrelated headlines: a person decides
            "web2": save("web", "website", "http://w/2", "区商务局开展商超燃气安全检查",
                         LEAD_B + DETAIL + STOCK, "2024-06-04"),
            "wx2": save("wx", "wechat", "wx:1:11:1", "安全检查进行时",
                        "区商务局联合区应急管理局检查辖区加油站。" + DETAIL + STOCK + "\n编辑：卫滨商务",
                        "2024-06-05"),
        }
        clustering.place_pending(st, NOW)
    return str(path), ids


def _cluster(path, item):
    with Store(path) as st:
        return st.item(item)["cluster_id"]


def test_pairs_lists_the_undecided_side_by_side_and_same_merges(db, capsys):
    path, ids = db
    assert _cluster(path, ids["wx1"]) == _cluster(path, ids["web1"])
    assert main(["dupes", "pairs", "--db", path]) == 0
    out = capsys.readouterr().out
    assert "1 possible duplicate(s) to decide" in out
    assert "区商务局开展商超燃气安全检查" in out and "安全检查进行时" in out
    assert main(["dupes", "pairs", "--json", "--db", path]) == 0
    [pair] = json.loads(capsys.readouterr().out)
    assert {pair["a"]["id"], pair["b"]["id"]} == {ids["web2"], ids["wx2"]}
    with Store(path) as st:
        assert st.counts(2024)["possible_duplicates"] == 1
    assert main(["dupes", "same", str(pair["id"]), "--db", path, "--by", "li"]) == 0
    assert _cluster(path, ids["wx2"]) == _cluster(path, ids["web2"])
    with Store(path) as st:
        assert st.counts(2024)["possible_duplicates"] == 0
        assert st.item(ids["wx2"])["cluster_manual"] == 1


def test_apart_is_kept_by_a_rebuild_and_rebuild_shows_before_it_writes(db, capsys):
    path, ids = db
    main(["dupes", "pairs", "--json", "--db", path])
    [pair] = json.loads(capsys.readouterr().out)
    assert main(["dupes", "apart", str(pair["id"]), "--db", path, "--by", "li"]) == 0
    capsys.readouterr()
    # someone undid the detector's merge by hand, and a raw SQL edit glued web2 to web1
    with Store(path) as st:
        st.split_item(ids["wx1"], now=NOW, actor="li", reason="checked: two 信息")
        st.db.execute("UPDATE items SET cluster_id = ? WHERE id = ?", [ids["web1"], ids["web2"]])
        st.db.conn.commit()
    assert main(["dupes", "rebuild", "--dry-run", "--db", path]) == 0
    out = capsys.readouterr().out
    assert "would move 1 item(s)" in out and "nothing written" in out
    assert _cluster(path, ids["web2"]) == ids["web1"]          # dry run: nothing moved
    assert main(["dupes", "rebuild", "--db", path, "--by", "li"]) == 0
    assert _cluster(path, ids["web2"]) == ids["web2"]          # the glue undone
    assert _cluster(path, ids["wx1"]) == ids["wx1"]            # the hand split kept
    assert _cluster(path, ids["wx2"]) != _cluster(path, ids["web2"])   # kept apart stays apart
    with Store(path) as st:
        moves = [r for r in st.audit(ids["web2"]) if r["action"] == "cluster"]
        assert moves[-1]["actor"] == "li" and moves[-1]["reason"].startswith("rebuild")
        assert st.dupe_pairs("open") == []


def test_rebuild_of_an_untouched_record_changes_nothing(db, capsys):
    path, _ = db
    assert main(["dupes", "rebuild", "--db", path]) == 0
    assert "moved 0 item(s)" in capsys.readouterr().out


@pytest.mark.parametrize("argv, said", [
    (["dupes", "same"], "exactly one pair id"),
    (["dupes", "apart", "1", "2"], "exactly one pair id"),
    (["dupes", "pairs", "3"], "takes no ids"),
    (["dupes", "list", "--dry-run"], "--dry-run goes with"),
])
def test_usage_mistakes_are_one_line(argv, said, db, capsys):
    path, _ = db
    assert main(argv + ["--db", path]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
