"""会商研判 (consultations and their measures), 月度督导检查情况 (monthly reports) and the
office's reporting settings (the due day and the holidays that move it).

``MonthlyReport.state`` is written only by ``workflows.reporting.services``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from cms.audit.models import audited_history
from cms.directory.models import Department, Jurisdiction, Sector
from cms.roles import OFFICE_ROLES, Role
from workflows.inspections.models import InspectionGroup


def _parse_dates(text: str) -> set[datetime.date]:
    dates = set()
    for raw in (text or "").replace("，", ",").replace(",", "\n").splitlines():
        raw = raw.strip()
        if raw:
            dates.add(datetime.date.fromisoformat(raw))
    return dates


def validate_date_lines(text: str) -> None:
    try:
        _parse_dates(text)
    except ValueError as exc:
        raise ValidationError("日期格式应为 YYYY-MM-DD，每行一个") from exc


@register_setting(icon="date")
class ReportingSettings(BaseGenericSetting):
    """月报报送期限：每月几日前报送上月情况；遇周末、节假日顺延至下一个工作日。"""

    due_day = models.PositiveSmallIntegerField(
        "报送截止日", default=5, validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="每月几日前报送上月督导检查情况（通知五（四）：每月5日）",
    )
    holidays = models.TextField("法定节假日", blank=True, validators=[validate_date_lines],
                                help_text="每行一个日期（YYYY-MM-DD）；截止日遇节假日顺延")
    extra_workdays = models.TextField("调休上班日", blank=True, validators=[validate_date_lines],
                                      help_text="每行一个日期（YYYY-MM-DD）；这些周末日按工作日计")

    class Meta:
        verbose_name = "月报报送设置"
        verbose_name_plural = "月报报送设置"

    def holiday_dates(self) -> set[datetime.date]:
        return _parse_dates(self.holidays)

    def workday_dates(self) -> set[datetime.date]:
        return _parse_dates(self.extra_workdays)

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.workday_dates():
            return True
        return day.weekday() < 5 and day not in self.holiday_dates()

    def due_date(self, report_month: datetime.date) -> datetime.date:
        """The deadline of the report about ``report_month`` (due in the following month)."""
        following = (report_month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        day = following.replace(day=self.due_day)
        holidays, workdays = self.holiday_dates(), self.workday_dates()
        while not (day in workdays or (day.weekday() < 5 and day not in holidays)):
            day += datetime.timedelta(days=1)
        return day


class Consultation(models.Model):
    """会商研判：每月组织 1–2 个行业领域牵头部门会商研判安全生产形势（三（二）、四（三））。"""

    held_on = models.DateField("会商日期")
    title = models.CharField("会商主题", max_length=200)
    sectors = models.ManyToManyField(Sector, related_name="consultations", verbose_name="行业领域",
                                     help_text="每次会商 1–2 个行业领域")
    lead_departments = models.ManyToManyField(Department, related_name="led_consultations", verbose_name="牵头部门")
    participating_departments = models.ManyToManyField(Department, related_name="joined_consultations",
                                                       verbose_name="参会单位", blank=True)
    situation_analysis = models.TextField("形势分析", max_length=10000)
    risks = models.TextField("研判风险", max_length=10000)
    notes = models.TextField("备注", blank=True, max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="记录人", editable=False)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = audited_history(m2m_fields=[sectors, lead_departments, participating_departments])
    scope_needs_distinct = True

    class Meta:
        verbose_name = "会商研判"
        verbose_name_plural = "会商研判"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def sector_names(self) -> str:
        return "、".join(s.name for s in self.sectors.all())

    @staticmethod
    def scope_q(scope) -> Q:
        q = Q(pk__in=[])
        if scope.department_ids:
            q |= (Q(lead_departments__in=scope.department_ids) | Q(participating_departments__in=scope.department_ids)
                  | Q(sectors__in=scope.sector_ids) | Q(measures__responsible_department__in=scope.department_ids))
        if scope.jurisdiction_ids:
            q |= Q(measures__responsible_jurisdiction__in=scope.jurisdiction_ids)
        return q


class ConsultationMeasure(models.Model):
    """会商确定的一项措施；可交办为工作交办单跟踪落实。"""

    class Status(models.TextChoices):
        PLANNED = "planned", "待交办"
        ISSUED = "issued", "已交办"
        DONE = "done", "已落实"
        DROPPED = "dropped", "不再交办"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="measures", verbose_name="会商研判")
    sort_order = models.PositiveIntegerField("排序", default=0, editable=False)
    content = models.TextField("措施内容", max_length=5000)
    responsible_department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                               related_name="consultation_measures", verbose_name="责任单位")
    responsible_jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, null=True, blank=True,
                                                 related_name="consultation_measures", verbose_name="责任属地")
    deadline = models.DateField("完成时限", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PLANNED, editable=False)
    order = models.ForeignKey("hazards.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="consultation_measures",
                              verbose_name="工作交办单", editable=False)
    issued_at = models.DateTimeField("交办时间", null=True, blank=True, editable=False)

    history = audited_history()

    class Meta:
        verbose_name = "会商措施"
        verbose_name_plural = "会商措施"
        ordering = ["consultation", "sort_order", "id"]

    def __str__(self) -> str:
        return self.content[:40]

    def clean(self):
        if self.responsible_department_id and self.responsible_jurisdiction_id:
            raise ValidationError("责任单位与责任属地只填一个")

    @property
    def responsible_unit(self):
        return self.responsible_department or self.responsible_jurisdiction

    @staticmethod
    def scope_q(scope) -> Q:
        q = Q(pk__in=[])
        if scope.department_ids:
            q |= (Q(responsible_department_id__in=scope.department_ids)
                  | Q(consultation__lead_departments__in=scope.department_ids)
                  | Q(consultation__participating_departments__in=scope.department_ids))
        if scope.jurisdiction_ids:
            q |= Q(responsible_jurisdiction_id__in=scope.jurisdiction_ids)
        return q

    scope_needs_distinct = True


class ReportState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已采纳"


class MonthlyReportQuerySet(models.QuerySet):
    def for_month(self, month: datetime.date):
        return self.filter(month=month.replace(day=1))

    def missing(self, today: datetime.date | None = None):
        """Never submitted and past the deadline."""
        today = today or timezone.localdate()
        return self.filter(first_submitted_at__isnull=True, deadline__lt=today)


class MonthlyReport(models.Model):
    """月度督导检查情况：各区直单位、各专项督导组每月5日前报送上月情况（五（四））。"""

    month = models.DateField("报告月份", help_text="所报告月份的第一天")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="monthly_reports", verbose_name="报送单位")
    group = models.ForeignKey(InspectionGroup, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="monthly_reports", verbose_name="专项督导组")
    state = models.CharField("状态", max_length=20, choices=ReportState.choices, default=ReportState.DRAFT, editable=False)
    deadline = models.DateField("报送期限", editable=False)

    snapshot = models.JSONField("基本情况数据", default=dict, blank=True, editable=False)
    four_lists = models.JSONField("四个清单", default=list, blank=True, editable=False)
    highlights = models.TextField("特色亮点", blank=True, max_length=10000)
    problems = models.TextField("主要问题及风险研判", blank=True, max_length=10000)
    next_steps = models.TextField("下一步工作打算", blank=True, max_length=10000)

    first_submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="报送人", editable=False)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="审核人", editable=False)
    review_comment = models.TextField("审核意见", blank=True, max_length=5000, editable=False)
    reminded_at = models.DateTimeField("催报时间", null=True, blank=True, editable=False)
    reminder_order = models.ForeignKey("hazards.Order", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="monthly_reports", verbose_name="提醒单", editable=False)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = MonthlyReportQuerySet.as_manager()
    history = audited_history()
    write_roles = OFFICE_ROLES | {Role.DEPARTMENT}

    class Meta:
        verbose_name = "月度督导检查情况"
        verbose_name_plural = "月度督导检查情况"
        ordering = ["-month", "department__sort_order", "group__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(department__isnull=False, group__isnull=True) | Q(department__isnull=True, group__isnull=False)),
                name="monthly_report_one_author", violation_error_message="月报须属于一个单位或一个专项督导组",
            ),
            models.UniqueConstraint(fields=["month", "department"], name="monthly_report_unique_department",
                                    violation_error_message="该单位本月月报已存在"),
            models.UniqueConstraint(fields=["month", "group"], name="monthly_report_unique_group",
                                    violation_error_message="该专项督导组本月月报已存在"),
        ]
        indexes = [models.Index(fields=["month", "state"], name="monthly_report_month_state")]

    def __str__(self) -> str:
        return f"{self.month:%Y年%-m月}督导检查情况（{self.author_name}）"

    @property
    def author_name(self) -> str:
        return str(self.department or self.group or "")

    @property
    def author_department_id(self) -> int | None:
        return self.department_id or (self.group.lead_department_id if self.group_id else None)

    @staticmethod
    def timeliness_of(*, first_submitted_on: datetime.date | None, deadline: datetime.date, today: datetime.date | None = None) -> str:
        """按时报送 / 逾期报送 / 逾期未报 / 未到期: the one rule (五（四）: 每月5日报送), for a report and for
        a month with no report record at all."""
        if first_submitted_on is not None:
            return "按时报送" if first_submitted_on <= deadline else "逾期报送"
        return "逾期未报" if (today or timezone.localdate()) > deadline else "未到期"

    @property
    def timeliness(self) -> str:
        return self.timeliness_of(first_submitted_on=timezone.localdate(self.first_submitted_at) if self.first_submitted_at else None,
                                  deadline=self.deadline)

    @property
    def is_on_time(self) -> bool | None:
        if not self.first_submitted_at:
            return None
        return timezone.localdate(self.first_submitted_at) <= self.deadline

    @staticmethod
    def scope_q(scope) -> Q:
        q = Q(pk__in=[])
        if scope.department_ids:
            q |= Q(department_id__in=scope.department_ids) | Q(group__lead_department_id__in=scope.department_ids)
        return q
