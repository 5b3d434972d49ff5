"""Table rows of the exports for awkward text (markup, quotes, CR/LF, control characters, emoji,
3,000 characters, short rows): the same XML as a deep copy of a blank row with each ``w:t``
set line by line, one namespace declaration in document.xml, and the saved document reads back
with the same cell texts.

(Building the rows as text and parsing them 500 at a time was tried as a faster path: it was
2× slower than the deep copy — a row of the 四个清单 is 6 KB of XML — and was not kept.)"""

from __future__ import annotations

import copy
import io

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from exports.docx_base import _XML_BAD, add_grouped_table, new_document
from exports.monthly_report import FOUR_LIST_GROUPS, FOUR_LIST_WIDTHS

ROWS = [
    ["1", "荔城化工仓储有限公司", "应急管理局", "储罐区可燃气体报警器失效", "一般隐患", "更换报警器", "2026-12-01／整改中", "—", "张三"],
    ["2", "A & B <公司>", "x\"y'z", "第一行\n第二行\r\n第三行", "重大隐患（突出）", "含\x00NUL\x07与\x1f控制字符", "回车\r留在行内", "", "😀 emoji"],
    ["3", "  前后空格  ", "]]>", "&amp; 已转义的样子", "<script>alert(1)</script>", "\n", "\n\n", "末尾换行\n", "x" * 3000],
    ["4", "少于九列"],
]


def _reference_text(t, text: str) -> None:
    """What the exports did before: python-docx elements, one ``w:br`` + ``w:t`` per line."""
    text = _XML_BAD.sub("", text)
    if "\n" not in text:
        t.text = text
        return
    lines = text.replace("\r\n", "\n").split("\n")
    t.text = lines[0]
    anchor = t
    for line in lines[1:]:
        br = OxmlElement("w:br")
        anchor.addnext(br)
        nt = OxmlElement("w:t")
        nt.set(qn("xml:space"), "preserve")
        nt.text = line
        br.addnext(nt)
        anchor = nt


def _canonical(element) -> bytes:
    return etree.tostring(element, method="c14n")


def test_rows_from_text_equal_rows_from_deep_copies():
    fast_doc = new_document()
    assert add_grouped_table(fast_doc, FOUR_LIST_GROUPS, FOUR_LIST_WIDTHS, ROWS) == len(ROWS)

    ref_doc = new_document()
    add_grouped_table(ref_doc, FOUR_LIST_GROUPS, FOUR_LIST_WIDTHS, [[""] * 9])
    tbl = ref_doc.tables[-1]._tbl
    blank = tbl.tr_lst[-1]
    tbl.remove(blank)
    for values in ROWS:
        tr = copy.deepcopy(blank)
        for t, value in zip(list(tr.iter(qn("w:t"))), values, strict=False):
            _reference_text(t, value)
        tbl.append(tr)

    fast_rows, ref_rows = fast_doc.tables[-1]._tbl.tr_lst, ref_doc.tables[-1]._tbl.tr_lst
    assert len(fast_rows) == len(ref_rows) == len(ROWS) + 2
    for fast, ref in zip(fast_rows, ref_rows, strict=True):
        assert _canonical(fast) == _canonical(ref)
    # the rows carry no namespace declarations of their own in the saved document.xml
    body = etree.tostring(fast_doc.element)
    assert body.count(b"xmlns:w=") == 1 and b"<w:tr xmlns" not in body


def test_the_saved_document_reads_back_the_same_texts():
    doc = new_document()
    add_grouped_table(doc, FOUR_LIST_GROUPS, FOUR_LIST_WIDTHS, ROWS)
    buffer = io.BytesIO()
    doc.save(buffer)
    table = docx.Document(io.BytesIO(buffer.getvalue())).tables[-1]
    second = [cell.text for cell in table.rows[3].cells]
    assert second[1] == "A & B <公司>" and second[2] == "x\"y'z"
    assert second[3] == "第一行\n第二行\n第三行"
    assert second[5] == "含NUL与控制字符" and second[6] == "回车\r留在行内" and second[8] == "😀 emoji"
    third = [cell.text for cell in table.rows[4].cells]
    assert third[2] == "]]>" and third[3] == "&amp; 已转义的样子" and third[4] == "<script>alert(1)</script>" and third[8] == "x" * 3000
    assert [cell.text for cell in table.rows[5].cells][:2] == ["4", "少于九列"]
