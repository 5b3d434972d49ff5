"""审计: the history rows of every registered model, filtered by user, unit, date, hazard and
action, each with its field-by-field diff. Read-only, for 区安办 and auditors; CSV export."""

from __future__ import annotations

import csv
import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.directory.models import Department, Jurisdiction
from cms.roles import is_auditor, is_office

from .diff import diff_rows
from .registry import HAZARD_RESOLVERS, SOURCES, entries

LIMIT = 200


def may_audit(user) -> bool:
    return is_office(user) or is_auditor(user)


class AuditFilterForm(forms.Form):
    user = forms.ModelChoiceField(label="操作人", queryset=get_user_model().objects.order_by("username"), required=False)
    department = forms.ModelChoiceField(label="单位", queryset=Department.objects.all(), required=False)
    jurisdiction = forms.ModelChoiceField(label="属地", queryset=Jurisdiction.objects.all(), required=False)
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    hazard = forms.CharField(label="隐患（编号或ID）", max_length=40, required=False)
    action = forms.ChoiceField(label="操作", required=False)
    source = forms.ChoiceField(label="记录类型", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actions: dict[str, str] = {}
        for source in SOURCES.values():
            for value, label in source.actions:
                actions.setdefault(value, label)
        self.fields["action"].choices = [("", "全部"), *actions.items()]
        self.fields["source"].choices = [("", "全部"), *((label, s.title) for label, s in SOURCES.items())]


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_records(data: dict, limit: int = LIMIT) -> tuple[list, bool]:
    """History rows matching the filters, newest first, at most ``limit`` (and whether more exist)."""
    hazard_id = None
    if data.get("hazard"):
        hazard_id = next((r(data["hazard"]) for r in HAZARD_RESOLVERS if r(data["hazard"]) is not None), None)
        if hazard_id is None:
            return [], False
    records = []
    for label, source in SOURCES.items():
        if data.get("source") and data["source"] != label:
            continue
        qs = source.history_model._default_manager.select_related("history_user")
        if data.get("user"):
            qs = qs.filter(history_user_id=data["user"].pk)
        if data.get("date_from"):
            qs = qs.filter(history_date__gte=_day_start(data["date_from"]))
        if data.get("date_to"):
            qs = qs.filter(history_date__lt=_day_start(data["date_to"] + datetime.timedelta(days=1)))
        if hazard_id is not None:
            if source.filter_hazard is None:
                continue
            qs = source.filter_hazard(qs, hazard_id)
        if data.get("department"):
            if source.filter_department is None:
                continue
            qs = source.filter_department(qs, data["department"].pk)
        if data.get("jurisdiction"):
            if source.filter_jurisdiction is None:
                continue
            qs = source.filter_jurisdiction(qs, data["jurisdiction"].pk)
        if data.get("action"):
            if source.filter_action is None:
                continue
            qs = source.filter_action(qs, data["action"])
        records.extend(qs.order_by("-history_date", "-history_id")[: limit + 1])
    records.sort(key=lambda r: (r.history_date, r.history_id), reverse=True)
    return records[:limit], len(records) > limit


class AuditView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "audit/audit_index.html"
    page_title = "审计"
    header_icon = "history"

    def dispatch(self, request, *args, **kwargs):
        if not may_audit(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = AuditFilterForm(request.GET or None)
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        records, truncated = audit_records(data) if not form.is_bound or form.is_valid() else ([], False)
        rows = entries(records, diffs=diff_rows(records))
        if request.GET.get("format") == "csv":
            return self.csv(rows)
        context = self.get_context_data(form=form, rows=rows, truncated=truncated, limit=LIMIT)
        return self.render_to_response(context)

    def csv(self, rows) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%AE%A1%E8%AE%A1.csv"
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(["时间", "记录类型", "记录", "操作", "操作人", "来源地址", "原因", "字段变化"])
        for row in rows:
            changes = "；".join(f"{c['label']}：{c['old']} → {c['new']}" for c in row["changes"])
            writer.writerow([timezone.localtime(row["time"]).strftime("%Y-%m-%d %H:%M:%S"), row["object_type"], row["object_label"],
                             row["action_label"], row["user"] or "系统", row["ip_address"] or "", row["reason"], changes])
        return response
