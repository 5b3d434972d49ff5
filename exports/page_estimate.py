"""Where a portrait document's body ends: an estimate of its pagination from the document's own
XML (line spacing, font sizes, indents, cell widths, rows that may not split, headers repeated,
paragraphs kept with the next), for placing the 版记 of a 公文 (``exports.official``).

It counts what LibreOffice and Word do with exact line spacing: every line of a paragraph is
exactly its ``w:line``; a line holds (width − indents) / font size Chinese characters (ASCII
counts half); a table row is as high as its fullest cell plus the cell margins. It is an
estimate (the line breaking rules for punctuation can move a character), so its caller keeps a
margin of safety where the answer matters.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from docx.oxml.ns import qn

from .docx_base import A4_HEIGHT, MARGIN_BOTTOM, MARGIN_TOP, TYPE_WIDTH, text_width

TYPE_HEIGHT_PT = (int(A4_HEIGHT) - int(MARGIN_TOP) - int(MARGIN_BOTTOM)) / 12700  # 22.5 cm ≈ 637.8 pt
DEFAULT_LINE_PT = 30.0
_PUNCTUATION = re.compile("[，。、；：？！）》”’]")
DEFAULT_SIZE_PT = 16.0
WORD_CELL_SIDE_TWIPS = 108  # Word's default left/right cell margin


@dataclass(frozen=True)
class BodyEnd:
    """The page (1-based) the body ends on and the height used on it, in points."""

    page: int
    used_pt: float

    @property
    def room_pt(self) -> float:
        return TYPE_HEIGHT_PT - self.used_pt


@dataclass
class _Block:
    units: list[float]  # lines of a paragraph, rows of a table: a unit never splits
    keep_with_next: bool = False
    page_break_before: bool = False
    header_pt: float = 0.0  # a table's header rows, repeated at the top of each page it runs onto


def _twips(value) -> float:
    try:
        return int(value) / 20.0
    except (TypeError, ValueError):
        return 0.0


def _style_chain(paragraph):
    style = paragraph.style
    while style is not None:
        yield style
        style = style.base_style


def _line_pt(paragraph) -> float:
    for pf in [paragraph.paragraph_format] + [s.paragraph_format for s in _style_chain(paragraph)]:
        if pf.line_spacing is not None and not isinstance(pf.line_spacing, float):
            return pf.line_spacing.pt
    return DEFAULT_LINE_PT


def _space_pt(paragraph, name: str) -> float:
    for pf in [paragraph.paragraph_format] + [s.paragraph_format for s in _style_chain(paragraph)]:
        value = getattr(pf, name)
        if value is not None:
            return value.pt
    return 0.0


def _size_pt(paragraph) -> float:
    sizes = [r.font.size.pt for r in paragraph.runs if r.font.size is not None]
    if sizes:
        return max(sizes)
    for style in _style_chain(paragraph):
        if style.font.size is not None:
            return style.font.size.pt
    return DEFAULT_SIZE_PT


def _flag(paragraph, name: str) -> bool:
    for pf in [paragraph.paragraph_format] + [s.paragraph_format for s in _style_chain(paragraph)]:
        value = getattr(pf, name)
        if value is not None:
            return bool(value)
    return False


def _indents(paragraph, size: float) -> tuple[float, float, float]:
    """(left, right, first line) in points; a hanging indent is a negative first line."""
    for p_pr in [paragraph._p.pPr] + [s.element.pPr for s in _style_chain(paragraph)]:
        ind = p_pr.find(qn("w:ind")) if p_pr is not None else None
        if ind is None:
            continue
        left = _twips(ind.get(qn("w:left")) or ind.get(qn("w:start")))
        right = _twips(ind.get(qn("w:right")) or ind.get(qn("w:end")))
        if ind.get(qn("w:firstLineChars")) is not None:
            first = int(ind.get(qn("w:firstLineChars"))) / 100 * size
        else:
            first = _twips(ind.get(qn("w:firstLine"))) - _twips(ind.get(qn("w:hanging")))
        return left, right, first
    return 0.0, 0.0, 0.0


def paragraph_lines(paragraph, width_pt: float) -> int:
    """How many lines ``paragraph`` takes in a column ``width_pt`` wide."""
    size = _size_pt(paragraph)
    left, right, first = _indents(paragraph, size)
    room = max(width_pt - left - right, size)
    segments = [""]
    for child in paragraph._p.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
        if child.tag == qn("w:br"):
            segments.append("")
        elif child.tag == qn("w:tab"):
            segments[-1] += "    "
        else:
            segments[-1] += child.text or ""
    lines = 0
    for index, segment in enumerate(segments):
        wide = text_width(segment)
        # whole characters a line holds; a punctuation mark may not start a line (禁则), which
        # carries the character before it over: about half a character lost a line
        per_line = math.floor(room / size + 0.01) - (0.5 if _PUNCTUATION.search(segment) else 0)
        per_first = per_line - (first / size if index == 0 else 0)
        lines += 1 if wide <= per_first else 1 + math.ceil((wide - per_first) / max(per_line, 1) - 1e-9)
    return lines


def _paragraph_block(paragraph, width_pt: float) -> _Block:
    line = _line_pt(paragraph)
    units = [line] * paragraph_lines(paragraph, width_pt)
    units[0] += _space_pt(paragraph, "space_before")
    units[-1] += _space_pt(paragraph, "space_after")
    borders = paragraph._p.pPr.find(qn("w:pBdr")) if paragraph._p.pPr is not None else None
    for side in ("top", "bottom") if borders is not None else ():
        rule = borders.find(qn(f"w:{side}"))
        if rule is not None and rule.get(qn("w:val")) not in ("nil", "none"):  # a rule adds its gap and width
            extra = float(rule.get(qn("w:space")) or 0) + int(rule.get(qn("w:sz")) or 0) / 8
            units[0 if side == "top" else -1] += extra
    return _Block(units, keep_with_next=_flag(paragraph, "keep_with_next"),
                  page_break_before=_flag(paragraph, "page_break_before"))


def _cell_margins(tbl) -> tuple[float, float, float]:
    """(top + bottom, left, right) cell margins of a table, in points."""
    margins = {"top": 0.0, "bottom": 0.0, "left": WORD_CELL_SIDE_TWIPS / 20, "right": WORD_CELL_SIDE_TWIPS / 20}
    mar = tbl.tblPr.find(qn("w:tblCellMar")) if tbl.tblPr is not None else None
    if mar is not None:
        for side in margins:
            el = mar.find(qn(f"w:{side}"))
            if el is not None:
                margins[side] = _twips(el.get(qn("w:w")))
    return margins["top"] + margins["bottom"], margins["left"], margins["right"]


def _table_block(table) -> _Block:
    from docx.table import _Cell

    tbl = table._tbl
    vertical, left, right = _cell_margins(tbl)
    rows, header, in_header = [], 0.0, True
    for tr in tbl.tr_lst:
        height = 0.0
        for tc in tr.tc_lst:
            cell = _Cell(tc, table)
            width = _twips(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) if tc.tcPr is not None and \
                tc.tcPr.find(qn("w:tcW")) is not None else int(TYPE_WIDTH) / 12700 / max(len(tr.tc_lst), 1)
            inner = max(width - left - right, 1.0)
            height = max(height, sum(sum(_paragraph_block(p, inner).units) for p in cell.paragraphs))
        tr_pr = tr.trPr
        exact = tr_pr.find(qn("w:trHeight")) if tr_pr is not None else None
        if exact is not None:
            height = max(height, _twips(exact.get(qn("w:val"))))
        height += vertical + 1.0  # the rule under the row
        rows.append(height)
        in_header = in_header and tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
        if in_header:
            header += height
    return _Block(rows or [0.0], header_pt=header)


def table_height_pt(table) -> float:
    """The height of ``table`` in points (all its rows)."""
    return sum(_table_block(table).units)


def body_end(doc) -> BodyEnd:
    """The estimated end of ``doc``'s body (tables that float, like a 版记, take no place)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    width = int(TYPE_WIDTH) / 12700
    blocks = []
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, doc)
            if child.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None and not paragraph.text:
                continue  # the paragraph that carries a section break
            blocks.append(_paragraph_block(paragraph, width))
        elif child.tag == qn("w:tbl"):
            table = Table(child, doc)
            if child.tblPr is not None and child.tblPr.find(qn("w:tblpPr")) is not None:
                continue
            blocks.append(_table_block(table))
    page, used = 1, 0.0
    height = TYPE_HEIGHT_PT
    for index, block in enumerate(blocks):
        if block.page_break_before and used > 0:
            page, used = page + 1, 0.0
        if block.keep_with_next:
            chain, j = 0.0, index
            while j < len(blocks) and blocks[j].keep_with_next:
                chain += sum(blocks[j].units)
                j += 1
            if j < len(blocks):
                chain += blocks[j].units[0]
            if used > 0 and used + chain > height and chain <= height:
                page, used = page + 1, 0.0
        for number, unit in enumerate(block.units):
            if used > 0 and used + unit > height + 0.01:
                page, used = page + 1, (block.header_pt if number > 0 else 0.0)
            used += unit
    return BodyEnd(page, used)

