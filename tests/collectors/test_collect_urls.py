import pytest

from collectors import canonical_url, wechat_key


@pytest.mark.parametrize("url,expected", [
    ("HTTP://WWW.Wbq.Gov.CN:80/a/./b/../c.html?id=5&utm_source=x&spm=1.2#frag",
     "http://www.wbq.gov.cn/a/c.html?id=5"),
    ("https://www.example.gov.cn:443", "https://www.example.gov.cn/"),
    ("http://x.gov.cn:8080/col/中文.html?from=timeline&page=2", "http://x.gov.cn:8080/col/%E4%B8%AD%E6%96%87.html?page=2"),
    ("http://x.gov.cn/article_show.aspx?id=690&amp;type=1", "http://x.gov.cn/article_show.aspx?id=690&type=1"),
    ("http://x.gov.cn/s?src=11&timestamp=1", "http://x.gov.cn/s?src=11&timestamp=1"),  # not "×tamp"
])
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


@pytest.mark.parametrize("url,expected", [
    ("https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&amp;mid=2650000001&amp;idx=2&amp;sn=abc&amp;chksm=x#rd",
     "wx:3070376195:2650000001:2"),
    ("http://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ%3D%3D&mid=2650000001&idx=2&sn=abc&scene=27",
     "wx:3070376195:2650000001:2"),
    ("https://mp.weixin.qq.com/mp/appmsg/show?__biz=MzA3MDM3NjE5NQ==&appmsgid=10000001&itemidx=1",
     "wx:3070376195:10000001:1"),
    ("https://mp.weixin.qq.com/s/wZxawrdSdSUAAZc89XuhWg", "wxs:wZxawrdSdSUAAZc89XuhWg"),
    ("https://mp.weixin.qq.com/s?src=11&timestamp=1&ver=1&signature=x", None),   # temporary Sogou link
    ("https://www.example.gov.cn/s/abcdefghijk", None),
])
def test_wechat_key(url, expected):
    assert wechat_key(url) == expected


def test_push_articles_differ_by_idx():
    base = "https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&mid=1&sn=x&idx="
    assert wechat_key(base + "1") != wechat_key(base + "2")
