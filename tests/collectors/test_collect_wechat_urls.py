"""WeChat link forms (wechat-feeds.md §3.5): junk parameters, escaped ampersands, scheme and fragment
never change an article's identity; idx does."""
import pytest

from collectors._urls import canonical_url, wechat_key

LONG = "https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&mid=2650000001&idx=2&sn=abc"
KEY = "wx:3070376195:2650000001:2"

# every junk parameter that §3.5 lists (RSSHub's normalizeUrl comment + poc_token from Wechat2RSS #470)
JUNK = ["chksm", "mpshare", "scene", "ascene", "subscene", "srcid", "lang", "sharer_sharetime",
        "sharer_shareid", "version", "exportkey", "pass_ticket", "clicktime", "enterid",
        "devicetype", "nettype", "abtest_cookie", "wx_header", "poc_token"]


@pytest.mark.parametrize("name", JUNK)
def test_junk_parameter_is_dropped(name):
    assert canonical_url(f"{LONG}&{name}=x1#rd") == LONG
    assert wechat_key(f"{LONG}&{name}=x1#rd") == KEY


@pytest.mark.parametrize("spelling", [
    LONG.replace("&", "&amp;"),                          # feed XML escaped twice
    LONG.replace("&", "&amp;amp;"),
    LONG.replace("&", "\\x26amp;"),                     # a JavaScript string in the page
    LONG.replace("&", "\\x26"),
    LONG.replace("https://", "http://") + "#wechat_redirect",
    LONG + "&chksm=8d&scene=27&poc_token=HBQ#rd",
])
def test_spellings_of_one_article_are_one_key(spelling):
    assert wechat_key(spelling) == KEY
    assert canonical_url(spelling) == LONG


def test_articles_of_one_push_differ_by_idx():
    assert wechat_key(LONG.replace("idx=2", "idx=1")) != wechat_key(LONG)


def test_short_link_is_its_token():
    assert wechat_key("https://mp.weixin.qq.com/s/wZxawrdSdSUAAZc89XuhWg?scene=1#rd") == \
        "wxs:wZxawrdSdSUAAZc89XuhWg"
