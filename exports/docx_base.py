"""Official-document (公文) layout for python-docx, as 附件2 of the notice requires.

A4; margins top 3.7 cm, bottom 3.5 cm, left and right 2.8 cm; title 方正小标宋简体 二号;
一级标题 黑体 三号, 二级标题 楷体 bold 三号, 三级标题 仿宋 bold 三号; body 仿宋 三号; every
line exactly 30 pt; page numbers "— 1 —". Chinese fonts only take effect when set as East
Asian fonts (``w:rFonts w:eastAsia``): ``font.name`` alone sets ``w:ascii``/``w:hAnsi`` and
Word or LibreOffice would fall back to a Latin font for the Chinese text. Theme font
attributes (``w:asciiTheme`` …) override explicit names, so they are removed everywhere.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.text.paragraph import Paragraph

FONT_TITLE = "方正小标宋简体"
FONT_HEI = "黑体"
FONT_KAI = "楷体"
FONT_FANGSONG = "仿宋"
FONT_SONG = "宋体"

SIZE_ER = Pt(22)  # 二号
SIZE_SAN = Pt(16)  # 三号
SIZE_SI = Pt(14)  # 四号
SIZE_XIAOSI = Pt(12)  # 小四
SIZE_WU = Pt(10.5)  # 五号
SIZE_XIAOWU = Pt(9)  # 小五
LINE_SPACING = Pt(30)  # 行距固定值 30 磅
TABLE_SIZE = SIZE_XIAOWU  # the 四个清单 and other tables: 仿宋 小五 …
TABLE_LINE_SPACING = Pt(12)  # … at exactly 12 pt: a row of three lines is under 40 pt, 12+ rows on a landscape page
RED = RGBColor(0xFF, 0x00, 0x00)

A4_WIDTH = Cm(21.0)
A4_HEIGHT = Cm(29.7)
MARGIN_TOP = Cm(3.7)
MARGIN_BOTTOM = Cm(3.5)
MARGIN_LEFT = Cm(2.8)
MARGIN_RIGHT = Cm(2.8)
TYPE_WIDTH = Emu(A4_WIDTH - MARGIN_LEFT - MARGIN_RIGHT)  # 15.4 cm (GB/T 9704: 156 mm)
# A landscape table page is the portrait page turned: its type area is the portrait one on its
# side (225 × 156 mm → 22.5 × 15.4 cm here), the portrait left/right margins become top/bottom.
LANDSCAPE_TOP = Cm(2.8)
LANDSCAPE_BOTTOM = Cm(2.8)
LANDSCAPE_LEFT = Cm(3.5)
LANDSCAPE_RIGHT = Cm(3.7)
LANDSCAPE_TYPE_WIDTH = Emu(A4_HEIGHT - LANDSCAPE_LEFT - LANDSCAPE_RIGHT)  # 22.5 cm

STYLE_TITLE = "公文标题"
STYLE_H1 = "一级标题"
STYLE_H2 = "二级标题"
STYLE_H3 = "三级标题"
STYLE_BODY = "Normal"
STYLE_TABLE = "表格文字"
STYLE_TABLE_HEAD = "表格标题"

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_rfonts(rpr, font: str) -> None:
    """Name ``font`` for Latin and East Asian text of an ``w:rPr`` and drop theme fonts."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)


def set_lang(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")


def exact_spacing(paragraph_format) -> None:
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = LINE_SPACING
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)


def indent_chars(paragraph_format, size: Pt, chars: int = 2) -> None:
    """首行缩进 ``chars`` characters: ``w:firstLineChars`` for Word, ``w:firstLine`` as fallback."""
    paragraph_format.first_line_indent = Emu(int(size) * chars)
    ind = paragraph_format.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def _paragraph_style(doc, name: str, *, font: str, size: Pt, bold: bool = False, indent: int = 0,
                     align=WD_ALIGN_PARAGRAPH.JUSTIFY):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != STYLE_BODY:
        style.base_style = styles[STYLE_BODY]
        style.quick_style = True
    style.font.size = size
    style.font.bold = bold
    style.font.name = font
    rpr = style.element.get_or_add_rPr()
    set_rfonts(rpr, font)
    set_lang(rpr)
    pf = style.paragraph_format
    exact_spacing(pf)
    pf.alignment = align
    pf.widow_control = False
    if indent:
        indent_chars(pf, size, indent)
    else:
        pf.first_line_indent = Pt(0)
    pf.keep_with_next = name in (STYLE_TITLE, STYLE_H1, STYLE_H2, STYLE_H3)  # a heading never ends a page
    return style


def _fix_doc_defaults(doc) -> None:
    styles_el = doc.styles.element
    rpr = styles_el.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    set_rfonts(rpr, FONT_FANGSONG)
    set_lang(rpr)
    for tag in ("w:sz", "w:szCs"):
        el = rpr.find(qn(tag))
        if el is not None:
            el.set(qn("w:val"), str(int(SIZE_SAN.pt * 2)))
    ppr = styles_el.find(qn("w:docDefaults") + "/" + qn("w:pPrDefault") + "/" + qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:before"), "0")
    spacing.set(qn("w:line"), str(int(LINE_SPACING.pt * 20)))
    spacing.set(qn("w:lineRule"), "exact")
    # Every style of the template that names a theme font gets our font instead.
    for rfonts in styles_el.iter(qn("w:rFonts")):
        if any(rfonts.get(qn(a)) is not None for a in _THEME_ATTRS):
            for attr in _THEME_ATTRS:
                rfonts.attrib.pop(qn(attr), None)
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                rfonts.set(qn(attr), FONT_FANGSONG)
    settings = doc.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is None:
        theme_lang = OxmlElement("w:themeFontLang")
        settings.append(theme_lang)
    theme_lang.set(qn("w:val"), "en-US")
    theme_lang.set(qn("w:eastAsia"), "zh-CN")


def setup_section(section, *, landscape: bool = False) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (A4_HEIGHT, A4_WIDTH) if landscape else (A4_WIDTH, A4_HEIGHT)
    if landscape:
        section.top_margin, section.bottom_margin = LANDSCAPE_TOP, LANDSCAPE_BOTTOM
        section.left_margin, section.right_margin = LANDSCAPE_LEFT, LANDSCAPE_RIGHT
        section.header_distance = section.footer_distance = Cm(1.2)
    else:
        section.top_margin = MARGIN_TOP
        section.bottom_margin = MARGIN_BOTTOM
        section.left_margin = MARGIN_LEFT
        section.right_margin = MARGIN_RIGHT
        section.header_distance = Cm(1.5)
        # the number's line sits 7 mm below the type area: 35 mm − 7 mm − one 四号 line ≈ 2.3 cm
        section.footer_distance = Cm(2.3)
    _page_numbers(section, landscape=landscape)


def _clear(part) -> Paragraph:
    """The header or footer ``part`` unlinked and emptied down to one paragraph."""
    part.is_linked_to_previous = False
    paragraphs = part.paragraphs
    for extra in paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    paragraph = paragraphs[0]
    for r in list(paragraph.runs):
        r._r.getparent().remove(r._r)
    exact_spacing(paragraph.paragraph_format)
    paragraph.paragraph_format.first_line_indent = Pt(0)
    return paragraph


def _page_numbers(section, *, landscape: bool) -> None:
    """GB/T 9704 page numbers, "— 1 —" in 4 号半角宋体: odd pages at the right, even pages at the
    left, one character in (the document sets ``w:evenAndOddHeaders``). On a landscape table page
    the number stands on the left edge: odd pages at the lower left, even pages at the upper left."""
    odd = _clear(section.footer)
    even_footer = _clear(section.even_page_footer)
    even_header = _clear(section.even_page_header)
    _clear(section.header)
    one_char = SIZE_SI
    if landscape:
        odd.alignment = WD_ALIGN_PARAGRAPH.LEFT
        odd.paragraph_format.left_indent = one_char
        even_header.alignment = WD_ALIGN_PARAGRAPH.LEFT
        even_header.paragraph_format.left_indent = one_char
        _page_number_runs(odd)
        _page_number_runs(even_header)
    else:
        odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        odd.paragraph_format.right_indent = one_char
        even_footer.alignment = WD_ALIGN_PARAGRAPH.LEFT
        even_footer.paragraph_format.left_indent = one_char
        _page_number_runs(odd)
        _page_number_runs(even_footer)


def _page_number_runs(paragraph) -> None:
    def run(text: str = ""):
        r = paragraph.add_run(text)
        format_run(r, font=FONT_SONG, size=SIZE_SI)
        return r

    run("— ")
    begin = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "begin")
    begin._r.append(fld)
    instr = run()
    instr_el = OxmlElement("w:instrText")
    instr_el.set(qn("xml:space"), "preserve")
    instr_el.text = " PAGE "
    instr._r.append(instr_el)
    sep = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "separate")
    sep._r.append(fld)
    run("1")
    end = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._r.append(fld)
    run(" —")


def new_document(*, title: str = "", author: str = "", is_draft: bool = False):
    """An empty document in official-document layout, with the styles of 附件2; its properties
    say ``title``, ``author`` (the unit) and now."""
    doc = Document()
    doc.settings.odd_and_even_pages_header_footer = True
    _core_properties(doc, title=title, author=author)
    _fix_doc_defaults(doc)
    _paragraph_style(doc, STYLE_BODY, font=FONT_FANGSONG, size=SIZE_SAN)
    _paragraph_style(doc, STYLE_TITLE, font=FONT_TITLE, size=SIZE_ER, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph_style(doc, STYLE_H1, font=FONT_HEI, size=SIZE_SAN, indent=2)
    _paragraph_style(doc, STYLE_H2, font=FONT_KAI, size=SIZE_SAN, bold=True, indent=2)
    _paragraph_style(doc, STYLE_H3, font=FONT_FANGSONG, size=SIZE_SAN, bold=True, indent=2)
    _paragraph_style(doc, STYLE_TABLE, font=FONT_FANGSONG, size=TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph_style(doc, STYLE_TABLE_HEAD, font=FONT_HEI, size=TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    for name in (STYLE_TABLE, STYLE_TABLE_HEAD):
        doc.styles[name].paragraph_format.line_spacing = TABLE_LINE_SPACING
        # no extra space between Chinese and Latin/digits in narrow cells: "2026年12月10日" stays on one line
        spacing = doc.styles[name].element.get_or_add_pPr().find(qn("w:spacing"))
        for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):  # CT_PPr order: … autoSpaceDE, autoSpaceDN, …, spacing
            el = OxmlElement(tag)
            el.set(qn("w:val"), "0")
            spacing.addprevious(el)
    section = doc.sections[0]
    setup_section(section)
    if is_draft:
        mark_draft(doc)
    return doc


def _core_properties(doc, *, title: str, author: str) -> None:
    """python-docx's template says author "python-docx", created 2013: say who and when instead."""
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0, tzinfo=None)
    props = doc.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.created = now
    props.modified = now
    props.revision = 1
    props.comments = ""
    props.keywords = ""
    props.subject = ""
    props.category = ""
    props.language = "zh-CN"


DRAFT_MARK = "草稿"


def mark_draft(doc) -> None:
    """A visible 草稿 mark in red at the top of every page (odd and even headers of every section;
    sections added later copy it through ``new_page_section``)."""
    for section in doc.sections:
        _draft_header(section)
    doc._is_draft = True


def _draft_header(section) -> None:
    for part in (section.header, section.even_page_header):
        paragraph = part.paragraphs[0]
        if any(DRAFT_MARK in r.text for r in paragraph.runs):
            continue
        if paragraph.runs:  # the landscape even header holds the page number: the mark goes after it
            paragraph = part.add_paragraph()
            exact_spacing(paragraph.paragraph_format)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(f"{DRAFT_MARK}（未定稿，仅供审核）")
        format_run(run, font=FONT_HEI, size=SIZE_SI, bold=True)
        run.font.color.rgb = RED


def format_run(run, *, font: str, size: Pt, bold: bool = False) -> None:
    run.font.size = size
    run.font.bold = bold
    rpr = run._r.get_or_add_rPr()
    set_rfonts(rpr, font)


@dataclass(frozen=True)
class Look:
    style: str
    font: str
    size: Pt
    bold: bool = False
    indent: int = 0
    align: object = WD_ALIGN_PARAGRAPH.JUSTIFY


TITLE = Look(STYLE_TITLE, FONT_TITLE, SIZE_ER, align=WD_ALIGN_PARAGRAPH.CENTER)
SUBTITLE_KAI = Look(STYLE_BODY, FONT_KAI, SIZE_SAN, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
H1 = Look(STYLE_H1, FONT_HEI, SIZE_SAN, indent=2)
H2 = Look(STYLE_H2, FONT_KAI, SIZE_SAN, bold=True, indent=2)
H3 = Look(STYLE_H3, FONT_FANGSONG, SIZE_SAN, bold=True, indent=2)
BODY = Look(STYLE_BODY, FONT_FANGSONG, SIZE_SAN, indent=2)
BODY_FLUSH = Look(STYLE_BODY, FONT_FANGSONG, SIZE_SAN, align=WD_ALIGN_PARAGRAPH.LEFT)
BODY_RIGHT = Look(STYLE_BODY, FONT_FANGSONG, SIZE_SAN, align=WD_ALIGN_PARAGRAPH.RIGHT)
ANNEX_MARK = Look(STYLE_BODY, FONT_HEI, SIZE_SAN, align=WD_ALIGN_PARAGRAPH.LEFT)
NUMBER_LINE = Look(STYLE_BODY, FONT_FANGSONG, SIZE_SAN, align=WD_ALIGN_PARAGRAPH.CENTER)


def add_paragraph(container, text: str, look: Look = BODY):
    """A paragraph with both its style and direct run formatting, so every viewer agrees."""
    paragraph = container.add_paragraph(style=look.style)
    paragraph.alignment = look.align
    pf = paragraph.paragraph_format
    exact_spacing(pf)
    if look.indent:
        indent_chars(pf, look.size, look.indent)
    else:
        pf.first_line_indent = Pt(0)
    if text:
        run = paragraph.add_run(text)
        format_run(run, font=look.font, size=look.size, bold=look.bold)
    return paragraph


_H2_RE = re.compile(r"^（[一二三四五六七八九十]+）")
_H3_RE = re.compile(r"^\d+[.．、]")
_H4_RE = re.compile(r"^（\d+）")
_H1_RE = re.compile(r"^[一二三四五六七八九十]+、")
_PHRASE_END = re.compile(r"[。：；！？]")
HEADING_PHRASE_MAX = 24  # characters after the number: a longer "phrase" is a sentence


def heading_phrase(line: str, marker: re.Match) -> tuple[str, str]:
    """Split a （一）/1. paragraph into its heading phrase and the sentence after it: the phrase
    runs to the first 。：；！？ (inclusive). A line without one is all heading when short (a
    heading of its own), and otherwise only its number is the heading (a numbered sentence)."""
    end = _PHRASE_END.search(line, marker.end())
    if end is not None:
        if end.end() - marker.end() > HEADING_PHRASE_MAX:  # a numbered sentence, not a heading
            return marker.group(0), line[marker.end():]
        return line[: end.end()], line[end.end():]
    if len(line) <= 40:
        return line, ""
    return marker.group(0), line[marker.end():]


def add_prose(container, text: str, *, empty: str = "") -> None:
    """Author's prose: one paragraph per line. A line starting 一、 （一） 1. is a heading of its
    level: only its heading phrase takes the level's font (黑体 / 楷体 bold / 仿宋 bold), the
    sentence after it is body text in the same paragraph."""
    lines = [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines and empty:
        lines = [empty]
    for line in lines:
        for pattern, look in ((_H1_RE, H1), (_H2_RE, H2), (_H4_RE, None), (_H3_RE, H3)):
            marker = pattern.match(line)
            if marker is None:
                continue
            if look is None:  # （1） is body text
                add_paragraph(container, line, BODY)
                break
            phrase, rest = heading_phrase(line, marker)
            if not rest:
                add_paragraph(container, line, look)
            else:
                paragraph = add_paragraph(container, "", BODY)
                format_run(paragraph.add_run(phrase), font=look.font, size=look.size, bold=look.bold)
                format_run(paragraph.add_run(rest), font=BODY.font, size=BODY.size)
            break
        else:
            add_paragraph(container, line, BODY)


def add_attachment_note(container, names: Sequence[str]) -> None:
    """附件说明: one line below the body, two characters in, "附件：" then the name(s); several are
    numbered 1. 2.; a wrapped name lines up under the first character of the name (hanging indent);
    no final punctuation."""
    if not names:
        return
    add_paragraph(container, "", BODY)
    char = SIZE_SAN
    numbered = len(names) > 1
    for index, name in enumerate(names, start=1):
        number = f"{index}." if numbered else ""
        prefix = "附件：" if index == 1 else ""
        name = name.rstrip("。；;，,")
        paragraph = add_paragraph(container, "", BODY)
        hang = text_width("附件：" + number)
        ind = paragraph.paragraph_format.element.get_or_add_pPr().get_or_add_ind()
        for attr in list(ind.attrib):
            del ind.attrib[attr]
        left_chars = 2 + hang
        ind.set(qn("w:left"), str(int(char.pt * 20 * left_chars)))
        ind.set(qn("w:leftChars"), str(int(left_chars * 100)))
        ind.set(qn("w:hanging"), str(int(char.pt * 20 * (hang if index == 1 else hang - 3))))
        ind.set(qn("w:hangingChars"), str(int((hang if index == 1 else hang - 3) * 100)))
        text = f"{prefix}{number}{name}"
        format_run(paragraph.add_run(text), font=FONT_FANGSONG, size=SIZE_SAN)


def add_signature(container, issuer: str, day, *, width=TYPE_WIDTH, keep_previous: int = 2) -> None:
    """署名 and 成文日期: the date 4 characters from the right (2026年1月5日), the issuing office
    centred over it, both in one borderless table row that may not split, so they never part
    across pages; the ``keep_previous`` paragraphs before them keep with them too, so a page
    never holds the signature alone."""
    date_text = cn_date(day)
    char = SIZE_SAN.pt
    column = max(text_width(issuer), text_width(date_text)) + 1  # characters
    right = max(0.5, 4 - (column - text_width(date_text)) / 2)  # never a zero-width column
    column_emu = Pt(char * column)
    right_emu = Pt(char * right)
    left_emu = Emu(int(width) - int(column_emu) - int(right_emu))
    paragraphs = [p for p in container.paragraphs][-keep_previous:] if keep_previous else []
    for p in paragraphs:
        p.paragraph_format.keep_with_next = True
    table = container.add_table(rows=1, cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    _no_borders(table)
    for index, w in enumerate((left_emu, column_emu, right_emu)):
        table.columns[index].width = w
        _set_cell_width(table.rows[0].cells[index], w)
    _cant_split(table.rows[0])
    cell = table.rows[0].cells[1]
    for index, text in enumerate((issuer, date_text)):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.style = container.styles[STYLE_BODY] if hasattr(container, "styles") else paragraph.style
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        exact_spacing(paragraph.paragraph_format)
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.paragraph_format.keep_with_next = index == 0
        format_run(paragraph.add_run(text), font=FONT_FANGSONG, size=SIZE_SAN)
    for other in (table.rows[0].cells[0], table.rows[0].cells[2]):
        exact_spacing(other.paragraphs[0].paragraph_format)
    return table


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr_put(tbl_pr, borders)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr_put(tbl_pr, margins)


# Where a title may break: never inside a word, a number or a date part.
_TITLE_TOKENS = re.compile(
    r"关于|\d+年|\d+月|\d+日|\d+号|安全生产|督导检查|常态化|隐患问题|情况|工作|整改|落实|机制|专项|通报|通知|[A-Za-z0-9]+|.")


def title_lines(title: str, *, size: Pt = SIZE_ER, width=TYPE_WIDTH) -> list[str]:
    """A title in one line when it fits with room to spare, else in two or three lines broken
    between words in a balanced shape (GB/T 9704: 梯形或菱形), never leaving a word alone."""
    per_line = int(width) / int(size) - 1.5  # characters a line holds, with a margin for the font
    if text_width(title) <= per_line:
        return [title]
    tokens = _TITLE_TOKENS.findall(title)
    n_lines = 2 if text_width(title) <= 2 * per_line else 3
    best: tuple[float, list[str]] | None = None
    cuts = range(1, len(tokens))
    candidates = ([[c] for c in cuts] if n_lines == 2 else [[a, b] for a in cuts for b in cuts if b > a])
    for cut in candidates:
        bounds = [0, *cut, len(tokens)]
        lines = ["".join(tokens[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
        widths = [text_width(line) for line in lines]
        if max(widths) > per_line:
            continue
        score = max(widths) - min(widths) + (0.5 if widths[0] < widths[-1] else 0)  # prefer the longer line first
        if best is None or score < best[0]:
            best = (score, lines)
    return best[1] if best else [title]


def add_title(doc, title: str) -> None:
    paragraph = add_paragraph(doc, "", TITLE)
    for index, line in enumerate(title_lines(title)):
        run = paragraph.add_run(line)
        format_run(run, font=TITLE.font, size=TITLE.size)
        if index:
            run._r.insert(run._r.index(run._r.find(qn("w:t"))), OxmlElement("w:br"))


def new_page_section(doc, *, landscape: bool):
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    exact_spacing(doc.paragraphs[-1].paragraph_format)  # the paragraph that carries the section break
    setup_section(section, landscape=landscape)
    if getattr(doc, "_is_draft", False):
        _draft_header(section)
    return section


def unnumbered_section(doc, *, start=WD_SECTION.EVEN_PAGE):
    """A new portrait section, starting on the next even page by default, whose pages carry no
    page number (GB/T 9704 7.5: a 版记 page and the blank page before it are not numbered). The
    paragraph that ends the previous section is 1 pt high, so it never pushes a page over."""
    section = doc.add_section(start)
    ending = doc.paragraphs[-1]
    exact_spacing(ending.paragraph_format)
    ending.paragraph_format.line_spacing = Pt(1)
    setup_section(section)
    for part in (section.footer, section.even_page_footer):
        _clear(part)
    if getattr(doc, "_is_draft", False):
        _draft_header(section)
    return section


def cn_date(value) -> str:
    """成文日期 style: 2026年1月5日 (year in full, no leading zeros)."""
    return f"{value.year}年{value.month}月{value.day}日"


def text_width(text: str) -> float:
    """Width in characters of the body font: Chinese and full-width characters count 1, ASCII ½."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    deferred = getattr(doc, "_deferred_tables", None)
    if not deferred:
        return buffer.getvalue()
    return _stream_rows(buffer, deferred)


# ---------------------------------------------------------------- tables built from a template row

def _set_cell_width(cell, width) -> None:
    cell.width = width


def _cant_split(row) -> None:
    """The row may not break across pages (``w:cantSplit``)."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.append(OxmlElement("w:cantSplit"))


def _mark_header_row(row) -> None:
    """A header row: repeated at the top of every page (``w:tblHeader``), never split."""
    _cant_split(row)
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def table_spacing(paragraph_format) -> None:
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = TABLE_LINE_SPACING
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)


CELL_MARGIN_SIDE = Cm(0.1)
CELL_MARGIN_TOP = Cm(0.05)


_TBL_PR_ORDER = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize", "w:tblStyleColBandSize",
                 "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
                 "w:tblLook", "w:tblCaption", "w:tblDescription")


def tbl_pr_put(tbl_pr, element) -> None:
    """Put ``element`` into ``w:tblPr`` in its schema place (Word and LibreOffice ignore one out of order)."""
    tags = [qn(t) for t in _TBL_PR_ORDER]
    rank = tags.index(element.tag)
    old = tbl_pr.find(element.tag)
    if old is not None:
        tbl_pr.remove(old)
    for child in tbl_pr:
        if child.tag in tags and tags.index(child.tag) > rank:
            child.addprevious(element)
            return
    tbl_pr.append(element)


def _cell_margins(table, *, left_right=CELL_MARGIN_SIDE, top_bottom=CELL_MARGIN_TOP) -> None:
    """Narrow cell margins (w:tblCellMar) so the columns hold more text per line."""
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    tbl_pr_put(tbl_pr, margins)
    for side, value in (("top", top_bottom), ("left", left_right), ("bottom", top_bottom), ("right", left_right)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(value.twips))
        el.set(qn("w:type"), "dxa")
        margins.append(el)


def no_autospace(paragraph) -> None:
    """No extra space between Chinese and digits (``w:autoSpaceDE/DN`` off, on the paragraph:
    LibreOffice does not read it from the style): "2026年12月10日" keeps to one line of a narrow cell."""
    ppr = paragraph._p.get_or_add_pPr()
    spacing = ppr.find(qn("w:spacing"))
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        if ppr.find(qn(tag)) is not None:
            continue
        el = OxmlElement(tag)
        el.set(qn("w:val"), "0")
        if spacing is not None:
            spacing.addprevious(el)
        else:
            ppr.append(el)


def _format_cell(cell, text: str, look: Look) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.style = cell.part.document.styles[look.style]
    paragraph.alignment = look.align
    table_spacing(paragraph.paragraph_format)
    no_autospace(paragraph)
    paragraph.paragraph_format.first_line_indent = Pt(0)
    run = paragraph.add_run(text)
    format_run(run, font=look.font, size=look.size, bold=look.bold)


TABLE_HEAD = Look(STYLE_TABLE_HEAD, FONT_HEI, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
TABLE_CELL = Look(STYLE_TABLE, FONT_FANGSONG, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT)
TABLE_CELL_CENTER = Look(STYLE_TABLE, FONT_FANGSONG, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)


def _new_table(container, n_rows: int, widths: Sequence):
    table = container.add_table(rows=n_rows, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed: the widths below hold
    _cell_margins(table)
    for index, width in enumerate(widths):
        table.columns[index].width = width
        for row in table.rows:
            _set_cell_width(row.cells[index], width)
    return table


def add_table(container, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence,
              *, centered_columns: Iterable[int] = (0,)) -> None:
    """A small table (a 通报's figures, a 三单's hazards): one header row repeated on every page,
    no row split across pages. For the few rows of a letter python-docx's own rows are fine."""
    table = _new_table(container, 1 + len(rows), widths)
    centered = set(centered_columns)
    for index, title in enumerate(header):
        _format_cell(table.rows[0].cells[index], str(title), TABLE_HEAD)
    _mark_header_row(table.rows[0])
    for r, values in enumerate(rows, start=1):
        row = table.rows[r]
        _cant_split(row)
        for index, value in enumerate(values):
            look = TABLE_CELL_CENTER if index in centered else TABLE_CELL
            _format_cell(row.cells[index], "", look)
            lines = str(value if value is not None else "").split("\n")
            run = row.cells[index].paragraphs[0].runs[0]
            for n, line in enumerate(lines):
                if n:
                    run.add_break()
                run.add_text(line)
    return table


@dataclass(frozen=True)
class ColumnGroup:
    """A header group of a two-row header: a group title over its columns, or one column spanning both rows."""

    title: str
    columns: tuple[str, ...] = ()


def add_grouped_table(container, groups: Sequence[ColumnGroup], widths: Sequence, rows: Iterable[Sequence[str]],
                      *, centered_columns: Iterable[int] = (0,)) -> None:
    """A table with a two-row header (merged group cells, repeated on every page) and data rows,
    in the document ``container``.

    Data rows are copies of one prepared ``w:tr`` with their ``w:t`` texts filled in, written as
    text by ``to_bytes`` (which must be used to save the document): the per-cell path of
    python-docx (``add_row`` + ``cell.text``) walks the whole table for each cell and is too slow
    for thousands of rows, and lxml elements for them cost 70 KB of memory a row. ``rows`` is
    read once, while saving.
    """
    n_cols = sum(max(1, len(g.columns)) for g in groups)
    assert n_cols == len(widths), "one width per column"
    table = _new_table(container, 3, widths)
    head1, head2 = table.rows[0], table.rows[1]
    col = 0
    merges = []
    for group in groups:
        if group.columns:
            _format_cell(head1.cells[col], group.title, TABLE_HEAD)
            for offset, title in enumerate(group.columns):
                _format_cell(head2.cells[col + offset], title, TABLE_HEAD)
            if len(group.columns) > 1:
                merges.append((0, col, 0, col + len(group.columns) - 1))
            col += len(group.columns)
        else:
            _format_cell(head1.cells[col], group.title, TABLE_HEAD)
            merges.append((0, col, 1, col))
            col += 1
    template_tr = table.rows[2]._tr
    _cant_split(table.rows[2])  # every data row is a copy of this one: none splits across pages
    centered = set(centered_columns)
    for index, cell in enumerate(table.rows[2].cells):
        _format_cell(cell, "", TABLE_CELL_CENTER if index in centered else TABLE_CELL)
        # An empty run has no w:t; give every cell one to fill in.
        run = cell.paragraphs[0].runs[0]._r
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        run.append(t)
    for r1, c1, r2, c2 in merges:
        merged = table.cell(r1, c1).merge(table.cell(r2, c2))
        # merge() concatenates the paragraphs of the merged cells; keep the first only.
        for extra in merged.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
    for row in (head1, head2):
        _mark_header_row(row)
        for p in row._tr.iter(qn("w:p")):  # also the empty paragraph of a vertically merged cell
            table_spacing(Paragraph(p, table).paragraph_format)
    # The data rows are not built here: the template row stays in the table with a marker in each
    # w:t, and ``to_bytes`` writes one filled-in copy of its XML text per row straight into
    # word/document.xml. A row of the 四个清单 is 6 KB of XML; as lxml elements a month of a city
    # (21,000 rows) held 1.5 GB of memory and took 3 s to copy (bench/README.md).
    deferred = container.__dict__.setdefault("_deferred_tables", [])
    texts = list(template_tr.iter(qn("w:t")))
    for index, t in enumerate(texts):
        t.text = f"{_MARK}{len(deferred)}:{index}{_MARK}"  # table number : cell number
    deferred.append(_DeferredTable(len(texts), iter(rows)))


_MARK = "\ue000"


@dataclass
class _DeferredTable:
    slots: int
    rows: Iterator[Sequence[str]]


_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SPECIAL = re.compile("[&<>\r\n\x00-\x08\x0b\x0c\x0e-\x1f]")


def _escape_cell(value) -> str:
    """A cell value as the text of a ``w:t``, as python-docx would write it: control characters
    that XML cannot hold dropped, a line break (LF or CRLF) as ``w:br`` + a new ``w:t``, a lone
    CR kept as a character."""
    text = "" if value is None else str(value)
    if not _SPECIAL.search(text):
        return text  # most cells: nothing to escape
    text = _XML_BAD.sub("", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\n" in text or "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "&#13;").replace("\n", _BREAK)
    return text


_DOCUMENT_DEFLATE_LEVEL = 1


def _stream_rows(saved: io.BytesIO, deferred: list[_DeferredTable]) -> bytes:
    """Copy the saved package, writing word/document.xml with each deferred template row
    replaced by its rows, 1,000 at a time, so no more than that is in memory at once."""
    saved.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != "word/document.xml":
                zout.writestr(info, zin.read(info))
                continue
            xml = zin.read(info).decode("utf-8")
            target = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            target.compress_type = zipfile.ZIP_DEFLATED
            # deflate level 1: a city month's annex is 84 MB of XML; level 6 took 298 ms for a
            # 2.6 MB file, level 1 takes 158 ms for 3.4 MB (bench/README.md, section 5)
            setattr(target, "compress_level" if hasattr(target, "compress_level") else "_compresslevel", _DOCUMENT_DEFLATE_LEVEL)
            with zout.open(target, "w", force_zip64=True) as stream:
                position = 0
                for number, table in enumerate(deferred):
                    first = xml.index(f"{_MARK}{number}:0{_MARK}", position)
                    start = max(xml.rfind("<w:tr>", position, first), xml.rfind("<w:tr ", position, first))
                    end = xml.index("</w:tr>", first) + len("</w:tr>")
                    stream.write(xml[position:start].encode("utf-8"))
                    _write_rows(stream, xml[start:end], number, table)
                    position = end
                stream.write(xml[position:].encode("utf-8"))
    return out.getvalue()


def _write_rows(stream, row_xml: str, number: int, table: _DeferredTable) -> None:
    pieces = re.split(f"{_MARK}{number}:(\\d+){_MARK}", row_xml)
    literals, slots = pieces[0::2], [int(i) for i in pieces[1::2]]
    tail = literals[-1]
    pairs = list(zip(literals, slots, strict=False))
    batch: list[str] = []
    for values in table.rows:
        cells = list(values)
        cells += [""] * (table.slots - len(cells))
        batch.append("".join(literal + _escape_cell(cells[slot]) for literal, slot in pairs) + tail)
        if len(batch) == 1000:
            stream.write("".join(batch).encode("utf-8"))
            batch.clear()
    if batch:
        stream.write("".join(batch).encode("utf-8"))
