"""The 通报's 版记 (GB/T 9704 7.4): its rules, where it floats, and on which page it goes.

The pages themselves (which page LibreOffice puts it on) are read in test_render.py."""

from __future__ import annotations

import dataclasses

import pytest
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from exports.official import IMPRINT_SAFETY_PT, build_official_document, imprint_on_own_page
from exports.page_estimate import TYPE_HEIGHT_PT, BodyEnd, body_end

from .builders import notice_data
from .docx_checks import assert_page_number_footer, imprint_rules, imprint_table, open_docx

THICK_THIN_THICK = {"top": ("single", "8"), "bottom": ("single", "8"), "insideH": ("single", "6"),
                    "left": ("nil", None), "right": ("nil", None), "insideV": ("nil", None)}


def in_last_section(doc, element) -> bool:
    body = list(doc.element.body.iterchildren())
    breaks = [i for i, child in enumerate(body) if child.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None]
    return body.index(element) > (breaks[-1] if breaks else -1)


@pytest.mark.parametrize("paragraphs", [1, 5, 8])
def test_imprint_rules_are_thick_thin_thick_and_as_wide_as_the_type_area(paragraphs):
    doc = open_docx(build_official_document(notice_data(paragraphs)))
    imprint = imprint_table(doc)
    assert imprint_rules(imprint) == THICK_THIN_THICK
    position = imprint._tbl.tblPr.find(qn("w:tblpPr"))
    assert position.get(qn("w:vertAnchor")) == "margin" and position.get(qn("w:tblpYSpec")) == "bottom"
    assert position.get(qn("w:horzAnchor")) == "page" and int(position.get(qn("w:tblpX"))) == Cm(2.8).twips
    assert imprint._tbl.tblPr.find(qn("w:tblOverlap")).get(qn("w:val")) == "never"
    grid = [int(col.get(qn("w:w"))) for col in imprint._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(grid) - Cm(15.4).twips) <= 1
    copy_to, printed = imprint.rows
    assert copy_to.cells[0].text == "抄送：区委办，区人大办，区政府办，区政协办，区纪委监委，区委督查室，区效能办。"
    assert [c.text for c in printed.cells] == ["荔城区人民政府安全生产委员会办公室", "2026年4月8日印发"]
    # one character (4号, 14 pt) in from each side; a wrapped 抄送 line starts under the first name
    ind = copy_to.cells[0].paragraphs[0]._p.pPr.find(qn("w:ind"))
    assert (int(ind.get(qn("w:left"))), int(ind.get(qn("w:hanging"))), int(ind.get(qn("w:right")))) == (4 * 280, 3 * 280, 280)
    assert printed.cells[0].paragraphs[0].paragraph_format.left_indent == Pt(14)
    assert printed.cells[1].paragraphs[0].paragraph_format.right_indent == Pt(14)
    assert printed.cells[1].paragraphs[0].alignment == 2  # right
    # the floating table is anchored to a paragraph after it: the document does not end with it
    assert imprint._tbl.getnext().tag == qn("w:p")


def test_a_one_page_body_puts_the_imprint_on_page_two_unnumbered():
    doc = open_docx(build_official_document(notice_data(1)))
    assert body_end(doc).page == 1
    assert len(doc.sections) == 2 and doc.sections[1].start_type == WD_SECTION.EVEN_PAGE
    assert in_last_section(doc, imprint_table(doc)._tbl)
    assert_page_number_footer(doc, unnumbered_last=True)
    # the section starts with a 1 pt paragraph, not with the floating table
    first = doc.sections[0]._sectPr.getparent().getparent().getnext()
    assert first.tag == qn("w:p") and first.getnext() is imprint_table(doc)._tbl


def test_a_body_ending_on_page_two_with_room_keeps_the_imprint_under_it():
    doc = open_docx(build_official_document(notice_data(5)))
    end = body_end(doc)
    assert end.page == 2 and end.room_pt > 150
    assert len(doc.sections) == 1
    assert_page_number_footer(doc)
    # it follows the signature: anchored on the page the body ends on
    signature = doc.tables[-2]
    assert "2026年4月8日" in signature.rows[0].cells[1].text and signature._tbl.getnext().getnext() is imprint_table(doc)._tbl
    assert not signature._tbl.getnext().xpath('string(.)')  # the 1 pt paragraph between them


def test_a_full_even_page_sends_the_imprint_to_the_next_even_page():
    doc = open_docx(build_official_document(notice_data(8)))
    end = body_end(doc)
    assert end.page == 2 and end.room_pt < 100
    assert len(doc.sections) == 2 and doc.sections[1].start_type == WD_SECTION.EVEN_PAGE
    assert_page_number_footer(doc, unnumbered_last=True)


def test_the_rule_for_the_imprints_page():
    imprint = 90.0
    assert not imprint_on_own_page(BodyEnd(2, 300.0), imprint)
    assert imprint_on_own_page(BodyEnd(1, 300.0), imprint)  # odd: the next (even) page
    assert imprint_on_own_page(BodyEnd(3, 100.0), imprint)
    room_just = TYPE_HEIGHT_PT - imprint - IMPRINT_SAFETY_PT
    assert not imprint_on_own_page(BodyEnd(2, room_just), imprint)
    assert imprint_on_own_page(BodyEnd(2, room_just + 1), imprint)  # too close to the foot to be sure
    assert imprint_on_own_page(BodyEnd(2, IMPRINT_SAFETY_PT - 1), imprint)  # may really end on page 1


def test_a_draft_imprint_page_keeps_the_draft_mark():
    doc = open_docx(build_official_document(dataclasses.replace(notice_data(1), is_draft=True, doc_number="")))
    assert "草稿" in doc.sections[-1].header.paragraphs[0].text and "草稿" in doc.sections[-1].even_page_header.paragraphs[0].text
