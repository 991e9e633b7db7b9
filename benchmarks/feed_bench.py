"""Feed collector figures: entries parsed per second (RSS 2.0, Atom, JSON Feed), against a naive
baseline measured in the same run.

    python benchmarks/feed_bench.py [--entries 200] [--seconds 1.5]

- gongkai: the feed collector's whole per-feed work on bytes (no HTTP): feedparser (sanitizing
           off) or the JSON mapping, then per entry identity (WeChat key, we-mp-rss ids), our own
           date parsing, title clean-up, body text extraction, placeholder detection, raw JSON;
- baseline: ``xml.etree`` (``json.loads`` for JSON) extracting title and link only — what a first
            scraper does, with none of the above.

The feeds are synthetic but shaped like the bridges' output (wechat-feeds.md §2): WeWe-like RSS with
GMT dates and HTML bodies, RSSHub-like Atom with ISO dates, JSON Feed 1.1.
"""
from __future__ import annotations

import argparse
import json
import time
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape

from collectors import Feed

BODY = ("<p>卫滨区商务局联合辖区商场、餐饮、家电等经营主体，持续开展形式多样的促消费活动，让利于民。</p>"
        "<p>活动期间，各参与商家推出满减、折扣等优惠措施，线上线下同步发力。</p>"
        "<p>📍发表于：河南</p>")


def _entries(n: int):
    start = datetime(2024, 12, 31, 16, 10, tzinfo=timezone.utc)
    for i in range(n):
        when = start - timedelta(hours=7 * i)
        link = (f"https://mp.weixin.qq.com/s?__biz=MzA5NTQzNzI2MQ==&amp;mid={2247484013 + i}"
                f"&amp;idx=1&amp;sn={i:032x}&amp;chksm=ab&amp;scene=21#rd")
        yield i, when, link, f"【商务动态】卫滨区促消费活动第{i}期火热开展"


def rss(n: int) -> bytes:
    items = "".join(
        f"<item><title><![CDATA[{t}]]></title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{format_datetime(w, usegmt=True)}</pubDate>"
        f"<description>{escape(BODY)}</description></item>" for _, w, link, t in _entries(n))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>卫滨商务'
            f"</title><link>https://mp.weixin.qq.com</link>{items}</channel></rss>").encode()


def atom(n: int) -> bytes:
    entries = "".join(
        f'<entry><title type="html">{escape(t)}</title><link href="{link}"/><id>{link}</id>'
        f"<published>{w:%Y-%m-%dT%H:%M:%SZ}</published><updated>{w:%Y-%m-%dT%H:%M:%SZ}</updated>"
        f'<author><name>出彩卫滨</name></author><content type="html">{escape(BODY)}</content>'
        "</entry>" for _, w, link, t in _entries(n))
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>出彩卫滨</title><id>tag:bench</id>{entries}</feed>").encode()


def jsonfeed(n: int) -> bytes:
    items = [{"id": link.replace("&amp;", "&"), "url": link.replace("&amp;", "&"), "title": t,
              "content_html": BODY, "date_published": f"{w:%Y-%m-%dT%H:%M:%SZ}",
              "authors": [{"name": "卫滨商务"}]} for _, w, link, t in _entries(n)]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "卫滨商务",
                       "items": items}, ensure_ascii=False).encode()


def ours(feed: Feed, content: bytes) -> int:
    parsed = feed._parse("http://bench/feed", content, {})
    return sum(1 for e in parsed.entries if feed._item("http://bench/feed", parsed, e) is not None)


ATOM_NS = "{http://www.w3.org/2005/Atom}"


def naive_xml(content: bytes) -> int:
    root = ET.fromstring(content)
    out = [(i.findtext("title"), i.findtext("link")) for i in root.iter("item")]
    out += [(e.findtext(f"{ATOM_NS}title"), e.find(f"{ATOM_NS}link").get("href"))
            for e in root.iter(f"{ATOM_NS}entry")]
    return len(out)


def naive_json(content: bytes) -> int:
    return len([(i.get("title"), i.get("url")) for i in json.loads(content)["items"]])


def rate(fn, content: bytes, seconds: float) -> float:
    """Entries per second: repeat ``fn(content)`` for about ``seconds``."""
    entries, t0 = 0, time.perf_counter()
    while True:
        entries += fn(content)
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds:
            return entries / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=200, help="entries per feed (default 200)")
    ap.add_argument("--seconds", type=float, default=1.5, help="time per measurement")
    args = ap.parse_args()
    feed = Feed({"url": "http://bench/feed"}, http=None)
    print(f"feed entries parsed per second ({args.entries} entries a feed, "
          f"{args.seconds:g} s per measurement)")
    print(f"{'format':<10}{'gongkai':>12}{'baseline':>12}{'ratio':>9}")
    for name, content, naive in (("RSS 2.0", rss(args.entries), naive_xml),
                                 ("Atom", atom(args.entries), naive_xml),
                                 ("JSON Feed", jsonfeed(args.entries), naive_json)):
        assert ours(feed, content) == naive(content) == args.entries, name
        mine = rate(lambda c: ours(feed, c), content, args.seconds)
        base = rate(naive, content, args.seconds)
        print(f"{name:<10}{mine:>12,.0f}{base:>12,.0f}{base / mine:>8.0f}x")
    print("baseline = title and link only (xml.etree / json.loads); ratio = how much faster the "
          "baseline is")


if __name__ == "__main__":
    main()
