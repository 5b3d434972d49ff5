"""三单 (四（四）有运用): 工作交办单, 提醒单, 督办单 — numbered documents issued to a unit about
hazards, with a due date and the recipient's reply. Written only by ``services_orders``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cms.audit.models import TrackedQuerySet, audited_history
from cms.directory.models import Department, Jurisdiction
from cms.roles import OFFICE_ROLES


class OrderKind(models.TextChoices):
    ASSIGNMENT = "assignment", "工作交办单"
    REMINDER = "reminder", "提醒单"
    SUPERVISION = "supervision", "督办单"


# 文号前缀: 荔安办交〔2026〕3号, 荔安办提〔2026〕7号, 荔安办督〔2026〕12号
ORDER_PREFIX = {
    OrderKind.ASSIGNMENT: "荔安办交",
    OrderKind.REMINDER: "荔安办提",
    OrderKind.SUPERVISION: "荔安办督",
}


class OrderStatus(models.TextChoices):
    ISSUED = "issued", "已发出"
    ACKNOWLEDGED = "acknowledged", "已签收"
    ANSWERED = "answered", "已回复"
    CLOSED = "closed", "已办结"


class OrderAction(models.TextChoices):
    ISSUE = "issue", "发出"
    ACKNOWLEDGE = "acknowledge", "签收"
    ANSWER = "answer", "回复"
    CLOSE = "close", "办结"
    AUTO_CLOSE = "auto_close", "自动办结"


class OrderQuerySet(TrackedQuerySet):
    def open(self):
        return self.exclude(status=OrderStatus.CLOSED)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status__in=[OrderStatus.ISSUED, OrderStatus.ACKNOWLEDGED], due_date__lt=today)


class Order(models.Model):
    kind = models.CharField("类别", max_length=20, choices=OrderKind.choices)
    number = models.CharField("文号", max_length=40, unique=True, editable=False)
    year = models.PositiveIntegerField("年度", editable=False)
    serial = models.PositiveIntegerField("序号", editable=False)
    issuing_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="issued_orders", verbose_name="发文单位")
    recipient_department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="received_orders", verbose_name="接收单位")
    recipient_jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, null=True, blank=True, related_name="received_orders", verbose_name="接收属地")
    hazards = models.ManyToManyField("hazards.Hazard", related_name="orders", verbose_name="涉及隐患", blank=True)
    content = models.TextField("事项", max_length=5000)
    due_date = models.DateField("办理时限")
    status = models.CharField("状态", max_length=20, choices=OrderStatus.choices, default=OrderStatus.ISSUED, editable=False)
    reply = models.TextField("回复内容", blank=True, max_length=5000, editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="签发人")
    issued_at = models.DateTimeField("发出时间", default=timezone.now, editable=False)
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True, editable=False)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="签收人", editable=False)
    answered_at = models.DateTimeField("回复时间", null=True, blank=True, editable=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="回复人", editable=False)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="办结人", editable=False)
    last_action = models.CharField("最近操作", max_length=20, choices=OrderAction.choices, default=OrderAction.ISSUE, editable=False)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    # What the order said when it was issued, printed as it was ever after: the hazards with their
    # state and deadline at that moment, the names of sender and recipient (short, and the full names
    # it is signed and addressed with) and the date it is signed with. Written once by
    # ``order_issue`` (``snapshot_of``); see ``services_orders.ORDER_SNAPSHOT_KEYS``.
    snapshot = models.JSONField("发出时内容", default=dict, blank=True, editable=False)

    objects = OrderQuerySet.as_manager()
    # the snapshot is written once, at issue, and never changes: not a history column (a new column
    # in the history table would also change the digest of every existing row, cms.audit.chain)
    history = audited_history(m2m_fields=[hazards], excluded_fields=["snapshot"])
    write_roles = OFFICE_ROLES

    class Meta:
        verbose_name = "三单"
        verbose_name_plural = "三单（交办单、提醒单、督办单）"
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "year", "serial"], name="order_unique_kind_year_serial")]
        indexes = [
            models.Index(fields=["recipient_department", "status"], name="order_recdept_status"),
            models.Index(fields=["recipient_jurisdiction", "status"], name="order_recjur_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def recipient_name(self) -> str:
        unit = self.recipient_department or self.recipient_jurisdiction
        return str(unit) if unit else ""

    @property
    def is_overdue(self) -> bool:
        return self.status in (OrderStatus.ISSUED, OrderStatus.ACKNOWLEDGED) and self.due_date < timezone.localdate()

    @staticmethod
    def scope_q(scope) -> Q:
        from .models import Hazard

        q = Q(pk__in=[])
        if scope.department_ids:
            q |= Q(recipient_department_id__in=scope.department_ids)
        if scope.jurisdiction_ids:
            q |= Q(recipient_jurisdiction_id__in=scope.jurisdiction_ids)
        visible_hazards = Hazard.objects.filter(Hazard.scope_q(scope)).values("pk")
        q |= Q(pk__in=Order.hazards.through.objects.filter(hazard__in=visible_hazards).values("order_id"))
        return q


class ReminderLog(models.Model):
    """One row per (hazard, stage, deadline) that ``send_reminders`` has reminded about, so that
    running it twice (or daily) never issues a second 提醒单 for the same thing."""

    class Stage(models.TextChoices):
        DUE_SOON = "due_soon", "临近时限"
        OVERDUE = "overdue", "已逾期"

    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.PROTECT, related_name="reminder_logs", verbose_name="隐患")
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices)
    deadline = models.DateField("提醒时的整改时限")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="reminder_logs", verbose_name="提醒单")
    created_on = models.DateField("提醒日期")

    class Meta:
        verbose_name = "提醒记录"
        verbose_name_plural = "提醒记录"
        constraints = [models.UniqueConstraint(fields=["hazard", "stage", "deadline"], name="reminder_once_per_stage")]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.stage} {self.deadline}"
