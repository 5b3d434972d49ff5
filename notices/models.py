"""通报 (Wagtail pages: home, notice index, notice) and 受理举报 (the public tip-off form page and
its triage queue).

An internal notice is readable only by its audience (``notices.visibility``): ``serve`` answers
404 to anyone else, and the index, the search and the page API filter the same way.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.forms.forms import WagtailAdminFormPageForm
from wagtail.contrib.forms.models import AbstractForm
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.audit.models import audited_history
from cms.directory.models import Department, Jurisdiction
from cms.forms import TextFormMixin
from cms.roles import OFFICE_ROLES

from .blocks import NoticeBodyBlock
from .visibility import can_read_notice, visible_notices

DEFAULT_ISSUING_OFFICE = "荔城区人民政府安全生产委员会办公室"
DEFAULT_HEADER_NAME = "荔城区人民政府安全生产委员会办公室"
DEFAULT_COPY_TO = "区委办，区人大办，区政府办，区政协办，区纪委监委，区委督查室，区效能办"


@register_setting(icon="doc-full")
class OfficeDocumentSettings(BaseGenericSetting):
    """公文版式: what the office's Word documents print in their 版头 and 版记 (GB/T 9704)."""

    header_name = models.CharField(
        "发文机关标志", max_length=40, default=DEFAULT_HEADER_NAME,
        help_text="通报版头的红色机关标志，例如：荔城区人民政府安全生产委员会办公室（可加“文件”二字）")
    issuing_office = models.CharField(
        "发文机关全称", max_length=60, default=DEFAULT_ISSUING_OFFICE,
        help_text="三单、通报落款使用的发文机关全称")
    copy_to = models.CharField(
        "抄送机关", max_length=300, blank=True, default=DEFAULT_COPY_TO,
        help_text="通报版记中的抄送机关，用逗号或顿号分隔，末尾不加标点")
    printing_office = models.CharField(
        "印发机关", max_length=60, default=DEFAULT_ISSUING_OFFICE, help_text="通报版记中的印发机关")

    panels = [FieldPanel("header_name"), FieldPanel("issuing_office"), FieldPanel("copy_to"), FieldPanel("printing_office")]

    class Meta:
        verbose_name = "公文版式"
        verbose_name_plural = "公文版式"

    def __str__(self) -> str:
        return "公文版式"


class TextPageForm(TextFormMixin, WagtailAdminPageForm):
    """The page editor's form: control characters refused (``cms.forms``)."""


class HomePage(Page):
    base_form_class = TextPageForm

    intro = RichTextField("简介", blank=True, features=["bold", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["notices.NoticeIndexPage", "notices.TipOffFormPage"]
    max_count = 1

    class Meta:
        verbose_name = "网站首页"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        index_page = NoticeIndexPage.objects.live().descendant_of(self).first()
        notices = NoticePage.objects.live().descendant_of(self).order_by("-issued_on", "-first_published_at")
        context["notice_index"] = index_page
        context["latest_notices"] = visible_notices(notices, request.user)[:5]
        context["tipoff_page"] = TipOffFormPage.objects.live().descendant_of(self).first()
        return context


class NoticeIndexPage(Page):
    base_form_class = TextPageForm

    intro = RichTextField("简介", blank=True, features=["bold", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["notices.HomePage"]
    subpage_types = ["notices.NoticePage"]

    class Meta:
        verbose_name = "通报栏目"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        notices = NoticePage.objects.live().child_of(self).order_by("-issued_on", "-first_published_at")
        notices = visible_notices(notices, request.user)
        query = (request.GET.get("q") or "").replace("\x00", "").strip()[:100]
        if query:
            notices = notices.filter(Q(title__icontains=query) | Q(document_number__icontains=query))
        paginator = Paginator(notices, 20)
        context["query"] = query
        context["notices"] = paginator.get_page(request.GET.get("page"))
        return context


class TextFormPageForm(TextFormMixin, WagtailAdminFormPageForm):
    """The 受理举报 page's editor form: control characters refused (``cms.forms``)."""


class NoticePage(Page):
    base_form_class = TextPageForm

    class Visibility(models.TextChoices):
        PUBLIC = "public", "公开"
        INTERNAL = "internal", "内部（仅主送单位可见）"

    document_number = models.CharField("文号", max_length=50, blank=True,
                                       help_text="例如：荔安办〔2026〕95号；草稿可留空，签发时填写")
    issuing_office = models.CharField("发文单位", max_length=100, default=DEFAULT_ISSUING_OFFICE)
    issued_on = models.DateField("成文日期", default=timezone.localdate)
    addressee_text = models.CharField("主送", max_length=300, blank=True,
                                      help_text="显示在正文前的主送文字，例如：各镇街、工业园区，区安委会有关成员单位")
    addressee_departments = ParentalManyToManyField(Department, blank=True, related_name="notices", verbose_name="主送单位")
    addressee_jurisdictions = ParentalManyToManyField(Jurisdiction, blank=True, related_name="notices", verbose_name="主送属地")
    visibility = models.CharField("公开范围", max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC,
                                  help_text="内部通报仅区安办、审计人员及主送单位的登录用户可见")
    report_month = models.DateField("通报月份", null=True, blank=True, help_text="由数据生成的月度通报所对应的月份")
    body = StreamField(NoticeBodyBlock(), verbose_name="正文", blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("document_number"), FieldPanel("issued_on")]),
            FieldPanel("issuing_office"),
        ], heading="文头"),
        MultiFieldPanel([
            FieldPanel("addressee_text"), FieldPanel("addressee_departments"), FieldPanel("addressee_jurisdictions"),
        ], heading="主送"),
        FieldPanel("visibility"),
        FieldPanel("body"),
        InlinePanel("attachments", label="附件", heading="附件"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("document_number"),
        index.SearchField("body"),
        index.FilterField("visibility"),
    ]

    api_fields = [
        APIField("document_number"),
        APIField("issuing_office"),
        APIField("issued_on"),
        APIField("addressee_text"),
        APIField("addressees"),
        APIField("visibility"),
        APIField("report_month"),
        APIField("body"),
        APIField("attachment_list"),
    ]

    parent_page_types = ["notices.NoticeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"

    def clean(self):
        super().clean()
        if self.document_number:
            clash = NoticePage.objects.filter(document_number=self.document_number.strip()).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"document_number": "该文号已被其他通报使用"})

    @property
    def is_internal(self) -> bool:
        return self.visibility == self.Visibility.INTERNAL

    @property
    def addressees(self) -> dict:
        return {
            "departments": [{"id": d.pk, "name": d.name} for d in self.addressee_departments.all()],
            "jurisdictions": [{"id": j.pk, "name": j.name} for j in self.addressee_jurisdictions.all()],
        }

    @property
    def attachment_list(self) -> list[dict]:
        return [
            {"title": a.display_title, "url": a.document.url, "file_extension": a.document.file_extension}
            for a in self.attachments.select_related("document")
        ]

    def serve(self, request, *args, **kwargs):
        if not can_read_notice(request.user, self):
            raise Http404("未找到该页面")
        response = super().serve(request, *args, **kwargs)
        if self.is_internal:
            response["Cache-Control"] = "private, no-store"
            response["X-Robots-Tag"] = "noindex"
        return response


class NoticeAttachment(Orderable):
    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.PROTECT, related_name="+", verbose_name="文件")
    title = models.CharField("附件名称", max_length=200, blank=True, help_text="留空则使用文件标题")

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = "附件"
        verbose_name_plural = "附件"

    @property
    def display_title(self) -> str:
        return self.title or self.document.title


class TipOffFormPage(AbstractForm):
    """受理举报: the public form. Its fields are fixed (``notices.forms.TipOffForm``); submissions go
    to the ``TipOff`` triage queue, never back to the public."""

    base_form_class = TextFormPageForm

    intro = RichTextField("说明", blank=True, features=["bold", "link", "ol", "ul"])
    thank_you_text = RichTextField("提交成功提示", blank=True, features=["bold", "link"])

    content_panels = AbstractForm.content_panels + [FieldPanel("intro"), FieldPanel("thank_you_text")]
    parent_page_types = ["notices.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = "受理举报表单"

    def get_form_fields(self):
        return []

    def get_data_fields(self):
        return []

    def get_form_class(self):
        from .forms import TipOffForm

        return TipOffForm

    def serve(self, request, *args, **kwargs):
        from .forms import serve_tipoff_form

        return serve_tipoff_form(self, request, *args, **kwargs)

    def process_form_submission(self, form):
        from .services import tipoff_submit

        return tipoff_submit(
            page=self, place=form.cleaned_data["place"], description=form.cleaned_data["description"],
            contact=form.cleaned_data.get("contact", ""), photos=form.cleaned_data.get("photos") or [],
            address=getattr(form, "client_address", None),
        )


class TipOffState(models.TextChoices):
    NEW = "new", "待处理"
    ACCEPTED = "accepted", "已受理"
    DISMISSED = "dismissed", "不予受理"


class TipOff(models.Model):
    """A public report of a hazard, waiting for the office to accept (it becomes a hazard) or dismiss it."""

    code = models.CharField("举报编号", max_length=30, unique=True, editable=False)
    place = models.CharField("隐患地点", max_length=200)
    description = models.TextField("隐患描述", max_length=5000)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    state = models.CharField("状态", max_length=20, choices=TipOffState.choices, default=TipOffState.NEW, editable=False)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now, editable=False)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True, editable=False)
    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.PROTECT, null=True, blank=True, related_name="tipoffs",
                               verbose_name="登记的隐患", editable=False)
    dismiss_reason = models.TextField("不予受理理由", blank=True, max_length=2000, editable=False)
    handled_at = models.DateTimeField("处理时间", null=True, blank=True, editable=False)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="处理人", editable=False)
    # the citizen's 查询码, shown once at submission; only its salted hash is kept (never in the history)
    query_code_hash = models.CharField("查询码摘要", max_length=128, blank=True, editable=False)

    history = audited_history(excluded_fields=["query_code_hash"])
    write_roles = OFFICE_ROLES

    class Meta:
        verbose_name = "举报"
        verbose_name_plural = "受理举报"
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["state", "submitted_at"], name="tipoff_state_submitted")]

    def __str__(self) -> str:
        return f"{self.code} {self.place}"

    @staticmethod
    def scope_q(scope) -> Q:
        # The triage queue is the office's (and auditors', who see everything read-only): no unit sees it.
        return Q(pk__in=[])


def tipoff_photo_path(instance, filename: str) -> str:
    # The stored name is random: nothing the submitter sent ends up in a path.
    return f"tipoffs/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class TipOffPhoto(models.Model):
    tipoff = models.ForeignKey(TipOff, on_delete=models.CASCADE, related_name="photos", verbose_name="举报")
    image = models.ImageField("照片", upload_to=tipoff_photo_path)
    extension = models.CharField("格式", max_length=10, editable=False)
    size = models.PositiveIntegerField("大小（字节）", editable=False)

    class Meta:
        verbose_name = "举报照片"
        verbose_name_plural = "举报照片"
        ordering = ["tipoff", "id"]

    def __str__(self) -> str:
        return f"{self.tipoff.code} 照片{self.pk}"

    @staticmethod
    def scope_q(scope) -> Q:
        return Q(pk__in=[])
