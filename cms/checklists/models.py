"""检查表: checklist templates built in the admin without code, versioned.

A template belongs to sectors; its content lives in versions. A published version never
changes; editing makes a new draft version. Inspections point at the version they used.
(The builder, copy/reorder/retire and preview are built on these models.)
"""

from django.db import models
from django.db.models import Q

from cms.audit.models import audited_history
from cms.directory.models import Sector


class ChecklistTemplate(models.Model):
    name = models.CharField("检查表名称", max_length=100, unique=True)
    sectors = models.ManyToManyField(Sector, related_name="checklist_templates", verbose_name="适用行业领域")
    description = models.TextField("说明", blank=True, max_length=2000)
    is_retired = models.BooleanField("已停用", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = audited_history(m2m_fields=[sectors])

    class Meta:
        verbose_name = "检查表"
        verbose_name_plural = "检查表"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ChecklistVersion(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="versions", verbose_name="检查表")
    number = models.PositiveIntegerField("版本号")
    is_published = models.BooleanField("已发布", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    note = models.CharField("修订说明", max_length=200, blank=True)

    history = audited_history()

    class Meta:
        verbose_name = "检查表版本"
        verbose_name_plural = "检查表版本"
        ordering = ["template", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="checklist_version_unique")]

    def __str__(self) -> str:
        return f"{self.template.name} 第{self.number}版"


class ChecklistSection(models.Model):
    version = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="sections", verbose_name="版本")
    title = models.CharField("分组标题", max_length=100)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "检查表分组"
        verbose_name_plural = "检查表分组"
        ordering = ["version", "sort_order", "id"]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    class AnswerType(models.TextChoices):
        PASS_FAIL = "pass_fail", "合格/不合格/不适用"
        TEXT = "text", "文字"
        NUMBER = "number", "数字"
        CHOICE = "choice", "单选"
        PHOTO = "photo", "照片"

    class HazardLevel(models.TextChoices):
        GENERAL = "general", "一般隐患"
        MAJOR = "major", "重大隐患"

    version = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="items", verbose_name="版本")
    section = models.ForeignKey(ChecklistSection, on_delete=models.CASCADE, related_name="items", verbose_name="分组", null=True, blank=True)
    text = models.CharField("检查内容", max_length=500)
    answer_type = models.CharField("答案类型", max_length=20, choices=AnswerType.choices, default=AnswerType.PASS_FAIL)
    choices = models.JSONField("选项", default=list, blank=True)
    required = models.BooleanField("必填", default=True)
    legal_basis = models.TextField("依据", blank=True, max_length=2000)
    hazard_level = models.CharField("不合格时隐患等级", max_length=20, choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "检查项"
        verbose_name_plural = "检查项"
        ordering = ["version", "sort_order", "id"]

    def __str__(self) -> str:
        return self.text

    @staticmethod
    def scope_q(scope) -> Q:
        return Q()
