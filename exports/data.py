"""The plain data exporters take. Selectors (``exports.selectors``) build it from the models;
exporters never query, so they can be tested and benchmarked on data alone."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

# The figures are defined (and counted) in workflows.reporting.figures; these are their plain shapes.
from workflows.reporting.figures import Baseline, BasicFacts, CategoryCount, DistrictMonth  # noqa: F401


@dataclass(frozen=True)
class FourListRow:
    """One hazard as a row of the 四个清单: 排查、隐患、整改、责任."""

    target: str  # 排查清单·排查对象
    inspecting_unit: str  # 排查清单·排查单位
    problem: str  # 隐患清单·隐患问题
    level: str  # 隐患清单·隐患等级 (一般隐患 / 重大隐患, 突出 noted)
    measures: str  # 整改清单·整改措施
    deadline: datetime.date | None  # 整改清单·整改时限
    state: str  # 整改清单·状态
    responsible_unit: str  # 责任清单·责任单位
    responsible_person: str  # 责任清单·责任人
    code: str = ""
    found_on: datetime.date | None = None
    sector: str = ""
    jurisdiction: str = ""
    is_prominent: bool = False
    is_overdue: bool = False

    @property
    def deadline_state(self) -> str:
        deadline = f"{self.deadline:%Y-%m-%d}" if self.deadline else "未定"
        state = self.state + ("（逾期）" if self.is_overdue else "")
        return f"{deadline}／{state}" if state else deadline

    @property
    def deadline_state_cn(self) -> str:
        """整改时限 as a Chinese date (2026年3月31日) over the state, for Word tables."""
        deadline = f"{self.deadline.year}年{self.deadline.month}月{self.deadline.day}日" if self.deadline else "未定"
        state = self.state + ("（逾期）" if self.is_overdue else "")
        return f"{deadline}\n{state}" if state else deadline

    def word_cells(self, number: int) -> tuple[str, ...]:
        return (str(number), self.target, self.inspecting_unit, self.problem, self.level, self.measures or "—",
                self.deadline_state_cn, self.responsible_unit or "—", self.responsible_person or "—")


@dataclass
class MonthlyReportData:
    year: int
    month: int
    unit_name: str
    report_date: datetime.date
    baseline: Baseline
    facts: BasicFacts
    highlights: str = ""
    problems: str = ""
    next_steps: str = ""
    rows: Iterable[FourListRow] = field(default_factory=list)
    is_draft: bool = False  # not yet 报送: live figures, marked 草稿 on the page


@dataclass(frozen=True)
class DepartmentMonth:
    facts: BasicFacts
    report_status: str = ""  # 按时报送 / 逾期报送 / 未报送
    highlights: str = ""
    problems: str = ""
    next_steps: str = ""


@dataclass
class DistrictReportData:
    """The office's roll-up for the district leaders (五（四）)."""

    year: int
    month: int
    unit_name: str
    report_date: datetime.date
    departments: list[DepartmentMonth]
    sector_breakdown: list[tuple[str, int, int]]  # (sector, hazards, of which major)
    overdue_count: int
    open_major_count: int
    closed_count: int
    orders_summary: str = ""
    suggestions: list[str] = field(default_factory=list)
    rows: Iterable[FourListRow] = field(default_factory=list)
    group_reports: list[tuple[str, str, str]] = field(default_factory=list)  # 专项督导组: (name, problems, next steps)
    figures: DistrictMonth | None = None  # the district's month (total, others line) as counted by workflows.reporting.figures
    is_draft: bool = False


@dataclass(frozen=True)
class OfficialDocumentData:
    """三单, 反馈意见, 通报: 文号, title, 主送, body, issuing office, date (and hazards listed)."""

    kind: str  # e.g. 工作交办单 / 提醒单 / 督办单 / 督导检查反馈意见 / 通报
    doc_number: str
    title: str
    addressee: str
    body: str
    issuer: str
    issued_on: datetime.date
    rows: tuple[FourListRow, ...] = ()
    reply_due: datetime.date | None = None
    reply: str = ""
    copy_to: str = ""
    attachments: tuple[str, ...] = ()
    is_draft: bool = False  # marked 草稿 on every page; a draft carries no number
    blocks: tuple[DocBlock, ...] = ()  # a 通报's body as headings, paragraphs and tables (else ``body``)
    header_name: str = ""  # 版头: 发文机关标志 (a 通报); empty = no 版头
    printing_office: str = ""  # 版记: 印发机关 (with ``issued_on`` as 印发日期); empty = no 版记
    rows_state_note: str = ""  # e.g. "（隐患状态截至2026年3月9日）" under the hazards table
    layout: int = 0  # the hazards table's layout an order was sent with (exports.official); 0 = the current one


@dataclass(frozen=True)
class DocBlock:
    """One block of a 通报's body: ``heading`` (一、…), ``paragraph``, or ``table`` (``header`` + ``rows``)."""

    kind: str
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class HistoryRow:
    changed_at: datetime.datetime
    hazard_code: str
    action: str
    state: str
    level: str
    user: str
    ip_address: str
    reason: str
    description: str
    responsible_unit: str
    deadline: datetime.date | None


@dataclass(frozen=True)
class LedgerRow:
    code: str
    found_on: datetime.date | None
    sector: str
    jurisdiction: str
    village: str
    target: str
    problem: str
    level: str
    is_prominent: bool
    state: str
    is_overdue: bool
    is_supervised: bool
    source: str
    inspecting_unit: str
    responsible_unit: str
    responsible_person: str
    measures: str
    deadline: datetime.date | None
    submitted_on: datetime.date | None
    closed_on: datetime.date | None
