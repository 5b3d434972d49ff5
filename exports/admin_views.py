"""导出: one admin page with a form for every export; the forms call the API endpoints
(session-authenticated), so the admin and API clients get the same files."""

from __future__ import annotations

from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.directory.models import Department, Jurisdiction, Sector
from cms.roles import OFFICE_ROLES, Role
from cms.scope import scope_for, scoped
from workflows.assessment.selectors import optional_model
from workflows.hazards.models import HazardLevel, HazardState
from workflows.inspections.models import Inspection


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
        order_model = optional_model("hazards.Order")
        notice_model = optional_model("notices.NoticePage")
        notices = []
        if notice_model is not None:
            notices = notice_model.objects.live().order_by("-first_published_at")
            try:
                from notices.visibility import visible_notices

                notices = visible_notices(notices, user)
            except ImportError:
                pass
            notices = list(notices[:20])
        ctx.update(
            departments=departments.order_by("sort_order", "id"), month=f"{last_month:%Y-%m}", year=today.year, today=today,
            sectors=Sector.objects.filter(is_active=True), jurisdictions=Jurisdiction.objects.filter(is_active=True),
            states=HazardState.choices, levels=HazardLevel.choices,
            is_office=scope.role in OFFICE_ROLES or scope.role == Role.AUDITOR,
            can_assess=scope.everything or bool(scope.department_ids),
            orders=list(scoped(order_model.objects.all(), user).order_by("-issued_at")[:20]) if order_model is not None else [],
            inspections=list(scoped(Inspection.objects.select_related("target", "group"), user).order_by("-inspected_on", "-id")[:20]),
            notices=notices,
        )
        return ctx
