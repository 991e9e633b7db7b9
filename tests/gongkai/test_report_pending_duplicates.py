"""`report check` lists the year's undecided possible duplicates, as `counts` warns of them."""
from datetime import datetime, timezone

from gongkai import clustering
from gongkai.cli import main
from gongkai.matching import title_key
from store import Store

NOW = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)
LEAD = "6月4日，卫滨区商务局走访辖区5家大型商超，现场查看燃气管道、消防通道和应急照明设施。"
DETAIL = ("检查组共检查商超5家、加油站3座，发现燃气软管老化、灭火器过期等隐患12处，已全部下达整改通知书，"
          "明确整改时限，并将于一周后组织复查。")
STOCK = ("区商务局要求各经营单位切实落实安全生产主体责任，加强员工安全教育培训，常态化开展隐患自查自纠，"
         "坚决防范和遏制各类安全生产事故发生。下一步，区商务局将持续加大商贸领域安全生产监督检查力度。")


def _rec(key, title, body, day):
    return {"key": key, "url": key, "title": title, "title_norm": title_key(title), "body": body,
            "pub_date": day, "published_at": day + "T09:00:00+08:00"}


def test_report_check_lists_open_possible_duplicates(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gongkai.toml").write_text(
        '[bureau]\nname = "卫滨区商务局"\n[database]\npath = "d.db"\n', encoding="utf-8")
    with Store(tmp_path / "d.db") as st:
        st.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"},
                         {"id": "wx", "type": "feed", "channel": "wechat", "url": "f"}], NOW)
        # two reports sharing a paragraph under unrelated headlines: the detector leaves it open
        st.save_item("web", "website", _rec("http://w/2", "区商务局开展商超燃气安全检查",
                                            LEAD + DETAIL + STOCK, "2024-06-04"),
                     attribution="ours", now=NOW)
        st.save_item("wx", "wechat", _rec("wx:1:11:1", "安全检查进行时",
                                          "区商务局联合区应急管理局检查辖区加油站。" + DETAIL + STOCK,
                                          "2024-06-05"), attribution="ours", now=NOW)
        clustering.place_pending(st, NOW)
        assert st.counts(2024)["possible_duplicates"] == 1
    main(["report", "check", "--year", "2024"])
    out = capsys.readouterr().out
    assert any(line.startswith("warning: [PENDING-DUPLICATES]") and "1 对" in line
               for line in out.splitlines())
