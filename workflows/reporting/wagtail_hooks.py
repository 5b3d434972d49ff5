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
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from cms.admin_views import AuditedSnippetViewSet, ScopedEditView
from cms.errors import ServiceError
from cms.forms import TextForm
from cms.records import input_for
from cms.roles import is_office
from cms.scope import in_scope

from .models import Consultation, ConsultationMeasure, MonthlyReport, ReportState
from .selectors import missing_reports
from .services import (
    ConsultationInput,
    MeasureInput,
    consultation_delete,
    consultation_save,
    measure_delete,
    measure_issue,
    measure_save,
    report_accept,
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
    list_filter = ["sectors", "lead_departments"]
    list_export = ["held_on", "title", "sector_names", "situation_analysis", "risks"]
    export_headings = {"sector_names": "行业领域"}
    export_filename = "会商研判"
    search_fields = ["title", "situation_analysis", "risks"]
    panels = [FieldPanel("held_on"), FieldPanel("title"), FieldPanel("sectors"), FieldPanel("lead_departments"),
              FieldPanel("participating_departments"), FieldPanel("situation_analysis"), FieldPanel("risks"), FieldPanel("notes"),
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
    list_filter = ["status", "responsible_department", "responsible_jurisdiction"]
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


class ReportEditView(ScopedEditView):
    """Edits the prose parts only, through ``report_save_draft``."""

    def save_instance(self):
        data = self.form.cleaned_data
        return report_save_draft(actor=self.request.user, reason=data.get("change_reason") or "后台编辑月报", report=self.object,
                                 highlights=data.get("highlights"), problems=data.get("problems"), next_steps=data.get("next_steps"))


class MonthlyReportViewSet(AuditedSnippetViewSet):
    model = MonthlyReport
    icon = "doc-full-inverse"
    menu_label = "月度督导检查情况"
    edit_view_class = ReportEditView
    list_display = [Column("title", label="月报", accessor=str), "deadline",
                    Column("state", label="状态", accessor="get_state_display"),
                    Column("timeliness", label="报送情况"), "submitted_at"]
    list_filter = ["month", "state", "department"]
    list_export = ["month", "department", "group", "state", "deadline", "timeliness", "first_submitted_at", "submitted_at",
                   "highlights", "problems", "next_steps", "review_comment"]
    export_headings = {"timeliness": "报送情况"}
    export_filename = "月度督导检查情况"
    search_fields = ["highlights", "problems", "next_steps"]
    ordering = ["-month", "deadline"]
    inspect_view_fields = ["month", "department", "group", "state", "deadline", "snapshot", "four_lists", "highlights",
                           "problems", "next_steps", "first_submitted_at", "submitted_at", "submitted_by", "reviewed_at",
                           "reviewed_by", "review_comment", "reminded_at", "reminder_order"]
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
    reason = forms.CharField(label="原因（记入变更历史）", max_length=500, required=False)


ACTIONS = {
    "submit": ("报送月报", "报送", lambda u: True),
    "accept": ("采纳月报", "采纳", is_office),
    "return": ("退回月报", "退回", is_office),
    "remind": ("催报（发出提醒单）", "催报", is_office),
}


class ReportActionView(WagtailAdminTemplateMixin, FormView):
    template_name = "reporting/admin/action_form.html"
    form_class = CommentForm
    action = ""
    scoped_model = MonthlyReport  # cms.scope.ScopedObjectURLMiddleware: out of scope is a 404

    def dispatch(self, request, *args, **kwargs):
        self.report = get_object_or_404(MonthlyReport, pk=kwargs["pk"])
        if not in_scope(request.user, self.report) or not ACTIONS[self.action][2](request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{ACTIONS[self.action][0]}：{self.report}"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r = self.report
        ctx.update(object=r, submit_label=ACTIONS[self.action][1], facts=[
            ("状态", r.get_state_display()), ("报送期限", r.deadline), ("报送情况", r.timeliness),
            ("特色亮点", r.highlights), ("主要问题及风险研判", r.problems), ("下一步工作打算", r.next_steps),
            ("审核意见", r.review_comment)])
        return ctx

    def form_valid(self, form):
        data, user, r = form.cleaned_data, self.request.user, self.report
        try:
            if self.action == "submit":
                report_submit(actor=user, reason=data["reason"], report=r)
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
        return redirect(reverse("wagtailsnippets_reporting_monthlyreport:list"))


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
        if snippet.state in (ReportState.DRAFT, ReportState.RETURNED):
            yield ListingButton("报送", reverse("reporting_report_submit", args=[snippet.pk]), icon_name="upload", priority=5)
        if snippet.state == ReportState.SUBMITTED and is_office(user):
            yield ListingButton("采纳", reverse("reporting_report_accept", args=[snippet.pk]), icon_name="tick", priority=6)
            yield ListingButton("退回", reverse("reporting_report_return", args=[snippet.pk]), icon_name="cross", priority=7)
        if snippet.first_submitted_at is None and snippet.timeliness == "逾期未报" and is_office(user):
            yield ListingButton("催报", reverse("reporting_report_remind", args=[snippet.pk]), icon_name="warning", priority=8)
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
