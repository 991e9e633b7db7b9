"""Build the offline sample site (pages + ground truth) from ``_data``. Pure and deterministic."""
from __future__ import annotations

import hashlib
from base64 import b64encode
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape as h
from urllib.parse import quote
from xml.sax.saxutils import escape as x
from zoneinfo import ZoneInfo

from . import _data
from ._data import CATEGORIES, POOLS, E, O

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHANNELS = ("website", "wechat", "district-wechat", "board")
SOURCE_IDS = {"website": "portal-shangwu", "wechat": "wechat-wbswj", "district-wechat": "wechat-cxwb",
              "board": "board-gkl"}

COLUMN = "/col/swj/"
PER_PAGE = 20
TITLE_MAX = 28                       # list rows show at most this many characters, then "…"
BUREAU = "卫滨区商务局"
INDEX_PREFIX = "11410703MB0F5732XK"  # 统一社会信用代码-like prefix of the 索引号 (made up)
TODAY_WIDGET = "今天是2026年3月18日 星期三"  # the portal header's clock: never an item date

WX_BIZ_NUM = "3095437261"            # the bureau's account (卫滨商务)
CX_BIZ_NUM = "3581926407"            # 「出彩卫滨」


@dataclass(frozen=True)
class DemoItem:
    """One publication of one 信息 on one channel, as the site was built to contain it.

    ``url`` is a site-relative path (``/col/swj/...``) for the portal, the absolute
    mp.weixin.qq.com long link (``&`` unescaped, ``#rd`` kept) for the feeds, empty for the
    bulletin board (a paper notice has no URL); see ``Site.absolute``.
    """

    title: str
    category: str
    channel: str
    source_id: str
    published: datetime
    url: str
    ours: bool
    cluster: str
    list_date: str = ""              # portal only: the date shown in the column row
    body: str = ""                   # plain text, paragraphs joined by newlines


@dataclass
class Site:
    pages: dict[str, tuple[bytes, str]]
    items: list[DemoItem] = field(default_factory=list)

    def truth(self, year: int) -> dict:
        """Counts in the shape of ``gongkai counts --json`` (without the review fields)."""
        clusters: dict[str, list[DemoItem]] = {}
        for item in self.items:
            if item.ours:
                clusters.setdefault(item.cluster, []).append(item)
        categories = dict.fromkeys(CATEGORIES, 0)
        by_channel = {ch: dict.fromkeys(CATEGORIES, 0) for ch in CHANNELS}
        for members in clusters.values():
            cats = {m.category for m in members}
            if len(cats) != 1:
                raise ValueError(f"cluster {members[0].cluster} has several categories: {cats}")
            cat = cats.pop()
            first = min(m.published for m in members)
            if first.astimezone(SHANGHAI).year == year:
                categories[cat] += 1
            for channel in CHANNELS:
                if any(m.channel == channel and m.published.astimezone(SHANGHAI).year == year
                       for m in members):
                    by_channel[channel][cat] += 1
        return {"year": year, "total": sum(categories.values()), "categories": categories,
                "by_channel": by_channel}

    @staticmethod
    def absolute(item: DemoItem, base_url: str) -> str:
        return base_url.rstrip("/") + item.url if item.url.startswith("/") else item.url

    def board_rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """The bulletin board's entries as rows of the import spreadsheet, oldest first:
        (标题, 发布日期 YYYY-MM-DD, 时间 HH:MM, 正文, 链接, 来源)."""
        board = sorted((i for i in self.items if i.channel == "board"),
                       key=lambda i: (i.published, i.title))
        return [(i.title, f"{i.published:%Y-%m-%d}", f"{i.published:%H:%M}", i.body, i.url, BUREAU)
                for i in board]


# ---------------------------------------------------------------------------------------- helpers

def _bj(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def _gmt(dt: datetime) -> str:
    return format_datetime(dt.astimezone(timezone.utc), usegmt=True)


def _iso_z(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hex(*parts: object, n: int = 32) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:n]


def _wx_url(biz_num: str, mid: int, idx: int) -> str:
    biz = b64encode(biz_num.encode()).decode()
    sn = _hex("sn", biz_num, mid, idx)
    chksm = _hex("chksm", biz_num, mid, idx, n=48)
    return (f"https://mp.weixin.qq.com/s?__biz={biz}&mid={mid}&idx={idx}&sn={sn}"
            f"&chksm={chksm}&scene=21#rd")


def _body(entry: E, k: int) -> list[str]:
    if entry.body:
        return list(entry.body)
    first = min(_bj(t) for t in (entry.web, entry.wx, entry.cx, entry.board) if t)
    pool = POOLS[entry.cat]
    rest = [p for i, p in enumerate(pool) if i != k % len(pool)][:3]   # pools run intro -> close
    return [f"{first.month}月{first.day}日，{entry.lead}"] + rest


_CLOSINGS = (
    "相关负责人表示，下一步将持续做好各项工作，切实把好事办好、把实事办实，不断增强群众的获得感和幸福感。",
    "活动受到了辖区群众的广泛好评，大家纷纷表示，希望今后多开展此类贴近群众生活的活动。",
    "据了解，这项工作将作为常态化工作持续推进，进一步提升群众满意度。",
)


def _other_body(entry: O, n: int) -> list[str]:
    return list(entry.body) + [_CLOSINGS[n % len(_CLOSINGS)], "编辑：出彩卫滨编辑部"]


def _html_body(paragraphs: list[str]) -> str:
    return "".join(f"<p>{h(p)}</p>" for p in paragraphs)


# ------------------------------------------------------------------------------ portal templates

_CSS = """body{margin:0;font:14px/1.8 "Microsoft YaHei",sans-serif;color:#333;background:#f4f4f4}
a{color:#333;text-decoration:none}a:hover{color:#b40000}
.w1200{width:1200px;margin:0 auto}.top{background:#eee;font-size:12px;line-height:32px}
.top .links{float:right}.header{background:#b40000;color:#fff;height:110px}
.header h1{margin:0;line-height:110px;font-size:34px}.header h1 a{color:#fff}
.nav{background:#8f0000;margin:0;padding:0;height:44px;list-style:none}
.nav li{float:left;width:150px;text-align:center;line-height:44px}.nav li a{color:#fff;font-size:16px}
.main{background:#fff;padding:20px 30px;min-height:600px}.crumb{color:#666;border-bottom:1px solid #ddd}
.list{list-style:none;padding:0}.list li{border-bottom:1px dashed #ddd;line-height:40px}
.list li .date{float:right;color:#999}.page{text-align:center;margin:20px 0}.page a,.page span{margin:0 4px}
.art-title{text-align:center;font-size:24px;color:#b40000}.info{text-align:center;color:#888}
.xxgk{width:100%;border-collapse:collapse;margin:10px 0}.xxgk td{border:1px solid #ddd;padding:4px 8px}
#zoom p{text-indent:2em}.footer{background:#8f0000;color:#fff;text-align:center;padding:16px 0;font-size:12px}
.footer a{color:#fff}"""

_NAV = (("首页", "/index.html"), ("今日卫滨", "/index.html#jrwb"), ("政务公开", "/index.html#zwgk"),
        ("政务服务", "/index.html#zwfw"), ("部门专栏", COLUMN + "index.html"),
        ("互动交流", "/index.html#hdjl"), ("走进卫滨", "/index.html#zjwb"))


def _page(title: str, inner: str, extra_head: str = "") -> bytes:
    nav = "".join(f'<li><a href="{href}">{label}</a></li>' for label, href in _NAV)
    html = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="UTF-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{h(title)}</title>
<meta name="SiteName" content="新乡市卫滨区人民政府">
<meta name="SiteDomain" content="www.wbq.gov.cn.example">
<meta name="SiteIDCode" content="4107030003">
{extra_head}<style>
{_CSS}
</style>
</head>
<body>
<div class="top"><div class="w1200"><span class="today" id="today">{TODAY_WIDGET}</span>
<span class="links"><a href="/index.html">设为首页</a> | <a href="/index.html">加入收藏</a> | <a href="/index.html#wza">无障碍浏览</a></span></div></div>
<div class="header"><div class="w1200"><h1><a href="/index.html">新乡市卫滨区人民政府</a></h1></div></div>
<div class="w1200"><ul class="nav">{nav}</ul></div>
<div class="w1200 main">
{inner}
</div>
<div class="footer">
<p><a href="/index.html">网站地图</a> | <a href="/index.html#lxwm">联系我们</a> | <a href="/index.html#mzsm">免责声明</a></p>
<p>主办：新乡市卫滨区人民政府办公室　承办：新乡市卫滨区大数据服务中心</p>
<p>网站标识码：4107030003　豫ICP备05012765号-1　豫公网安备 41070302000117号</p>
<p>地址：新乡市卫滨区自由路与新中大道交叉口　联系电话：0373-5062000　（本站为离线演示站点，内容均为虚构）</p>
</div>
</body>
</html>
"""
    return html.encode("utf-8")


def _crumb() -> str:
    return ('<div class="crumb">当前位置：<a href="/index.html">首页</a> &gt; '
            f'<a href="{COLUMN}index.html">部门专栏</a> &gt; '
            f'<a href="{COLUMN}index.html">{BUREAU}</a></div>')


def _list_page(rows: list[tuple[str, str, str]], page: int, pages: int, total: int) -> bytes:
    lis = []
    for href, title, date in rows:
        shown = title if len(title) <= TITLE_MAX else title[:TITLE_MAX - 1] + "…"
        lis.append(f'<li><a href="{h(href)}" title="{h(title)}" target="_blank">{h(shown)}</a>'
                   f'<span class="date">{date}</span></li>')

    def name(n: int) -> str:
        return "index.html" if n == 0 else f"index_{n}.html"

    prev_ = f'<a href="{name(page - 1)}">上一页</a>' if page > 0 else "<span>上一页</span>"
    next_ = f'<a href="{name(page + 1)}">下一页</a>' if page < pages - 1 else "<span>下一页</span>"
    pager = (f'<div class="page">共{total}条　共{pages}页　当前第{page + 1}页　'
             f'<a href="{name(0)}">首页</a>{prev_}{next_}<a href="{name(pages - 1)}">尾页</a></div>')
    inner = (f"{_crumb()}\n<h2 class=\"col-title\">{BUREAU}</h2>\n"
             f"<ul class=\"list\">\n" + "\n".join(lis) + f"\n</ul>\n{pager}")
    return _page(f"{BUREAU}_部门专栏_新乡市卫滨区人民政府", inner)


def _detail_page(title: str, pub: datetime, index_no: str, paragraphs: list[str]) -> bytes:
    stamp = pub.strftime("%Y-%m-%d %H:%M")
    head = (f'<meta name="ArticleTitle" content="{h(title)}">\n'
            f'<meta name="PubDate" content="{stamp}">\n'
            f'<meta name="ContentSource" content="{BUREAU}">\n'
            f'<meta name="ColumnName" content="{BUREAU}">\n')
    inner = f"""{_crumb()}
<table class="xxgk"><tr><td>索引号：</td><td>{index_no}</td><td>主题分类：</td><td>商贸、海关、旅游</td></tr>
<tr><td>发布机构：</td><td>{BUREAU}</td><td>发布日期：</td><td>{pub:%Y-%m-%d}</td></tr></table>
<h1 class="art-title">{h(title)}</h1>
<div class="info">发布时间：{stamp}　来源：{BUREAU}　浏览次数：<span id="hits"></span></div>
<!--startprint-->
<div id="zoom" class="TRS_Editor">{_html_body(paragraphs)}</div>
<!--endprint-->
<div class="art-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>"""
    return _page(f"{title}_{BUREAU}_新乡市卫滨区人民政府", inner, head)


def _home(rows: list[tuple[str, str, str]]) -> bytes:
    lis = "\n".join(f'<li><a href="{h(COLUMN + href[2:])}" title="{h(t)}">{h(t)}</a>'
                    f'<span class="date">{d}</span></li>' for href, t, d in rows[:8])
    inner = f"""<div class="block" id="jrwb"><h2>今日卫滨</h2><p>卫滨区位于新乡市中心城区西部，是新乡市的老城区之一。</p></div>
<div class="block" id="bmzl"><h2><a href="{COLUMN}index.html">部门专栏 · {BUREAU}</a></h2>
<ul class="list">
{lis}
</ul><p><a href="{COLUMN}index.html">更多&gt;&gt;</a></p></div>"""
    return _page("新乡市卫滨区人民政府", inner)


_ROBOTS = b"User-agent: *\nDisallow:\n"


# ----------------------------------------------------------------------------------------- feeds

def _rss(items: list[tuple[DemoItem, list[str]]]) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<rss version="2.0">', "<channel>",
           "<title>卫滨商务</title>",
           "<link>https://mp.weixin.qq.com</link>",
           "<description>卫滨区商务局官方微信公众号</description>",
           f"<lastBuildDate>{_gmt(items[0][0].published)}</lastBuildDate>",
           "<docs>https://validator.w3.org/feed/docs/rss2.html</docs>",
           "<generator>WeWe RSS (demo)</generator>", "<language>zh-cn</language>"]
    for item, paragraphs in items:
        out += ["<item>",
                f"<title><![CDATA[{item.title}]]></title>",
                f"<link>{x(item.url)}</link>",
                f"<guid>{x(item.url)}</guid>",
                f"<pubDate>{_gmt(item.published)}</pubDate>",
                f"<description>{x(_html_body(paragraphs))}</description>",
                "</item>"]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out).encode("utf-8")


def _atom(items: list[tuple[DemoItem, list[str]]]) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
           "<title>出彩卫滨</title>",
           '<link href="https://mp.weixin.qq.com" rel="alternate"/>',
           "<id>tag:gongkai.demo,2024:wechat:cxwb</id>",
           "<subtitle>中共新乡市卫滨区委宣传部官方微信公众号</subtitle>",
           f"<updated>{_iso_z(items[0][0].published)}</updated>",
           "<generator>RSSHub (demo)</generator>"]
    for item, paragraphs in items:
        out += ["<entry>",
                f"<title>{x(item.title)}</title>",
                f'<link href="{x(item.url)}"/>',
                f"<id>{x(item.url)}</id>",
                f"<published>{_iso_z(item.published)}</published>",
                f"<updated>{_iso_z(item.published)}</updated>",
                "<author><name>出彩卫滨</name></author>",
                f'<content type="html">{x(_html_body(paragraphs))}</content>',
                "</entry>"]
    out += ["</feed>", ""]
    return "\n".join(out).encode("utf-8")


# ----------------------------------------------------------------------------------------- build

def build_site() -> Site:
    """Every page and every ground-truth item of the sample site. Same bytes on every call."""
    web: list[tuple[datetime, str, E, list[str], str]] = []   # (pub, cluster, entry, body, list date)
    wx: list[tuple[datetime, str, E, list[str]]] = []
    cx: list[tuple[datetime, str, E | O, list[str], bool]] = []
    board: list[DemoItem] = []
    per_cat: dict[str, int] = {}
    for n, entry in enumerate(_data.ITEMS, start=1):
        if isinstance(entry, O):
            text = "".join(entry.body) + entry.title
            if "商务" in text:
                raise ValueError(f"other body's item mentions the bureau: {entry.title}")
            cx.append((_bj(entry.cx), f"x{n:03d}", entry, _other_body(entry, n), False))
            continue
        k = per_cat.get(entry.cat, 0)
        per_cat[entry.cat] = k + 1
        body = _body(entry, k)
        cluster = f"c{n:03d}"
        if entry.web:
            pub = _bj(entry.web)
            web.append((pub, cluster, entry, body, entry.list_date or f"{pub:%Y-%m-%d}"))
        if entry.wx:
            wx.append((_bj(entry.wx), cluster, entry, body))
        if entry.cx:
            if "区商务局" not in entry.title + "".join(body):
                raise ValueError(f"出彩卫滨 item does not mention the bureau: {entry.title}")
            cx.append((_bj(entry.cx), cluster, entry, body, True))
        if entry.board:
            # the board's own wording: a shortened title and the lead paragraph only, when given
            text = body[:1] if entry.board_title else body
            board.append(DemoItem(entry.board_title or entry.title, entry.cat, "board",
                                  SOURCE_IDS["board"], _bj(entry.board),
                                  "wx" if entry.board_link else "", True, cluster, "",
                                  "\n".join(text)))

    pages: dict[str, tuple[bytes, str]] = {}
    items: list[DemoItem] = []
    html_type = "text/html; charset=utf-8"

    # portal detail pages: ids grow with time, 索引号 numbered per year
    web.sort(key=lambda r: (r[0], r[1]))
    rows: list[tuple[str, str, str, datetime]] = []
    seq: dict[int, int] = {}
    for i, (pub, cluster, entry, body, list_date) in enumerate(web):
        art_id = 5471 + 13 * i + (i * 7) % 5
        seq[pub.year] = seq.get(pub.year, 0) + 1
        index_no = f"{INDEX_PREFIX}/{pub.year}-{seq[pub.year]:05d}"
        rel = f"{pub:%Y%m}/t{pub:%Y%m%d}_{art_id}.html"
        pages[COLUMN + rel] = (_detail_page(entry.title, pub, index_no, body), html_type)
        rows.append((f"./{rel}", entry.title, list_date, pub))
        items.append(DemoItem(entry.title, entry.cat, "website", SOURCE_IDS["website"], pub,
                              COLUMN + rel, True, cluster, list_date, "\n".join(body)))

    # portal list pages: newest first by the date the row shows
    rows.sort(key=lambda r: (r[2], r[3]), reverse=True)
    total = len(rows)
    n_pages = -(-total // PER_PAGE)
    for p in range(n_pages):
        chunk = [(href, t, d) for href, t, d, _ in rows[p * PER_PAGE:(p + 1) * PER_PAGE]]
        body_ = _list_page(chunk, p, n_pages, total)
        pages[COLUMN + ("index.html" if p == 0 else f"index_{p}.html")] = (body_, html_type)
    pages[COLUMN] = pages[COLUMN + "index.html"]
    home = _home([(href, t, d) for href, t, d, _ in rows])
    pages["/"] = pages["/index.html"] = (home, html_type)
    pages["/robots.txt"] = (_ROBOTS, "text/plain; charset=utf-8")

    # the bureau's WeChat account: one mid per push, idx 1, 2, ... inside a push
    wx.sort(key=lambda r: (r[0], r[1]))
    mids: dict[str, tuple[int, int]] = {}
    wx_items: list[tuple[DemoItem, list[str]]] = []
    next_mid = 2247484013
    for pub, cluster, entry, body in wx:
        group = entry.push or cluster
        if group in mids:
            mid, idx = mids[group][0], mids[group][1] + 1
        else:
            mid, idx = next_mid, 1
            next_mid += 7 + len(mids) % 4
        mids[group] = (mid, idx)
        # an editor's lead paragraph in front, the 编辑/审核 line after: the same text still
        post = ([entry.wx_lead] if entry.wx_lead else []) + body + (
            ["编辑：卫滨商务 审核：区商务局办公室"] if entry.wx_lead else [])
        item = DemoItem(entry.wx_title or entry.title, entry.cat, "wechat", SOURCE_IDS["wechat"],
                        pub, _wx_url(WX_BIZ_NUM, mid, idx), True, cluster, "", "\n".join(post))
        items.append(item)
        wx_items.append((item, post))
    # A WeChat verification wall the bridge served in place of an article (环境异常): never an
    # item, whatever it links to (wechat-feeds.md §6).
    wall_of = wx_items[len(wx_items) // 2][0]
    wall = DemoItem("环境异常", wall_of.category, "wechat", SOURCE_IDS["wechat"],
                    wall_of.published + timedelta(minutes=1),
                    "https://mp.weixin.qq.com/mp/wappoc_appmsgcaptcha?poc_token=HGsQ9mWj"
                    "&target_url=" + quote(wall_of.url, safe=""), False, "wall", "", "")
    board = [replace(b, url=next(i.url for i in items if i.channel == "wechat"
                                 and i.cluster == b.cluster)) if b.url == "wx" else b
             for b in board]
    wx_items.sort(key=lambda r: (r[0].published, -_idx(r[0].url)), reverse=True)
    wx_items.insert(len(wx_items) // 2, (wall, ["当前环境异常，完成验证后即可继续访问。", "去验证"]))
    pages["/feeds/wbswj.rss"] = (_rss(wx_items), "application/rss+xml; charset=utf-8")

    # 「出彩卫滨」: mostly other bodies' news
    cx.sort(key=lambda r: (r[0], r[1]))
    cx_items: list[tuple[DemoItem, list[str]]] = []
    for i, (pub, cluster, entry, body, ours) in enumerate(cx):
        mid = 2650731002 + 11 * i
        title = (entry.cx_title or entry.title) if isinstance(entry, E) else entry.title
        item = DemoItem(title, entry.cat, "district-wechat", SOURCE_IDS["district-wechat"],
                        pub, _wx_url(CX_BIZ_NUM, mid, 1), ours, cluster, "", "\n".join(body))
        items.append(item)
        cx_items.append((item, body))
    cx_items.sort(key=lambda r: r[0].published, reverse=True)
    pages["/feeds/cxwb.atom"] = (_atom(cx_items), "application/atom+xml; charset=utf-8")

    # the bulletin board is not served: it reaches gongkai as a spreadsheet (gongkai.demo._board)
    items.extend(sorted(board, key=lambda i: (i.published, i.cluster)))
    return Site(pages=pages, items=items)


def _idx(url: str) -> int:
    return int(url.split("&idx=")[1].split("&")[0])


DESIGN = _data.DESIGN
