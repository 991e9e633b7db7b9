"""A small classified database for the review tests (web, CLI, Excel, browser)."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import classifier
from gongkai import clustering
from gongkai.web._auth import hash_password
from store import Store

NOW = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery"
XSS_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)>促消费活动'
XSS_BODY = '<img src=x onerror=alert(2)> 消费券 <script>alert("b")</script>\n<b onmouseover=alert(3)>x</b>'

# (source, key, title, body, pub_date); weak ones (needs_review) come first in the queue
ITEMS = [
    ("web", "http://gov.example/1", "市场监管与消费", "", "2024-03-01"),
    ("web", "http://gov.example/2", "关于开展工作的通知", "", "2024-03-02"),
    ("web", "http://gov.example/3", "区委理论学习会议", "消费", "2024-04-03"),
    ("web", "http://gov.example/4", "我区开展燃气安全隐患排查整治", "燃气安全", "2024-05-04"),
    ("web", "http://gov.example/5", "2024年汽车消费券发放活动启动", "汽车消费 消费券", "2024-05-05"),
    ("wx", "wx:5", "2024年汽车消费券发放活动启动", "汽车消费", "2024-05-06"),
    ("web", "javascript:alert(9)", XSS_TITLE, XSS_BODY, "2024-07-07"),
    ("web", "http://gov.example/8", "招商引资项目签约仪式举行", "招商引资", "2023-12-30"),
]


def build(tmp_path: Path) -> tuple[Path, classifier.Ruleset]:
    db = tmp_path / "review.db"
    rules = classifier.load_rules()
    clf = classifier.Classifier(rules)
    with Store(db) as st:
        st.sync_sources([{"id": "web", "type": "website", "channel": "website", "url": "u"},
                         {"id": "wx", "type": "feed", "channel": "wechat", "url": "f"}], NOW)
        for source, key, title, body, day in ITEMS:
            item_id, _ = st.save_item(
                source, "website" if source == "web" else "wechat",
                {"key": key, "url": key, "title": title, "title_norm": classifier.normalize(title),
                 "body": body, "pub_date": day, "published_at": day + "T09:00:00+08:00"},
                attribution="ours", now=NOW)
            st.apply_decision(item_id, clf.classify(title, body).as_dict(), now=NOW)
        clustering.place_pending(st, NOW)     # as a crawl does after saving
        st.add_user("alice", hash_password(PASSWORD), "reviewer", now=NOW)
        st.add_user("reader", hash_password(PASSWORD), "readonly", now=NOW)
    return db, rules


def item_id_by_key(db: Path, key: str) -> int:
    with Store(db) as st:
        return next(i["id"] for i in st.items() if i["url"] == key)
