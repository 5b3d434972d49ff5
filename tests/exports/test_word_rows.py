"""Table rows of the exports for awkward text (markup, quotes, CR/LF, control characters, emoji,
3,000 characters, short rows): the same XML as a deep copy of a blank row with each ``w:t``
set line by line, one namespace declaration in document.xml, and the saved document reads back
with the same cell texts.

The exports write the rows as text into word/document.xml while saving (``to_bytes``); the
reference here builds them as python-docx elements, as the exports did before."""

from __future__ import annotations

import copy
import io
import zipfile

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from exports.docx_base import _XML_BAD, add_grouped_table, new_document, to_bytes
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


def _saved_rows(content: bytes):
    return docx.Document(io.BytesIO(content)).tables[-1]._tbl.tr_lst


def test_rows_written_as_text_equal_rows_built_as_elements():
    fast_doc = new_document()
    add_grouped_table(fast_doc, FOUR_LIST_GROUPS, FOUR_LIST_WIDTHS, iter(ROWS))
    fast = to_bytes(fast_doc)

    # the reference: python-docx elements, a deep copy of the template row per data row
    ref_doc = new_document()
    add_grouped_table(ref_doc, FOUR_LIST_GROUPS, FOUR_LIST_WIDTHS, [])
    tbl = ref_doc.tables[-1]._tbl
    template = tbl.tr_lst[-1]
    tbl.remove(template)
    for t in template.iter(qn("w:t")):
        t.text = ""
    for values in ROWS:
        tr = copy.deepcopy(template)
        for t, value in zip(list(tr.iter(qn("w:t"))), values, strict=False):
            _reference_text(t, value)
        tbl.append(tr)
    ref_doc._deferred_tables = []
    reference = to_bytes(ref_doc)

    fast_rows, ref_rows = _saved_rows(fast), _saved_rows(reference)
    assert len(fast_rows) == len(ref_rows) == len(ROWS) + 2
    for mine, theirs in zip(fast_rows, ref_rows, strict=True):
        assert _canonical(mine) == _canonical(theirs)
    # one namespace declaration in document.xml: the rows carry none of their own
    with zipfile.ZipFile(io.BytesIO(fast)) as package:
        body = package.read("word/document.xml")
        assert package.testzip() is None
    assert body.count(b"xmlns:w=") == 1 and b"<w:tr xmlns" not in body and "\ue000".encode() not in body


def test_two_tables_in_one_document_and_an_empty_one():
    doc = new_document()
    add_grouped_table(doc, FOUR_LIST_GROUPS, FOUR_LIST_WIDTHS, (r for r in ROWS[:2]))
    add_grouped_table(doc, FOUR_LIST_GROUPS, FOUR_LIST_WIDTHS, [])
    add_grouped_table(doc, FOUR_LIST_GROUPS, FOUR_LIST_WIDTHS, [ROWS[0]])
    tables = docx.Document(io.BytesIO(to_bytes(doc))).tables
    assert [len(t.rows) for t in tables[-3:]] == [4, 2, 3]
    assert tables[-1].rows[2].cells[1].text == "荔城化工仓储有限公司"


def test_the_saved_document_reads_back_the_same_texts():
    doc = new_document()
    add_grouped_table(doc, FOUR_LIST_GROUPS, FOUR_LIST_WIDTHS, ROWS)
    table = docx.Document(io.BytesIO(to_bytes(doc))).tables[-1]
    second = [cell.text for cell in table.rows[3].cells]
    assert second[1] == "A & B <公司>" and second[2] == "x\"y'z"
    assert second[3] == "第一行\n第二行\n第三行"
    assert second[5] == "含NUL与控制字符" and second[6] == "回车\r留在行内" and second[8] == "😀 emoji"
    third = [cell.text for cell in table.rows[4].cells]
    assert third[2] == "]]>" and third[3] == "&amp; 已转义的样子" and third[4] == "<script>alert(1)</script>" and third[8] == "x" * 3000
    assert [cell.text for cell in table.rows[5].cells][:2] == ["4", "少于九列"]
