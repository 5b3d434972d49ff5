"""隐患 and its closed loop (交办 → 整改 → 复核 → 销号).

``state`` is written only by ``workflows.hazards.services``; 逾期 (overdue) is derived from
the deadline (``HazardQuerySet.overdue``), never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from cms.audit.models import TrackedQuerySet, audited_history
from cms.checklists.models import ChecklistItem
from cms.directory.models import Department, Jurisdiction, Sector, Target, Village
from cms.roles import OFFICE_ROLES, Role


class HazardState(models.TextChoices):
    REPORTED = "reported", "登记"
    ASSIGNED = "assigned", "已交办"
    RECTIFYING = "rectifying", "整改中"
    SUBMITTED = "submitted", "待复核"
    CLOSED = "closed", "已销号"


class HazardLevel(models.TextChoices):
    GENERAL = "general", "一般隐患"
    MAJOR = "major", "重大隐患"


class HazardAction(models.TextChoices):
    """The business actions of the loop; each history row of a hazard names the one that made it."""

    REGISTER = "register", "登记"
    ASSIGN = "assign", "交办"
    PLAN = "plan", "整改方案"
    SUBMIT = "submit", "整改完成"
    FIX_ON_SPOT = "fix_on_spot", "即行即改"
    VERIFY = "verify", "复核销号"
    REJECT = "reject", "退回"
    SUPERVISE = "supervise", "挂牌督办"
    FLAG = "flag", "逾期提请督办"


class HazardQuerySet(TrackedQuerySet):
    def open(self):
        return self.exclude(state=HazardState.CLOSED)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(deadline__lt=today)


class Hazard(models.Model):
    class Source(models.TextChoices):
        INSPECTION = "inspection", "督导检查"
        MANUAL = "manual", "检查人员补充"
        TIPOFF = "tipoff", "受理举报"
        OTHER = "other", "其他"

    class ResponsibleKind(models.TextChoices):
        DEPARTMENT = "department", "行业主管单位"
        JURISDICTION = "jurisdiction", "属地"
        TARGET = "target", "监管对象自身"

    code = models.CharField("隐患编号", max_length=30, unique=True)
    description = models.TextField("隐患问题", max_length=5000)
    level = models.CharField("隐患等级", max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    is_prominent = models.BooleanField("突出隐患", default=False)
    state = models.CharField("状态", max_length=20, choices=HazardState.choices, default=HazardState.REPORTED, editable=False)

    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="hazards", verbose_name="行业领域")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="hazards", verbose_name="监管对象")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="hazards", verbose_name="属地")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, null=True, blank=True, related_name="hazards", verbose_name="村居")

    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.INSPECTION)
    inspection = models.ForeignKey("inspections.Inspection", on_delete=models.PROTECT, null=True, blank=True, related_name="hazards", verbose_name="督导检查")
    checklist_item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, null=True, blank=True, related_name="hazards", verbose_name="检查项")
    legal_basis = models.TextField("依据", blank=True, max_length=2000)
    found_at = models.DateTimeField("发现时间", default=timezone.now)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="发现人")

    responsible_kind = models.CharField("责任主体类型", max_length=20, choices=ResponsibleKind.choices, blank=True)
    responsible_department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="responsible_hazards", verbose_name="责任单位")
    responsible_jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, null=True, blank=True, related_name="responsible_hazards", verbose_name="责任属地")
    responsible_person = models.CharField("责任人", max_length=50, blank=True)
    deadline = models.DateField("整改时限", null=True, blank=True, db_index=True)
    rectification_measures = models.TextField("整改措施", blank=True, max_length=5000)

    is_supervised = models.BooleanField("挂牌督办", default=False, editable=False)
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField("整改完成时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="销号人", editable=False)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    last_action = models.CharField("最近操作", max_length=20, choices=HazardAction.choices, default=HazardAction.REGISTER, editable=False)
    supervised_at = models.DateTimeField("挂牌督办时间", null=True, blank=True, editable=False)
    needs_supervision = models.BooleanField("逾期待督办", default=False, editable=False,
                                            help_text="逾期未整改、由每日提醒标记，供区安办决定是否挂牌督办")
    last_reject_reason = models.TextField("退回原因", blank=True, max_length=2000, editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = HazardQuerySet.as_manager()
    history = audited_history()
    write_roles = OFFICE_ROLES | {Role.DEPARTMENT, Role.JURISDICTION, Role.INSPECTOR}

    class Meta:
        verbose_name = "隐患"
        verbose_name_plural = "隐患"
        ordering = ["-found_at", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "state", "deadline"], name="hazard_jur_state_deadline"),
            models.Index(fields=["state", "deadline"], name="hazard_state_deadline"),
            models.Index(fields=["sector", "found_at"], name="hazard_sector_found"),
            models.Index(fields=["responsible_department", "state"], name="hazard_respdept_state"),
            # the default listing order (admin and API): newest first, paginated without sorting the table
            models.Index(fields=["-found_at", "-id"], name="hazard_found_desc"),
            # the dashboard and the counts of the admin home (bench/README.md, section 4: 725 ms at city scale before them)
            models.Index(fields=["sector", "jurisdiction", "state"], name="hazard_sector_jur_state"),
            models.Index(fields=["found_at", "state"], include=["level", "is_prominent"], name="hazard_found_state"),
            models.Index(fields=["closed_at"], name="hazard_closed_at"),
            models.Index(fields=["deadline", "id"], condition=~Q(state=HazardState.CLOSED), name="hazard_open_deadline"),
            models.Index(fields=["deadline", "id"], condition=Q(is_supervised=True) & ~Q(state=HazardState.CLOSED), name="hazard_open_supervised"),
            models.Index(fields=["id"], condition=Q(needs_supervision=True, is_supervised=False), name="hazard_needs_supervision"),
            # the office's 待我处理 (selectors.hazards_awaiting): its count and first page, ordered by deadline, from this index
            # alone (a city: 20.9 ms bitmap scan of 6,900 heap pages before it)
            models.Index(fields=["deadline", "id"], condition=Q(state__in=[HazardState.REPORTED, HazardState.SUBMITTED])
                         | Q(needs_supervision=True, is_supervised=False), name="hazard_office_todo"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:30]}"

    def save(self, *args, **kwargs):
        """Save, and keep the dashboard's counts (``models_tally``) in step in the same transaction:
        the old key is read from the row as the database holds it, locked, not from this instance."""
        from . import models_tally

        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not {self._meta.get_field(f).name for f in models_tally.KEY_FIELDS} & {
                self._meta.get_field(f).name for f in update_fields}:
            return super().save(*args, **kwargs)  # none of the key's fields is written
        using = kwargs.get("using") or models_tally.db_for(self)
        with transaction.atomic(using=using, savepoint=False):
            old = None
            if self.pk is not None and not self._state.adding:
                row = Hazard.objects.using(using).select_for_update().filter(pk=self.pk).values_list(*models_tally.KEY_FIELDS).first()
                old = models_tally.key_of(row) if row else None
            super().save(*args, **kwargs)
            new = models_tally.key_of(self)
            if old != new:
                models_tally.move(old, new, using)

    @property
    def is_overdue(self) -> bool:
        return self.state != HazardState.CLOSED and self.deadline is not None and self.deadline < timezone.localdate()

    @property
    def overdue_label(self) -> str:
        return "逾期" if self.is_overdue else ""

    @property
    def responsible_unit_name(self) -> str:
        if self.responsible_kind == self.ResponsibleKind.TARGET:
            return self.target.name
        if "listed_unit_name" in self.__dict__:  # annotated by selectors.hazards_for_list
            return self.listed_unit_name
        unit = self.responsible_department or self.responsible_jurisdiction
        return str(unit) if unit else ""

    @staticmethod
    def area_scope_q(scope) -> Q:
        """The unit's part of the scope: the sectors its department leads, what it was made
        responsible for, its 属地. Only columns the dashboard's tally also has (``models_tally``)."""
        q = Q(pk__in=[])
        if scope.department_ids:
            q |= Q(sector_id__in=scope.sector_ids) | Q(responsible_department_id__in=scope.department_ids)
        if scope.jurisdiction_ids:
            q |= Q(jurisdiction_id__in=scope.jurisdiction_ids) | Q(responsible_jurisdiction_id__in=scope.jurisdiction_ids)
        return q

    @staticmethod
    def scope_q(scope) -> Q:
        q = Hazard.area_scope_q(scope)
        if scope.role == Role.INSPECTOR and scope.user_id:
            # An inspector sees what they found and what the inspections they took part in found
            # (the same rule as ``Inspection.scope_q``), whatever its sector: on a 危化品+建筑施工
            # target an 应急管理局 inspector may record a 建筑施工 hazard and must then fix it on the spot.
            from workflows.inspections.models import Inspection

            q |= Q(found_by_id=scope.user_id) | Q(inspection_id__in=Inspection.objects.filter(
                Q(inspectors=scope.user_id) | Q(group__members=scope.user_id)).values("pk"))
        return q


def hazard_photo_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"hazards/{timezone.localdate():%Y/%m}/{instance.hazard_id}-{instance.stage}-{timezone.now():%H%M%S%f}.{ext}"


class HazardPhoto(models.Model):
    """A photo of a hazard — found, after rectification, or taken by the verifier at 复核 — with where
    and when it was taken."""

    class Stage(models.TextChoices):
        FOUND = "found", "发现时"
        RECTIFIED = "rectified", "整改后"
        VERIFIED = "verified", "复核时"

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="photos", verbose_name="隐患")
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices, default=Stage.FOUND)
    evidence = models.ForeignKey("HazardEvidence", on_delete=models.PROTECT, null=True, blank=True, related_name="photos", verbose_name="整改佐证")
    image = models.ImageField("照片", upload_to=hazard_photo_path)
    taken_at = models.DateTimeField("拍摄时间（EXIF）", null=True, blank=True)
    latitude = models.DecimalField("纬度（EXIF）", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度（EXIF）", max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="上传人")

    objects = TrackedQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = "隐患照片"
        verbose_name_plural = "隐患照片"
        ordering = ["hazard", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.hazard.code} {self.get_stage_display()}"

    @staticmethod
    def scope_q(scope) -> Q:
        return Q(hazard__in=Hazard.objects.filter(Hazard.scope_q(scope)))
class HazardPlan(models.Model):
    """整改方案 (五（三）: 明确任务、时间和责任人); for a 重大隐患 the six parts of a 治理方案."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="plans", verbose_name="隐患")
    measures = models.TextField("整改措施", max_length=5000)
    deadline = models.DateField("整改时限")
    responsible_person = models.CharField("整改责任人", max_length=50)
    funds = models.CharField("整改资金", max_length=200, blank=True)
    interim_measures = models.TextField("整改期间安全防范措施", max_length=5000, blank=True)
    # 重大隐患治理方案 (all six required for a major hazard)
    goal_and_tasks = models.TextField("治理目标和任务", max_length=5000, blank=True)
    methods_and_measures = models.TextField("采取的方法和措施", max_length=5000, blank=True)
    funds_and_materials = models.TextField("经费和物资的落实", max_length=5000, blank=True)
    organization_and_people = models.TextField("负责治理的机构和人员", max_length=5000, blank=True)
    timeline_and_requirements = models.TextField("治理的时限和要求", max_length=5000, blank=True)
    safety_and_emergency = models.TextField("安全措施和应急预案", max_length=5000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="制定人")
    created_at = models.DateTimeField("制定时间", auto_now_add=True)

    objects = TrackedQuerySet.as_manager()
    history = audited_history()

    MAJOR_FIELDS = ("goal_and_tasks", "methods_and_measures", "funds_and_materials", "organization_and_people",
                    "timeline_and_requirements", "safety_and_emergency")

    class Meta:
        verbose_name = "整改方案"
        verbose_name_plural = "整改方案"
        ordering = ["hazard", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.hazard.code} 整改方案"

    @staticmethod
    def scope_q(scope) -> Q:
        return Q(hazard__in=Hazard.objects.filter(Hazard.scope_q(scope)))


class HazardEvidence(models.Model):
    """整改佐证: what was done, with after-photos (HazardPhoto stage=rectified)."""

    class Kind(models.TextChoices):
        SUBMIT = "submit", "整改完成"
        ON_SPOT = "fix_on_spot", "即行即改"

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="evidence", verbose_name="隐患")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.SUBMIT)
    text = models.TextField("整改情况", max_length=5000)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="提交人")
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    objects = TrackedQuerySet.as_manager()
    history = audited_history()

    class Meta:
        verbose_name = "整改佐证"
        verbose_name_plural = "整改佐证"
        ordering = ["hazard", "-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.hazard.code} {self.get_kind_display()}"

    @staticmethod
    def scope_q(scope) -> Q:
        return Q(hazard__in=Hazard.objects.filter(Hazard.scope_q(scope)))


from .models_orders import Order, OrderAction, OrderKind, OrderStatus, ReminderLog  # noqa: E402,F401
from .models_sequence import Sequence  # noqa: E402,F401
from .models_tally import HazardTally  # noqa: E402,F401


@receiver(post_delete, sender=Hazard, dispatch_uid="hazard_tally_delete")
def _hazard_deleted(sender, instance, using, **kwargs):
    from . import models_tally

    models_tally.move(models_tally.key_of(instance), None, using)
