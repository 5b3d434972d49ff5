"""Excel exports (openpyxl): Chinese headers, dates as real dates, widths set, header frozen.

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

from cms.inputs import spreadsheet_cell

from .data import FourListRow, HistoryRow, LedgerRow

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
HEADER_FONT = Font(name="黑体", bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    value: Callable[[Any], Any]
    kind: str = "text"  # text | date | datetime | number | bool


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Any]


def _clean(value):
    """A text cell: no control characters Excel cannot hold, never a formula (``cms.inputs``)."""
    return spreadsheet_cell(value)


def _write_sheet(wb: Workbook, sheet: Sheet) -> int:
    ws = wb.create_sheet(sheet.title[:31])
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    header = []
    for column in sheet.columns:
        cell = WriteOnlyCell(ws, value=column.title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGN
        header.append(cell)
    ws.append(header)
    date_columns = {i: (DATE_FORMAT if c.kind == "date" else DATETIME_FORMAT)
                    for i, c in enumerate(sheet.columns) if c.kind in ("date", "datetime")}
    bool_columns = {i for i, c in enumerate(sheet.columns) if c.kind == "bool"}
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
            else:
                values.append(_clean(value))
        ws.append(values)
        count += 1
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


def four_lists_sheet(title: str, rows: Iterable[FourListRow]) -> Sheet:
    return Sheet(title, _numbered(FOUR_LIST_COLUMNS), enumerate(rows, start=1))


def build_four_lists_xlsx(rows: Iterable[FourListRow], *, title: str = "四个清单") -> bytes:
    return xlsx_bytes([four_lists_sheet(title, rows)])


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
    return Sheet("隐患台账", _numbered(LEDGER_COLUMNS), enumerate(rows, start=1))


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
    return write_xlsx(target, [Sheet("隐患变更历史", HISTORY_COLUMNS, rows)])


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
    return [
        Sheet("考核得分", score_columns, result.departments),
        Sheet("得分说明", detail_columns, detail_rows),
        Sheet("报送督查效能", referral_columns, result.referrals),
    ]


def build_assessment_xlsx(result) -> bytes:
    return xlsx_bytes(assessment_sheets(result))
