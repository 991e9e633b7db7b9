"""gongkai.dupes.judge, rule by rule (one case each, the expectation beside it), and the labelled
pair set of tests/fixtures/dupes as a guard: the detector may not fall below the goal on the
development part, nor below what it measured on the held-out part when this was written."""
import json
from pathlib import Path

import pytest

from gongkai.dupe_match import best_match, common_shingles
from gongkai.dupes import Doc, judge, title_org

PAIRS = Path(__file__).resolve().parents[1] / "fixtures" / "dupes" / "pairs.jsonl"
LEAD = "9月14日，松岗区商务局局长朱卫东带队，深入永安购物中心、兴隆超市和国泰生鲜超市等重点场所开展安全生产检查。"
MORE = ("检查组重点查看了消防通道、燃气管道、应急照明和值班值守情况，对发现的隐患当场下达整改通知，"
        "共检查企业12家，发现隐患16处，已督促整改11处。")

RUNNING = "截至目前，全区累计发放消费券1200万元，带动消费8600万元，惠及市民3.2万人次。"

DIRECTIVE = ("根据松岗区安全生产委员会办公室关于做好中秋国庆期间安全防范工作的通知要求，为切实做好节日期间全区"
             "安全生产工作，坚决防范遏制各类生产安全事故发生，全区各行业主管部门迅速行动，扎实开展隐患排查整治。")

LIST = ("1.云桥县瑞丰食品有限公司；2.云桥县青石纺织有限公司；3.云桥县和顺物流有限公司；4.云桥县百川五金有限公司；"
        "5.云桥县明湖茶业有限公司。")
NOTICE = ("一、申报条件。在本县依法注册、具有独立法人资格且近三年无重大失信记录的企业。二、申报材料。申报表、营业执照"
          "复印件及相关佐证材料，一式两份。三、申报时间。即日起至10月15日止，逾期不予受理。四、工作要求。各乡镇要认真做好"
          "政策宣传和企业发动工作，对申报材料进行初审。联系人：县商务局市场股。")
BOARD_FORMULAS = "请相关单位和群众留意，欢迎社会各界监督。如有疑问，请于工作日到局办公室咨询。特此公开。公开期限：长期。"
TRAINING = ("此次培训为期两天，邀请高校专家授课，内容涵盖短视频拍摄、直播话术、网店运营和农产品包装设计。实操环节，讲师"
            "手把手指导学员开展直播练习。据了解，今年县商务局计划举办此类培训8期，力争培训农村电商人才500人次以上。")


def item(i, title, body="", day="2024-09-14", channel="website", url=None, **kw):
    return {"id": i, "title": title, "body": body, "pub_date": day, "channel": channel,
            "url": url or f"http://gov.example/{i}.html", **kw}


CASES = [
    # (why, a, b, verdict)
    ("the same WeChat article behind two links",
     item(1, "甲", url="https://mp.weixin.qq.com/s?__biz=MzA1&mid=100&idx=1&sn=x", channel="wechat"),
     item(2, "乙", url="https://mp.weixin.qq.com/s?__biz=MzA1&mid=100&idx=1&sn=x&scene=21#rd",
          channel="board"), "dup"),
    ("two articles of one push",
     item(1, "区商务局开展安全检查", LEAD + MORE, url="https://mp.weixin.qq.com/s?__biz=MzA1&mid=100&idx=1"),
     item(2, "区商务局开展安全检查", LEAD + MORE, url="https://mp.weixin.qq.com/s?__biz=MzA1&mid=100&idx=2"),
     "distinct"),
    ("the same text under a reworded headline, a lead paragraph in front",
     item(1, "区商务局扎实做好中秋国庆期间商贸领域安全生产工作", LEAD + MORE),
     item(2, "守护平安｜商务人在行动🔥", "节日将至，安全先行！\n" + LEAD + MORE + "\n编辑：松岗商务 审核：办公室",
          day="2024-09-15", channel="wechat"), "dup"),
    ("outside the window of two online channels (texts naming no day of their own)",
     item(1, "区商务局开展安全生产检查", MORE + MORE),
     item(2, "区商务局开展安全生产检查", MORE + MORE, day="2024-09-20", channel="wechat"), "distinct"),
    ("the board retells the event in its own words nine days later",
     item(1, "区商务局扎实做好中秋国庆期间商贸领域安全生产工作", LEAD + MORE),
     item(2, "开展中秋国庆前安全生产检查",
          "9月14日，局领导带队对永安购物中心等12家企业开展节前安全生产检查，发现隐患16处，已督促整改11处。",
          day="2024-09-23", channel="board"), "dup"),
    ("the board's summary of another day's event",
     item(1, "区商务局扎实做好中秋国庆期间商贸领域安全生产工作", LEAD + MORE),
     item(2, "开展国庆前安全生产复查",
          "9月21日，局领导带队对永安购物中心等12家企业开展复查，发现隐患16处已整改11处。",
          day="2024-09-23", channel="board"), "distinct"),
    ("a 来源 line names another publisher",
     item(1, "区商务局提醒：办理预付卡要谨慎", LEAD + MORE, fields={"发布机构": "松岗区商务局"}),
     item(2, "预付卡消费警示", "来源：松岗区市场监督管理局\n" + LEAD + MORE, channel="district-wechat"),
     "distinct"),
    ("the portal office is the carrier, not another publisher",
     item(1, "区商务局开展安全生产检查", LEAD + MORE, fields={"信息来源": "松岗区人民政府办公室"}),
     item(2, "区商务局开展安全生产检查", LEAD + MORE, channel="wechat",
          fields={"发布机构": "松岗区商务局"}), "dup"),
    ("headlines about different bodies",
     item(1, "区商务局开展节前安全生产检查", LEAD + MORE),
     item(2, "部门动态｜区应急管理局开展节前安全生产检查", LEAD + MORE, channel="district-wechat"),
     "distinct"),
    ("numbered notices differ",
     item(1, "松岗区成品油价格调整公告（2024年第15号）", "9月14日24时起，汽油每吨降低115元，柴油每吨降低110元。" + MORE),
     item(2, "松岗区成品油价格调整公告（2024年第16号）", "9月14日24时起，汽油每吨提高205元，柴油每吨提高195元。" + MORE,
          channel="wechat"), "distinct"),
    ("the same headline numbered 1 and 2 in one column, texts partly shared",
     item(1, "区商务局开展春季消费促进月活动（1）", "3月3日，区商务局在万达广场启动消费促进月。" + MORE),
     item(2, "区商务局开展春季消费促进月活动（2）", "3月4日，区商务局在平原商场开展第二场活动。" + MORE,
          day="2024-09-15"), "distinct"),
    ("one district directive opens both texts, then two bodies report their own work",
     item(1, "守护平安｜商务人在行动", DIRECTIVE + LEAD + MORE, channel="wechat"),
     item(2, "安全检查不停歇", DIRECTIVE + LEAD.replace("区商务局局长朱卫东", "区应急管理局局长林建国") + MORE,
          channel="district-wechat"), "maybe"),
    ("a joint action names both bodies: the bureau's own cross-post still merges",
     item(1, "区商务局联合区消防救援大队开展节前检查", DIRECTIVE + LEAD.replace("带队", "带队联合区消防救援大队") + MORE),
     item(2, "节前检查｜平安过节", "近日，区消防救援大队与区商务局联合检查。\n" + DIRECTIVE
          + LEAD.replace("带队", "带队联合区消防救援大队") + MORE, channel="wechat"), "dup"),
    ("another body named only further down (a deputy's meeting report) is no actor",
     item(1, "区商务局扎实做好中秋国庆期间商贸领域安全生产工作", LEAD + MORE),
     item(2, "平安过节｜商务人在行动", LEAD + MORE + "会后，" + "检查组还与经营户座谈。" * 30
          + "区市场监管局有关负责人参加。", channel="wechat"), "dup"),
    ("an amount in the headline is no year (最高补贴2000元 vs 2025年)",
     item(1, "卫滨区2025年家电以旧换新补贴活动正式启动", LEAD + MORE),
     item(2, "最高补贴2000元！以旧换新来了", "小编带你了解👇\n" + LEAD + MORE, channel="wechat"), "dup"),
    ("a body's office publishes for the body (区商务局办公室 = 松岗区商务局)",
     item(1, "区商务局开展安全生产检查", LEAD + MORE, fields={"发布机构": "松岗区商务局"}),
     item(2, "开展安全生产检查", "9月14日，局领导带队对永安购物中心等12家企业开展检查，发现隐患16处，已督促整改11处。",
          day="2024-09-20", channel="board", fields={"发布单位": "区商务局办公室"}), "dup"),
    ("one 文号, one document, even reposted a week later",
     item(1, "关于组织申报2025年度专项资金的通知", LEAD + MORE, fields={"文号": "松商〔2025〕55号"}),
     item(2, "关于组织申报2025年度专项资金的通知", LEAD + MORE + "\n附件：申报书.docx", day="2024-09-21",
          fields={"文号": "松商[2025]55号"}), "dup"),
    ("the place without its 区 names the same body (松岗商务局 = 区商务局)",
     item(1, "区商务局开展节前安全生产检查", LEAD + MORE),
     item(2, "松岗商务局开展节前安全生产检查", LEAD + MORE, channel="district-wechat"), "dup"),
    ("the board posts the same numbered weekly report under a short headline",
     item(1, "松岗区生活必需品市场价格监测周报（2024年第46期）",
          "本期监测时间为9月7日至9月13日。监测的9种商品中3种上涨、6种下降，市场供应充足，价格总体平稳。"
          "粳米3.34元/斤，菜籽油9.58元/斤，猪肉14.42元/斤，鸡蛋4.55元/斤，白条鸡9.76元/斤，大白菜1.22元/斤。"),
     item(2, "生活必需品价格周报第46期", "第46期监测：9种生活必需品3涨6降，市场供应充足、价格总体平稳。详情请关注松岗商务公众号。",
          day="2024-09-18", channel="board"), "dup"),
    ("the board's 公布 of a list is not the website's 公示 of it",
     item(1, "关于第三批松岗老字号拟认定名单的公示",
          "经企业申报、专家评审，拟认定以下7家企业为第三批松岗老字号，现予以公示：松岗陈氏糕团、北渠蒋记酱鸭、"
          "桐湾老茶馆等。公示时间为2024年1月5日至2024年1月12日。"),
     item(2, "第三批老字号认定名单公布", "松岗陈氏糕团等7家企业被认定为第三批松岗老字号，区商务局实行动态管理。",
          day="2024-09-24", channel="board"), "distinct"),
    ("two board rows of one template whose figures differ are two inspections",
     item(1, "规范预付卡经营检查", "9.1 检查发卡企业48家，发现问题5个，已责令整改，均已要求限期整改到位。", channel="board"),
     item(2, "规范预付卡经营检查", "检查发卡企业59家，发现问题7个，已责令整改，均已要求限期整改到位。", day="2024-09-18",
          channel="board"), "distinct"),
    ("a reporter retells the bureau's news in other words, keeping its figures",
     item(1, "区商务局组织17家企业参加第137届广交会",
          "今年以来，区商务局已组织企业参加各类展会12场次，累计签约金额2.5亿元。近日，第137届广交会开幕，"
          "区商务局牵头组织全区17家重点企业组成展团参展，展位面积220平方米，现场签约0.77亿元。", channel="wechat"),
     item(2, "组织企业参加广交会", "9.14 组织17家企业参展，签约0.77亿元。展团展出农产品、五金工具和竹木制品等。",
          day="2024-09-22", channel="board"), "dup"),
    ("the notice calling a meeting is not the report of the meeting",
     item(1, "全区促消费工作推进会通知", "通知召开全区促消费工作推进会，请参会单位报送名单。会议定于9月14日上午在区行政中心召开。",
          channel="board"),
     item(2, "我区召开全区促消费工作推进会", "9月14日上午，全区促消费工作推进会在区行政中心召开。会议指出，要持续"
          "扩大消费。区商务局、区发改局负责人作了表态发言，纷纷表示将细化措施、抓好落实。", day="2024-09-15",
          channel="district-wechat"), "distinct"),
    ("parts of a series numbered in brackets are two 信息",
     item(1, "稳外贸企业走访（二）", "走访金穗农产品有限公司等外贸企业，了解订单和出口情况，企业反映的问题现场登记办理。",
          channel="board"),
     item(2, "稳外贸企业走访（三）", "走访明光照明电器有限公司等外贸企业，了解订单和出口情况，企业反映的问题现场登记办理。",
          day="2024-09-20", channel="board"), "distinct"),
    ("a weekly roundup that carries the item among others is not the item",
     item(1, "松岗一周要闻汇总", "① 区市场监管局：发布节日消费提示。\n② 区教育局：招生政策答问发布。\n③ " + LEAD + MORE,
          channel="district-wechat"),
     item(2, "区商务局扎实做好中秋国庆期间商贸领域安全生产工作", LEAD + MORE, channel="wechat"), "maybe"),
    ("the same activity in two towns: the headlines name different places",
     item(1, "城关镇开展突发公共卫生事件应急演练", LEAD + MORE, channel="board"),
     item(2, "清溪镇开展突发公共卫生事件应急演练", LEAD + MORE, day="2024-09-20", channel="board"), "distinct"),
    ("在清溪镇 and 清溪镇 are one place",
     item(1, "中式面点师培训班在清溪镇开班", LEAD + MORE),
     item(2, "清溪镇：面点师培训开班", "近日，" + LEAD + MORE, channel="district-wechat"), "dup"),
    ("a policy and its explainer (解读) are two 信息",
     item(1, "关于印发《松岗区促进消费若干措施》的通知", LEAD + MORE),
     item(2, "一图读懂《松岗区促进消费若干措施》", LEAD + MORE, channel="wechat"), "distinct"),
    ("an account's chatty version shares a distinctive figure on the same day",
     item(1, "第四届荷花节在龙潭乡开幕", "9月14日，第四届荷花节在龙潭乡开幕，活动持续至10月8日。开幕首日接待游客"
          "41000人次，实现旅游综合收入655万元，12家民宿全部满房。"),
     item(2, "一起去赴这场夏天的约", "又到一年赏荷时！9月14日，荷花节开幕啦，乡村音乐会、亲子研学、美食品鉴一样"
          "不少。人气有多旺？开幕当天就来了41000人次。错过了等一年！", channel="wechat"), "dup"),
    ("名 and 位 count the same people",
     item(1, "区商务局举办农村电商直播带货培训班", "9月14日，区商务局在桃源街道开办农村电商直播带货培训班，"
          "105名学员报名参训，培训为期3天，课程涵盖短视频拍摄、直播话术和农产品包装。"),
     item(2, "土货也能“出圈”", "9月14日起，桃源街道的105位乡亲又当起了学生。这是区商务局组织的直播带货培训，"
          "一共3天，手机支架一架、补光灯一开，老乡们对着镜头有点紧张。", channel="wechat"), "dup"),
    ("a roundup of numbered news carries the item but is not it",
     item(1, "【今日松岗】这些事与你有关", "① 区交通运输局：大道施工期间交通管制。\n② 桐湾街道：邻里节活动。\n"
          "③ 区商务局：" + LEAD + MORE, channel="district-wechat"),
     item(2, "区商务局扎实做好中秋国庆期间商贸领域安全生产工作", LEAD + MORE), "maybe"),
    ("a 来源 line naming an account, not a body, separates no publishers",
     item(1, "区商务局开展安全生产检查", LEAD + MORE, fields={"发布机构": "松岗区商务局"}),
     item(2, "安全检查进行时", "来源：松岗商务\n" + LEAD + MORE, channel="district-wechat"), "dup"),
    ("the board may post a month later",
     item(1, "区商务局扎实做好中秋国庆期间商贸领域安全生产工作", LEAD + MORE),
     item(2, "开展中秋国庆前安全生产检查",
          "9月14日，局领导带队对永安购物中心等12家企业开展节前安全生产检查，发现隐患16处，已督促整改11处。",
          day="2024-10-12", channel="board"), "dup"),
    ("the board's one line on the same day, no figure, a related headline",
     item(1, "区商务局扎实做好春节期间商贸领域安全生产工作", "区商务局召开专题会议，对节前安全检查作出安排。"
          "9月14日，区商务局副局长带队对农贸市场开展节前安全生产监督检查。" + MORE),
     item(2, "农贸市场安全生产检查", "9.14，我局对农贸市场开展节前安全检查。", day="2024-09-24", channel="board"),
     "dup"),
    ("a late repost of one event, both texts naming its day, is past the online window but one 信息",
     item(1, "我区在厦门举行投资环境推介会", "9月14日，区委书记率队赴厦门开展招商推介活动，现场签约项目5个，"
          "总投资60.2亿元。" + MORE),
     item(2, "我区在厦门举行投资环境推介会", "9月14日，区委书记率队赴厦门开展招商推介活动，现场签约项目5个，"
          "总投资60.2亿元。" + MORE, day="2024-09-21", channel="wechat"), "dup"),
    ("a list put up for objection (拟…公示) and its outcome are two 信息, even citing one date",
     item(1, "2024年度电子商务发展专项资金拟扶持项目公示", "9月14日，经企业申报、专家评审，拟对以下项目予以扶持："
          "星港电商3.5万元，禾润商贸5万元，鹿鸣物流4万元。公示期5个工作日。"),
     item(2, "2024年度电子商务发展专项资金扶持结果公告", "经9月14日公示无异议，现将扶持结果公告如下："
          "星港电商3.5万元，禾润商贸5万元，鹿鸣物流4万元。资金将于近期拨付。", day="2024-09-18"), "distinct"),
    ("one template, two days on one channel: the same official's two visits",
     item(1, "韩雪梅走访调研润禾食品有限公司", "9月14日，区商务局副局长韩雪梅一行深入润禾食品有限公司走访调研，实地了解企业"
          "生产经营情况。在企业生产车间和展厅，韩雪梅详细询问了企业的订单、用工和线上销售情况。" + MORE),
     item(2, "韩雪梅走访调研绿邻超市", "9月17日，区商务局副局长韩雪梅一行深入绿邻超市走访调研，实地了解企业"
          "生产经营情况。在企业生产车间和展厅，韩雪梅详细询问了企业的订单、用工和线上销售情况。" + MORE,
          day="2024-09-17"), "distinct"),
    ("a body's short name (县人社局) is the body (云桥县人力资源和社会保障局), as publisher and in the text",
     item(1, "县人社局举办养老护理员职业技能培训", "9月14日，县人社局在县职教中心举办养老护理员职业技能培训，"
          "全县46名学员参训，培训为期5天。" + MORE, fields={"发布机构": "云桥县人力资源和社会保障局"}),
     item(2, "云桥发布｜养老护理员职业技能培训开班", "9月14日，县人力资源和社会保障局在县职教中心举办养老护理员职业技能"
          "培训，全县46名学员参训，培训为期5天。" + MORE, day="2024-09-15", channel="district-wechat",
          fields={"发布机构": "县人社局"}), "dup"),
    ("a list's 名单公告 is the outcome of its 拟…名单公示, however much of the list both quote",
     item(1, "2024年度县级外贸转型示范企业拟入选名单公示", "经企业申报、专家评审，拟确定以下5家企业为2024年度县级外贸"
          "转型示范企业，现予以公示：" + LIST + "公示期为9月14日至9月20日。"),
     item(2, "2024年度县级外贸转型示范企业名单公告", "9月14日至9月20日公示期满，现将2024年度县级外贸转型示范企业"
          "名单予以公告：" + LIST + "请入选企业按要求报送材料。", day="2024-10-08", channel="wechat"), "distinct"),
    ("a hook headline says no stage: the text asking for objections is not the text saying none came",
     item(1, "2024年度县级外贸转型示范企业拟入选名单公示", "经企业申报、专家评审，拟确定以下5家企业为2024年度县级外贸"
          "转型示范企业，现予以公示：" + LIST + "公示期为9月14日至9月20日。"),
     item(2, "好消息！这5家企业上榜", "9月14日至9月20日公示期内未收到异议，2024年度县级外贸转型示范企业名单正式出炉：" + LIST
          + "请入选企业按要求报送材料。", day="2024-10-08", channel="wechat"), "distinct"),
    ("one headline frame around two subjects: two calls for applications of one template",
     item(1, "县商务局关于做好2024年度家政服务标准化试点申报的通知", "各有关企业：现就做好2024年度申报工作通知如下。"
          + NOTICE),
     item(2, "县商务局关于做好2024年度绿色商场创建申报的通知", "各有关企业：现就做好2024年度申报工作通知如下。"
          + NOTICE, day="2024-09-16", channel="wechat"), "distinct"),
    ("the board's short headline drops 的: its frame still shows another subject",
     item(1, "县商务局关于做好2024年度家政服务标准化试点申报的通知", "各有关企业：现就做好2024年度申报工作通知如下。"
          + NOTICE),
     item(2, "县商务局关于做好2024年度绿色商场创建申报通知", "绿色商场创建申报，截止10月15日，详见县政府门户网站。",
          day="2024-09-20", channel="board"), "distinct"),
    ("one training held in two towns, the text otherwise copied: the day and the town say two, on any channels",
     item(1, "县商务局举办农村电商人才培训", "9月10日，县商务局主办的农村电商人才培训班在青垅镇开班，40余名学员参加。"
          + TRAINING),
     item(2, "县商务局举办农村电商人才培训", "9月14日，县商务局主办的农村电商人才培训班在白鹭乡开班，40余名学员参加。"
          + TRAINING, day="2024-09-14", channel="wechat"), "distinct"),
    ("a board row of formulas (欢迎监督, 特此公开) under the item's headline, naming its day",
     item(1, "县商务局开展家电以旧换新惠民活动", "9月14日起，县商务局在人民广场开展家电以旧换新惠民活动，"
          "对购买一级能效家电的消费者给予补贴。" + MORE),
     item(2, "开展家电以旧换新惠民活动", "以旧换新。9月14日起。" + BOARD_FORMULAS,
          day="2024-09-24", channel="board"), "dup"),
    ("a board row with no day and no figure under the item's headline: a person decides",
     item(1, "县商务局关于开展2024年度电商直播基地认定工作的通知", "各有关企业：" + NOTICE),
     item(2, "开展电商直播基地认定工作通知", "县商务局开展电商直播基地认定相关工作，现予公开，欢迎社会各界监督。",
          day="2024-09-25", channel="board"), "maybe"),
    ("a board row typed before the item is no copy of it",
     item(1, "县商务局关于开展2024年度电商直播基地认定工作的通知", "各有关企业：" + NOTICE, day="2024-09-25"),
     item(2, "开展电商直播基地认定工作通知", "县商务局开展电商直播基地认定相关工作，现予公开，欢迎社会各界监督。",
          channel="board"), "distinct"),
    ("a board row under the same headline keeping the item's round count (60余人)",
     item(1, "县商务局举办跨境电商实务培训", "9月14日，县商务局主办的跨境电商实务培训班开班，外贸企业业务骨干60余人参加。"
          + TRAINING),
     item(2, "县商务局举办跨境电商实务培训", "跨境电商实务培训。共60余人参训。" + BOARD_FORMULAS,
          day="2024-09-27", channel="board"), "dup"),
    ("我局 is the speaker: the body the board row names, not another one",
     item(1, "关于开展2024年秋季购物节的公告", "为进一步激发消费活力，我局联合县财政局于9月14日至10月7日开展秋季购物节，"
          "投放消费券60万元，参与商家128家。" + MORE, channel="wechat"),
     item(2, "开展2024年秋季购物节公告", "秋季购物节。9月14日起，60万元。咨询：县商务局办公室。" + BOARD_FORMULAS,
          day="2024-09-26", channel="board", fields={"发布单位": "县商务局"}), "dup"),
    ("a chatty rewrite naming no day keeps a distinctive amount and another figure of the report",
     item(1, "县商务局赴宁波开展精准招商", "9月10日至9月12日，县商务局局长带领招商小分队赴宁波、舟山开展招商引资活动，"
          "先后拜访企业12家。经过洽谈，5家企业表达了投资意向，意向投资额约16.3亿元。小分队还与当地商会座谈。"),
     item(2, "招商一线｜三天跑下来，收获满满", "3天、两座城市、12家企业，这是小分队的行程单。一家一家上门讲优势、谈合作，"
          "5个项目有了投资意向，金额约16.3亿元！接下来就是盯紧项目、跟踪服务，让意向变成落地。为奔跑在招商一线的他们点赞！",
          day="2024-09-14", channel="wechat"), "dup"),
    ("a weekly digest quoting the item's first sentence among others is its own piece",
     item(1, "区商务局一周工作动态（9月9日—9月14日）", "【安全检查】" + LEAD + "\n【企业走访】9月11日，区商务局副局长带队"
          "走访金穗农产品有限公司、明光照明电器有限公司，了解订单和出口情况。\n【消费促进】9月12日，区商务局在人民广场"
          "启动秋季消费季，发放消费券80万元，吸引众多商户参与。", day="2024-09-15", channel="wechat"),
     item(2, "区商务局扎实做好中秋国庆期间商贸领域安全生产工作", LEAD + MORE), "distinct"),
    ("a call rewritten for the account keeps its programme's name, deadline and contact: a person decides",
     item(1, "县商务局关于做好2024年度“云桥好味道”品牌评选申报的通知", "各有关餐饮企业：现就做好2024年度“云桥好味道”"
          "品牌评选申报工作通知如下。一、申报条件。在本县注册经营满3年的餐饮企业。二、申报时间。即日起至2024年10月15日止。"
          "三、联系方式。联系人：周敏，联系电话：0736-4728815。"),
     item(2, "好吃的店，等你来报！", "又到一年评选季！“云桥好味道”开始报名啦。🍜哪些店能报？开了3年以上的餐饮店都能试试。"
          "⏳10月15日截止，过期不候！有问题打0736-4728815找周敏。转给身边开店的朋友吧！",
          day="2024-09-16", channel="wechat"), "maybe"),
    ("a name that keeps only the first words of another (区商务局, 区商务和投资促进局) is no short form of it",
     item(1, "开展家电以旧换新惠民活动", "9月14日起，区商务局在人民广场开展家电以旧换新惠民活动。" + MORE,
          fields={"发布机构": "松岗区商务和投资促进局"}),
     item(2, "开展家电以旧换新惠民活动", "9月14日起，区商务局在人民广场开展家电以旧换新惠民活动。" + MORE,
          day="2024-09-16", channel="board", fields={"发布单位": "区商务局"}), "distinct"),
    ("a board row of formulas put up before the item, naming its day, is not the item's row",
     item(1, "县商务局开展家电以旧换新惠民活动", "9月14日起，县商务局在人民广场开展家电以旧换新惠民活动，"
          "对购买一级能效家电的消费者给予补贴。" + MORE, day="2024-09-24"),
     item(2, "开展家电以旧换新惠民活动", "以旧换新。9月14日起。" + BOARD_FORMULAS, day="2024-09-20",
          channel="board"), "distinct"),
    ("在白石镇 and 到白石镇 name one town",
     item(1, "县卫健委组织医务人员在白石镇开展健康义诊", "9月14日，县卫健委组织县人民医院医务人员在白石镇开展健康义诊。"
          + MORE),
     item(2, "县人民医院26名医务人员到白石镇义诊", "9月14日，县卫健委组织县人民医院医务人员在白石镇开展健康义诊。"
          + MORE, channel="district-wechat"), "dup"),
    ("a retelling in other words names the event's day and town under a related headline",
     item(1, "县应急管理局在青石镇组织开展防汛抢险应急演练", "6月4日，县应急管理局在青石镇组织开展防汛抢险应急演练，"
          "模拟强降雨致山洪暴发、群众被困等险情，镇村干部、民兵应急分队等290余人参加，检验了预警发布、人员转移和"
          "抢险救援等环节。演练结束后，县应急管理局对演练情况进行了点评，并对汛期隐患排查作出部署。", day="2024-06-04"),
     item(2, "青石镇：一场防汛抢险实战演练", "6月4日上午，青石镇的河滩边警报声响起。“山洪来了，快往高处转移！”"
          "随着一声令下，民兵扛起沙袋冲向堤岸，冲锋舟划向“被困”群众。这样的演练，为的是真正的汛情来临时不慌不乱。",
          day="2024-06-05", channel="wechat"), "dup"),
    ("two events of one day in one town (the county seat) are no retelling: the headlines share only "
     "the publisher and the town, so at most a person looks",
     item(1, "县商务局在城关镇开展消费维权宣传活动", "3月8日，县商务局在城关镇开展“消费维权进社区”宣传活动，"
          "发放宣传资料500余份，解答群众咨询30余人次。", day="2025-03-08"),
     item(2, "县商务局在城关镇开展安全生产检查", "3月8日，县商务局在城关镇开展商贸企业安全生产检查，共检查企业"
          "12家，发现隐患5处。", day="2025-03-08", channel="wechat"), "maybe"),
    ("two channels' versions of one numbered class (第六期) on the same day, told differently",
     item(1, "县商务局举办第六期农村电商直播培训班", "9月14日，县商务局举办第六期农村电商直播培训班，来自各乡镇的"
          "86名学员参加培训。" + TRAINING),
     item(2, "86名学员充电！第六期农村电商直播培训开班", "9月14日，第六期农村电商直播培训班开班啦！86名学员齐聚一堂，"
          "从手机支架怎么摆到直播话术怎么说，一个个问题现场解决。实操环节，讲师手把手指导学员开展直播练习，"
          "不少学员当场开了自己的第一场直播。", day="2024-09-15", channel="wechat"), "dup"),
    ("a bridge's digest under the very headline naming the same day is the article",
     item(1, "县商务局关于开展2024年度“云桥老字号”认定申报工作的通知", "各有关企业：为传承发展老字号，现就开展2024年度"
          "认定申报工作通知如下。" + NOTICE.replace("10月15日", "10月20日")),
     item(2, "县商务局关于开展2024年度“云桥老字号”认定申报工作的通知", "老字号认定申报开始啦，10月20日截止，"
          "有意向的企业抓紧准备材料，点击阅读原文查看申报要求。", channel="wechat"), "dup"),
    ("a scheme's standard amounts (每辆补贴8000元) recur in each of its notices: no retelling",
     item(1, "关于第二批汽车以旧换新补贴拟发放名单的公示", "经审核，拟对以下申请人发放汽车以旧换新补贴，报废旧车并购买"
          "新能源乘用车的每辆补贴12000元，购买燃油乘用车的每辆补贴8000元。名单如下：张某某、李某某、王某某。"
          "公示期5个工作日。"),
     item(2, "汽车置换更新补贴怎么领？一文看懂", "想换车的朋友看过来！卖掉旧车再买辆电车，能拿12000元；换成油车"
          "也有8000元。手机上点一点、传几张照片，钱就打到卡里，赶紧转给身边要换车的人吧。", day="2024-09-15",
          channel="wechat"), "distinct"),
    ("a copy on another site dated by its own dateline (9月6日电) before the 9月8日 it announces",
     item(1, "区商务局：9月8日起投放区级储备猪肉", "新华社讯 9月6日，记者从区商务局获悉，9月8日起将投放区级储备猪肉"
          "300吨，投放点位覆盖全区32家农贸市场和商超。" + MORE, day="2024-09-06", url="http://news.example/a.html"),
     item(2, "9月8日起投放区级储备猪肉", "9月8日起，区商务局将投放区级储备猪肉300吨，投放点位覆盖全区32家"
          "农贸市场和商超。" + MORE, day="2024-09-06", url="http://swj.example.gov.cn/b.html"), "dup"),
    ("the same template's next round on another site names other days altogether",
     item(1, "区商务局投放区级储备猪肉", "9月6日，区商务局发布通知，9月8日起投放区级储备猪肉300吨，"
          "投放点位覆盖全区32家农贸市场和商超。" + MORE, day="2024-09-06", url="http://news.example/a.html"),
     item(2, "区商务局投放区级储备猪肉", "9月13日，区商务局发布通知，9月15日起投放区级储备猪肉300吨，"
          "投放点位覆盖全区32家农贸市场和商超。" + MORE, day="2024-09-10", url="http://swj.example.gov.cn/b.html"),
     "distinct"),
    ("a board row put up three weeks before the online item is an earlier round, not its copy",
     item(1, "区商务局扎实做好中秋国庆期间商贸领域安全生产工作", LEAD + MORE, day="2024-09-30"),
     item(2, "扎实做好中秋国庆期间商贸领域安全生产工作", LEAD, day="2024-09-09", channel="board"),
     "distinct"),
    ("two rows of the board on other days are two postings, however alike",
     item(1, "开展节前商贸领域安全生产检查", LEAD + MORE, day="2024-09-16", channel="board", url=""),
     item(2, "开展节前商贸领域安全生产检查", (LEAD + MORE).replace("9月14日", "9月28日").replace(
         "12家", "15家").replace("16处", "9处"), day="2024-09-30", channel="board", url=""), "distinct"),
    ("a board row corrected in the spreadsheet and imported again (new date, same text) is the row",
     item(1, "开展节前商贸领域安全生产检查", LEAD, day="2024-09-09", channel="board", url=""),
     item(2, "开展节前商贸领域安全生产检查", LEAD, day="2024-09-19", channel="board", url=""), "dup"),
    ("a board row known only by its headline, imported again with its date corrected: nothing "
     "tells it from a second posting of one headline, so a person looks (never two 信息 unasked)",
     item(1, "开展节前商贸领域安全生产检查", "", day="2024-09-09", channel="board", url=""),
     item(2, "开展节前商贸领域安全生产检查", "", day="2024-09-19", channel="board", url=""), "maybe"),
    ("near-identical texts whose notice numbers differ: a person looks",
     item(1, "松岗区成品油价格调整公告（2024年第15号）", LEAD + MORE),
     item(2, "松岗区成品油价格调整公告（2024年第16号）", LEAD + MORE, channel="wechat"), "maybe"),
    ("the district portal's column and the bureau's own site each tell one inspection in their "
     "own words: two sites, the same day and the same figures",
     item(1, "区商务局开展节前商贸领域安全生产检查", LEAD + MORE, url="http://www.songgang.gov.cn/bmdt/1.html"),
     item(2, "守护节日平安 区商务局检查商超消防安全", "为保障节日期间商贸场所安全，9月14日上午，局长朱卫东一行"
          "来到永安购物中心、兴隆超市和国泰生鲜超市，逐一查看消防通道和燃气管道。此次共检查企业12家，"
          "排查出隐患16处，其中11处已完成整改，其余限期整改到位。", url="http://swj.songgang.gov.cn/gzdt/2.html"),
     "dup"),
    ("the same two write-ups on one site are two items: a site does not post one event twice",
     item(1, "区商务局开展节前商贸领域安全生产检查", LEAD + MORE, url="http://swj.songgang.gov.cn/gzdt/1.html"),
     item(2, "守护节日平安 区商务局检查商超消防安全", "为保障节日期间商贸场所安全，9月14日上午，局长朱卫东一行"
          "来到永安购物中心、兴隆超市和国泰生鲜超市，逐一查看消防通道和燃气管道。此次共检查企业12家，"
          "排查出隐患16处，其中11处已完成整改，其余限期整改到位。", url="http://swj.songgang.gov.cn/gzdt/2.html"),
     "distinct"),
    ("a wire and a paper each write up one briefing: the same day named, a fifth of the text "
     "shared, no figures to tell — as likely two items of one busy day, so a person looks",
     item(1, "市商务局：节日市场货足价稳", "9月14日，记者从市商务局获悉，中秋国庆期间全市生活必需品市场运行平稳，"
          "粮油肉蛋菜奶等货源充足，价格总体稳定。市商务局将继续加强市场监测，督促重点企业增加库存。",
          url="http://news.example.cn/a.html"),
     item(2, "中秋市场供应有保障", "9月14日，市商务局有关负责人介绍，全市生活必需品市场运行平稳，各大商超"
          "客流明显增加，节日礼盒、月饼等热销，部分企业延长营业时间，满足市民假日消费需求。",
          url="http://paper.example.com/b.html"),
     "maybe"),
    ("one headline every month and texts too short to tell apart: the days they name part "
     "this month's check from last month's — a person looks, never a silent merge",
     item(1, "区商务局开展商贸领域安全生产检查", "10月15日，区商务局开展检查。", day="2024-10-15"),
     item(2, "区商务局开展商贸领域安全生产检查", "11月12日，区商务局开展检查。", day="2024-11-13",
          channel="board", url=""), "maybe"),
    ("two items of one campaign restating its running total (截至目前累计…) under unrelated "
     "headlines days apart may be two 信息: a person looks, never a silent merge",
     item(1, "我区第三轮消费券发放启动", "10月5日，我区第三轮消费券正式发放，本轮投入资金300万元，覆盖餐饮、零售、"
          "住宿等领域。" + RUNNING + "区商务局将继续做好活动组织和商户服务工作。", day="2024-10-05"),
     item(2, "区商务局召开消费券工作调度会", "区商务局召开消费券发放工作调度会，听取各参与商户情况汇报，研究部署下一"
          "阶段工作。" + RUNNING + "会议要求各商户严格落实活动规则。", day="2024-10-08", channel="wechat"), "maybe"),
    ("a reporter's piece a day later quoting the campaign's total to date is not the meeting's report",
     item(1, "区商务局召开消费券工作调度会", "区商务局召开消费券发放工作调度会，听取各参与商户情况汇报，研究部署下一"
          "阶段工作。" + RUNNING + "会议要求各商户严格落实活动规则。", day="2024-10-08", channel="wechat"),
     item(2, "消费券助力餐饮回暖", "记者走访多家餐饮门店了解到，消费券发放以来客流明显增加。" + RUNNING,
          day="2024-10-09", channel="district-wechat"), "maybe"),
    ("an account's 成绩单 of an event, its result totals (截至活动结束，累计…) in other words, is that event",
     item(1, "区商务局组织开展美食促消费系列活动", "1月22日上午，美食促消费活动在万邻广场拉开帷幕，持续10天，"
          "共有95家餐饮商户参加。截至活动结束，累计吸引客流14600人次，成交1670份，实现销售额1378.9万元。",
          day="2025-02-03"),
     item(2, "美食消费节收官，成绩单来了", "家人们，万邻广场这几天是不是特别热闹？美食促消费活动已经圆满收官啦！"
          "数据说话：累计客流14600人次，成交1670份，销售额1378.9万元。", day="2025-02-03", channel="wechat"), "dup"),
]


@pytest.mark.parametrize("why, a, b, verdict", CASES, ids=[c[0] for c in CASES])
def test_rule(why, a, b, verdict):
    assert judge(a, b)[0] == verdict, judge(a, b)
    assert judge(b, a)[0] == verdict


def test_stock_phrases_seen_in_other_clusters_are_no_evidence():
    stock = ("为进一步激发消费潜力、提振消费信心，区商务局联合辖区商场、餐饮、家电、汽车等经营主体，持续开展形式多样的"
             "促消费活动。据统计，活动带动参与商家销售额明显增长，有效释放了居民消费需求。")
    a = Doc.of(item(1, "卫滨区家电以旧换新补贴政策加力实施", "8月9日，8类家电纳入补贴范围。" + stock,
                    day="2024-08-09"))
    b = Doc.of(item(2, "七夕节卫滨区推出主题促销活动", "8月10日，商场花店推出七夕促销。" + stock,
                    day="2024-08-10", channel="wechat"))
    others = [Doc.of(item(10 + k, f"其他活动{k}", f"{k}月1日，活动{k}。" + stock, day="2024-08-0%d" % (k + 1)))
              for k in range(3)]
    for n, d in enumerate(others):
        d.cluster_id = 100 + n
    common = common_shingles(b, [a, *others])
    assert judge(a, b)[0] == "maybe"               # alone, the shared paragraphs look like one text
    assert judge(a, b, common)[0] == "distinct"    # among the month's news they are stock phrases
    assert best_match(b, [a, *others], common)[0] == "distinct"


@pytest.mark.parametrize("title, org", [
    ("区商务局开展节后安全检查", "区商务局"), ("部门动态｜区应急管理局召开会议", "区应急管理局"),
    ("新乡市卫滨区商务局召开会议", "新乡市卫滨区商务局"), ("卫滨区举办2024年招商推介会", ""),
    ("卫滨区商务系统安全生产月活动启动", ""), ("【商务动态】区商务局走访企业", "区商务局"),
])
def test_title_org(title, org):
    assert title_org(title) == org


def _measure(split, path=PAIRS):
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    got = [(p["label"], judge(p["a"], p["b"])[0]) for p in rows if p["split"] == split]
    merged = [label for label, v in got if v == "dup"]
    caught = sum(1 for label, v in got if label == "dup" and v != "distinct")
    precision = merged.count("dup") / len(merged)
    recall = caught / sum(1 for label, _ in got if label == "dup")
    review = sum(1 for _, v in got if v == "maybe") / len(got)
    return precision, recall, review


def test_development_part_meets_the_goal():
    precision, recall, review = _measure("dev")
    assert precision >= 0.98 and recall >= 0.97 and review <= 0.10, (precision, recall, review)


# Each later held-out set, written blind by another author, was measured once (its blind figures
# in the README and tests/fixtures/dupes/HELDOUTn.md), then its misses were read and fixed by
# general rules: a guard now, at the recall it reached. Its blind first measure, P / R strict / R
# with review: 2: 1.000 / 0.909 / 0.917 (years, offices, 文号, place names, numbered board items);
# 3: 0.927 / 0.824 / 0.861 (figures that agree or clash, meeting notices, bracket-numbered
# series, roundups); 4, WeChat written apart from the website: 0.905 / 0.620 / 0.685 (places in
# headlines, explainers, figures in other words, account names in 来源 lines, a month for the
# board); 5: 1.000 / 0.923 / 0.940 (board lines without figures, late reposts across the year);
# 6: 0.963 / 0.938 / 0.982 (one official's two visits on one channel, parted by the day);
# 7: 0.888 / 0.664 / 0.723 (a body's short name, 名单公告 as an outcome, one template used twice —
# headline frame, day and town —, board rows with nothing but the headline, digests, rewrites
# that keep an amount and a count); 8, a district of seven bodies on one portal column and one
# account, 428 pairs: 1.000 / 0.985 / 0.995 with 5% to review — the first blind set to meet the
# goal (running totals, weekly and monthly notices under one headline went to review or apart).
@pytest.mark.parametrize("n, min_recall", [(2, 0.97), (3, 0.90), (4, 0.85), (5, 0.95), (6, 0.93), (7, 0.98),
                                           (8, 0.99)])
def test_later_held_out_parts_keep_what_they_reached(n, min_recall):
    precision, recall, review = _measure(f"heldout{n}", PAIRS.with_name(f"heldout{n}.jsonl"))
    assert precision >= 0.98 and recall >= min_recall and review <= 0.10, (precision, recall, review)


def test_real_cross_posts_are_never_merged_wrongly():
    # tests/fixtures/dupes/real_pairs.jsonl: 111 pairs from public pages (REAL_PAIRS.md), all
    # website against website — news syndicated by wires, papers and portals, which a bureau's
    # own channels rarely are. Blind first measure 1.000 / 0.359 / 0.641; the dateline rule
    # (other_days_of_one_outlet) brought 0.462 / 0.744; two sites as two outlets (two_outlets)
    # and the same day named by two outlets brought 0.667 / 0.872. A guard on precision first.
    precision, recall, review = _measure("real", PAIRS.with_name("real_pairs.jsonl"))
    assert precision >= 0.98 and recall >= 0.85 and review <= 0.10, (precision, recall, review)


def test_held_out_part_does_not_fall_below_its_first_measure():
    # Measured when the rules were last edited, without reading these pairs: 0.969 precision of
    # automatic merges, 1.000 recall with the 7% sent to review. A guard, not a target.
    precision, recall, review = _measure("heldout")
    assert precision >= 0.96 and recall >= 0.97 and review <= 0.15, (precision, recall, review)


def test_a_monthly_board_row_joins_its_own_month_not_the_first_of_one_headline():
    # A monthly check under one headline, its stock text shared by every month: the board row of
    # November names 11月12日, so it is November's item, though October's comes first.
    text = "区商务局开展检查。"
    october = Doc.of(item(1, "区商务局开展商贸领域安全生产检查", "10月22日，" + text, day="2024-10-22"))
    november = Doc.of(item(2, "区商务局开展商贸领域安全生产检查", "11月12日，" + text, day="2024-11-12"))
    october.cluster_id, november.cluster_id = 1, 2
    row = Doc.of(item(3, "区商务局开展商贸领域安全生产检查", "11月12日，" + text, day="2024-11-20", channel="board",
                      url=""))
    verdict, _, reason, other = best_match(row, [october, november])
    assert (verdict, other.id) == ("dup", 2), reason


def test_a_headline_two_notices_share_identifies_neither():
    # The 预付卡 risk notice comes back under one headline, its text stock phrases, no day named:
    # a board row under that headline fits both notices, so a person says which.
    text = "预付卡因其便捷受到青睐，提醒广大消费者理性办卡。"
    march = Doc.of(item(1, "区商务局关于单用途预付卡消费的风险提示", text, day="2024-03-01"))
    march_two = Doc.of(item(2, "区商务局关于单用途预付卡消费的风险提示", text, day="2024-03-20"))
    march.cluster_id, march_two.cluster_id = 1, 2
    row = Doc.of(item(3, "区商务局关于单用途预付卡消费的风险提示", text, day="2024-03-25", channel="board", url=""))
    common = frozenset(march.shingles)          # the text is all stock phrases here
    verdict, _, reason, _ = best_match(row, [march, march_two], common)
    assert verdict == "maybe", reason
