"""督导检查组, 督导检查计划, 督导检查 (one visit) with its answers, photos and 反馈意见.

Every row is written by ``workflows.inspections.services``; an inspection with its answers
and the hazards of its failed items is written in one transaction (``inspection_submit``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cms.audit.models import audited_history
from cms.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from cms.directory.models import Department, Expert, Jurisdiction, Sector, Target
from cms.roles import OFFICE_ROLES, Role


class InspectionMethod(models.TextChoices):
    DISCUSSION = "discussion", "座谈交流"
    PLANNED = "planned", "计划检查"
    UNANNOUNCED = "unannounced", "四不两直"
    COVERT = "covert", "暗查突查"
    TIPOFF = "tipoff", "受理举报"


class InspectionGroup(models.Model):
    class Kind(models.TextChoices):
        SPECIAL = "special", "专项督导检查组"
        COMPREHENSIVE = "comprehensive", "综合督导检查组"
        INDUSTRY = "industry", "行业督导检查组"

    name = models.CharField("检查组名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    lead_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="led_groups", verbose_name="牵头单位")
    jurisdictions = models.ManyToManyField(Jurisdiction, related_name="inspection_groups", verbose_name="督导属地", blank=True)
    sectors = models.ManyToManyField(Sector, related_name="inspection_groups", verbose_name="行业领域", blank=True)
    member_departments = models.ManyToManyField(Department, related_name="member_of_groups", verbose_name="成员单位", blank=True,
                                                help_text="综合督导检查组可邀请督查、效能等部门参与")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="inspection_groups", verbose_name="成员", blank=True)
    experts = models.ManyToManyField(Expert, related_name="inspection_groups", verbose_name="邀请专家", blank=True)
    leader_name = models.CharField("组长", max_length=50, blank=True)
    note = models.TextField("备注", blank=True, max_length=2000)
    is_active = models.BooleanField("启用", default=True)

    history = audited_history(m2m_fields=[jurisdictions, sectors, member_departments, members, experts])
    scope_needs_distinct = True

    class Meta:
        verbose_name = "督导检查组"
        verbose_name_plural = "督导检查组"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def scope_q(scope) -> Q:
        q = Q(pk__in=[])
        if scope.department_ids:
            q |= Q(lead_department_id__in=scope.department_ids) | Q(member_departments__in=scope.department_ids)
        if scope.user_id and scope.role == Role.INSPECTOR:
            q |= Q(members=scope.user_id)
        if scope.jurisdiction_ids:
            q |= Q(jurisdictions__in=scope.jurisdiction_ids)
        return q

    def jurisdiction_names(self) -> str:
        return "、".join(j.name for j in self.jurisdictions.all())

    def sector_names(self) -> str:
        return "、".join(s.name for s in self.sectors.all())

    def remit_sector_ids(self) -> set[int]:
        """Sectors an industry group covers: its own, else its lead department's."""
        ids = set(self.sectors.values_list("id", flat=True))
        if not ids:
            ids = set(self.lead_department.led_sectors.values_list("id", flat=True))
        return ids


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class InspectionPlan(models.Model):
    """督导检查计划 (四、有重点): what a group checks in a month and how."""

    class Status(models.TextChoices):
        DRAFT = "draft", "拟定中"
        CONFIRMED = "confirmed", "已确定"

    month = models.DateField("计划月份", help_text="填写该月任意一天，保存为当月 1 日", db_index=True)
    group = models.ForeignKey(InspectionGroup, on_delete=models.PROTECT, related_name="plans", verbose_name="检查组")
    title = models.CharField("计划名称", max_length=100)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    sectors = models.ManyToManyField(Sector, related_name="inspection_plans", verbose_name="重点行业领域", blank=True)
    jurisdictions = models.ManyToManyField(Jurisdiction, related_name="inspection_plans", verbose_name="属地", blank=True)
    targets = models.ManyToManyField(Target, related_name="inspection_plans", verbose_name="拟检查对象", blank=True)
    content = models.TextField("查什么（督导检查内容）", max_length=5000, blank=True)
    key_points = models.TextField("如何查（检查重点和方法）", max_length=5000, blank=True)
    templates = models.ManyToManyField(ChecklistTemplate, related_name="plans", verbose_name="使用检查表", blank=True)
    method = models.CharField("检查方式", max_length=20, choices=InspectionMethod.choices, default=InspectionMethod.PLANNED)
    experts = models.ManyToManyField(Expert, related_name="inspection_plans", verbose_name="邀请专家", blank=True)
    training_date = models.DateField("专题培训日期", null=True, blank=True)
    training_topic = models.CharField("专题培训主题", max_length=200, blank=True)
    training_trainer = models.CharField("授课人", max_length=100, blank=True)
    training_attendees = models.TextField("参训人员", max_length=2000, blank=True)
    major_event = models.CharField("重大活动、重点时段", max_length=200, blank=True, help_text="专项督导检查计划填写其服务的重大活动或重点时段")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = audited_history(m2m_fields=[sectors, jurisdictions, targets, templates, experts])
    write_roles = OFFICE_ROLES | {Role.DEPARTMENT}
    scope_needs_distinct = True

    class Meta:
        verbose_name = "督导检查计划"
        verbose_name_plural = "督导检查计划"
        ordering = ["-month", "group__kind", "group__name", "id"]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月} {self.title}"

    def save(self, *args, **kwargs):
        if self.month:
            self.month = first_of_month(self.month)
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.group_id and self.group.kind != InspectionGroup.Kind.SPECIAL and self.major_event:
            errors["major_event"] = "只有专项督导检查计划填写重大活动、重点时段"
        if self.training_date and self.month and abs((self.training_date - first_of_month(self.month)).days) > 62:
            errors["training_date"] = "专题培训日期应在计划月份前后"
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def scope_q(scope) -> Q:
        return Q(group__in=InspectionGroup.objects.filter(InspectionGroup.scope_q(scope)))

    def month_label(self) -> str:
        return f"{self.month:%Y-%m}"

    month_label.short_description = "月份"


class Inspection(models.Model):
    Method = InspectionMethod

    group = models.ForeignKey(InspectionGroup, on_delete=models.PROTECT, related_name="inspections", verbose_name="检查组")
    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections", verbose_name="所属计划")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="inspections", verbose_name="检查对象")
    inspected_on = models.DateField("检查日期", db_index=True)
    method = models.CharField("检查方式", max_length=20, choices=InspectionMethod.choices, default=InspectionMethod.PLANNED)
    checklist_version = models.ForeignKey(ChecklistVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections", verbose_name="检查表版本")
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="inspections", verbose_name="检查人员", blank=True)
    summary = models.TextField("检查情况", blank=True, max_length=5000)
    started_at = models.DateTimeField("开始填写时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    fill_seconds = models.PositiveIntegerField("填写用时（秒）", null=True, blank=True)
    flag_no_evidence = models.BooleanField("无照片佐证", default=False)
    flag_too_fast = models.BooleanField("填写过快", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = audited_history(m2m_fields=[inspectors])
    write_roles = OFFICE_ROLES | {Role.DEPARTMENT, Role.INSPECTOR}

    class Meta:
        verbose_name = "督导检查"
        verbose_name_plural = "督导检查"
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["group", "inspected_on"], name="inspection_group_day")]

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.target}"

    @staticmethod
    def scope_q(scope) -> Q:
        q = Q(pk__in=[])
        if scope.department_ids:
            q |= Q(group__lead_department_id__in=scope.department_ids) | Q(target__sectors__in=scope.sector_ids)
        if scope.user_id and scope.role == Role.INSPECTOR:
            q |= Q(inspectors=scope.user_id) | Q(group__members=scope.user_id)
        if scope.jurisdiction_ids:
            q |= Q(target__jurisdiction_id__in=scope.jurisdiction_ids)
        return q

    scope_needs_distinct = True

    @property
    def is_flagged(self) -> bool:
        return self.flag_no_evidence or self.flag_too_fast

    def flag_labels(self) -> str:
        labels = []
        if self.flag_no_evidence:
            labels.append("无照片佐证")
        if self.flag_too_fast:
            labels.append("填写过快")
        return "、".join(labels) or "—"

    flag_labels.short_description = "提示"


def _scope_via_inspection(scope) -> Q:
    return Q(inspection__in=Inspection.objects.filter(Inspection.scope_q(scope)))


class InspectionAnswer(models.Model):
    """One answer of one inspection to one item of the version it used. Written once."""

    class Verdict(models.TextChoices):
        PASS = "pass", "合格"
        FAIL = "fail", "不合格"
        NOT_APPLICABLE = "na", "不适用"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers", verbose_name="督导检查")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers", verbose_name="检查项")
    verdict = models.CharField("结论", max_length=10, choices=Verdict.choices, blank=True)
    text = models.TextField("文字/选项", blank=True, max_length=5000)
    number = models.DecimalField("数值", max_digits=18, decimal_places=4, null=True, blank=True)
    remark = models.TextField("情况说明", blank=True, max_length=5000)

    class Meta:
        verbose_name = "检查项答案"
        verbose_name_plural = "检查项答案"
        ordering = ["inspection", "item__sort_order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="answer_unique_item")]

    def __str__(self) -> str:
        return f"{self.item.text}：{self.display_value()}"

    @staticmethod
    def scope_q(scope) -> Q:
        return _scope_via_inspection(scope)

    def display_value(self) -> str:
        if self.verdict:
            return self.get_verdict_display()
        if self.number is not None:
            return format(self.number.normalize(), "f")
        return self.text


def inspection_photo_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"inspections/{timezone.localdate():%Y/%m}/{instance.inspection_id}-{timezone.now():%H%M%S%f}.{ext}"


class InspectionPhoto(models.Model):
    """Evidence taken on site, with its capture time and place from EXIF and its upload time."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos", verbose_name="督导检查")
    answer = models.ForeignKey(InspectionAnswer, on_delete=models.CASCADE, null=True, blank=True, related_name="photos", verbose_name="检查项答案")
    image = models.ImageField("照片", upload_to=inspection_photo_path)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    taken_at = models.DateTimeField("拍摄时间（EXIF）", null=True, blank=True)
    latitude = models.DecimalField("纬度（EXIF）", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度（EXIF）", max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="上传人")

    class Meta:
        verbose_name = "检查照片"
        verbose_name_plural = "检查照片"
        ordering = ["inspection", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name or self.image.name

    @staticmethod
    def scope_q(scope) -> Q:
        return _scope_via_inspection(scope)


class InspectionFeedback(models.Model):
    """反馈意见 (五（三）第一时间反馈): what the inspected unit is told after the visit."""

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="feedback", verbose_name="督导检查")
    problems = models.TextField("存在问题", max_length=10000)
    suggestions = models.TextField("意见建议", max_length=10000, blank=True)
    rectification_deadline = models.DateField("整改期限", null=True, blank=True)
    deadline_note = models.CharField("期限说明", max_length=500, blank=True, help_text="如：一般隐患7日内整改，重大隐患按整改方案期限")
    delivered_on = models.DateField("反馈日期", default=timezone.localdate)
    recipient = models.CharField("接收人（被检查单位）", max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="填写人")
    created_at = models.DateTimeField("填写时间", auto_now_add=True)
    # The letter as it was delivered: who signed it, to whom, by which group and way, and its
    # table's layout (``services.feedback_record``), so that a unit renamed later does not rewrite a
    # letter already sent. Written with each record or correction; not a history column.
    snapshot = models.JSONField("反馈时内容", default=dict, blank=True, editable=False)

    history = audited_history(excluded_fields=["snapshot"])
    write_roles = OFFICE_ROLES | {Role.DEPARTMENT, Role.INSPECTOR}

    class Meta:
        verbose_name = "反馈意见"
        verbose_name_plural = "反馈意见"
        ordering = ["-delivered_on", "-id"]

    def __str__(self) -> str:
        return f"{self.inspection.target} 反馈意见（{self.delivered_on}）"

    @staticmethod
    def scope_q(scope) -> Q:
        return _scope_via_inspection(scope)
