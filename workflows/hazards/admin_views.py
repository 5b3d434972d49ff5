"""Admin views of the loop: scoped listings, a detail page that shows a button (a small form) for
each action this user may take now, and the POST endpoints that call the services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, IndexView, InspectView

from cms.admin_views import AuditedColumnsMixin
from cms.errors import ServiceError
from cms.roles import OFFICE_ROLES, role_of
from cms.scope import scoped

from . import services
from .admin_forms import HAZARD_FORMS, ORDER_FORMS, PlanForm
from .models import Hazard, HazardAction, HazardLevel, HazardPhoto, HazardPlan, HazardState
from .models_orders import Order, OrderAction
from .services_orders import allowed_order_actions, order_acknowledge, order_answer, order_close, order_issue

# --- shared ------------------------------------------------------------------------------------


class NoEditMixin:
    """Hazards and orders change only through their actions: no generic edit or delete."""

    def dispatch(self, request, *args, **kwargs):
        raise PermissionDenied


class ActionIndexView(AuditedColumnsMixin, IndexView):
    """Scoped listing whose rows open the detail page (there is no edit form)."""

    def get_base_queryset(self):
        return scoped(super().get_base_queryset(), self.request.user)

    def get_edit_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None


class HazardIndexView(ActionIndexView):
    def get_add_url(self):
        return super().get_add_url() if role_of(self.request.user) in services.REGISTER_ROLES else None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("sector", "jurisdiction", "target", "responsible_department",
                                                          "responsible_jurisdiction")


class OrderIndexView(ActionIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("recipient_department", "recipient_jurisdiction")


class HazardEditView(NoEditMixin, EditView):
    pass


class HazardDeleteView(NoEditMixin, DeleteView):
    pass


def _scoped_object(model, user, pk):
    return get_object_or_404(scoped(model._default_manager.all(), user), pk=pk)


def _service_error(request, exc: ServiceError) -> None:
    details = "；".join(f"{m}" for messages_ in exc.fields.values() for m in messages_)
    messages.error(request, f"{exc.message}{'：' + details if details else ''}")


# --- hazards -----------------------------------------------------------------------------------


class HazardCreateView(CreateView):
    """登记隐患 through ``hazard_register`` (code, 属地 and finder are filled by the service)."""

    def dispatch(self, request, *args, **kwargs):
        if role_of(request.user) not in services.REGISTER_ROLES:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        from cms.directory.models import Target
        from cms.directory.picker import TargetPicker

        # validated against every target in scope; rendered as a search box and the first few
        form.fields["target"].queryset = scoped(Target.objects.all(), self.request.user)
        form.fields["target"].widget = TargetPicker(self.request.user)
        if self.request.method == "GET" and str(self.request.GET.get("target", "")).isdigit():
            form.initial["target"] = int(self.request.GET["target"])
        return form

    def save_instance(self):
        data = self.form.cleaned_data
        return services.hazard_register(
            actor=self.request.user, reason=data.get("change_reason") or "后台登记", description=data["description"],
            target=data["target"], sector=data["sector"], level=data["level"], is_prominent=data["is_prominent"],
            source=data["source"], legal_basis=data.get("legal_basis", ""),
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ServiceError as exc:
            for field, errors in exc.fields.items():
                form.add_error(field if field in form.fields else None, errors)
            if not exc.fields:
                form.add_error(None, exc.message)
            self.produced_error_message = exc.message
            return self.form_invalid(form)

    def get_success_url(self):
        return reverse("wagtailsnippets_hazards_hazard:inspect", args=[self.object.pk])

    def get_success_buttons(self):
        return []


RETRY_KEY = "hazard_action_retry"

# the step each state waits for, first in the list and open on the page; the others stay folded
CURRENT_STEP = {
    HazardState.REPORTED: [HazardAction.ASSIGN],
    HazardState.ASSIGNED: [HazardAction.PLAN, HazardAction.FIX_ON_SPOT],
    HazardState.RECTIFYING: [HazardAction.SUBMIT, HazardAction.PLAN],
    HazardState.SUBMITTED: [HazardAction.VERIFY, HazardAction.REJECT],
}

# the actions that take photos, and what the file field is called on the page
PHOTO_FIELDS = {HazardAction.SUBMIT: "整改后照片", HazardAction.FIX_ON_SPOT: "整改后照片", HazardAction.VERIFY: "复核现场照片"}


def _hazard_form(action: str, hazard: Hazard, data=None, plan=None):
    """The form of one action: bound to what was typed (after a refusal), else its initial values."""
    major = hazard.level == HazardLevel.MAJOR
    initial = {"version": hazard.version}
    if action == HazardAction.PLAN:
        if plan is not None:  # a saved plan is revised, not typed again from nothing
            initial.update({name: getattr(plan, name) for name in PlanForm.base_fields if hasattr(plan, name)})
            initial.update({name: getattr(plan, name) for name in HazardPlan.MAJOR_FIELDS} if major else {})
        else:
            initial.update(deadline=hazard.deadline, responsible_person=hazard.responsible_person)
        initial["version"] = hazard.version
        return PlanForm(data, initial=initial, major=major, prefix=action)
    if action == HazardAction.SUPERVISE:
        initial["due_date"] = hazard.deadline
    return HAZARD_FORMS[action](data, initial=initial, prefix=action)


def _photo_pairs(hazard: Hazard) -> dict:
    """Before and after, side by side: what the inspection and the finder photographed, and what the
    latest 整改完成 sent (earlier submissions stay in the evidence table)."""
    from workflows.inspections.models import InspectionPhoto

    before = []
    if hazard.inspection_id:
        photos = InspectionPhoto.objects.filter(inspection_id=hazard.inspection_id)
        photos = photos.filter(answer__item_id=hazard.checklist_item_id) if hazard.checklist_item_id else photos.filter(answer__isnull=True)
        before += [{"photo": p, "source": "督导检查"} for p in photos.order_by("uploaded_at", "id")]
    shown = {item["photo"].image.name for item in before}  # the inspection's photos are also the hazard's found photos
    before += [{"photo": p, "source": "发现时"} for p in hazard.photos.filter(stage=HazardPhoto.Stage.FOUND).order_by("uploaded_at", "id")
               if p.image.name not in shown]
    latest = hazard.evidence.order_by("-submitted_at", "-id").first()
    after = [{"photo": p, "source": latest.get_kind_display()} for p in latest.photos.order_by("uploaded_at", "id")] if latest else []
    verified = [{"photo": p, "source": "复核时"} for p in hazard.photos.filter(stage=HazardPhoto.Stage.VERIFIED).order_by("uploaded_at", "id")]
    return {"before": before, "after": after, "verified": verified, "latest_evidence": latest}


def _timeline(hazard: Hazard) -> list[dict]:
    """Each step of the loop from the hazard's own history: when, what, by whom, why."""
    from cms.templatetags.people import person_name

    steps = []
    for row in hazard.history.select_related("history_user").order_by("history_date", "history_id"):
        action = row.last_action
        steps.append({
            "time": row.history_date,
            "label": HazardAction(action).label if action in HazardAction.values else "变更",
            "state": HazardState(row.state).label if row.state in HazardState.values else "",
            "user": person_name(row.history_user) or "系统",
            "reason": row.history_change_reason or "",
            "action": action,
        })
    return steps


class HazardDetailView(InspectView):
    def get_object(self, queryset=None):
        return _scoped_object(Hazard, self.request.user, self.pk)

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        hazard = self.object
        user = self.request.user
        today = timezone.localdate()
        retry = self.request.session.pop(RETRY_KEY, None)
        if retry and retry.get("hazard") != hazard.pk:
            retry = None
        plans = list(hazard.plans.select_related("created_by").all())
        allowed = services.allowed_actions(user, hazard)
        current = [a for a in CURRENT_STEP.get(hazard.state, []) if a in allowed]
        ordered = current + [a for a in allowed if a not in current]
        open_action = retry["action"] if retry and retry["action"] in allowed else (ordered[0] if ordered else None)
        forms_ = []
        for action in ordered:
            data = retry["data"] if retry and retry["action"] == action else None
            form = _hazard_form(action, hazard, data, plans[0] if plans else None)
            if data is not None:
                form.is_valid()  # show each field's error beside it, with what was typed
            label = "修改整改方案" if action == HazardAction.PLAN and plans else HazardAction(action).label
            forms_.append({
                "action": action, "label": label, "form": form, "open": action == open_action,
                "url": reverse("wagtailsnippets_hazards_hazard:act", args=[hazard.pk, action]),
                "photos": PHOTO_FIELDS.get(action, ""),
                "error": retry.get("error", "") if data is not None else "",
            })
        inspection_url = None
        if hazard.inspection_id:
            from workflows.inspections.models import Inspection

            if scoped(Inspection.objects.filter(pk=hazard.inspection_id), user).exists():
                inspection_url = reverse("inspections_sheet", args=[hazard.inspection_id])
        from cms.roles import is_auditor, is_office

        tipoffs = list(hazard.tipoffs.all()) if hasattr(hazard, "tipoffs") else []
        orders = list(scoped(hazard.orders.all(), user).select_related("recipient_department", "recipient_jurisdiction"))
        ctx.update(
            hazard=hazard,
            action_forms=forms_,
            plans=plans,
            evidence=hazard.evidence.select_related("submitted_by").prefetch_related("photos").all(),
            compare=_photo_pairs(hazard),
            timeline=_timeline(hazard),
            orders=orders,
            inspection_url=inspection_url,
            tipoffs=tipoffs,
            tipoff_links=is_office(user) or is_auditor(user),
            show_reject_reason=bool(hazard.last_reject_reason) and hazard.state in (HazardState.RECTIFYING, HazardState.ASSIGNED),
            is_overdue=hazard.is_overdue,
            today=today,
            history_url=reverse("wagtailsnippets_hazards_hazard:changes", args=[hazard.pk]),
            order_inspect="wagtailsnippets_hazards_order:inspect",
        )
        ctx["page_title"] = f"隐患 {hazard.code}"
        return ctx


class HazardActView(View):
    """POST a detail-page form: call the service for this action, then back to the detail page.
    Refused input comes back into the form it was typed in (kept in the session for one view)."""

    def post(self, request, pk, action):
        if action not in HAZARD_FORMS:
            raise Http404
        hazard = _scoped_object(Hazard, request.user, pk)
        back = redirect("wagtailsnippets_hazards_hazard:inspect", hazard.pk)

        def retry(error: str):
            data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
            request.session[RETRY_KEY] = {"hazard": hazard.pk, "action": action, "data": data, "error": error}
            return back

        form = _hazard_form(action, hazard, request.POST)
        if not form.is_valid():
            messages.error(request, "未保存，请按提示修改后重新提交")
            return retry("")
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        kwargs = {"hazard": hazard, "actor": request.user, "expected_version": version, **data}
        if action in PHOTO_FIELDS:
            kwargs["photos"] = request.FILES.getlist(f"{action}-photos")
        service = {
            HazardAction.ASSIGN: services.hazard_assign,
            HazardAction.PLAN: services.hazard_plan,
            HazardAction.SUBMIT: services.hazard_submit,
            HazardAction.FIX_ON_SPOT: services.hazard_fix_on_spot,
            HazardAction.VERIFY: services.hazard_verify,
            HazardAction.REJECT: services.hazard_reject,
            HazardAction.SUPERVISE: services.hazard_supervise,
        }[action]
        try:
            service(**kwargs)
        except ServiceError as exc:
            _service_error(request, exc)
            details = "；".join(f"{m}" for messages_ in exc.fields.values() for m in messages_)
            return retry(f"{exc.message}{'：' + details if details else ''}")
        messages.success(request, f"已{HazardAction(action).label}：{hazard.code}")
        return back


# --- orders ------------------------------------------------------------------------------------


class OrderCreateView(CreateView):
    def dispatch(self, request, *args, **kwargs):
        if role_of(request.user) not in OFFICE_ROLES:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def save_instance(self):
        data = self.form.cleaned_data
        return order_issue(actor=self.request.user, reason=data.get("change_reason") or "后台发文", kind=data["kind"],
                           content=data["content"], due_date=data["due_date"], recipient_department=data.get("recipient_department"),
                           recipient_jurisdiction=data.get("recipient_jurisdiction"), hazards=data.get("hazards") or [])

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ServiceError as exc:
            for field, errors in exc.fields.items():
                form.add_error(field if field in form.fields else None, errors)
            if not exc.fields:
                form.add_error(None, exc.message)
            self.produced_error_message = exc.message
            return self.form_invalid(form)

    def get_success_url(self):
        return reverse("wagtailsnippets_hazards_order:inspect", args=[self.object.pk])

    def get_success_buttons(self):
        return []


class OrderDetailView(InspectView):
    def get_object(self, queryset=None):
        return _scoped_object(Order, self.request.user, self.pk)

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        order = self.object
        ctx.update(
            order=order,
            hazards=scoped(order.hazards.all(), self.request.user),
            action_forms=[{
                "action": action, "label": OrderAction(action).label,
                "form": ORDER_FORMS[action](initial={"version": order.version}, prefix=action),
                "url": reverse("wagtailsnippets_hazards_order:act", args=[order.pk, action]),
            } for action in allowed_order_actions(self.request.user, order)],
            history_url=reverse("wagtailsnippets_hazards_order:changes", args=[order.pk]),
            hazard_inspect="wagtailsnippets_hazards_hazard:inspect",
        )
        ctx["page_title"] = str(order)
        return ctx


class OrderActView(View):
    def post(self, request, pk, action):
        if action not in ORDER_FORMS:
            raise Http404
        order = _scoped_object(Order, request.user, pk)
        back = redirect("wagtailsnippets_hazards_order:inspect", order.pk)
        form = ORDER_FORMS[action](request.POST, prefix=action)
        if not form.is_valid():
            messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
            return back
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        service = {OrderAction.ACKNOWLEDGE: order_acknowledge, OrderAction.ANSWER: order_answer, OrderAction.CLOSE: order_close}[action]
        try:
            service(order=order, actor=request.user, expected_version=version, **data)
        except ServiceError as exc:
            _service_error(request, exc)
            return back
        messages.success(request, f"已{OrderAction(action).label}：{order.number}")
        return back
