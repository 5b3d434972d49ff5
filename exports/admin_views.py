"""导出: one admin page with a form for every export; the forms call the API endpoints
(session-authenticated), so the admin and API clients get the same files."""

from __future__ import annotations

from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.directory.models import Department, Jurisdiction, Sector
from cms.roles import OFFICE_ROLES, Role
from cms.scope import scope_for, scoped
from notices.models import NoticePage
from notices.visibility import visible_notices
from workflows.hazards.models import HazardLevel, HazardState, Order
from workflows.inspections.models import Inspection
from workflows.reporting.figures import reporting_groups


class ExportIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "exports/index.html"
    page_title = "导出"
    header_icon = "download"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        scope = scope_for(user)
        today = timezone.localdate()
        last_month = (today.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
        departments = Department.objects.filter(kind=Department.Kind.DEPARTMENT, is_active=True)
        if not scope.everything:
            departments = departments.filter(pk__in=scope.department_ids)
        notices = list(visible_notices(NoticePage.objects.live().order_by("-first_published_at"), user)[:20])
        groups = reporting_groups()
        if not scope.everything:
            groups = groups.filter(lead_department__in=scope.department_ids)
        ctx.update(
            departments=departments.order_by("sort_order", "id"), month=f"{last_month:%Y-%m}", year=today.year, today=today,
            sectors=Sector.objects.filter(is_active=True), jurisdictions=Jurisdiction.objects.filter(is_active=True),
            states=HazardState.choices, levels=HazardLevel.choices,
            is_office=scope.role in OFFICE_ROLES or scope.role == Role.AUDITOR,
            can_assess=scope.everything or bool(scope.department_ids),
            orders=list(scoped(Order.objects.all(), user).order_by("-issued_at")[:20]), special_groups=list(groups),
            inspections=list(scoped(Inspection.objects.select_related("target", "group"), user).order_by("-inspected_on", "-id")[:20]),
            notices=notices,
        )
        return ctx
