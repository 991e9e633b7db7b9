"""The bodies of the real detail pages saved in ../shared/real-pages (read in place, never copied;
the test fails when the corpus is missing): the text a person reads on each page, first and last
line, with nothing of the site around it. Gansu's notice is a table with no known container around
it; its footer (版权所有 … 陇ICP备 …) used to be stored as the body."""
import re

import pytest
import _real_pages as real_pages

from collectors import decode_html
from collectors._detail import parse_detail
from collectors._pages import soup_of

# site folder, saved path -> the first line, a line inside and the last line of the article
PAGES = {
    ("gs-scjg", "scjg/c110159/202205/2032457.shtml"): (
        "序号", "奇正®维生素D维生素K片", "2021年10月14日"),
    ("ndrc", "xxgk/zcfb/tz/202608/t20260828_1407232.html"): (
        "国家发展改革委 交通运输部关于印发", "交 通 运 输 部", "（本文有删减）"),
    ("hb-scjg", "zfxxgk/zcwj/qtwj/202308/t20230828_4813376.shtml"): (
        "各市、州、直管市、神农架林区市场监管局:", "湖北省市场监督管理局办公室", "2023年8月25日"),
    ("zj-fzggw", "col/col1229123351/art/2026/art_937add6719f140bdac86d5b97c525d28.html"): (
        "各设区市、县（市、区）人民政府，省经信厅、省生态环境厅、省商务厅：",
        "附件：浙江省固定资产投资项目节能审查和碳排放评价实施办法", "2026年6月2日"),
}
SITE_WORDS = ("首页", "版权所有", "ICP备", "网站标识码", "公网安备", "当前位置", "您当前的位置", "打印",
              "关闭", "无障碍", "联系电话")


def test_every_saved_detail_page_is_judged():
    # an article's path carries its year or month (/202205/, /art/2026/); list pages do not
    sites = real_pages.manifest()["sites"]
    details = {(site, res["file"].split("/", 1)[1]) for site, spec in sites.items()
               for res in spec["resources"]
               if res["type"] == "text/html" and re.search(r"/20\d\d", res["path"])}
    assert details == set(PAGES), f"saved detail pages without a body test: {details - set(PAGES)}"


@pytest.mark.parametrize("site, path", PAGES, ids=[site for site, _ in PAGES])
def test_real_detail_body(site, path):
    first, inside, last = PAGES[(site, path)]
    raw = real_pages.corpus_file("pages", site, *path.split("/")).read_bytes()
    text, _ = decode_html(raw, "text/html")
    lines = parse_detail(soup_of(text), "http://example/" + path).body.split("\n")
    assert (lines[0], lines[-1]) == (first, last), lines
    assert inside in lines
    assert not [line for line in lines if any(word in line for word in SITE_WORDS)]
