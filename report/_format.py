"""The fixed parts of the national format (国办公开办函〔2021〕30号): headings, table labels, cell ids.

Ids follow ``/work/shared/reference/annual-report-schema.yaml`` so a data file can address any cell
as ``t2.<row>.<column>``, ``t3.<row>.<column>`` or ``t4.<column>``. Labels are the official printed
wording, full-width punctuation included; do not "tidy" them.
"""

from __future__ import annotations

from dataclasses import dataclass

SECTION_HEADINGS: tuple[tuple[str, str], ...] = (
    ("s1", "一、总体情况"),
    ("s2", "二、主动公开政府信息情况"),
    ("s3", "三、收到和处理政府信息公开申请情况"),
    ("s4", "四、政府信息公开行政复议、行政诉讼情况"),
    ("s5", "五、存在的主要问题及改进情况"),
    ("s6", "六、其他需要报告的事项"),
)

# The title's fixed second line: "<bureau> <year> 年" / "政府信息公开工作年度报告".
TITLE_TAIL = "政府信息公开工作年度报告"

S1_PARTS: tuple[tuple[str, str], ...] = (
    ("active", "（一）主动公开"),
    ("apply", "（二）依申请公开"),
    ("management", "（三）政府信息管理"),
    ("platform", "（四）政府信息公开平台建设"),
    ("supervision", "（五）监督保障"),
)

S5_PARTS: tuple[tuple[str, str], ...] = (
    ("problems", "（一）存在的主要问题"),
    ("improvements", "（二）改进情况"),
)


# --- Table 二: four blocks of 条例第二十条 -------------------------------------------------------

@dataclass(frozen=True)
class T2Block:
    id: str
    header: str
    columns: tuple[tuple[str, str], ...]  # value columns (id, label); the label column is implicit
    rows: tuple[tuple[str, str], ...]
    decimal: bool = False  # 万元 amounts may have decimals; everything else is a whole count


T2_LABEL_COLUMN = "信息内容"
T2_GRID_COLUMNS = 4

T2_BLOCKS: tuple[T2Block, ...] = (
    T2Block(
        "art20_1",
        "第二十条第（一）项",
        (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
        (("regulations", "规章"), ("normative_documents", "行政规范性文件")),
    ),
    T2Block("art20_5", "第二十条第（五）项", (("decisions", "本年处理决定数量"),), (("admin_licensing", "行政许可"),)),
    T2Block(
        "art20_6",
        "第二十条第（六）项",
        (("decisions", "本年处理决定数量"),),
        (("admin_penalty", "行政处罚"), ("admin_coercion", "行政强制")),
    ),
    T2Block(
        "art20_8",
        "第二十条第（八）项",
        (("fee_amount", "本年收费金额（单位：万元）"),),
        (("admin_fees", "行政事业性收费"),),
        decimal=True,
    ),
)


# --- Table 三: requests received and handled ----------------------------------------------------

T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_LEGAL_PERSONS = "法人或其他组织"
T3_RESULTS = "三、本年度办理结果"

T3_APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("public_welfare", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
)
T3_COLUMNS: tuple[tuple[str, str], ...] = T3_APPLICANT_COLUMNS + (("total", "总计"),)


@dataclass(frozen=True)
class T3Row:
    id: str
    label: str
    level: int  # 0: 一/二/四; 1: （一）…（七） under 三; 2: numbered leaf under a group
    group: str | None = None  # id of the （三）…（六） group, which has no numbers of its own


T3_GROUPS: dict[str, str] = {
    "r3_3": "（三）不予公开",
    "r3_4": "（四）无法提供",
    "r3_5": "（五）不予处理",
    "r3_6": "（六）其他处理",
}

T3_ROWS: tuple[T3Row, ...] = (
    T3Row("r1_new", "一、本年新收政府信息公开申请数量", 0),
    T3Row("r2_carried_in", "二、上年结转政府信息公开申请数量", 0),
    T3Row("r3_1_granted", "（一）予以公开", 1),
    T3Row("r3_2_partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1),
    T3Row("r3_3_1_state_secret", "1.属于国家秘密", 2, "r3_3"),
    T3Row("r3_3_2_law_prohibited", "2.其他法律行政法规禁止公开", 2, "r3_3"),
    T3Row("r3_3_3_three_safety_one_stability", "3.危及“三安全一稳定”", 2, "r3_3"),
    T3Row("r3_3_4_third_party_rights", "4.保护第三方合法权益", 2, "r3_3"),
    T3Row("r3_3_5_internal_affairs", "5.属于三类内部事务信息", 2, "r3_3"),
    T3Row("r3_3_6_process_info", "6.属于四类过程性信息", 2, "r3_3"),
    T3Row("r3_3_7_enforcement_file", "7.属于行政执法案卷", 2, "r3_3"),
    T3Row("r3_3_8_admin_query", "8.属于行政查询事项", 2, "r3_3"),
    T3Row("r3_4_1_not_held", "1.本机关不掌握相关政府信息", 2, "r3_4"),
    T3Row("r3_4_2_needs_creation", "2.没有现成信息需要另行制作", 2, "r3_4"),
    T3Row("r3_4_3_still_unclear", "3.补正后申请内容仍不明确", 2, "r3_4"),
    T3Row("r3_5_1_petition_complaint", "1.信访举报投诉类申请", 2, "r3_5"),
    T3Row("r3_5_2_repeat", "2.重复申请", 2, "r3_5"),
    T3Row("r3_5_3_publication", "3.要求提供公开出版物", 2, "r3_5"),
    T3Row("r3_5_4_mass_repeated", "4.无正当理由大量反复申请", 2, "r3_5"),
    T3Row("r3_5_5_confirm_reissue", "5.要求行政机关确认或重新出具已获取信息", 2, "r3_5"),
    T3Row("r3_6_1_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 2, "r3_6"),
    T3Row("r3_6_2_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", 2, "r3_6"),
    T3Row("r3_6_3_other", "3.其他", 2, "r3_6"),
    T3Row("r3_7_total", "（七）总计", 1),
    T3Row("r4_carried_out", "四、结转下年度继续办理", 0),
)

T3_TOTAL_ROW = "r3_7_total"
# The 21 result rows that （七）总计 adds up; the group rows （三）…（六） have no subtotal.
T3_LEAVES: tuple[str, ...] = tuple(r.id for r in T3_ROWS if r.level > 0 and r.id != T3_TOTAL_ROW)


# --- Table 四: administrative reconsideration and litigation ------------------------------------

T4_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
# (prefix, group label); the two litigation groups sit under 行政诉讼.
T4_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("lit_direct", "未经复议直接起诉"),
    ("lit_after_review", "复议后起诉"),
)
T4_LITIGATION = "行政诉讼"
T4_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (f"{prefix}_{outcome}", label) for prefix, _ in T4_GROUPS for outcome, label in T4_OUTCOMES
)
T4_GROUP_LABEL: dict[str, str] = {
    f"{prefix}_{outcome}": group for prefix, group in T4_GROUPS for outcome, _ in T4_OUTCOMES
}
