"""三单 (工作交办单, 提醒单, 督办单), 督导检查反馈意见 and 通报 as official documents (GB/T 9704):
版头 (a 通报: red 发文机关标志, 发文字号, red separator line), title broken in a balanced shape,
主送, body (a 通报's tables as real tables), the hazards concerned as a table, 附件说明, 署名 centred
over 成文日期 and kept with it, and 版记 (抄送, 印发机关, 印发日期) at the foot of the last page."""

from __future__ import annotations

import re

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt

from .data import DocBlock, OfficialDocumentData
from .docx_base import (
    BODY,
    BODY_FLUSH,
    FONT_FANGSONG,
    FONT_TITLE,
    H1,
    NUMBER_LINE,
    RED,
    SIZE_SI,
    TITLE,
    TYPE_WIDTH,
    add_attachment_note,
    add_paragraph,
    add_prose,
    add_signature,
    add_table,
    add_title,
    cn_date,
    exact_spacing,
    format_run,
    new_document,
    text_width,
    to_bytes,
)

HAZARD_HEADER = ("序号", "隐患编号", "排查对象", "隐患问题", "整改时限", "状态")
HAZARD_WIDTHS = tuple(Cm(w) for w in (1.0, 2.7, 2.5, 4.2, 3.2, 1.8))  # portrait type area: 15.4 cm
assert abs(sum(int(w) for w in HAZARD_WIDTHS) - int(TYPE_WIDTH)) < int(Cm(0.01))

# 序号, 属地, 排查对象, 隐患问题, 隐患等级, 整改时限, 状态 (exports.selectors.NOTICE_HAZARD_HEADER)
NOTICE_HAZARD_WIDTHS = tuple(Cm(w) for w in (1.0, 1.6, 2.3, 3.9, 1.6, 3.2, 1.8))
assert abs(sum(int(w) for w in NOTICE_HAZARD_WIDTHS) - int(TYPE_WIDTH)) < int(Cm(0.01))

def _letterhead(doc, data: OfficialDocumentData) -> None:
    """版头: 发文机关标志 in red 小标宋 centred, 35 mm below the top of the type area; the 发文字号
    centred two lines below it; the red separator line 4 mm under the 发文字号, as wide as the
    type area. A draft has no 发文字号 (the line stays)."""
    name = data.header_name
    size = min(36.0, int(TYPE_WIDTH) / 12700 / max(text_width(name), 1) - 1)
    logo = doc.add_paragraph(style=TITLE.style)
    logo.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pf = logo.paragraph_format
    exact_spacing(pf)
    pf.line_spacing = Pt(round(size * 1.25))
    pf.space_before = Pt(35 / 25.4 * 72 - size * 0.25)
    pf.first_line_indent = Pt(0)
    run = logo.add_run(name)
    format_run(run, font=FONT_TITLE, size=Pt(round(size)))
    run.font.color.rgb = RED
    add_paragraph(doc, "", BODY)
    number = add_paragraph(doc, data.doc_number, NUMBER_LINE)
    _bottom_rule(number, color="FF0000", size_eighths=12, space_pt=11)  # 4 mm ≈ 11 pt


def _bottom_rule(paragraph, *, color: str, size_eighths: int, space_pt: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size_eighths))
    bottom.set(qn("w:space"), str(space_pt))
    bottom.set(qn("w:color"), color)
    borders.append(bottom)
    # w:pBdr goes before w:spacing / w:ind / w:jc in CT_PPr's sequence
    anchor = next((ppr.find(qn(t)) for t in ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc") if ppr.find(qn(t)) is not None), None)
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        ppr.append(borders)


def _column_widths(header, rows, width=TYPE_WIDTH) -> list[Emu]:
    """Widths in proportion to what each column holds (its longest cell, capped), summing to ``width``."""
    wants = []
    for index, title in enumerate(header):
        longest = max([text_width(str(title))] + [text_width(str(r[index])) for r in rows if index < len(r)])
        wants.append(min(max(longest, 2.0), 16.0) + 1)
    total = sum(wants)
    widths = [Emu(int(int(width) * w / total)) for w in wants]
    widths[-1] = Emu(int(width) - sum(int(w) for w in widths[:-1]))
    return widths


def _add_blocks(doc, blocks: tuple[DocBlock, ...]) -> None:
    for block in blocks:
        if block.kind == "heading":
            add_paragraph(doc, block.text, H1)
        elif block.kind == "paragraph":
            add_prose(doc, block.text)
        elif block.kind == "caption":
            add_paragraph(doc, block.text, NUMBER_LINE).paragraph_format.keep_with_next = True
        elif block.kind == "table":
            numeric = [i for i in range(len(block.header))
                       if block.rows and all(re.fullmatch(r"[\d.,%-]*", str(r[i]) if i < len(r) else "") for r in block.rows)]
            widths = NOTICE_HAZARD_WIDTHS if len(block.header) == 7 and block.header[3] == "隐患问题" \
                else _column_widths(block.header, block.rows)
            add_table(doc, block.header, block.rows, widths,
                      centered_columns=set(numeric) | {0} if block.header and block.header[0] == "序号" else set(numeric))
            add_paragraph(doc, "", BODY)


IMPRINT_THICK = 8  # eighths of a point: 1 pt ≈ 0.35 mm, the first and last rule
IMPRINT_THIN = 6  # 0.75 pt ≈ 0.25 mm, the rules inside


def _imprint(doc, data: OfficialDocumentData) -> None:
    """版记 at the foot of the last page: 抄送 (4号仿宋, one character in from each side, full-width
    colon, ending 。) and 印发机关 / 印发日期 (left and right, one character in, the date followed by
    印发), between a thick first and last rule and a thin rule inside. The paragraphs share one
    frame (``w:framePr``) anchored to the bottom of the type area, so they stand at the foot of
    whichever page the document ends on. LibreOffice keeps a frame only when its paragraphs have
    the same borders and no top border: each has a thick bottom and a thin ``between`` rule, and
    the first rule is drawn under an empty line 2 pt high."""
    one_char = int(SIZE_SI.pt * 20)  # twips
    width = int(TYPE_WIDTH.twips)
    lines = []
    if data.copy_to:
        lines.append(("copy", f"抄送：{data.copy_to.rstrip('。.，,；;')}。", IMPRINT_THIN))
    printed = f"{cn_date(data.issued_on)}印发"
    # 印发日期 flush right, one character in: padded with spaces (a tab stop in a frame is not
    # kept by LibreOffice); the line holds (type width − 2 characters) of 4号
    room = (int(TYPE_WIDTH) / int(SIZE_SI)) - 4 - text_width(data.printing_office) - text_width(printed)
    pad = "\u3000" * int(room) + (" " if room - int(room) >= 0.5 else "")
    lines.append(("print", f"{data.printing_office}{pad}{printed}", IMPRINT_THICK))
    for kind, text, _rule in lines:
        paragraph = doc.add_paragraph(style=BODY.style)
        exact_spacing(paragraph.paragraph_format)
        if kind == "rule":
            paragraph.paragraph_format.line_spacing = Pt(2)
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        ppr = paragraph._p.get_or_add_pPr()
        frame = OxmlElement("w:framePr")
        for key, value in (("w:w", str(width)), ("w:wrap", "around"), ("w:vAnchor", "margin"), ("w:hAnchor", "margin"),
                           ("w:xAlign", "center"), ("w:yAlign", "bottom")):
            frame.set(qn(key), value)
        borders = OxmlElement("w:pBdr")
        for side, size in (("top", IMPRINT_THICK), ("bottom", IMPRINT_THICK)):
            line = OxmlElement(f"w:{side}")
            for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", "000000")):
                line.set(qn(key), value)
            borders.append(line)
        # CT_PPr order: pStyle, keepNext, keepLines, pageBreakBefore, framePr, widowControl, numPr,
        # suppressLineNumbers, pBdr, shd, tabs, …, spacing, ind, …, jc
        style = ppr.find(qn("w:pStyle"))
        if style is not None:
            style.addnext(frame)
        else:
            ppr.insert(0, frame)
        frame.addnext(borders)
        ind = ppr.get_or_add_ind()
        ind.set(qn("w:left"), str(one_char) if kind != "rule" else "0")
        ind.set(qn("w:right"), str(one_char))
        ind.set(qn("w:firstLine"), "0")
        ind.attrib.pop(qn("w:firstLineChars"), None)
        if text:
            format_run(paragraph.add_run(text), font=FONT_FANGSONG, size=SIZE_SI)
    # a frame is anchored to the paragraph after it: the document ends with an empty one
    tail = doc.add_paragraph(style=BODY.style)
    exact_spacing(tail.paragraph_format)
    tail.paragraph_format.line_spacing = Pt(1)


def build_official_document(data: OfficialDocumentData) -> bytes:
    doc = new_document(title=data.title, author=data.issuer, is_draft=data.is_draft)
    if data.header_name:
        _letterhead(doc, data)
        add_paragraph(doc, "", BODY)
        add_title(doc, data.title)
    else:
        add_title(doc, data.title)
        if data.doc_number:
            add_paragraph(doc, data.doc_number, NUMBER_LINE)
    add_paragraph(doc, "", BODY)
    if data.addressee:
        add_paragraph(doc, f"{data.addressee}：", BODY_FLUSH)
    if data.blocks:
        _add_blocks(doc, data.blocks)
    else:
        add_prose(doc, data.body)
    if data.rows:
        if "以下" not in data.body:
            add_paragraph(doc, f"隐患问题清单如下（共{len(data.rows)}项）：", BODY)
        doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the sentence that leads to the table stays with it
        add_table(doc, HAZARD_HEADER, [
            (str(n), row.code, row.target, row.problem, cn_date(row.deadline) if row.deadline else "未定",
             row.state + ("（逾期）" if row.is_overdue else "")) for n, row in enumerate(data.rows, start=1)],
            HAZARD_WIDTHS, centered_columns=(0, 5))
        if data.rows_state_note:
            add_paragraph(doc, data.rows_state_note, BODY_FLUSH)
    if data.reply_due:
        add_paragraph(doc, f"请于{cn_date(data.reply_due)}前将整改落实情况书面报送{data.issuer}。", BODY)
    add_attachment_note(doc, list(data.attachments))
    add_paragraph(doc, "", BODY)
    add_signature(doc, data.issuer, data.issued_on)
    if data.printing_office:
        _imprint(doc, data)
    elif data.copy_to:
        add_paragraph(doc, "", BODY)
        add_paragraph(doc, f"抄送：{data.copy_to.rstrip('。')}。", BODY_FLUSH)
    return to_bytes(doc)
