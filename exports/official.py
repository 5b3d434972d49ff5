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
    MARGIN_LEFT,
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
    tbl_pr_put,
    text_width,
    to_bytes,
    unnumbered_section,
)
from .page_estimate import BodyEnd, body_end, table_height_pt

HAZARD_HEADER = ("序号", "隐患编号", "排查对象", "隐患问题", "整改时限", "状态")
# by the layout a 三单 was sent with (workflows.hazards.services_orders.ORDER_LAYOUT): a sent order
# reprints with its own widths. Portrait type area: 15.4 cm.
HAZARD_WIDTHS_BY_LAYOUT = {
    1: tuple(Cm(w) for w in (1.0, 2.7, 2.5, 4.2, 3.2, 1.8)),  # 隐患编号 wrapped at its hyphen
    2: tuple(Cm(w) for w in (1.0, 3.2, 2.6, 4.1, 3.0, 1.5)),  # YH2026-000001 on one line
}
assert all(abs(sum(int(w) for w in widths) - int(TYPE_WIDTH)) < int(Cm(0.01)) for widths in HAZARD_WIDTHS_BY_LAYOUT.values())
CURRENT_LAYOUT = max(HAZARD_WIDTHS_BY_LAYOUT)

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


IMPRINT_THICK = 8  # eighths of a point: 1 pt ≈ 0.35 mm, the first and last rule (GB/T 9704 7.4.1: 0.35 mm)
IMPRINT_THIN = 6  # 0.75 pt ≈ 0.26 mm, the rules inside (0.25 mm)
# the estimate of where the body ends (exports.page_estimate) agrees with LibreOffice within a few
# points; the 版记 shares the body's last page only with this much to spare above and below
IMPRINT_SAFETY_PT = 15.0


def _rule(tag: str, size: int | None):
    el = OxmlElement(f"w:{tag}")
    if size is None:
        el.set(qn("w:val"), "nil")
        return el
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "0"), ("w:color", "000000")):
        el.set(qn(key), value)
    return el


def _imprint_table(doc, data: OfficialDocumentData):
    """The 版记 as a table as wide as the type area: 抄送 (4号仿宋, one character in from each
    side, a wrapped line under the first name, ending 。) over 印发机关 (left, one character in)
    and 印发日期 (right, one character in, followed by 印发). Its rules are the table's borders:
    thick above and below (``w:top``/``w:bottom`` sz 8), thin between (``w:insideH`` sz 6), none
    at the sides. The table floats (``w:tblpPr``) at the bottom of the type area (``vertAnchor``
    margin, ``tblpYSpec`` bottom), so its last rule is the foot of the type area; it is placed from
    the page's left edge by the left margin, as LibreOffice keeps a floating table as wide as the
    type area only when it is placed relative to the page."""
    one_char = int(SIZE_SI.pt * 20)  # twips
    printed = f"{cn_date(data.issued_on)}印发"
    rows: list[tuple[str, str]] = []
    if data.copy_to:
        rows.append((f"抄送：{data.copy_to.rstrip('。.，,；;')}。", ""))
    rows.append((data.printing_office, printed))
    table = doc.add_table(rows=len(rows), cols=2)
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    position = OxmlElement("w:tblpPr")
    for key, value in (("w:leftFromText", "0"), ("w:rightFromText", "0"), ("w:topFromText", "0"), ("w:bottomFromText", "0"),
                       ("w:vertAnchor", "margin"), ("w:horzAnchor", "page"), ("w:tblpX", str(int(MARGIN_LEFT.twips))),
                       ("w:tblpYSpec", "bottom")):
        position.set(qn(key), value)
    tbl_pr_put(tbl_pr, position)
    overlap = OxmlElement("w:tblOverlap")
    overlap.set(qn("w:val"), "never")
    tbl_pr_put(tbl_pr, overlap)
    borders = OxmlElement("w:tblBorders")
    for tag, size in (("top", IMPRINT_THICK), ("left", None), ("bottom", IMPRINT_THICK), ("right", None),
                      ("insideH", IMPRINT_THIN), ("insideV", None)):
        borders.append(_rule(tag, size))
    tbl_pr_put(tbl_pr, borders)
    margins = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr_put(tbl_pr, margins)
    date_width = Emu(int(Pt(SIZE_SI.pt * (text_width(printed) + 4))))  # digits and the space around them are wider than half a character
    widths = (Emu(int(TYPE_WIDTH) - int(date_width)), date_width)
    for index, width in enumerate(widths):
        table.columns[index].width = width
    for r, (left, right) in enumerate(rows):
        cells = table.rows[r].cells
        if not right:
            cells = [cells[0].merge(cells[1])]
            cells[0].width = TYPE_WIDTH
        else:
            for cell, width in zip(cells, widths, strict=True):
                cell.width = width
        for c, (cell, text) in enumerate(zip(cells, (left, right) if right else (left,), strict=True)):
            paragraph = cell.paragraphs[0]
            paragraph.style = doc.styles[BODY.style]
            exact_spacing(paragraph.paragraph_format)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if c == 1 else WD_ALIGN_PARAGRAPH.LEFT
            ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
            ind.set(qn("w:right"), str(one_char) if c == 1 or not right else "0")
            if text.startswith("抄送："):  # a wrapped line starts under the first name: hanging by 抄送：
                ind.set(qn("w:left"), str(one_char * 4))
                ind.set(qn("w:hanging"), str(one_char * 3))
            else:
                ind.set(qn("w:left"), str(one_char) if c == 0 else "0")
                ind.set(qn("w:firstLine"), "0")
            format_run(paragraph.add_run(text), font=FONT_FANGSONG, size=SIZE_SI)
    return table


def imprint_on_own_page(end: BodyEnd, imprint_pt: float) -> bool:
    """Does the 版记 need a page of its own? GB/T 9704 puts it on the document's last side (公文
    最后一面): printed on both sides, an even page. So it stays on the page where the body ends
    when that page is even and has room for it under the body (with ``IMPRINT_SAFETY_PT`` to
    spare, and the body's end at least that far into the page, so an estimate a little off
    cannot move it to the odd page before); otherwise it goes on the next even page: the page
    after an odd last page, or two pages on from a full even one, leaving a blank page between
    (空白页和版记页均不编排页码)."""
    return not (end.page % 2 == 0 and end.room_pt >= imprint_pt + IMPRINT_SAFETY_PT and end.used_pt >= IMPRINT_SAFETY_PT)


def _imprint(doc, data: OfficialDocumentData) -> None:
    """版记 at the foot of the document's last side. Where the body ends is estimated from the
    document (``exports.page_estimate.body_end``); if the 版记 may not share that page
    (``imprint_on_own_page``), it starts a section of its own that begins on the next even page
    (``w:type evenPage``: Word and LibreOffice insert the blank page when one is needed) and whose
    pages carry no page number. The floating table is anchored to the paragraph after it, so it
    stands on the page that paragraph is on; a 1 pt paragraph before it keeps it apart from the
    signature's table and the section from starting with a floating table (LibreOffice would
    anchor it in the section before)."""
    end = body_end(doc)
    table = _imprint_table(doc, data)
    tbl = table._tbl
    own_page = imprint_on_own_page(end, table_height_pt(table))
    tbl.getparent().remove(tbl)
    if own_page:
        unnumbered_section(doc)
    _hairline(doc)._p.addnext(tbl)
    _hairline(doc)


def _hairline(doc):
    paragraph = doc.add_paragraph(style=BODY.style)
    exact_spacing(paragraph.paragraph_format)
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(1)
    return paragraph


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
            HAZARD_WIDTHS_BY_LAYOUT[data.layout or CURRENT_LAYOUT], centered_columns=(0, 5))
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
