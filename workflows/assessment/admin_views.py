"""Admin pages of the assessment: the score table and the records behind each figure."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.directory.models import Department
from cms.errors import ServiceError
from cms.scope import scope_for

from .admin_links import admin_listing_url, admin_url
from .api import allowed_department_ids, evidence_url, parse_period
from .selectors import DEFINITIONS, INDICATOR_LABELS, Period, assess, evidence


def _allowed(user):
    try:
        return allowed_department_ids(user)
    except ServiceError as exc:
        raise PermissionDenied(exc.message)


class AssessmentReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "assessment/report.html"
    page_title = "年度目标责任考核"
    header_icon = "tasks"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        try:
            period = parse_period(self.request.GET)
        except ServiceError:
            period = Period.year(datetime.date.today().year)
            ctx["error"] = "考核区间填写有误，已显示今年"
        result = assess(period=period, department_ids=_allowed(self.request.user), evidence_url=evidence_url)
        ctx.update(result=result, period=period, rows=[(row, result.passed(row)) for row in result.departments],
                   labels=[(i.label, DEFINITIONS.get(i.key, "")) for i in result.departments[0].indicators] if result.departments else [],
                   definitions=DEFINITIONS,
                   year=period.start.year, can_configure=scope_for(self.request.user).everything)
        return ctx


class EvidenceView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "assessment/evidence.html"
    header_icon = "list-ul"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET
        key = params.get("indicator", "")
        if key not in INDICATOR_LABELS or not (params.get("department") or "").isdigit():
            raise Http404("参数有误")
        allowed = _allowed(self.request.user)
        department = Department.objects.filter(pk=int(params["department"])).first()
        if department is None or (allowed is not None and department.pk not in allowed):
            raise Http404("未找到该单位，或不在您的数据范围内")
        try:
            period = parse_period(params)
        except ServiceError:
            raise Http404("考核区间有误")
        rows = evidence(department=department, period=period, key=key)
        listing = ""
        if rows and rows[0].obj is not None:
            listing = admin_listing_url(type(rows[0].obj))
        ctx.update(department=department, period=period, label=INDICATOR_LABELS[key], listing=listing,
                   rows=[(row, admin_url(row.obj)) for row in rows])
        ctx["page_title"] = ctx["header_title"] = f"{department.name} · {INDICATOR_LABELS[key]}（{period.label}）"
        return ctx
