"""Admin of 会商研判 and 月度督导检查情况: scoped listings, the report's actions (报送, 采纳, 退回,
催报) through the services, the reporting settings, and the office dashboard panel of missing
reports."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.generic import FormView
from laces.components import Component
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from cms.admin_views import AuditedSnippetViewSet, ScopedEditView, ScopedIndexView, ScopedInspectView
from cms.directory.widgets import Checkboxes
from cms.errors import ServiceError
from cms.forms import TextForm
from cms.records import input_for
from cms.roles import is_office
from cms.scope import in_scope

from .display import report_display
from .filters import ConsultationAdminFilterSet, ConsultationMeasureAdminFilterSet, MonthlyReportAdminFilterSet
from .models import Consultation, ConsultationMeasure, MonthlyReport, ReportState
from .selectors import missing_reports, reports_awaiting
from .services import (
    ConsultationInput,
    MeasureInput,
    can_edit_report,
    can_remind_report,
    can_review_report,
    can_submit_report,
    consultation_delete,
    consultation_save,
    measure_delete,
    measure_issue,
    measure_save,
    report_accept,
    report_refresh_data,
    report_remind,
    report_return,
    report_save_draft,
    report_submit,
)


class ConsultationViewSet(AuditedSnippetViewSet):
    model = Consultation
    icon = "group"
    menu_label = "会商研判"
    list_display = ["held_on", "title", Column("sectors", label="行业领域", accessor="sector_names"),
                    Column("measures", label="措施数", accessor=lambda c: c.measures.count())]
    filterset_class = ConsultationAdminFilterSet
    list_export = ["held_on", "title", "sector_names", "situation_analysis", "risks"]
    export_headings = {"sector_names": "行业领域"}
    export_filename = "会商研判"
    search_fields = ["title", "situation_analysis", "risks"]
    panels = [FieldPanel("held_on"), FieldPanel("title"), FieldPanel("sectors", widget=Checkboxes), FieldPanel("lead_departments", widget=Checkboxes(filter=True)),
              FieldPanel("participating_departments", widget=Checkboxes(filter=True)), FieldPanel("situation_analysis"), FieldPanel("risks"), FieldPanel("notes"),
              FieldPanel("change_reason")]
    writes_through_service = True

    def save_through_service(self, *, actor, reason, instance, data):
        return consultation_save(actor=actor, reason=reason, consultation=instance,
                                 data=input_for(ConsultationInput, {**data, "measures": None}, instance))

    def delete_through_service(self, *, actor, reason, instance):
        consultation_delete(actor=actor, reason=reason, consultation=instance)


class ConsultationMeasureViewSet(AuditedSnippetViewSet):
    model = ConsultationMeasure
    icon = "list-ul"
    menu_label = "会商措施"
    list_display = ["content", "consultation", Column("responsible_unit", label="责任单位"), "deadline",
                    Column("status", label="状态", accessor="get_status_display"), "order"]
    filterset_class = ConsultationMeasureAdminFilterSet
    list_export = ["consultation", "content", "responsible_department", "responsible_jurisdiction", "deadline", "status", "order"]
    export_filename = "会商措施"
    search_fields = ["content"]
    panels = [FieldPanel("consultation"), FieldPanel("content"), FieldPanel("responsible_department"),
              FieldPanel("responsible_jurisdiction"), FieldPanel("deadline")]
    writes_through_service = True

    def save_through_service(self, *, actor, reason, instance, data):
        return measure_save(actor=actor, reason=reason, consultation=data.get("consultation"), measure=instance,
                            data=input_for(MeasureInput, data, instance))

    def delete_through_service(self, *, actor, reason, instance):
        measure_delete(actor=actor, reason=reason, measure=instance)


class ReportPolicy(ModelPermissionPolicy):
    """Reports are opened by ``open_monthly_reports``, never added or deleted by hand."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)


def report_url(report: MonthlyReport) -> str:
    """The report's page: its content as tables, and the buttons of what may be done now."""
    return reverse("wagtailsnippets_reporting_monthlyreport:inspect", args=[report.pk])


def word_url(report: MonthlyReport) -> str:
    """The report's Word file (附件2 format), a department's or a special group's."""
    author = f"department={report.department_id}" if report.department_id else f"group={report.group_id}"
    return f"{reverse('export-monthly-report')}?{author}&month={report.month:%Y-%m}"


def report_actions(user, report: MonthlyReport) -> list[dict]:
    """What ``user`` may do with ``report`` now, each asked of the services' predicates."""
    actions = []
    if can_edit_report(user, report):
        actions.append({"name": "edit", "label": "填写正文", "primary": False,
                        "url": reverse("wagtailsnippets_reporting_monthlyreport:edit", args=[report.pk])})
        actions.append({"name": "refresh", "label": "按最新数据更新", "primary": False,
                        "url": reverse("reporting_report_refresh", args=[report.pk])})
    if can_submit_report(user, report):
        actions.append({"name": "submit", "label": "报送", "primary": True, "url": reverse("reporting_report_submit", args=[report.pk])})
    if can_review_report(user, report):
        actions.append({"name": "accept", "label": "采纳", "primary": True, "url": reverse("reporting_report_accept", args=[report.pk])})
        actions.append({"name": "return", "label": "退回", "primary": False, "url": reverse("reporting_report_return", args=[report.pk])})
    if can_remind_report(user, report):
        actions.append({"name": "remind", "label": "催报", "primary": False, "url": reverse("reporting_report_remind", args=[report.pk])})
    actions.append({"name": "word", "label": "导出 Word", "primary": False, "url": word_url(report)})
    return actions


class ReportIndexView(ScopedIndexView):
    """A row's title opens the report's page (where every action is), whatever the state."""

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        column_class = self._get_title_column_class(column_class)
        return column_class("title", label="月报", accessor=str, get_url=report_url,
                            get_title_id=lambda instance: f"snippet_{instance.pk}_title")

    def get_edit_url(self, instance):
        if can_edit_report(self.request.user, instance):
            return super().get_edit_url(instance)
        return None


class ReportEditView(ScopedEditView):
    """Edits the prose parts only, through ``report_save_draft``; then shows the report."""

    def save_instance(self):
        data = self.form.cleaned_data
        return report_save_draft(actor=self.request.user, reason=data.get("change_reason") or "填写月报正文", report=self.object,
                                 highlights=data.get("highlights"), problems=data.get("problems"), next_steps=data.get("next_steps"))

    def get_success_url(self):
        return report_url(self.object)

    def get_success_message(self, instance=None):
        return "月报正文已保存。请核对下面的内容，确认无误后点击“报送”。"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["page_subtitle"] = str(self.object)
        return ctx


class ReportDetailView(ScopedInspectView):
    """The report as it will be read: 基本情况 and 四个清单 as tables, the prose, and the buttons of
    what this user may do now (填写、报送、采纳、退回、催报、导出 Word)."""

    template_name = "reporting/admin/report_detail.html"

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report = self.object
        reviewer = report.reviewed_by
        ctx.update(report=report, content=report_display(report), actions=report_actions(self.request.user, report),
                   reviewer=(reviewer.get_full_name() or reviewer.get_username()) if reviewer else "",
                   history_url=reverse("wagtailsnippets_reporting_monthlyreport:changes", args=[report.pk]))
        return ctx

    def get_page_title(self):
        return "月报"

    def get_page_subtitle(self):
        return str(self.object)


class MonthlyReportViewSet(AuditedSnippetViewSet):
    model = MonthlyReport
    icon = "doc-full-inverse"
    menu_label = "月度督导检查情况"
    index_view_class = ReportIndexView
    edit_view_class = ReportEditView
    inspect_view_class = ReportDetailView
    list_display = ["title", "deadline",
                    Column("state", label="状态", accessor="get_state_display"),
                    Column("timeliness", label="报送情况"), "submitted_at"]
    filterset_class = MonthlyReportAdminFilterSet
    list_export = ["month", "department", "group", "state", "deadline", "timeliness", "first_submitted_at", "submitted_at",
                   "highlights", "problems", "next_steps", "review_comment"]
    export_headings = {"timeliness": "报送情况"}
    export_filename = "月度督导检查情况"
    search_fields = ["highlights", "problems", "next_steps"]
    ordering = ["-month", "deadline"]
    panels = [FieldPanel("highlights"), FieldPanel("problems"), FieldPanel("next_steps"), FieldPanel("change_reason")]


class ReportingGroup(SnippetViewSetGroup):
    menu_label = "会商与月报"
    menu_icon = "date"
    menu_order = 330
    items = (MonthlyReportViewSet, ConsultationViewSet, ConsultationMeasureViewSet)


register_permission_policy(MonthlyReport, ReportPolicy(MonthlyReport))
register_snippet(ReportingGroup)


# ---------------------------------------------------------------- actions

class CommentForm(TextForm):
    comment = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)
    reason = forms.CharField(label="说明（记入变更历史，可不填）", max_length=500, required=False)


class ReasonForm(TextForm):
    reason = forms.CharField(label="说明（记入变更历史，可不填）", max_length=500, required=False)


class ReturnForm(CommentForm):
    comment = forms.CharField(label="退回意见", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                              help_text="写明需要修改的内容，单位据此修改后重新报送")


# name: (page title, button label, may this user do it to this report now?, form)
ACTIONS = {
    "submit": ("报送月报", "报送", can_submit_report, ReasonForm),
    "refresh": ("按最新数据更新月报", "按最新数据更新", can_edit_report, ReasonForm),
    "accept": ("采纳月报", "采纳", can_review_report, CommentForm),
    "return": ("退回月报", "退回", can_review_report, ReturnForm),
    "remind": ("催报（发出提醒单）", "催报", can_remind_report, ReasonForm),
}
INTROS = {
    "submit": "报送后由区安办审核；审核前不能再修改。请先核对下面的内容。",
    "refresh": "按系统中的最新数据重新生成基本情况和“四个清单”；已填写的正文不变。",
    "accept": "采纳后月报归档，单位不能再修改。",
    "return": "退回后单位可修改正文并重新报送。",
    "remind": "向报送单位发出提醒单，要求3日内报送。",
}


class ReportActionView(WagtailAdminTemplateMixin, FormView):
    template_name = "reporting/admin/action_form.html"
    action = ""
    scoped_model = MonthlyReport  # cms.scope.ScopedObjectURLMiddleware: out of scope is a 404

    def dispatch(self, request, *args, **kwargs):
        self.report = get_object_or_404(MonthlyReport, pk=kwargs["pk"])
        if not in_scope(request.user, self.report):
            raise PermissionDenied
        if not ACTIONS[self.action][2](request.user, self.report):
            messages.error(request, f"该月报{self.report.get_state_display()}，您现在不能{ACTIONS[self.action][1]}")
            return redirect(report_url(self.report))
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return ACTIONS[self.action][3]

    def get_page_title(self):
        return f"{ACTIONS[self.action][0]}：{self.report}"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r = self.report
        ctx.update(object=r, submit_label=ACTIONS[self.action][1], intro=INTROS[self.action], back_url=report_url(r), facts=[
            ("状态", r.get_state_display()), ("报送期限", f"{r.deadline:%Y-%m-%d}"), ("报送情况", r.timeliness),
            ("特色亮点", r.highlights), ("主要问题及风险研判", r.problems), ("下一步工作打算", r.next_steps),
            ("审核意见", r.review_comment)])
        if self.action in ("submit", "accept", "return"):
            ctx["content"] = report_display(r)
        return ctx

    def form_valid(self, form):
        data, user, r = form.cleaned_data, self.request.user, self.report
        try:
            if self.action == "submit":
                report_submit(actor=user, reason=data["reason"], report=r)
            elif self.action == "refresh":
                report_refresh_data(actor=user, reason=data["reason"], report=r)
            elif self.action == "accept":
                report_accept(actor=user, reason=data["reason"], report=r, comment=data["comment"])
            elif self.action == "return":
                report_return(actor=user, reason=data["reason"], report=r, comment=data["comment"])
            else:
                report_remind(actor=user, reason=data["reason"], report=r)
        except ServiceError as exc:
            form.add_error(None, exc.message)
            for field, errors in exc.fields.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, f"{ACTIONS[self.action][1]}成功：{r}")
        return redirect(report_url(r))


class IssueMeasureForm(TextForm):
    reason = forms.CharField(label="交办说明", max_length=500, required=False)


class IssueMeasureView(WagtailAdminTemplateMixin, FormView):
    template_name = "reporting/admin/action_form.html"
    form_class = IssueMeasureForm
    page_title = "交办会商措施"
    scoped_model = ConsultationMeasure

    def dispatch(self, request, *args, **kwargs):
        if not is_office(request.user):
            raise PermissionDenied
        self.measure = get_object_or_404(ConsultationMeasure, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        m = self.measure
        ctx.update(object=m, submit_label="交办", facts=[("措施", m.content), ("责任单位", m.responsible_unit or "未指定"),
                                                       ("完成时限", m.deadline or "未填写"), ("状态", m.get_status_display())])
        return ctx

    def form_valid(self, form):
        try:
            measure_issue(actor=self.request.user, reason=form.cleaned_data["reason"], measure=self.measure)
        except ServiceError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, "已交办")
        return redirect(reverse("wagtailsnippets_reporting_consultationmeasure:list"))


@hooks.register("register_admin_urls")
def reporting_urls():
    return [path(f"monthly-reports/<int:pk>/{name}/", ReportActionView.as_view(action=name), name=f"reporting_report_{name}")
            for name in ACTIONS] + [
        path("consultation-measures/<int:pk>/issue/", IssueMeasureView.as_view(), name="reporting_measure_issue"),
    ]


@hooks.register("register_snippet_listing_buttons")
def report_listing_buttons(snippet, user, next_url=None):
    if isinstance(snippet, MonthlyReport):
        yield ListingButton("查看", report_url(snippet), icon_name="view", priority=4)
        for index, action in enumerate(report_actions(user, snippet)):
            if action["name"] in ("submit", "accept", "return", "remind"):
                yield ListingButton(action["label"], action["url"], icon_name="arrow-right", priority=5 + index,
                                    attrs={"data-report-action": action["name"]})
    elif isinstance(snippet, ConsultationMeasure) and snippet.status == ConsultationMeasure.Status.PLANNED and is_office(user):
        yield ListingButton("交办", reverse("reporting_measure_issue", args=[snippet.pk]), icon_name="resubmit", priority=5)


# ---------------------------------------------------------------- dashboard

class MissingReportsPanel(Component):
    name = "missing_monthly_reports"
    template_name = "reporting/missing_reports_panel.html"
    order = 120

    def get_context_data(self, parent_context):
        reports = list(missing_reports()[:50])
        return {"reports": reports, "list_url": reverse("wagtailsnippets_reporting_monthlyreport:list")}


@hooks.register("construct_homepage_panels")
def add_missing_reports_panel(request, panels):
    if is_office(request.user):
        panels.append(MissingReportsPanel())


@hooks.register("register_todo_sections")
def report_todo_sections(user):
    """待我处理: reports to fill and submit (a department) or to review (the office)."""
    from cms.dashboard import TODO_LIMIT, TodoItem, TodoSection
    from cms.roles import Role, role_of

    role = role_of(user)
    if role not in (Role.OFFICE_ADMIN, Role.OFFICE_EDITOR, Role.DEPARTMENT):
        return []
    reports = reports_awaiting(user)
    heading = "月报：待审核（采纳或退回）" if is_office(user) else "月报：待填写、报送"
    return [TodoSection(
        key="reports", heading=heading, count=reports.count(), order=10,
        more_url=reverse("wagtailsnippets_reporting_monthlyreport:list"),
        items=[TodoItem(label=str(r), url=report_url(r),
                        status=r.get_state_display() + ("（请按退回意见修改后重新报送）" if r.state == ReportState.RETURNED else ""),
                        due=f"报送期限 {r.deadline:%Y-%m-%d}（{r.timeliness}）")
               for r in reports[:TODO_LIMIT]])]
