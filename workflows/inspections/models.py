"""督导检查组 and 督导检查 (one visit). Plans, answers and feedback build on these."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cms.audit.models import audited_history
from cms.checklists.models import ChecklistVersion
from cms.directory.models import Department, Expert, Jurisdiction, Sector, Target
from cms.roles import OFFICE_ROLES, Role


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
    member_departments = models.ManyToManyField(Department, related_name="member_of_groups", verbose_name="成员单位", blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="inspection_groups", verbose_name="成员", blank=True)
    experts = models.ManyToManyField(Expert, related_name="inspection_groups", verbose_name="邀请专家", blank=True)
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


class Inspection(models.Model):
    class Method(models.TextChoices):
        DISCUSSION = "discussion", "座谈交流"
        PLANNED = "planned", "计划检查"
        UNANNOUNCED = "unannounced", "四不两直"
        COVERT = "covert", "暗查突查"
        TIPOFF = "tipoff", "受理举报"

    group = models.ForeignKey(InspectionGroup, on_delete=models.PROTECT, related_name="inspections", verbose_name="检查组")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="inspections", verbose_name="检查对象")
    inspected_on = models.DateField("检查日期")
    method = models.CharField("检查方式", max_length=20, choices=Method.choices, default=Method.PLANNED)
    checklist_version = models.ForeignKey(ChecklistVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections", verbose_name="检查表版本")
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="inspections", verbose_name="检查人员", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = audited_history(m2m_fields=[inspectors])
    write_roles = OFFICE_ROLES | {Role.DEPARTMENT, Role.INSPECTOR}

    class Meta:
        verbose_name = "督导检查"
        verbose_name_plural = "督导检查"
        ordering = ["-inspected_on", "-id"]

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
