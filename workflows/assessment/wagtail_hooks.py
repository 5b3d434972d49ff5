from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet

from cms.admin_views import AuditedSnippetViewSet
from cms.scope import scope_for

from .admin_views import AssessmentReportView, EvidenceView
from .filters import AssessmentSchemeAdminFilterSet
from .models import AssessmentScheme


class AssessmentSchemeViewSet(AuditedSnippetViewSet):
    model = AssessmentScheme
    icon = "cog"
    menu_label = "考核方案"
    menu_order = 710
    add_to_admin_menu = True
    list_display = ["year", "name", "pass_line", "updated_at"]
    filterset_class = AssessmentSchemeAdminFilterSet
    ordering = ["-year"]
    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("name")]),
        MultiFieldPanel([
            FieldPanel("weight_inspection_months"),
            FieldRowPanel([FieldPanel("weight_reports"), FieldPanel("late_report_credit")]),
            FieldRowPanel([FieldPanel("weight_hazards_found"), FieldPanel("hazards_found_target")]),
            FieldPanel("weight_rectified_on_time"),
            FieldRowPanel([FieldPanel("weight_overdue"), FieldPanel("overdue_penalty")]),
            FieldPanel("weight_major_closed"),
            FieldPanel("weight_orders_on_time"),
        ], heading="各项指标分值"),
        FieldPanel("pass_line"),
        FieldPanel("note"),
    ]


register_snippet(AssessmentSchemeViewSet)


@hooks.register("register_admin_urls")
def assessment_urls():
    return [
        path("assessment/", AssessmentReportView.as_view(), name="assessment_report"),
        path("assessment/evidence/", EvidenceView.as_view(), name="assessment_evidence"),
    ]


class AssessmentMenuItem(MenuItem):
    def is_shown(self, request):
        scope = scope_for(request.user)
        return scope.everything or bool(scope.department_ids)


@hooks.register("register_admin_menu_item")
def assessment_menu_item():
    return AssessmentMenuItem("年度考核", reverse("assessment_report"), icon_name="tasks", order=700)


@hooks.register("construct_homepage_panels")
def add_overview_panels(request, panels):
    from cms.dashboard import HtmlPanel

    from .dashboard import charts_html, overview_html

    if scope_for(request.user).role is None:
        return
    user = request.user
    panels.append(HtmlPanel(name="overview", heading="本月概况：逾期与挂牌督办", build=lambda: overview_html(user), order=90))
    panels.append(HtmlPanel(name="charts", heading="隐患图表", build=lambda: charts_html(user), order=300))
