"""Admin of 通报 and 受理举报: the tip-off triage queue (office only), "通报本月结果", and the guard
that keeps an internal notice's attachments inside its audience."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, InspectView, SnippetViewSet

from cms.admin_views import ReadableInspectMixin, SafeExportMixin
from cms.directory.models import Jurisdiction, Sector, Target
from cms.errors import ServiceError
from cms.forms import TextForm
from cms.roles import is_auditor, is_office
from workflows.hazards.models import HazardLevel

from .models import NoticeAttachment, NoticePage, TipOff, TipOffState
from .services import NewTarget, notice_draft_month_results, tipoff_accept, tipoff_dismiss
from .visibility import can_read_notice


class OfficeOnlyPolicy(ModelPermissionPolicy):
    """The triage queue is the office's: view it; accept or dismiss through the action pages only
    (never add, edit or delete a report by hand)."""

    def user_has_permission(self, user, action):
        # the office triages; auditors see everything, read-only
        return action == "view" and (is_office(user) or is_auditor(user))

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


class TipOffIndexView(SafeExportMixin, IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("photos")


class TipOffInspectView(ReadableInspectMixin, InspectView):
    """查看举报: times in Asia/Shanghai (the list's), the photos as thumbnails, the query code never."""

    template_name = "notices/admin/tipoff_inspect.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["photos"] = list(self.object.photos.all())
        ctx["can_triage"] = is_office(self.request.user)
        return ctx


def _check_office(request):
    if not is_office(request.user):
        raise PermissionDenied


class TipOffAcceptForm(TextForm):
    target = forms.ModelChoiceField(Target.objects.filter(is_active=True).select_related("jurisdiction"), label="监管对象", required=False,
                                    help_text="输入名称、信用代码或地址的任意片段查找；核实后确定（举报人填写的地点仅供参考）")
    new_target_name = forms.CharField(label="新监管对象名称", max_length=100, required=False,
                                      help_text="名录中没有该场所时填写，受理时一并登记到名录")
    new_target_jurisdiction = forms.ModelChoiceField(Jurisdiction.objects.filter(is_active=True), label="新监管对象所在属地", required=False)
    new_target_address = forms.CharField(label="新监管对象地址", max_length=200, required=False)
    sector = forms.ModelChoiceField(Sector.objects.filter(is_active=True), label="行业领域")
    level = forms.ChoiceField(choices=HazardLevel.choices, label="隐患等级", initial=HazardLevel.GENERAL)
    is_prominent = forms.BooleanField(label="突出隐患", required=False)
    description = forms.CharField(label="隐患问题", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                                  help_text="可按核实情况修改举报描述")
    reason = forms.CharField(label="处理说明", max_length=500, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from cms.directory.picker import TargetPicker

        # a search box over the directory, not a list of every target
        self.fields["target"].widget = TargetPicker(user)

    def clean(self):
        data = super().clean()
        target = data.get("target")
        name = (data.get("new_target_name") or "").replace("\x00", "").strip()
        data["new_target_name"] = name
        if target and name:
            self.add_error("new_target_name", "已选择名录中的监管对象，无需再登记新的；二者只填其一")
        elif not target and not name:
            self.add_error("target", "请选择监管对象；名录中没有时填写“新监管对象名称”和属地")
        elif name and not data.get("new_target_jurisdiction"):
            self.add_error("new_target_jurisdiction", "请选择新监管对象所在属地")
        return data


class TipOffDismissForm(TextForm):
    reason = forms.CharField(label="不予受理理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class TipOffActionView(WagtailAdminTemplateMixin, FormView):
    template_name = "notices/admin/action_form.html"
    action = ""
    scoped_model = TipOff  # cms.scope.ScopedObjectURLMiddleware: out of scope is a 404

    def dispatch(self, request, *args, **kwargs):
        _check_office(request)
        self.tipoff = get_object_or_404(TipOff, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{'受理' if self.action == 'accept' else '不予受理'}举报 {self.tipoff.code}"

    def get_initial(self):
        return {"description": self.tipoff.description}

    def get_form_class(self):
        return TipOffAcceptForm if self.action == "accept" else TipOffDismissForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.action == "accept":
            kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        t = self.tipoff
        ctx.update(object=t, submit_label="登记为隐患" if self.action == "accept" else "不予受理",
                   facts=[("举报编号", t.code), ("状态", t.get_state_display()), ("提交时间", timezone.localtime(t.submitted_at).strftime("%Y-%m-%d %H:%M")),
                          ("隐患地点", t.place), ("隐患描述", t.description), ("联系方式", t.contact)],
                   photos=list(t.photos.all()))
        if t.state != TipOffState.NEW:
            ctx["form"] = None
            ctx["intro"] = "该举报已处理。" + (f"不予受理理由：{t.dismiss_reason}" if t.dismiss_reason else "")
        return ctx

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            if self.action == "accept":
                new_target = None
                if not data.get("target"):
                    new_target = NewTarget(name=data["new_target_name"], jurisdiction=data["new_target_jurisdiction"],
                                           address=data.get("new_target_address") or "")
                hazard = tipoff_accept(actor=self.request.user, reason=data.get("reason") or "", tipoff=self.tipoff,
                                       target=data.get("target"), sector=data["sector"], level=data["level"],
                                       description=data["description"], is_prominent=data["is_prominent"], new_target=new_target)
                messages.success(self.request, f"已受理举报 {self.tipoff.code}，登记为隐患 {hazard.code}")
            else:
                tipoff_dismiss(actor=self.request.user, reason=data["reason"], tipoff=self.tipoff)
                messages.success(self.request, f"举报 {self.tipoff.code} 不予受理")
        except ServiceError as exc:
            form.add_error(None, exc.message)
            for field, errors in exc.fields.items():
                field = {"name": "new_target_name", "jurisdiction": "new_target_jurisdiction", "address": "new_target_address"}.get(field, field)
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        return redirect(reverse("wagtailsnippets_notices_tipoff:list"))


class TipOffViewSet(SnippetViewSet):
    model = TipOff
    icon = "warning"
    menu_label = "受理举报"
    menu_order = 320
    add_to_admin_menu = True
    index_view_class = TipOffIndexView
    inspect_view_class = TipOffInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    search_backend_name = None
    search_fields = ["code", "place", "description"]
    list_display = ["code", "place", Column("state", label="状态", accessor="get_state_display"),
                    Column("submitted_at", label="提交时间"), Column("photos", label="照片", accessor=lambda t: t.photos.count())]
    list_filter = ["state"]
    list_export = ["code", "place", "description", "contact", "state", "submitted_at", "dismiss_reason", "handled_at"]
    export_filename = "受理举报"
    inspect_view_fields = ["code", "place", "description", "contact", "state", "submitted_at", "hazard", "dismiss_reason",
                           "handled_at", "handled_by"]


@hooks.register("register_admin_urls")
def tipoff_urls():
    return [
        path("tipoffs/<int:pk>/accept/", TipOffActionView.as_view(action="accept"), name="notices_tipoff_accept"),
        path("tipoffs/<int:pk>/dismiss/", TipOffActionView.as_view(action="dismiss"), name="notices_tipoff_dismiss"),
        path("notices/month-results/", MonthResultsView.as_view(), name="notices_month_results"),
    ]


@hooks.register("register_snippet_listing_buttons")
def tipoff_listing_buttons(snippet, user, next_url=None):
    if isinstance(snippet, TipOff) and snippet.state == TipOffState.NEW and is_office(user):
        yield ListingButton("受理", reverse("notices_tipoff_accept", args=[snippet.pk]), icon_name="tick", priority=5)
        yield ListingButton("不予受理", reverse("notices_tipoff_dismiss", args=[snippet.pk]), icon_name="cross", priority=6)


register_permission_policy(TipOff, OfficeOnlyPolicy(TipOff))
register_snippet(TipOffViewSet)


# ---------------------------------------------------------------- 通报本月结果

def _month_choices():
    today = timezone.localdate().replace(day=1)
    months = []
    for i in range(12):
        m = today
        for _ in range(i):
            m = (m - datetime.timedelta(days=1)).replace(day=1)
        months.append((m.isoformat(), f"{m:%Y年}{m.month}月"))
    return months


class MonthResultsForm(TextForm):
    month = forms.ChoiceField(label="通报月份", choices=_month_choices)


class MonthResultsView(WagtailAdminTemplateMixin, FormView):
    """通报本月结果: draft a notice prefilled with the month's figures, then open it in the editor."""

    template_name = "notices/admin/action_form.html"
    page_title = "通报本月结果"
    form_class = MonthResultsForm

    def dispatch(self, request, *args, **kwargs):
        _check_office(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["intro"] = "按所选月份的隐患数据（发现、销号、逾期、挂牌督办，分属地和行业领域）生成通报草稿；生成后可编辑，再提交审核。"
        ctx["submit_label"] = "生成通报草稿"
        return ctx

    def form_valid(self, form):
        month = datetime.date.fromisoformat(form.cleaned_data["month"])
        try:
            page = notice_draft_month_results(actor=self.request.user, reason="通报本月结果", month=month)
        except ServiceError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, f"已生成通报草稿：{page.title}")
        return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))


class OfficeMenuItem(MenuItem):
    def is_shown(self, request):
        return is_office(request.user)


@hooks.register("register_admin_menu_item")
def month_results_menu_item():
    return OfficeMenuItem("通报本月结果", reverse("notices_month_results"), icon_name="doc-full", order=310)


# ---------------------------------------------------------------- attachments of internal notices

@hooks.register("before_serve_document")
def guard_notice_attachments(document, request):
    """A document attached to notices is served only if the user may read one of them (and it is live)."""
    page_ids = NoticeAttachment.objects.filter(document=document).values_list("page_id", flat=True)
    notices = list(NoticePage.objects.filter(pk__in=page_ids))
    if not notices:
        return None
    if is_office(request.user):
        return None
    if any(n.live and can_read_notice(request.user, n) for n in notices):
        return None
    raise Http404("未找到该文件")


# ---------------------------------------------------------------- 待我处理

@hooks.register("register_todo_sections")
def notice_todo_sections(user):
    """待我处理 of approvers: 通报 in moderation that this user may approve (Wagtail's own
    ``TaskState.objects.reviewable_by``), and, for the office, tip-offs awaiting triage."""
    from wagtail.models import TaskState

    from cms.dashboard import TODO_LIMIT, TodoItem, TodoSection

    if not is_office(user):
        return []
    states = (TaskState.objects.reviewable_by(user).select_related("workflow_state", "task")
              .order_by("started_at"))
    items = []
    for state in states[:TODO_LIMIT]:
        page = NoticePage.objects.filter(pk=state.workflow_state.object_id).first()
        if page is None:
            continue
        items.append(TodoItem(label=page.title, url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
                              status=f"待审核（{state.task.name}）",
                              due=f"提交于 {timezone.localtime(state.started_at):%Y-%m-%d %H:%M}"))
    tipoffs = TipOff.objects.filter(state=TipOffState.NEW).order_by("submitted_at", "id")
    return [
        TodoSection(key="notices", heading="通报：待我审核", count=states.count(), order=40, items=items,
                    more_url=""),
        TodoSection(key="tipoffs", heading="举报：待受理", count=tipoffs.count(), order=50,
                    more_url=reverse("wagtailsnippets_notices_tipoff:list"),
                    items=[TodoItem(label=f"{t.code} {t.place[:30]}", url=reverse("notices_tipoff_accept", args=[t.pk]),
                                    status=t.get_state_display(),
                                    due=f"提交于 {timezone.localtime(t.submitted_at):%Y-%m-%d %H:%M}")
                           for t in tipoffs[:TODO_LIMIT]]),
    ]
