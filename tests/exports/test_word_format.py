"""The Word exports in the format of 附件2, checked on the file python-docx reads back."""

from __future__ import annotations

import datetime

from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from exports.data import Baseline, BasicFacts, CategoryCount, FourListRow, MonthlyReportData, OfficialDocumentData
from exports.monthly_report import basic_sentence, build_four_lists_docx, build_monthly_report
from exports.official import build_official_document

from .docx_checks import (
    assert_core_properties,
    assert_official_layout,
    assert_page_number_footer,
    bold_runs,
    cant_split,
    east_asia,
    header_rows,
    is_repeated_header,
    open_docx,
    paragraphs_with_style,
    style_east_asia,
    table_width,
)


def facts(**overrides) -> BasicFacts:
    values = dict(department_name="区应急管理局", sector_names=("危化品", "工贸"), start=datetime.date(2026, 3, 2),
                  end=datetime.date(2026, 3, 28), group_count=2, jurisdiction_names=("拱辰街道", "北高镇"), village_count=3,
                  target_count=5, hazard_total=7, major_count=2, general_count=5, prominent_count=1, inspection_count=6)
    values.update(overrides)
    return BasicFacts(**values)


def row(n: int, **overrides) -> FourListRow:
    values = dict(target=f"企业{n}", inspecting_unit="区应急管理局", problem=f"问题{n}", level="一般隐患", measures="清理通道",
                  deadline=datetime.date(2026, 3, 31), state="整改中", responsible_unit="拱辰街道", responsible_person="张三")
    values.update(overrides)
    return FourListRow(**values)


def report(rows=(), **overrides) -> MonthlyReportData:
    values = dict(
        year=2026, month=3, unit_name="区应急管理局", report_date=datetime.date(2026, 4, 3),
        baseline=Baseline(("危化品", "工贸"), 12, (CategoryCount("规下企业", 5, (("小微企业", 3), ("小作坊", 2))),), 7),
        facts=facts(), highlights="（一）建立清单\n对辖区企业逐家建档。\n1. 专家参与\n邀请专家。",
        problems="部分企业培训不到位。", next_steps="加强执法检查。", rows=list(rows))
    values.update(overrides)
    return MonthlyReportData(**values)


def test_basic_sentence_is_the_sentence_of_attachment_2_with_every_figure_filled():
    assert basic_sentence(facts(), 3) == (
        "区应急管理局牵头负责督导检查危化品、工贸行业领域安全生产工作，于3月2日至28日，组成2个督导检查组，"
        "共排查检查了拱辰街道、北高镇等镇街、3个村居、5家企业（场所、工程、项目等），督导检查发现隐患问题7项，"
        "其中重大隐患问题2项、一般隐患问题5项、突出隐患1项。"
    )
    assert "安全生产干工作" not in basic_sentence(facts(), 3)
    one_day = basic_sentence(facts(start=datetime.date(2026, 3, 5), end=datetime.date(2026, 3, 5), jurisdiction_names=("北高镇",)), 3)
    assert "于3月5日，" in one_day and "共排查检查了北高镇、3个村居" in one_day
    # a month without inspections or findings says so (not "组成0个督导检查组…0个镇街")
    idle = basic_sentence(facts(start=None, end=None, group_count=0, jurisdiction_names=(), village_count=0, target_count=0,
                                inspection_count=0, hazard_total=0, major_count=0, general_count=0, prominent_count=0), 3)
    assert idle == "区应急管理局牵头负责督导检查危化品、工贸行业领域安全生产工作。3月，本单位未开展督导检查，未发现隐患问题。"
    assert "0个" not in idle
    # a special group's report names its 督导属地
    group = basic_sentence(facts(unit_kind="group", group_name="区住建局专项督导检查组", area_names=("新度镇",)), 3)
    assert group.startswith("区应急管理局牵头区住建局专项督导检查组，负责专项督导新度镇安全生产工作，于3月2日至28日")


def test_monthly_report_layout_fonts_sizes_and_spacing():
    doc = open_docx(build_monthly_report(report([row(1), row(2)])))
    assert_official_layout(doc)
    assert_page_number_footer(doc)
    assert_core_properties(doc, title="区应急管理局2026年3月督导检查情况", author="区应急管理局")

    title = doc.paragraphs[0]
    assert title.text == "2026年3月督导检查情况"
    assert title.alignment == 1
    assert east_asia(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    assert style_east_asia(doc.styles["公文标题"]) == "方正小标宋简体"
    unit, date_line = doc.paragraphs[1], doc.paragraphs[2]
    assert unit.text == "区应急管理局" and date_line.text == "（2026年4月3日）"
    for line in (unit, date_line):
        assert east_asia(line.runs[0]) == "楷体" and line.runs[0].font.bold and line.runs[0].font.size == Pt(16)

    headings = paragraphs_with_style(doc, "一级标题")
    assert [p.text for p in headings] == ["一、监管对象底数", "二、基本情况", "三、特色亮点", "四、主要问题及风险研判", "五、下一步工作打算"]
    for p in headings:
        assert east_asia(p.runs[0]) == "黑体" and p.runs[0].font.size == Pt(16) and not p.runs[0].font.bold
    assert style_east_asia(doc.styles["一级标题"]) == "黑体"
    (h2,) = paragraphs_with_style(doc, "二级标题")
    assert h2.text == "（一）建立清单" and east_asia(h2.runs[0]) == "楷体" and h2.runs[0].font.bold
    (h3,) = paragraphs_with_style(doc, "三级标题")
    assert h3.text == "1. 专家参与" and east_asia(h3.runs[0]) == "仿宋" and h3.runs[0].font.bold

    body = next(p for p in doc.paragraphs if p.text.startswith("区应急管理局牵头负责"))
    assert body.text == basic_sentence(facts(), 3)
    assert east_asia(body.runs[0]) == "仿宋" and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)  # 2 characters of 三号
    assert body.paragraph_format.element.pPr.ind.get(qn("w:firstLineChars")) == "200"

    texts = [p.text for p in doc.paragraphs]
    assert "本单位主管的危化品、工贸行业领域在管监管对象共12家。" in texts
    assert "按监管对象类别分：规下企业5家（其中小微企业3家、小作坊2家），未标注类别7家。" in texts
    note = next(p for p in doc.paragraphs if p.text == "附件：2026年3月区应急管理局督导检查隐患问题“四个清单”")
    ind = note.paragraph_format.element.pPr.ind  # hanging: a wrapped name lines up under its first character
    assert ind.get(qn("w:leftChars")) == "500" and ind.get(qn("w:hangingChars")) == "300"
    assert int(ind.get(qn("w:left"))) - int(ind.get(qn("w:hanging"))) == 640  # the first line two characters in
    assert texts[-2:] == ["附件", "2026年3月区应急管理局督导检查隐患问题“四个清单”"]
    assert east_asia(doc.paragraphs[-2].runs[0]) == "黑体"


def test_four_lists_annex_is_a_landscape_table_with_a_two_row_header_on_every_page():
    rows = [row(1, problem="第一行\n第二行", level="重大隐患（突出）"), row(2, responsible_person="")]
    doc = open_docx(build_monthly_report(report(rows)))
    assert doc.sections[0].orientation == WD_ORIENT.PORTRAIT
    annex = doc.sections[-1]
    assert annex.orientation == WD_ORIENT.LANDSCAPE and annex.page_width > annex.page_height
    (table,) = doc.tables
    assert header_rows(table) == [
        ["序号", "排查清单", "隐患清单", "整改清单", "责任清单"],
        ["", "排查对象", "排查单位", "隐患问题", "隐患等级", "整改措施", "整改时限/状态", "责任单位", "责任人"],
    ]
    first, second = table._tbl.tr_lst[:2]
    assert is_repeated_header(first) and is_repeated_header(second)
    assert not is_repeated_header(table._tbl.tr_lst[2])
    spans = [tc.tcPr.find(qn("w:gridSpan")) for tc in first.tc_lst]
    assert [s.get(qn("w:val")) if s is not None else "1" for s in spans] == ["1", "2", "2", "2", "2"]
    assert first.tc_lst[0].tcPr.find(qn("w:vMerge")).get(qn("w:val")) == "restart"
    cells = [[c.text for c in r.cells] for r in table.rows[2:]]
    assert cells == [
        ["1", "企业1", "区应急管理局", "第一行\n第二行", "重大隐患（突出）", "清理通道", "2026年3月31日\n整改中", "拱辰街道", "张三"],
        ["2", "企业2", "区应急管理局", "问题2", "一般隐患", "清理通道", "2026年3月31日\n整改中", "拱辰街道", "—"],
    ]
    assert all(cant_split(tr) for tr in table._tbl.tr_lst), "a row split across pages"
    assert abs(table_width(table) - (annex.page_width - annex.left_margin - annex.right_margin)) <= int(Cm(0.01))
    data_run = table.rows[2].cells[3].paragraphs[0].runs[0]
    assert east_asia(data_run) == "仿宋" and data_run.font.size == Pt(9)
    assert table.rows[2].cells[3].paragraphs[0].paragraph_format.line_spacing == Pt(12)
    head_run = table.rows[1].cells[1].paragraphs[0].runs[0]
    assert east_asia(head_run) == "黑体"


def test_many_rows_are_all_written_from_the_template_row():
    doc = open_docx(build_monthly_report(report([row(n) for n in range(1, 1201)])))
    table = doc.tables[0]
    assert len(table._tbl.tr_lst) == 1202
    last = table._tbl.tr_lst[-1]
    assert "".join(t.text for t in last.tc_lst[0].iter(qn("w:t"))) == "1200"
    assert "".join(t.text for t in last.tc_lst[1].iter(qn("w:t"))) == "企业1200"


def test_empty_prose_leaves_a_visible_placeholder_in_a_draft_only_and_no_rows_leaves_only_the_header():
    doc = open_docx(build_monthly_report(report(highlights="", problems="", next_steps="", is_draft=True)))
    assert any(p.text.startswith("（待填写：总结督导检查") for p in doc.paragraphs)
    sent = open_docx(build_monthly_report(report(highlights="", problems="", next_steps="")))
    assert not any("待填写" in p.text for p in sent.paragraphs)
    assert len(doc.tables[0]._tbl.tr_lst) == 2
    assert_official_layout(doc)


def test_official_document_has_number_title_addressee_body_issuer_and_date():
    data = OfficialDocumentData(
        kind="督办单", doc_number="荔安办督〔2026〕12号", title="安全生产隐患督办单", addressee="拱辰街道办事处",
        body="下列隐患问题现予挂牌督办。\n（一）整改要求\n按方案整改。", issuer="荔城区人民政府安全生产委员会办公室",
        issued_on=datetime.date(2026, 3, 9), rows=(row(1, code="YH2026-000001"),), reply_due=datetime.date(2026, 3, 31),
        reply="已落实。", copy_to="区委督查室", attachments=("整改方案",))
    doc = open_docx(build_official_document(data))
    assert_official_layout(doc)
    assert_page_number_footer(doc)
    assert_core_properties(doc, title="安全生产隐患督办单", author="荔城区人民政府安全生产委员会办公室")
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "安全生产隐患督办单" and east_asia(doc.paragraphs[0].runs[0]) == "方正小标宋简体"
    assert texts[1] == "荔安办督〔2026〕12号"
    assert "拱辰街道办事处：" in texts
    assert "（一）整改要求" in texts
    # the due date is said once; the recipient's later reply is not part of what was sent
    assert "请于2026年3月31日前将整改落实情况书面报送荔城区人民政府安全生产委员会办公室。" in texts
    assert sum("2026年3月31日前" in t for t in texts) == 1 and "已落实。" not in texts
    assert "附件：整改方案" in texts
    assert texts[-1] == "抄送：区委督查室。"
    hazards, signature = doc.tables
    assert [c.text for c in hazards.rows[1].cells] == ["1", "YH2026-000001", "企业1", "问题1", "2026年3月31日", "整改中"]
    assert is_repeated_header(hazards._tbl.tr_lst[0]) and all(cant_split(tr) for tr in hazards._tbl.tr_lst)
    # 署名 centred over 成文日期 in one row that may not split: they never part across pages
    (tr,) = signature._tbl.tr_lst
    assert cant_split(tr)
    cell = signature.rows[0].cells[1]
    assert [p.text for p in cell.paragraphs] == ["荔城区人民政府安全生产委员会办公室", "2026年3月9日"]
    assert all(p.alignment == 1 for p in cell.paragraphs) and cell.paragraphs[0].paragraph_format.keep_with_next
    assert table_width(signature) <= Cm(15.41)
    before = signature._tbl.getprevious()  # the line before the signature keeps with it
    assert before.pPr.find(qn("w:keepNext")) is not None


def test_heading_phrase_only_is_bold():
    prose = "（一）建立清单。对辖区企业逐家建档，做到底数清。\n1.专家参与：邀请专家参加检查。\n（二）压实责任\n（1）细化分工。"
    doc = open_docx(build_monthly_report(report(highlights=prose)))
    by_text = {p.text: p for p in doc.paragraphs}
    first = by_text["（一）建立清单。对辖区企业逐家建档，做到底数清。"]
    assert bold_runs(first) == ["（一）建立清单。"]
    assert east_asia(first.runs[0]) == "楷体" and east_asia(first.runs[1]) == "仿宋" and not first.runs[1].font.bold
    assert first.style.name == "Normal" and first.paragraph_format.element.pPr.ind.get(qn("w:firstLineChars")) == "200"
    third_level = by_text["1.专家参与：邀请专家参加检查。"]
    assert bold_runs(third_level) == ["1.专家参与："] and east_asia(third_level.runs[0]) == "仿宋"
    whole = by_text["（二）压实责任"]
    assert whole.style.name == "二级标题" and bold_runs(whole) == ["（二）压实责任"]
    assert bold_runs(by_text["（1）细化分工。"]) == []


def test_draft_report_says_so_on_every_page():
    data = report([row(1)])
    data.is_draft = True  # the coordinator's field; the exporter reads it with getattr
    doc = open_docx(build_monthly_report(data))
    for section in doc.sections:
        for part in (section.header, section.even_page_header):
            marks = [r for p in part.paragraphs for r in p.runs if "草稿" in r.text]
            assert marks and marks[0].font.color.rgb == RGBColor(0xFF, 0, 0)
    plain = open_docx(build_monthly_report(report([row(1)])))
    assert all("草稿" not in p.text for s in plain.sections for p in s.header.paragraphs)


def test_four_lists_document_alone_is_landscape_with_its_title():
    doc = open_docx(build_four_lists_docx("2026年3月区应急管理局督导检查隐患问题“四个清单”", [row(1)]))
    assert_official_layout(doc)
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert doc.paragraphs[0].text == "2026年3月区应急管理局督导检查隐患问题“四个清单”"
    assert len(doc.tables[0].rows) == 3


def test_titles_break_between_words_in_a_balanced_shape():
    from exports.docx_base import title_lines

    assert title_lines("2026年3月督导检查情况") == ["2026年3月督导检查情况"]
    assert title_lines("关于2026年10月安全生产督导检查情况的通报") == ["关于2026年10月安全生产", "督导检查情况的通报"]
    lines = title_lines("2026年10月全区安全生产常态化督导检查情况")
    assert len(lines) == 2 and all(len(line) >= 6 for line in lines) and "".join(lines) == "2026年10月全区安全生产常态化督导检查情况"
    data = OfficialDocumentData(kind="通报", doc_number="", title="关于2026年10月安全生产督导检查情况的通报", addressee="",
                                body="正文。", issuer="荔城区人民政府安全生产委员会办公室", issued_on=datetime.date(2026, 11, 3))
    title = open_docx(build_official_document(data)).paragraphs[0]
    assert title.text == "关于2026年10月安全生产\n督导检查情况的通报"  # one paragraph, a line break between the words
