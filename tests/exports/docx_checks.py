"""Reading a .docx back the way Word does: what the tests check about the 附件2 format."""

from __future__ import annotations

import io

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def open_docx(content: bytes):
    return docx.Document(io.BytesIO(content))


def all_paragraphs(doc):
    """Body, table cells, headers and footers: every paragraph of the document."""
    paragraphs = list(doc.paragraphs)
    for table in doc.tables:
        for tr in table._tbl.tr_lst:
            for p in tr.iter(qn("w:p")):
                paragraphs.append(docx.text.paragraph.Paragraph(p, table))
    for section in doc.sections:
        paragraphs += list(section.footer.paragraphs)
    return paragraphs


TOLERANCE = Cm(0.01)  # python-docx stores lengths in twips: 21 cm comes back as 20.9998 cm


def near(a, b) -> bool:
    return abs(int(a) - int(b)) <= int(TOLERANCE)


def east_asia(run) -> str | None:
    rfonts = run._r.rPr.find(qn("w:rFonts"))
    return rfonts.get(qn("w:eastAsia")) if rfonts is not None else None


def style_east_asia(style) -> str | None:
    rfonts = style.element.rPr.find(qn("w:rFonts"))
    return rfonts.get(qn("w:eastAsia")) if rfonts is not None else None


def is_red(run) -> bool:
    color = run._r.rPr.find(qn("w:color")) if run._r.rPr is not None else None
    return color is not None and color.get(qn("w:val")) == "FF0000"


def in_table(paragraph) -> bool:
    return any(a.tag == qn("w:tbl") for a in paragraph._p.iterancestors())


def assert_official_layout(doc) -> None:
    """A4; 附件2 margins on portrait pages, the same type area turned on a landscape table page;
    East Asian fonts without theme fonts, zh-CN; every line exact, 30 pt for all text outside
    tables (12 pt allowed in a table; the red 发文机关标志 sizes its own line)."""
    for section in doc.sections:
        width, height = sorted([section.page_width, section.page_height])
        assert near(width, Cm(21.0)) and near(height, Cm(29.7))
        if section.page_width < section.page_height:
            assert near(section.top_margin, Cm(3.7))
            assert near(section.bottom_margin, Cm(3.5))
            assert near(section.left_margin, Cm(2.8))
            assert near(section.right_margin, Cm(2.8))
        else:  # the portrait type area turned: 15.4 cm high, 22.5 cm wide
            assert near(section.top_margin, Cm(2.8)) and near(section.bottom_margin, Cm(2.8))
            assert near(section.left_margin, Cm(3.5)) and near(section.right_margin, Cm(3.7))
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert doc.styles["Normal"].element.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    for rfonts in styles.iter(qn("w:rFonts")):
        assert not any(rfonts.get(qn(a)) for a in THEME_ATTRS), "theme fonts would override the Chinese fonts"
    for paragraph in all_paragraphs(doc):
        pf = paragraph.paragraph_format
        assert pf.line_spacing_rule == WD_LINE_SPACING.EXACTLY, paragraph.text
        if in_table(paragraph):
            assert pf.line_spacing in (Pt(30), Pt(12)), paragraph.text
        elif paragraph.text.strip() and not any(is_red(r) for r in paragraph.runs):
            assert pf.line_spacing == Pt(30), paragraph.text
        for run in paragraph.runs:
            rfonts = run._r.rPr.find(qn("w:rFonts")) if run._r.rPr is not None else None
            if run.text.strip():
                assert rfonts is not None and rfonts.get(qn("w:eastAsia")), f"run without East Asian font: {run.text!r}"
                assert rfonts.get(qn("w:ascii")) == rfonts.get(qn("w:eastAsia"))
                assert not any(rfonts.get(qn(a)) for a in THEME_ATTRS)


def _page_number_paragraph(part):
    xml = part._element.xml
    assert "PAGE" in xml and 'w:fldCharType="begin"' in xml, "no PAGE field"
    paragraph = part.paragraphs[0]
    texts = [r.text for r in paragraph.runs]
    assert texts[0] == "— " and texts[-1] == " —"
    for run in paragraph.runs:
        if run.text.strip():
            assert east_asia(run) == "宋体" and run.font.size == Pt(14)  # 4号宋体
    return paragraph


def assert_page_number_footer(doc, *, unnumbered_last: bool = False) -> None:
    """GB/T 9704 page numbers: odd and even pages differ (w:evenAndOddHeaders); on portrait pages
    odd numbers stand right and even left, one character (4号, 14 pt) in; on a landscape table
    page both stand on the left edge, odd at the foot and even at the head. With
    ``unnumbered_last`` the last section (a 版记 page of its own) has no page number at all."""
    assert doc.settings.odd_and_even_pages_header_footer
    assert doc.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    sections = list(doc.sections)
    if unnumbered_last:
        last = sections.pop()
        for part in (last.footer, last.even_page_footer, last.header, last.even_page_header):
            assert "PAGE" not in part._element.xml and not part.is_linked_to_previous
    for section in sections:
        odd = _page_number_paragraph(section.footer)
        if section.page_width < section.page_height:
            even = _page_number_paragraph(section.even_page_footer)
            assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and odd.paragraph_format.right_indent == Pt(14)
            assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT and even.paragraph_format.left_indent == Pt(14)
        else:
            even = _page_number_paragraph(section.even_page_header)
            assert odd.alignment == WD_ALIGN_PARAGRAPH.LEFT and odd.paragraph_format.left_indent == Pt(14)
            assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT and even.paragraph_format.left_indent == Pt(14)
            assert "PAGE" not in section.even_page_footer._element.xml


def assert_core_properties(doc, *, title: str, author: str) -> None:
    """Title and author (the unit) say what and whose; created is now, not python-docx's 2013."""
    import datetime

    props = doc.core_properties
    assert props.title == title
    assert props.author == author and props.last_modified_by == author
    assert "python-docx" not in (props.author + props.last_modified_by + (props.comments or ""))
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    assert abs((props.created.replace(tzinfo=None) - now).total_seconds()) < 3600


def bold_runs(paragraph) -> list[str]:
    return [r.text for r in paragraph.runs if r.font.bold]


def cant_split(tr) -> bool:
    trpr = tr.trPr
    return trpr is not None and trpr.find(qn("w:cantSplit")) is not None


def table_width(table) -> int:
    """The sum of the table's grid columns, in EMU."""
    return sum(int(gc.w) for gc in table._tbl.tblGrid.gridCol_lst)


def header_rows(table) -> list[list[str]]:
    rows = []
    for tr in table._tbl.tr_lst[:2]:
        rows.append(["".join(t.text for t in tc.iter(qn("w:t"))) for tc in tr.tc_lst])
    return rows


def is_repeated_header(tr) -> bool:
    trpr = tr.trPr
    return trpr is not None and trpr.find(qn("w:tblHeader")) is not None


def paragraphs_with_style(doc, style_name: str) -> list:
    return [p for p in doc.paragraphs if p.style.name == style_name]


def imprint_table(doc):
    """The 版记: the one table that floats (``w:tblpPr``)."""
    floating = [t for t in doc.tables if t._tbl.tblPr.find(qn("w:tblpPr")) is not None]
    assert len(floating) == 1, "one floating table, the 版记"
    return floating[0]


def imprint_rules(table) -> dict[str, tuple[str, str | None]]:
    """The 版记's table borders: side → (w:val, w:sz)."""
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    return {el.tag.split("}")[1]: (el.get(qn("w:val")), el.get(qn("w:sz"))) for el in borders}
