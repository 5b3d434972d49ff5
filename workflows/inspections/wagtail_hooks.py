from django import forms
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.generic import RedirectView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from cms.admin_views import AuditedSnippetViewSet, ScopedIndexView
from cms.directory.widgets import Checkboxes, ExpertCheckboxes, PersonCheckboxes, TargetCheckboxes
from cms.errors import InvalidInput, NotAllowed
from cms.records import input_for
from cms.scope import scope_for

from .admin_views import ComplianceView, FeedbackPrintView, FeedbackView, FillView, FocusProposalPanel, SheetView
from .filters import InspectionAdminFilterSet, InspectionGroupAdminFilterSet, InspectionPlanAdminFilterSet
from .models import Inspection, InspectionFeedback, InspectionGroup, InspectionPlan
from .selectors import compliance_for_month
from .services import GroupInput, PlanInput, feedback_record, group_delete, group_save, plan_delete, plan_save


class InspectionGroupViewSet(AuditedSnippetViewSet):
    model = InspectionGroup
    icon = "group"
    menu_label = "督导检查组"
    list_display = ["name", "kind", "lead_department", Column("jurisdiction_names", label="督导属地"), Column("sector_names", label="行业领域"),
                    "is_active"]
    filterset_class = InspectionGroupAdminFilterSet
    list_export = ["name", "kind", "lead_department", "jurisdiction_names", "sector_names", "leader_name", "is_active"]
    export_headings = {"jurisdiction_names": "督导属地", "sector_names": "行业领域"}
    export_filename = "督导检查组"
    search_fields = ["name", "note"]
    panels = [
        MultiFieldPanel([FieldPanel("name"), FieldPanel("kind"), FieldPanel("lead_department", widget=forms.Select), FieldPanel("leader_name")],
                        heading="基本信息"),
        MultiFieldPanel([FieldPanel("jurisdictions", widget=Checkboxes), FieldPanel("sectors", widget=Checkboxes)],
                        heading="督导范围（专项填属地，行业填行业领域）"),
        MultiFieldPanel([FieldPanel("member_departments", widget=Checkboxes(filter=True)), FieldPanel("members", widget=PersonCheckboxes),
                         FieldPanel("experts", widget=ExpertCheckboxes)], heading="成员与专家"),
        FieldPanel("note"), FieldPanel("is_active"),
    ]
    writes_through_service = True

    def save_through_service(self, *, actor, reason, instance, data):
        return group_save(actor=actor, reason=reason, group=instance, data=input_for(GroupInput, data, instance))

    def delete_through_service(self, *, actor, reason, instance):
        group_delete(actor=actor, reason=reason, group=instance)


class InspectionPlanViewSet(AuditedSnippetViewSet):
    model = InspectionPlan
    icon = "date"
    menu_label = "督导检查计划"
    list_display = ["month_label", "title", "group", "method", "status"]
    filterset_class = InspectionPlanAdminFilterSet
    list_export = ["month_label", "title", "group", "method", "status", "content", "key_points", "training_date", "training_topic", "major_event"]
    export_filename = "督导检查计划"
    search_fields = ["title", "content", "key_points"]
    panels = [
        FocusProposalPanel(heading="下月综合督导检查重点建议"),
        MultiFieldPanel([FieldPanel("month"), FieldPanel("group"), FieldPanel("title"), FieldPanel("status")], heading="计划"),
        MultiFieldPanel([FieldPanel("sectors", widget=Checkboxes), FieldPanel("jurisdictions", widget=Checkboxes),
                         FieldPanel("targets", widget=TargetCheckboxes)], heading="检查范围"),
        MultiFieldPanel([FieldPanel("content"), FieldPanel("key_points"), FieldPanel("templates", widget=Checkboxes(filter=True)), FieldPanel("method"), FieldPanel("experts", widget=ExpertCheckboxes)],
                        heading="查什么、如何查"),
        MultiFieldPanel([FieldPanel("training_date"), FieldPanel("training_topic"), FieldPanel("training_trainer"), FieldPanel("training_attendees")],
                        heading="专题培训"),
        FieldPanel("major_event"),
    ]
    writes_through_service = True

    def save_through_service(self, *, actor, reason, instance, data):
        return plan_save(actor=actor, reason=reason, plan=instance, data=input_for(PlanInput, data, instance))

    def delete_through_service(self, *, actor, reason, instance):
        plan_delete(actor=actor, reason=reason, plan=instance)


class SheetColumn(Column):
    def get_value(self, instance):
        return format_html('<a href="{}">查看</a>', reverse("inspections_sheet", args=[instance.pk]))


class InspectionIndexView(ScopedIndexView):
    @property
    def header_buttons(self):
        return [*super().header_buttons, HeaderButton("录入督导检查", url=reverse("inspections_fill"), icon_name="plus")]


class InspectionViewSet(AuditedSnippetViewSet):
    """Inspections are written once through the fill form (or the API) and never edited here."""

    model = Inspection
    icon = "doc-full"
    menu_label = "督导检查"
    index_view_class = InspectionIndexView
    list_display = ["inspected_on", "target", "group", "method", "flag_labels", SheetColumn("sheet", label="检查表")]
    filterset_class = InspectionAdminFilterSet
    list_export = ["inspected_on", "target", "group", "method", "checklist_version", "fill_seconds", "flag_labels"]
    export_filename = "督导检查"
    search_fields = ["target__name", "summary"]
    writes_through_service = True

    def save_through_service(self, *, actor, reason, instance, data):
        raise NotAllowed("督导检查通过“录入督导检查”提交，提交后不能修改")

    def delete_through_service(self, *, actor, reason, instance):
        raise NotAllowed("督导检查提交后不能删除（其发现的隐患按闭环处理）")

    @property
    def add_view(self):
        return RedirectView.as_view(pattern_name="inspections_fill")

    @property
    def edit_view(self):
        return RedirectView.as_view(pattern_name="inspections_sheet")

    @property
    def inspect_view(self):
        return RedirectView.as_view(pattern_name="inspections_sheet")


class FeedbackViewSet(AuditedSnippetViewSet):
    model = InspectionFeedback
    icon = "mail"
    menu_label = "反馈意见"
    list_display = ["inspection", "delivered_on", "rectification_deadline", "recipient"]
    list_export = ["inspection", "problems", "suggestions", "rectification_deadline", "delivered_on", "recipient"]
    export_filename = "反馈意见"
    search_fields = ["problems", "recipient"]
    panels = [FieldPanel("problems"), FieldPanel("suggestions"), FieldPanel("rectification_deadline"), FieldPanel("deadline_note"),
              FieldPanel("delivered_on"), FieldPanel("recipient")]
    writes_through_service = True

    def save_through_service(self, *, actor, reason, instance, data):
        if instance is None:
            raise InvalidInput("反馈意见在督导检查的检查表页面填写")
        return feedback_record(actor=actor, reason=reason, inspection=instance.inspection, problems=data.get("problems", ""),
                               suggestions=data.get("suggestions", ""), rectification_deadline=data.get("rectification_deadline"),
                               deadline_note=data.get("deadline_note", ""), delivered_on=data.get("delivered_on"),
                               recipient=data.get("recipient", ""))

    def delete_through_service(self, *, actor, reason, instance):
        raise NotAllowed("反馈意见是向被检查单位反馈的记录，不能删除，可修改后保存")

    @property
    def add_view(self):
        return RedirectView.as_view(pattern_name="wagtailsnippets_inspections_inspection:list")


class InspectionsGroup(SnippetViewSetGroup):
    menu_label = "督导检查"
    menu_icon = "doc-full-inverse"
    menu_order = 260
    items = (InspectionViewSet, InspectionPlanViewSet, InspectionGroupViewSet, FeedbackViewSet)


register_snippet(InspectionsGroup)


@hooks.register("register_admin_urls")
def inspection_urls():
    return [
        path("inspections/fill/", FillView.as_view(), name="inspections_fill"),
        path("inspections/<int:pk>/sheet/", SheetView.as_view(), name="inspections_sheet"),
        path("inspections/<int:pk>/feedback/", FeedbackView.as_view(), name="inspections_feedback"),
        path("inspections/<int:pk>/feedback/print/", FeedbackPrintView.as_view(), name="inspections_feedback_print"),
        path("inspections/compliance/", ComplianceView.as_view(), name="inspections_compliance"),
    ]


@hooks.register("register_admin_menu_item")
def compliance_menu_item():
    return MenuItem("机制落实情况", reverse("inspections_compliance"), icon_name="tasks", order=265)


class CompliancePanel(Component):
    name = "inspections_compliance"
    order = 150

    def __init__(self, request):
        self.request = request

    def render_html(self, parent_context=None):
        month = timezone.localdate().replace(day=1)
        return render_to_string("inspections/admin/compliance_body.html", {"month": month, "compliance": compliance_for_month(month)},
                                request=self.request)


@hooks.register("construct_homepage_panels")
def add_compliance_panel(request, panels):
    if scope_for(request.user).role is not None:
        panels.append(CompliancePanel(request))
