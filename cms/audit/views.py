"""审计: the history rows of every registered model, filtered by user, unit, date, hazard and
action, each with its field-by-field diff. Read-only, for 区安办 and auditors; CSV export."""

from __future__ import annotations

import csv
import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.directory.models import Department, Jurisdiction
from cms.forms import TextForm
from cms.inputs import spreadsheet_cell
from cms.roles import is_auditor, is_office

from .diff import diff_rows
from .registry import HAZARD_RESOLVERS, SOURCES, entries

LIMIT = 200


def may_audit(user) -> bool:
    return is_office(user) or is_auditor(user)


class AuditFilterForm(TextForm):
    user = forms.ModelChoiceField(label="操作人", queryset=get_user_model().objects.order_by("username"), required=False)
    department = forms.ModelChoiceField(label="单位", queryset=Department.objects.all(), required=False)
    jurisdiction = forms.ModelChoiceField(label="属地", queryset=Jurisdiction.objects.all(), required=False)
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    hazard = forms.CharField(label="隐患（编号或ID）", max_length=40, required=False)
    action = forms.ChoiceField(label="操作", required=False)
    source = forms.ChoiceField(label="记录类型", required=False)
    before = forms.CharField(required=False, widget=forms.HiddenInput, max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actions: dict[str, str] = {}
        for source in SOURCES.values():
            for value, label in source.actions:
                actions.setdefault(value, label)
        self.fields["action"].choices = [("", "全部"), *actions.items()]
        self.fields["source"].choices = [("", "全部"), *((label, s.title) for label, s in SOURCES.items())]

    def clean_before(self):
        value = self.cleaned_data.get("before") or ""
        if not value:
            return None
        try:
            return parse_cursor(value)
        except ValueError:
            raise forms.ValidationError("翻页位置无效，请从第一页重新查看") from None


# A page ends at a row; the next page starts after it in the order (time, record type, history id),
# newest first: ``<ISO time>~<record type>~<history id>``. History ids are per table, so the record
# type breaks ties between rows of different tables written in the same microsecond.
def make_cursor(record, label: str) -> str:
    return f"{record.history_date.isoformat()}~{label}~{record.history_id}"


def parse_cursor(value: str) -> tuple[datetime.datetime, str, int]:
    when, label, history_id = value.split("~")
    moment = datetime.datetime.fromisoformat(when)
    if moment.tzinfo is None or label not in SOURCES:
        raise ValueError(value)
    return moment, label, int(history_id)


def _after_cursor(qs, label: str, cursor):
    moment, cursor_label, history_id = cursor
    if label < cursor_label:
        return qs.filter(history_date__lte=moment)
    if label > cursor_label:
        return qs.filter(history_date__lt=moment)
    return qs.filter(Q(history_date__lt=moment) | Q(history_date=moment, history_id__lt=history_id))


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_records(data: dict, limit: int = LIMIT) -> tuple[list, str | None]:
    """History rows matching the filters, newest first, at most ``limit`` after the cursor
    ``data["before"]``, and the cursor of the next page (None on the last page)."""
    hazard_id = None
    if data.get("hazard"):
        hazard_id = next((r(data["hazard"]) for r in HAZARD_RESOLVERS if r(data["hazard"]) is not None), None)
        if hazard_id is None:
            return [], None
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
        if data.get("before"):
            qs = _after_cursor(qs, label, data["before"])
        records.extend((r, label) for r in qs.order_by("-history_date", "-history_id")[: limit + 1])
    records.sort(key=lambda pair: (pair[0].history_date, pair[1], pair[0].history_id), reverse=True)
    page = records[:limit]
    more = len(records) > limit
    return [r for r, _ in page], (make_cursor(*page[-1]) if more and page else None)


def _page_query(request, before: str | None) -> str:
    """The page's filters with another cursor (none: the first page)."""
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("before", None)
    if before:
        query["before"] = before
    return query.urlencode()


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
        records, next_cursor = audit_records(data, limit=LIMIT) if not form.is_bound or form.is_valid() else ([], None)
        rows = entries(records, diffs=diff_rows(records))
        if request.GET.get("format") == "csv":
            return self.csv(rows)
        next_query = _page_query(request, next_cursor) if next_cursor else None
        first_query = _page_query(request, None) if request.GET.get("before") else None
        context = self.get_context_data(form=form, rows=rows, next_query=next_query, first_query=first_query, limit=LIMIT)
        return self.render_to_response(context)

    def csv(self, rows) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%AE%A1%E8%AE%A1.csv"
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(["时间", "记录类型", "记录", "操作", "操作人", "来源地址", "原因", "字段变化"])
        for row in rows:
            changes = "；".join(f"{c['label']}：{c['old']} → {c['new']}" for c in row["changes"])
            writer.writerow([spreadsheet_cell(str(value)) for value in (
                timezone.localtime(row["time"]).strftime("%Y-%m-%d %H:%M:%S"), row["object_type"], row["object_label"],
                row["action_label"], row["user"] or "系统", row["ip_address"] or "", row["reason"], changes)])
        return response
