"""三单 (工作交办单, 提醒单, 督办单), 督导检查反馈意见 and 通报 as official documents:
title, 文号, 主送, body, the hazards concerned, reply, issuing office and date."""

from __future__ import annotations

from docx.shared import Cm, Pt

from .data import OfficialDocumentData
from .docx_base import (
    BODY,
    BODY_FLUSH,
    BODY_RIGHT,
    NUMBER_LINE,
    TITLE,
    ColumnGroup,
    add_grouped_table,
    add_paragraph,
    add_prose,
    cn_date,
    new_document,
    to_bytes,
)

HAZARD_GROUPS = (
    ColumnGroup("序号"),
    ColumnGroup("隐患编号"),
    ColumnGroup("排查对象"),
    ColumnGroup("隐患问题"),
    ColumnGroup("整改时限/状态"),
)
HAZARD_WIDTHS = tuple(Cm(w) for w in (1.3, 3.2, 3.0, 5.0, 2.9))  # portrait: 21 − 2 × 2.8 = 15.4 cm


def build_official_document(data: OfficialDocumentData) -> bytes:
    doc = new_document()
    add_paragraph(doc, data.title, TITLE)
    if data.doc_number:
        add_paragraph(doc, data.doc_number, NUMBER_LINE)
    add_paragraph(doc, "", BODY)
    if data.addressee:
        add_paragraph(doc, f"{data.addressee}：", BODY_FLUSH)
    add_prose(doc, data.body)
    if data.rows:
        add_paragraph(doc, f"涉及隐患问题{len(data.rows)}项，清单如下：", BODY)
        add_grouped_table(doc, HAZARD_GROUPS, HAZARD_WIDTHS,
                          ((str(n), row.code, row.target, row.problem, row.deadline_state) for n, row in enumerate(data.rows, start=1)))
    if data.reply_due:
        add_paragraph(doc, f"请于{cn_date(data.reply_due)}前将整改落实情况书面反馈{data.issuer}。", BODY)
    if data.reply.strip():
        add_paragraph(doc, "回复情况：", BODY)
        add_prose(doc, data.reply)
    if data.attachments:
        for index, name in enumerate(data.attachments, start=1):
            prefix = "附件：" if index == 1 else "　　　"
            number = f"{index}．" if len(data.attachments) > 1 else ""
            add_paragraph(doc, f"{prefix}{number}{name}", BODY)
    add_paragraph(doc, "", BODY)
    add_paragraph(doc, "", BODY)
    for text in (data.issuer, cn_date(data.issued_on)):
        paragraph = add_paragraph(doc, text, BODY_RIGHT)
        paragraph.paragraph_format.right_indent = Pt(16 * 4)
    if data.copy_to:
        add_paragraph(doc, "", BODY)
        add_paragraph(doc, f"抄送：{data.copy_to}。", BODY_FLUSH)
    return to_bytes(doc)
