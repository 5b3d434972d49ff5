"""月度督导检查情况 (附件2) and the office's district roll-up (五（四）), as Word.

Pure functions of ``exports.data``; the layout is ``exports.docx_base``.
"""

from __future__ import annotations

from collections.abc import Iterable

from docx.shared import Cm

from .data import Baseline, BasicFacts, DistrictReportData, FourListRow, MonthlyReportData
from .docx_base import (
    ANNEX_MARK,
    BODY,
    H1,
    H2,
    LANDSCAPE_TYPE_WIDTH,
    SUBTITLE_KAI,
    TITLE,
    ColumnGroup,
    add_attachment_note,
    add_grouped_table,
    add_paragraph,
    add_prose,
    add_title,
    cn_date,
    new_document,
    new_page_section,
    setup_section,
    to_bytes,
)

FOUR_LIST_GROUPS = (
    ColumnGroup("序号"),
    ColumnGroup("排查清单", ("排查对象", "排查单位")),
    ColumnGroup("隐患清单", ("隐患问题", "隐患等级")),
    ColumnGroup("整改清单", ("整改措施", "整改时限/状态")),
    ColumnGroup("责任清单", ("责任单位", "责任人")),
)
# The landscape type area is 22.5 cm wide (docx_base.LANDSCAPE_TYPE_WIDTH); 仿宋 小五 in 0.1 cm cell
# margins: 隐患问题 holds 19 characters a line, a Chinese date (2026年12月10日) fits 整改时限 on one.
FOUR_LIST_WIDTHS = tuple(Cm(w) for w in (0.9, 2.3, 1.9, 5.7, 1.7, 3.0, 3.3, 2.4, 1.3))
assert abs(sum(int(w) for w in FOUR_LIST_WIDTHS) - int(LANDSCAPE_TYPE_WIDTH)) < int(Cm(0.01))


def report_title(year: int, month: int) -> str:
    return f"{year}年{month}月督导检查情况"


def annex_title(year: int, month: int, unit_name: str) -> str:
    return f"{year}年{month}月{unit_name}督导检查隐患问题“四个清单”"


def _period(start, end, month: int) -> str:
    if start is None or end is None:
        return f"{month}月"
    if start == end:
        return f"{start.month}月{start.day}日"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.month}月{start.day}日至{end.day}日"
    if start.year == end.year:
        return f"{start.month}月{start.day}日至{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"


def _jurisdictions(names: tuple[str, ...]) -> str:
    if not names:
        return "相关镇街"
    if len(names) == 1:
        return names[0]
    return "、".join(names) + "等镇街"


def basic_sentence(facts: BasicFacts, month: int) -> str:
    """二、基本情况: the sentence of 附件2, every figure filled (typos of the sample corrected); a month
    without any inspection or finding says so instead of "组成0个督导检查组"."""
    if facts.unit_kind == "group":
        lead = f"{facts.department_name}牵头{facts.group_name or '专项督导检查组'}，负责专项督导{'、'.join(facts.area_names) or '相关镇街'}安全生产工作"
    else:
        lead = f"{facts.department_name}牵头负责督导检查{'、'.join(facts.sector_names) or '相关'}行业领域安全生产工作"
    if not facts.inspected:
        return f"{lead}。{month}月，本单位未开展督导检查，未发现隐患问题。"
    if facts.inspection_count:
        visits = (f"于{_period(facts.start, facts.end, month)}，组成{facts.group_count}个督导检查组，"
                  f"共排查检查了{_jurisdictions(facts.jurisdiction_names)}、"
                  f"{facts.village_count}个村居、{facts.target_count}家企业（场所、工程、项目等），")
    else:
        visits = f"于{_period(facts.start, facts.end, month)}，本月未开展督导检查，日常工作中在{_jurisdictions(facts.jurisdiction_names)}的{facts.target_count}家企业（场所、工程、项目等）"
    found = (f"督导检查发现隐患问题{facts.hazard_total}项，其中重大隐患问题{facts.major_count}项、"
             f"一般隐患问题{facts.general_count}项、突出隐患{facts.prominent_count}项。") if facts.hazard_total else "未发现隐患问题。"
    return f"{lead}，{visits}{found}"


def baseline_paragraphs(baseline: Baseline) -> list[str]:
    sectors = "、".join(baseline.sector_names) or "本单位主管"
    lines = [f"本单位主管的{sectors}行业领域在管监管对象共{baseline.total}家。"]
    parts = []
    for category in baseline.categories:
        text = f"{category.name}{category.count}家"
        children = [f"{name}{count}家" for name, count in category.children if count]
        if children:
            text += "（其中" + "、".join(children) + "）"
        parts.append(text)
    if parts:
        lines.append("按监管对象类别分：" + "，".join(parts) + (f"，未标注类别{baseline.uncategorised}家" if baseline.uncategorised else "") + "。")
    elif baseline.total:
        lines.append(f"以上监管对象均未标注类别（{baseline.uncategorised}家），请在名录中补充类别标签。")
    if baseline.by_jurisdiction:
        lines.append("按属地分：" + "，".join(f"{name}{count}家" for name, count in baseline.by_jurisdiction) + "。")
    return lines


def _add_head(doc, title: str, unit_name: str, report_date) -> None:
    add_title(doc, title)
    add_paragraph(doc, unit_name, SUBTITLE_KAI)
    add_paragraph(doc, f"（{cn_date(report_date)}）", SUBTITLE_KAI)


def _add_annex(doc, title: str, rows: Iterable[FourListRow]) -> None:
    new_page_section(doc, landscape=True)
    add_paragraph(doc, "附件", ANNEX_MARK).paragraph_format.keep_with_next = True
    add_paragraph(doc, title, TITLE)
    add_grouped_table(doc, FOUR_LIST_GROUPS, FOUR_LIST_WIDTHS,
                      (row.word_cells(n) for n, row in enumerate(rows, start=1)), centered_columns=(0, 4))


def build_monthly_report(data: MonthlyReportData) -> bytes:
    title = report_title(data.year, data.month)
    doc = new_document(title=f"{data.unit_name}{title}", author=data.unit_name, is_draft=getattr(data, "is_draft", False))
    _add_head(doc, title, data.unit_name, data.report_date)
    add_paragraph(doc, "一、监管对象底数", H1)
    for line in baseline_paragraphs(data.baseline):
        add_paragraph(doc, line, BODY)
    add_paragraph(doc, "二、基本情况", H1)
    add_paragraph(doc, basic_sentence(data.facts, data.month), BODY)
    add_paragraph(doc, "三、特色亮点", H1)
    # a draft reminds its author what each part asks for; a report as sent states only what was written
    draft = getattr(data, "is_draft", False)
    add_prose(doc, data.highlights, empty="（待填写：总结督导检查行业领域安全生产工作主要特色亮点做法。）" if draft else "无。")
    add_paragraph(doc, "四、主要问题及风险研判", H1)
    add_prose(doc, data.problems, empty="（待填写：梳理分析督导检查发现的问题，研判当前安全风险形势。）" if draft else "无。")
    add_paragraph(doc, "五、下一步工作打算", H1)
    add_prose(doc, data.next_steps, empty="（待填写：根据存在的主要问题，提出针对性对策措施。）" if draft else "无。")
    annex = annex_title(data.year, data.month, data.unit_name)
    add_attachment_note(doc, [annex])
    _add_annex(doc, annex, data.rows)
    return to_bytes(doc)


def build_district_report(data: DistrictReportData) -> bytes:
    """区安办 roll-up: 有任务完成情况、有问题分析、有工作措施、有建议意见."""
    title = f"{data.year}年{data.month}月全区安全生产常态化督导检查情况"
    doc = new_document(title=title, author=data.unit_name, is_draft=getattr(data, "is_draft", False))
    _add_head(doc, title, data.unit_name, data.report_date)
    departments = data.departments
    district = data.figures  # counted by workflows.reporting.figures: units + others = total, exactly
    total_groups = sum(d.facts.group_count for d in departments)
    total_targets = sum(d.facts.target_count for d in departments)
    active = [d for d in departments if d.facts.inspected]
    idle = [d.facts.department_name for d in departments if not d.facts.inspected]

    add_paragraph(doc, "一、任务完成情况", H1)
    add_paragraph(doc, (
        f"{data.month}月，全区{len(departments)}个区直单位中有{len(active)}个单位开展了督导检查，共组成{total_groups}个督导检查组，"
        f"排查检查企业（场所、工程、项目等）{total_targets}家；全区共开展督导检查{district.inspections}次，发现隐患问题{district.total}项，"
        f"其中重大隐患问题{district.major}项、一般隐患问题{district.general}项、突出隐患{district.prominent}项；本月销号隐患{data.closed_count}项。"
    ), BODY)
    add_paragraph(doc, (
        f"其中区直单位督导检查发现{district.units_total}项，{district.others_label}发现{district.others['total']}项"
        f"（重大隐患{district.others['major']}项）。"), BODY)
    if idle:
        add_paragraph(doc, f"本月未开展督导检查的单位：{'、'.join(idle)}。", BODY)
    for index, dept in enumerate(active, start=1):
        add_paragraph(doc, f"（{_cn_number(index)}）{dept.facts.department_name}", H2)
        add_paragraph(doc, basic_sentence(dept.facts, data.month) + (f"月报{dept.report_status}。" if dept.report_status else ""), BODY)

    add_paragraph(doc, "二、问题分析", H1)
    if data.sector_breakdown:
        add_paragraph(doc, "按行业领域分，" + "，".join(
            f"{name}{count}项（重大{major_n}项）" for name, count, major_n in data.sector_breakdown) + "。", BODY)
    add_paragraph(doc, f"截至报告日，全区逾期未整改隐患{data.overdue_count}项，未销号重大隐患{data.open_major_count}项。", BODY)
    for dept in departments:
        if dept.problems.strip():
            add_paragraph(doc, f"{dept.facts.department_name}：", BODY)
            add_prose(doc, dept.problems)
    for name, problems, _ in data.group_reports:
        if problems.strip():
            add_paragraph(doc, f"{name}：", BODY)
            add_prose(doc, problems)

    add_paragraph(doc, "三、工作措施", H1)
    if data.orders_summary:
        add_paragraph(doc, data.orders_summary, BODY)
    for dept in departments:
        if dept.next_steps.strip():
            add_paragraph(doc, f"{dept.facts.department_name}：", BODY)
            add_prose(doc, dept.next_steps)
    for name, _, next_steps in data.group_reports:
        if next_steps.strip():
            add_paragraph(doc, f"{name}：", BODY)
            add_prose(doc, next_steps)
    if not data.orders_summary and not any(d.next_steps.strip() for d in departments):
        add_paragraph(doc, "各单位按照“四个清单”对本月发现的隐患问题实行交办、整改、销号全过程闭环管理。", BODY)

    add_paragraph(doc, "四、建议意见", H1)
    for index, line in enumerate(data.suggestions or ["继续落实“两个每月”工作机制，压实行业监管和属地管理责任。"], start=1):
        add_paragraph(doc, f"{index}．{line}" if len(data.suggestions) > 1 else line, BODY)

    annex = annex_title(data.year, data.month, "全区")
    add_attachment_note(doc, [annex])
    _add_annex(doc, annex, data.rows)
    return to_bytes(doc)


_DIGITS = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")


def build_four_lists_docx(title: str, rows: Iterable[FourListRow], *, author: str = "") -> bytes:
    """The 四个清单 alone (a unit and a month or any range), landscape, header on every page."""
    doc = new_document(title=title, author=author)
    setup_section(doc.sections[0], landscape=True)
    add_paragraph(doc, title, TITLE)
    add_grouped_table(doc, FOUR_LIST_GROUPS, FOUR_LIST_WIDTHS,
                      (row.word_cells(n) for n, row in enumerate(rows, start=1)), centered_columns=(0, 4))
    return to_bytes(doc)
