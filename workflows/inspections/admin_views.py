"""Admin pages of the inspections app: fill an inspection, its filled sheet, 反馈意见 and its
print view, the month's compliance, and the focus proposal panel on plans."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.panels import Panel
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.checklists.models import ChecklistVersion
from cms.checklists.services import version_layout
from cms.directory.models import Target
from cms.directory.picker import target_options
from cms.errors import ServiceError
from cms.forms import TextForm
from cms.scope import can_write, scope_for, scoped
from cms.uploads import PhotoUpload, read_upload

from .models import Inspection, InspectionFeedback, InspectionGroup, InspectionMethod, InspectionPlan
from .selectors import add_months, compliance_for_month, focus_sector_proposal, parse_month
from .services import feedback_draft, feedback_record, inspection_submit

VERDICTS = [("pass", "合格"), ("fail", "不合格"), ("na", "不适用")]


def _read_upload(upload) -> PhotoUpload:
    return read_upload(upload)


class LoggedInMixin:
    def dispatch(self, request, *args, **kwargs):
        if scope_for(request.user).role is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class FillView(LoggedInMixin, WagtailAdminTemplateMixin, TemplateView):
    """录入督导检查: choose group, target and checklist, then fill the form as on site."""

    template_name = "inspections/admin/fill.html"
    page_title = "录入督导检查"
    header_title = "录入督导检查"

    def dispatch(self, request, *args, **kwargs):
        if scope_for(request.user).role is not None and not can_write(request.user, Inspection):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def chosen(self, params) -> dict:
        user = self.request.user
        groups = scoped(InspectionGroup.objects.filter(is_active=True), user)

        def pick(qs, key):
            value = params.get(key)
            return qs.filter(pk=value).first() if value and str(value).isdigit() else None

        return {
            "group": pick(groups, "group"),
            "target": pick(scoped(Target.objects.filter(is_active=True), user), "target"),
            "version": pick(ChecklistVersion.objects.filter(is_published=True, template__is_retired=False).select_related("template"), "version"),
        }

    @staticmethod
    def plans_for(group, inspected_on) -> list:
        """Only the plans of the inspection date's month (today's when no date is given yet)."""
        if group is None:
            return []
        try:
            day = datetime.date.fromisoformat(str(inspected_on)) if inspected_on else timezone.localdate()
        except ValueError:
            day = timezone.localdate()
        return list(InspectionPlan.objects.filter(group=group, month=day.replace(day=1)).order_by("title"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        chosen = kwargs.get("chosen") or self.chosen(self.request.GET)
        current_ids = [t_current.pk for t_current in (
            ChecklistVersion.objects.filter(is_published=True, template__is_retired=False).order_by("template", "-number").distinct()
        )]
        latest: dict[int, ChecklistVersion] = {}
        for version in ChecklistVersion.objects.filter(pk__in=current_ids).select_related("template").order_by("template__sort_order", "template__name", "-number"):
            latest.setdefault(version.template_id, version)
        members = list(chosen["group"].members.all()) if chosen["group"] else []
        if user not in members:
            members.insert(0, user)
        layout = version_layout(chosen["version"]) if chosen["version"] else []
        kept = kwargs.get("kept")
        if kept:
            self.keep_answers(layout, kept, kwargs.get("errors") or {})
        ctx.update(
            groups=scoped(InspectionGroup.objects.filter(is_active=True), user).distinct(),
            targets=target_options(user, self.request.GET.get("target_q", ""), include=chosen["target"]),
            target_q=self.request.GET.get("target_q", ""), target_options_url=reverse("target_options"),
            versions=list(latest.values()), chosen=chosen, methods=InspectionMethod.choices, verdicts=VERDICTS,
            layout=layout, kept=kept or {},
            plans=self.plans_for(chosen["group"], (kwargs.get("values") or {}).get("inspected_on") or self.request.GET.get("inspected_on")),
            inspector_choices=members,
            started_at=kwargs.get("started_at") or timezone.now().isoformat(),
            values=kwargs.get("values") or {"inspected_on": timezone.localdate().isoformat(), "method": InspectionMethod.PLANNED,
                                            "inspectors": [user.pk]},
            errors=kwargs.get("errors") or {},
        )
        return ctx

    @staticmethod
    def keep_answers(layout: list, kept: dict, errors: dict) -> None:
        """A refused submission comes back with every answer and remark as typed, the error beside its
        item, and a note where photos were chosen: a browser never refills a file field."""
        for block in layout:
            for item in block["items"]:
                item.kept_value = kept["answers"].get(item.pk, "")
                item.kept_remark = kept["remarks"].get(item.pk, "")
                item.kept_photos = kept["photos"].get(item.pk, 0)
                item.kept_errors = errors.get(f"answers.{item.pk}", [])

    def post(self, request, *args, **kwargs):
        chosen = self.chosen(request.POST)
        post = request.POST
        answers = []
        kept = {"answers": {}, "remarks": {}, "photos": {}, "general_photos": len(request.FILES.getlist("photos"))}
        if chosen["version"]:
            for item in chosen["version"].items.all():
                value = post.get(f"item-{item.pk}", "")
                remark = post.get(f"remark-{item.pk}", "")
                photos = [_read_upload(f) for f in request.FILES.getlist(f"photo-{item.pk}")]
                kept["answers"][item.pk], kept["remarks"][item.pk], kept["photos"][item.pk] = value, remark, len(photos)
                if value or remark or photos or item.required:
                    answers.append({"item": item.pk, "value": value, "remark": remark, "photos": photos})
        extra = []
        for line in post.get("extra_hazards", "").splitlines():
            line = line.strip()
            if not line:
                continue
            major = line.startswith(("重大：", "重大:"))
            extra.append({"description": line[3:].strip() if major else line, "level": "major" if major else "general"})
        values = {"inspected_on": post.get("inspected_on", ""), "method": post.get("method", ""), "summary": post.get("summary", ""),
                  "extra_hazards": post.get("extra_hazards", ""), "inspectors": [int(x) for x in post.getlist("inspectors") if x.isdigit()],
                  "plan": post.get("plan", "")}
        plan = InspectionPlan.objects.filter(pk=post.get("plan")).first() if post.get("plan", "").isdigit() else None
        started_at = parse_datetime(post.get("started_at", "")) or None
        try:
            result = inspection_submit(
                actor=request.user, reason="后台录入督导检查", group=chosen["group"] or post.get("group") or None,
                target=chosen["target"] or post.get("target") or None, inspected_on=values["inspected_on"], method=values["method"],
                inspectors=values["inspectors"], checklist_version=chosen["version"], answers=answers, extra_hazards=extra,
                photos=[_read_upload(f) for f in request.FILES.getlist("photos")], started_at=started_at, plan=plan, summary=values["summary"],
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            ctx = self.get_context_data(chosen=chosen, values=values, errors=exc.fields or {"": [exc.message]}, started_at=post.get("started_at"),
                                        kept=kept)
            return self.render_to_response(ctx, status=400)
        messages.success(request, f"督导检查已保存，登记隐患 {len(result.hazards)} 条")
        return redirect("inspections_sheet", result.inspection.pk)


class FeedbackForm(TextForm):
    problems = forms.CharField(label="存在问题", widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    suggestions = forms.CharField(label="意见建议", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000)
    rectification_deadline = forms.DateField(label="整改期限", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    deadline_note = forms.CharField(label="期限说明", required=False, max_length=500)
    delivered_on = forms.DateField(label="反馈日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    recipient = forms.CharField(label="接收人（被检查单位）", required=False, max_length=100)


def _visible_inspection(request, pk) -> Inspection:
    qs = scoped(Inspection.objects.select_related("group", "target__jurisdiction", "checklist_version__template"), request.user)
    inspection = qs.filter(pk=pk).first()
    if inspection is None:
        raise Http404("未找到该记录，或不在您的数据范围内")
    return inspection


class SheetView(LoggedInMixin, WagtailAdminTemplateMixin, TemplateView):
    scoped_model = Inspection  # cms.scope.ScopedObjectURLMiddleware: out of scope is a 404
    """The inspection exactly as filled: its version's items with the answers given."""

    template_name = "inspections/admin/sheet.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        inspection = _visible_inspection(self.request, self.kwargs["pk"])
        answers = {a.item_id: a for a in inspection.answers.select_related("item")}
        photos = list(inspection.photos.all())
        layout = []
        if inspection.checklist_version_id:
            for block in version_layout(inspection.checklist_version):
                layout.append({"title": block["title"], "rows": [
                    {"item": item, "answer": answers.get(item.pk),
                     "photos": [p for p in photos if answers.get(item.pk) and p.answer_id == answers[item.pk].pk]}
                    for item in block["items"]]})
        feedback = InspectionFeedback.objects.filter(inspection=inspection).first()
        initial = {"problems": feedback_draft(inspection) or "未发现问题", "delivered_on": timezone.localdate(),
                   "rectification_deadline": timezone.localdate() + datetime.timedelta(days=7)}
        if feedback:
            initial = {f: getattr(feedback, f) for f in FeedbackForm.base_fields}
        ctx.update(
            inspection=inspection, layout=layout, loose_photos=[p for p in photos if p.answer_id is None],
            hazards=list(inspection.hazards.order_by("id")), feedback=feedback,
            feedback_form=kwargs.get("feedback_form") or FeedbackForm(initial=initial),
            can_feedback=can_write(self.request.user, InspectionFeedback) and not scope_for(self.request.user).read_only,
            answered=sum(1 for a in answers.values() if a.display_value()),
            changes_url=reverse("wagtailsnippets_inspections_inspection:changes", args=[inspection.pk]),
        )
        ctx["header_title"] = ctx["page_title"] = f"督导检查：{inspection.target}（{inspection.inspected_on:%Y-%m-%d}）"
        return ctx


class FeedbackView(LoggedInMixin, View):
    scoped_model = Inspection
    def post(self, request, pk):
        inspection = _visible_inspection(request, pk)
        form = FeedbackForm(request.POST)
        if form.is_valid():
            try:
                feedback_record(actor=request.user, reason="后台填写反馈意见", inspection=inspection, **form.cleaned_data)
                messages.success(request, "反馈意见已保存")
                return redirect("inspections_sheet", pk)
            except ServiceError as exc:
                for field, errors in exc.fields.items():
                    form.add_error(field if field in form.fields else None, errors)
                if not exc.fields:
                    form.add_error(None, exc.message)
        view = SheetView(request=request, kwargs={"pk": pk}, args=())
        return render(request, SheetView.template_name, view.get_context_data(feedback_form=form), status=400)


class FeedbackPrintView(LoggedInMixin, View):
    scoped_model = Inspection
    def get(self, request, pk):
        inspection = _visible_inspection(request, pk)
        feedback = get_object_or_404(InspectionFeedback, inspection=inspection)
        return render(request, "inspections/admin/feedback_print.html", {"inspection": inspection, "feedback": feedback})


class ComplianceView(LoggedInMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "inspections/admin/compliance.html"
    page_title = "督导检查机制落实情况"
    header_title = "督导检查机制落实情况"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        month = parse_month(self.request.GET.get("month")) or timezone.localdate().replace(day=1)
        ctx.update(month=month, compliance=compliance_for_month(month))
        return ctx


class FocusProposalPanel(Panel):
    """On the plan form: next month's proposed 综合督导 focus sectors (五（五）)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "inspections/admin/focus_panel.html"

        def get_context_data(self, parent_context=None):
            ctx = super().get_context_data(parent_context)
            month = getattr(self.instance, "month", None) or add_months(timezone.localdate().replace(day=1), 1)
            month = month.replace(day=1)
            ctx.update(month=month, rows=focus_sector_proposal(month=month))
            return ctx


def user_choices():
    return get_user_model().objects.filter(is_active=True)
