"""Excel exports (openpyxl): a title row, Chinese headers (grouped for the 四个清单), dates as
real dates, widths set, header frozen, an autofilter over the data, long text wrapped, and
print set-up — A4 landscape, fit to one page wide, the title and header rows repeated on every
printed page.

Every sheet is written in write-only mode, row by row, so memory stays bounded whatever the
number of rows; ``write_xlsx`` streams into a file the caller serves.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from cms.inputs import spreadsheet_cell

from .data import FourListRow, HistoryRow, LedgerRow

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
HEADER_FONT = Font(name="黑体", bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE_FONT = Font(name="黑体", bold=True, size=16)
TITLE_ALIGN = Alignment(horizontal="center", vertical="center")
WRAP_ALIGN = Alignment(vertical="top", wrap_text=True)
WRAP_FROM_WIDTH = 18  # columns this wide or wider hold sentences: wrapped


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    value: Callable[[Any], Any]
    kind: str = "text"  # text | date | datetime | number | bool


@dataclass(frozen=True)
class ColumnGroup:
    """A header group over ``size`` consecutive columns (``size`` 1 with no title = a column alone)."""

    title: str
    size: int


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Any]
    heading: str = ""  # the title row above the header (merged across the columns)
    groups: Sequence[ColumnGroup] = ()  # a grouped header row above the column titles
    wrap: bool = True  # wrap the wide text columns (off for very large dumps: a styled cell costs)


def _clean(value):
    """A text cell: no control characters Excel cannot hold, never a formula (``cms.inputs``)."""
    return spreadsheet_cell(value)


def _header_cell(ws, value, *, font=HEADER_FONT, fill=HEADER_FILL, align=HEADER_ALIGN) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = font
    if fill is not None:
        cell.fill = fill
    cell.alignment = align
    return cell


def _write_sheet(wb: Workbook, sheet: Sheet) -> int:
    ws = wb.create_sheet(sheet.title[:31])
    n_cols = len(sheet.columns)
    last = get_column_letter(n_cols)
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    header_row = 1 + bool(sheet.heading) + bool(sheet.groups)
    # everything written at the top of the sheet's XML is set before the first row
    ws.freeze_panes = f"A{header_row + 1}"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"1:{header_row}"
    if sheet.heading:
        ws.row_dimensions[1].height = 30
        ws.append([_header_cell(ws, sheet.heading, font=TITLE_FONT, fill=None, align=TITLE_ALIGN)])
        ws.merged_cells.add(f"A1:{last}1")
    if sheet.groups:
        row, col = [], 1
        group_row = header_row - 1
        for group in sheet.groups:
            row.append(_header_cell(ws, group.title or sheet.columns[col - 1].title))
            row += [_header_cell(ws, None) for _ in range(group.size - 1)]
            if group.size > 1:
                ws.merged_cells.add(f"{get_column_letter(col)}{group_row}:{get_column_letter(col + group.size - 1)}{group_row}")
            elif not group.title:  # a column alone: its title spans both header rows
                ws.merged_cells.add(f"{get_column_letter(col)}{group_row}:{get_column_letter(col)}{header_row}")
            col += group.size
        ws.append(row)
    alone = set()
    if sheet.groups:
        col = 0
        for group in sheet.groups:
            if group.size == 1 and not group.title:
                alone.add(col)
            col += group.size
    ws.append([_header_cell(ws, None if index in alone else column.title) for index, column in enumerate(sheet.columns)])
    date_columns = {i: (DATE_FORMAT if c.kind == "date" else DATETIME_FORMAT)
                    for i, c in enumerate(sheet.columns) if c.kind in ("date", "datetime")}
    bool_columns = {i for i, c in enumerate(sheet.columns) if c.kind == "bool"}
    wrap_columns = {i for i, c in enumerate(sheet.columns) if sheet.wrap and c.kind == "text" and c.width >= WRAP_FROM_WIDTH}
    count = 0
    for row in sheet.rows:
        values = []
        for index, column in enumerate(sheet.columns):
            value = column.value(row)
            if index in date_columns and value is not None:
                if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                    value = value.replace(tzinfo=None)  # callers pass local time; Excel has no zones
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = date_columns[index]
                values.append(cell)
            elif index in bool_columns:
                values.append("是" if value else "否")
            elif index in wrap_columns:
                cell = WriteOnlyCell(ws, value=_clean(value))
                cell.alignment = WRAP_ALIGN
                values.append(cell)
            else:
                values.append(_clean(value))
        ws.append(values)
        count += 1
    ws.auto_filter.ref = f"A{header_row}:{last}{header_row + max(count, 1)}"
    return count


def write_xlsx(target, sheets: Sequence[Sheet]) -> int:
    """Write ``sheets`` to ``target`` (a path or a binary file); returns the data rows written."""
    wb = Workbook(write_only=True)
    total = sum(_write_sheet(wb, sheet) for sheet in sheets)
    wb.save(target)
    return total


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    return buffer.getvalue()


# ---------------------------------------------------------------- the sheets

FOUR_LIST_COLUMNS: tuple[Column, ...] = (
    Column("隐患编号", 16, lambda r: r.code),
    Column("排查对象", 28, lambda r: r.target),
    Column("排查单位", 18, lambda r: r.inspecting_unit),
    Column("发现日期", 12, lambda r: r.found_on, "date"),
    Column("行业领域", 14, lambda r: r.sector),
    Column("属地", 12, lambda r: r.jurisdiction),
    Column("隐患问题", 50, lambda r: r.problem),
    Column("隐患等级", 10, lambda r: r.level),
    Column("突出隐患", 9, lambda r: r.is_prominent, "bool"),
    Column("整改措施", 40, lambda r: r.measures),
    Column("整改时限", 12, lambda r: r.deadline, "date"),
    Column("状态", 10, lambda r: r.state),
    Column("是否逾期", 9, lambda r: r.is_overdue, "bool"),
    Column("责任单位", 18, lambda r: r.responsible_unit),
    Column("责任人", 10, lambda r: r.responsible_person),
)


def _numbered(columns: Sequence[Column]) -> tuple[Column, ...]:
    return (Column("序号", 6, lambda pair: pair[0], "number"),
            *(Column(c.title, c.width, (lambda f: lambda pair: f(pair[1]))(c.value), c.kind) for c in columns))


# 序号 and 隐患编号 alone, then the four lists over their columns of FOUR_LIST_COLUMNS
FOUR_LIST_GROUPS = (
    ColumnGroup("", 1), ColumnGroup("", 1), ColumnGroup("排查清单", 5), ColumnGroup("隐患清单", 3),
    ColumnGroup("整改清单", 4), ColumnGroup("责任清单", 2),
)


def four_lists_sheet(title: str, rows: Iterable[FourListRow], *, heading: str = "") -> Sheet:
    return Sheet(title, _numbered(FOUR_LIST_COLUMNS), enumerate(rows, start=1), heading=heading or title,
                 groups=FOUR_LIST_GROUPS)


def build_four_lists_xlsx(rows: Iterable[FourListRow], *, title: str = "四个清单", heading: str = "") -> bytes:
    return xlsx_bytes([four_lists_sheet(title, rows, heading=heading)])


LEDGER_COLUMNS: tuple[Column, ...] = (
    Column("隐患编号", 16, lambda r: r.code),
    Column("发现日期", 12, lambda r: r.found_on, "date"),
    Column("行业领域", 14, lambda r: r.sector),
    Column("属地", 12, lambda r: r.jurisdiction),
    Column("村居", 12, lambda r: r.village),
    Column("监管对象", 28, lambda r: r.target),
    Column("隐患问题", 50, lambda r: r.problem),
    Column("隐患等级", 10, lambda r: r.level),
    Column("突出隐患", 9, lambda r: r.is_prominent, "bool"),
    Column("状态", 10, lambda r: r.state),
    Column("是否逾期", 9, lambda r: r.is_overdue, "bool"),
    Column("挂牌督办", 9, lambda r: r.is_supervised, "bool"),
    Column("来源", 12, lambda r: r.source),
    Column("排查单位", 18, lambda r: r.inspecting_unit),
    Column("责任单位", 18, lambda r: r.responsible_unit),
    Column("责任人", 10, lambda r: r.responsible_person),
    Column("整改措施", 40, lambda r: r.measures),
    Column("整改时限", 12, lambda r: r.deadline, "date"),
    Column("整改完成日期", 14, lambda r: r.submitted_on, "date"),
    Column("销号日期", 12, lambda r: r.closed_on, "date"),
)


def ledger_sheet(rows: Iterable[LedgerRow]) -> Sheet:
    return Sheet("隐患台账", _numbered(LEDGER_COLUMNS), enumerate(rows, start=1), heading="隐患台账")


def build_ledger_xlsx(rows: Iterable[LedgerRow]) -> bytes:
    return xlsx_bytes([ledger_sheet(rows)])


def write_ledger_xlsx(target, rows: Iterable[LedgerRow]) -> int:
    return write_xlsx(target, [ledger_sheet(rows)])


HISTORY_COLUMNS: tuple[Column, ...] = (
    Column("变更时间", 20, lambda r: r.changed_at, "datetime"),
    Column("隐患编号", 16, lambda r: r.hazard_code),
    Column("操作", 8, lambda r: r.action),
    Column("状态", 10, lambda r: r.state),
    Column("隐患等级", 10, lambda r: r.level),
    Column("操作人", 16, lambda r: r.user),
    Column("来源地址", 16, lambda r: r.ip_address),
    Column("变更原因", 36, lambda r: r.reason),
    Column("隐患问题", 50, lambda r: r.description),
    Column("责任单位", 18, lambda r: r.responsible_unit),
    Column("整改时限", 12, lambda r: r.deadline, "date"),
)


def write_history_xlsx(target, rows: Iterable[HistoryRow]) -> int:
    """The audit history of hazards, streamed row by row into ``target``."""
    # 200,000 rows in a year: no per-cell wrap style (bench/README.md measures this export)
    return write_xlsx(target, [Sheet("隐患变更历史", HISTORY_COLUMNS, rows, heading="隐患变更历史", wrap=False)])


def assessment_sheets(result) -> list[Sheet]:
    """年度目标责任考核: the score table, how each point was earned, and the referral list.

    ``result`` is a ``workflows.assessment.selectors.AssessmentResult`` (plain dataclasses)."""
    keys = [i.key for i in result.departments[0].indicators] if result.departments else []
    labels = {i.key: i.label for row in result.departments[:1] for i in row.indicators}
    score_columns = [Column("单位", 18, lambda r: r.department_name)]
    for key in keys:
        score_columns.append(Column(f"{labels[key]}（数据）", 22, (lambda k: lambda r: r.indicator(k).figure)(key)))
        score_columns.append(Column(f"{labels[key]}（得分）", 12, (lambda k: lambda r: float(r.indicator(k).points))(key), "number"))
    score_columns += [
        Column("总分", 10, lambda r: float(r.total), "number"),
        Column("是否合格", 10, lambda r: "合格" if result.passed(r) else "不合格"),
    ]
    detail_rows = [(row, indicator) for row in result.departments for indicator in row.indicators]
    detail_columns = [
        Column("单位", 18, lambda p: p[0].department_name),
        Column("指标", 16, lambda p: p[1].label),
        Column("分值", 8, lambda p: float(p[1].weight), "number"),
        Column("数据", 30, lambda p: p[1].figure),
        Column("得分", 8, lambda p: float(p[1].points), "number"),
        Column("计分方法", 60, lambda p: p[1].rule),
    ]
    referral_columns = [
        Column("单位", 18, lambda r: r.department_name),
        Column("总分", 10, lambda r: float(r.total), "number"),
        Column("合格线", 10, lambda r: float(result.pass_line), "number"),
        Column("考核区间", 26, lambda r: result.period.label),
    ]
    label = f"{result.period.label}目标责任考核"  # 2026年度目标责任考核
    return [
        Sheet("考核得分", score_columns, result.departments, heading=f"{label}得分"),
        Sheet("得分说明", detail_columns, detail_rows, heading=f"{label}得分说明"),
        Sheet("报送督查效能", referral_columns, result.referrals, heading=f"{label}未达标单位（报送督查、效能）"),
    ]


def build_assessment_xlsx(result) -> bytes:
    return xlsx_bytes(assessment_sheets(result))
