"""Reading a .docx back the way Word does: what the tests check about the 附件2 format."""

from __future__ import annotations

import io

import docx
from docx.enum.text import WD_LINE_SPACING
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


def assert_official_layout(doc) -> None:
    """A4, 附件2 margins, East Asian fonts without theme fonts, zh-CN, 30 pt exact everywhere."""
    for section in doc.sections:
        width, height = sorted([section.page_width, section.page_height])
        assert near(width, Cm(21.0)) and near(height, Cm(29.7))
        assert near(section.top_margin, Cm(3.7))
        assert near(section.bottom_margin, Cm(3.5))
        assert near(section.left_margin, Cm(2.8))
        assert near(section.right_margin, Cm(2.8))
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
        assert pf.line_spacing == Pt(30), paragraph.text
        for run in paragraph.runs:
            rfonts = run._r.rPr.find(qn("w:rFonts")) if run._r.rPr is not None else None
            if run.text.strip():
                assert rfonts is not None and rfonts.get(qn("w:eastAsia")), f"run without East Asian font: {run.text!r}"
                assert rfonts.get(qn("w:ascii")) == rfonts.get(qn("w:eastAsia"))
                assert not any(rfonts.get(qn(a)) for a in THEME_ATTRS)


def assert_page_number_footer(doc) -> None:
    footer = doc.sections[0].footer
    xml = footer._element.xml
    assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
    paragraph = footer.paragraphs[0]
    texts = [r.text for r in paragraph.runs]
    assert texts[0] == "— " and texts[-1] == " —"
    assert paragraph.alignment == 1  # centered


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
