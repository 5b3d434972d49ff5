"""检查表: checklist templates built in the admin without code, versioned.

A template belongs to sectors; its content lives in versions. A published version never
changes (enforced here in ``save``/``delete`` and in ``cms.checklists.services``); editing
makes a new draft version, publishing it makes it current. Inspections point at the version
they used, so an inspection shows its checklist exactly as it was filled.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cms.audit.models import audited_history
from cms.directory.models import Sector


class PublishedVersionIsFrozen(ValidationError):
    """Raised when code tries to change or delete part of a published version."""

    def __init__(self, what: str = "检查表版本"):
        super().__init__(f"{what}已发布，不能修改或删除；请编辑生成新版本")


class ChecklistTemplate(models.Model):
    name = models.CharField("检查表名称", max_length=100, unique=True)
    sectors = models.ManyToManyField(Sector, related_name="checklist_templates", verbose_name="适用行业领域")
    description = models.TextField("说明", blank=True, max_length=2000)
    is_retired = models.BooleanField("已停用", default=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    copied_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies",
                                    verbose_name="复制自", editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = audited_history(m2m_fields=[sectors])

    class Meta:
        verbose_name = "检查表"
        verbose_name_plural = "检查表"
        ordering = ["sort_order", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def scope_q(scope) -> Q:
        # Templates are shared reference data: every role may read them; only the office writes.
        return Q()

    @property
    def current_version(self) -> ChecklistVersion | None:
        """The newest published version: what new inspections use."""
        return self.versions.filter(is_published=True).order_by("-number").first()

    @property
    def draft_version(self) -> ChecklistVersion | None:
        return self.versions.filter(is_published=False).order_by("-number").first()

    def sector_names(self) -> str:
        return "、".join(s.name for s in self.sectors.all())

    def status_label(self) -> str:
        if self.is_retired:
            return "已停用"
        current = self.current_version
        draft = self.draft_version
        parts = [f"现行第{current.number}版" if current else "未发布"]
        if draft:
            parts.append(f"草稿第{draft.number}版")
        return "，".join(parts)

    status_label.short_description = "版本状态"


class ChecklistVersion(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="versions", verbose_name="检查表")
    number = models.PositiveIntegerField("版本号")
    is_published = models.BooleanField("已发布", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    note = models.CharField("修订说明", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    history = audited_history()

    class Meta:
        verbose_name = "检查表版本"
        verbose_name_plural = "检查表版本"
        ordering = ["template", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="checklist_version_unique")]

    def __str__(self) -> str:
        state = "" if self.is_published else "（草稿）"
        return f"{self.template.name} 第{self.number}版{state}"

    @staticmethod
    def scope_q(scope) -> Q:
        return Q()

    def _stored_is_published(self) -> bool:
        if not self.pk:
            return False
        return ChecklistVersion.objects.filter(pk=self.pk, is_published=True).exists()

    def save(self, *args, **kwargs):
        # Publishing (draft → published) is the last write a version ever gets.
        if self._stored_is_published():
            raise PublishedVersionIsFrozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_is_published():
            raise PublishedVersionIsFrozen()
        return super().delete(*args, **kwargs)


def _version_is_published(version_id) -> bool:
    return bool(version_id) and ChecklistVersion.objects.filter(pk=version_id, is_published=True).exists()


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

    @staticmethod
    def scope_q(scope) -> Q:
        return Q()

    def save(self, *args, **kwargs):
        if _version_is_published(self.version_id) or (self.pk and _version_is_published(
                ChecklistSection.objects.filter(pk=self.pk).values_list("version_id", flat=True).first())):
            raise PublishedVersionIsFrozen("该分组所属版本")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if _version_is_published(self.version_id):
            raise PublishedVersionIsFrozen("该分组所属版本")
        return super().delete(*args, **kwargs)


def suggest_finding(question: str) -> str:
    """A question turned into the finding it names when it fails: "危险化学品是否按规定分区存放" →
    "危险化学品未按规定分区存放", "是否存在违规动火" → "存在违规动火". Editors can always write their own."""
    text = re.sub(r"[？?。；;\s]+$", "", (question or "").strip())
    if "是否存在" in text:
        return text.replace("是否存在", "存在", 1)
    if "是否有" in text:
        return text.replace("是否有", "无", 1)
    if "是否" in text:
        after = text.split("是否", 1)[1]
        word = "不" if after.startswith(_STATE_WORDS) else "未"  # 是否畅通 → 不畅通, 是否按规定 → 未按规定
        return text.replace("是否", word, 1)
    return text


_STATE_WORDS = ("畅通", "完好", "齐全", "有效", "正常", "清晰", "合格", "符合", "满足", "规范", "完整", "牢固", "明显", "可靠", "足够")


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
    finding = models.CharField(
        "问题表述", max_length=500, blank=True,
        help_text="不合格时隐患的表述，例如：危险化学品未按规定分区、分类、分库存放；检查人员的备注接在其后。留空则由检查内容生成")
    guidance = models.CharField("检查要点（如何查）", max_length=500, blank=True)
    answer_type = models.CharField("答案类型", max_length=20, choices=AnswerType.choices, default=AnswerType.PASS_FAIL)
    choices = models.JSONField("选项", default=list, blank=True, help_text="单选题的选项")
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

    @property
    def finding_text(self) -> str:
        """How a failure of this item reads as a hazard: the 问题表述, or one made from the question."""
        return self.finding.strip() or suggest_finding(self.text)

    @staticmethod
    def scope_q(scope) -> Q:
        return Q()

    def clean(self):
        errors = {}
        if self.answer_type == self.AnswerType.CHOICE:
            options = [str(c).strip() for c in (self.choices or []) if str(c).strip()]
            if len(options) < 2:
                errors["choices"] = "单选题至少需要两个选项"
            elif len(set(options)) != len(options):
                errors["choices"] = "单选题的选项不能重复"
        elif self.choices:
            errors["choices"] = "只有单选题可以设置选项"
        if self.section_id and self.version_id and self.section.version_id != self.version_id:
            errors["section"] = "分组不属于该版本"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if _version_is_published(self.version_id) or (self.pk and _version_is_published(
                ChecklistItem.objects.filter(pk=self.pk).values_list("version_id", flat=True).first())):
            raise PublishedVersionIsFrozen("该检查项所属版本")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if _version_is_published(self.version_id):
            raise PublishedVersionIsFrozen("该检查项所属版本")
        return super().delete(*args, **kwargs)

    @property
    def can_fail(self) -> bool:
        """Only a 合格/不合格 item can produce a hazard."""
        return self.answer_type == self.AnswerType.PASS_FAIL
