"""A monthly report as rows for the admin page: the one place that turns what a report states
(``selectors.report_content``: live data for a draft, the figures frozen on 报送 once sent) into
labelled text for ``reporting/includes/report_content.html``. Nothing here counts: it only reads
and labels."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from .models import MonthlyReport
from .selectors import report_content, report_is_frozen

# 四个清单 column groups, as in 附件2 (排查、隐患、整改、责任): (heading, ((column label, row key), …)).
FOUR_LIST_GROUPS = [
    ("排查清单", (("排查对象", "target"), ("排查单位", "inspecting_unit"))),
    ("隐患清单", (("隐患问题", "problem"), ("隐患等级", "level"))),
    ("整改清单", (("整改措施", "measures"), ("整改时限", "deadline"), ("整改状态", "state"))),
    ("责任清单", (("责任单位", "responsible_unit"), ("责任人", "responsible_person"))),
]


@dataclass
class ReportDisplay:
    basics: list[tuple[str, str]] = field(default_factory=list)
    categories: list[tuple[str, str]] = field(default_factory=list)
    groups: list[tuple[str, int]] = field(default_factory=list)  # (清单名, 列数)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    source: str = ""  # where the figures come from, in words

    @property
    def noted_basics(self) -> list[tuple[str, str, str]]:
        return [(label, value, NOTES.get(label, "")) for label, value in self.basics]


# 口径 beside each figure of the report page (workflows.reporting.figures; README 口径说明)
NOTES = {
    "督导检查时间": "本月本单位督导检查和发现隐患的最早、最晚日期（按检查日期，不按录入时间）",
    "督导检查组": "本月开展了督导检查的、本单位牵头的督导检查组数",
    "涉及属地": "本月检查过或发现隐患的企业所在镇街、工业园区",
    "涉及村居": "上述企业所在村居数",
    "检查对象": "本月检查过或发现隐患的企业（场所、工程、项目等）家数",
    "检查次数": "本单位牵头的督导检查组本月的督导检查次数",
    "发现隐患": "本单位督导检查发现及本单位人员登记的隐患，按发现日期计入本月；等于下方“四个清单”行数",
    "其中重大隐患": "发现隐患中的重大隐患",
    "其中一般隐患": "发现隐患中的一般隐患",
    "突出隐患": "发现隐患中标为突出的",
    "行业领域监管对象总数": "本单位主管行业领域（专项督导组：督导属地）内在管的监管对象",
}


def _text(value) -> str:
    """Any value as what a person reads: lists joined with 、, nothing as —, never None/True."""
    if value is None or value == "" or value == () or value == []:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value) or "—"
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def report_display(report: MonthlyReport) -> ReportDisplay:
    content = report_content(report)
    facts, baseline = content.facts, content.baseline
    period = f"{_text(facts.start)}至{_text(facts.end)}" if facts.start else "本月未开展督导检查"
    out = ReportDisplay()
    out.basics = [
        ("报送单位", _text(content.unit_name)),
        ("报告月份", f"{report.month.year}年{report.month.month}月"),
        ("行业领域", _text(facts.sector_names)),
    ]
    if facts.area_names:
        out.basics.append(("督导属地", _text(facts.area_names)))
    out.basics += [
        ("督导检查时间", period),
        ("督导检查组", f"{facts.group_count}个"),
        ("涉及属地", _text(facts.jurisdiction_names)),
        ("涉及村居", f"{facts.village_count}个"),
        ("检查对象", f"{facts.target_count}家"),
        ("检查次数", f"{facts.inspection_count}次"),
        ("发现隐患", f"{facts.hazard_total}项"),
        ("其中重大隐患", f"{facts.major_count}项"),
        ("其中一般隐患", f"{facts.general_count}项"),
        ("突出隐患", f"{facts.prominent_count}项"),
        ("行业领域监管对象总数", f"{baseline.total}家"),
    ]
    for category in baseline.categories:
        out.categories.append((_text(category.name), f"{category.count}家"))
        out.categories += [(f"　其中：{_text(name)}", f"{count}家") for name, count in category.children]
    if baseline.uncategorised:
        out.categories.append(("未分类", f"{baseline.uncategorised}家"))
    when = f"{timezone.localtime(content.generated_at):%Y-%m-%d %H:%M}" if content.generated_at else ""
    out.source = (f"报送时（{when}）的数据，此后不随数据变化。" if report_is_frozen(report)
                  else f"系统中的实时数据（{when}）；报送时固定下来。")
    out.groups = [(name, len(cols)) for name, cols in FOUR_LIST_GROUPS]
    out.columns = ["序号", *(label for _, cols in FOUR_LIST_GROUPS for label, _ in cols)]
    keys = [key for _, cols in FOUR_LIST_GROUPS for _, key in cols]
    for index, row in enumerate(content.rows, start=1):
        cells = [str(index)]
        for key in keys:
            value = row.get(key)
            if key == "state" and row.get("is_overdue"):
                value = f"{_text(value)}（逾期）"
            cells.append(_text(value))
        out.rows.append(cells)
    return out
