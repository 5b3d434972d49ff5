"""Admin views of the loop: scoped listings, a detail page that shows a button (a small form) for
each action this user may take now, and the POST endpoints that call the services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, IndexView, InspectView

from cms.admin_views import AuditedColumnsMixin
from cms.errors import ServiceError
from cms.roles import OFFICE_ROLES, role_of
from cms.scope import scoped

from . import services
from .admin_forms import HAZARD_FORMS, ORDER_FORMS, PlanForm
from .models import Hazard, HazardAction, HazardLevel, HazardState
from .models_orders import Order, OrderAction, OrderKind, OrderStatus
from .services_orders import allowed_order_actions, order_acknowledge, order_answer, order_close, order_issue

# --- filters ---------------------------------------------------------------------------------


class HazardAdminFilterSet(WagtailFilterSet):
    import django_filters as _f

    state = _f.MultipleChoiceFilter(label="状态", choices=HazardState.choices, widget=forms.CheckboxSelectMultiple)
    level = _f.ChoiceFilter(label="隐患等级", choices=HazardLevel.choices)
    overdue = _f.BooleanFilter(label="逾期", method="filter_overdue")
    is_supervised = _f.BooleanFilter(label="挂牌督办")
    needs_supervision = _f.BooleanFilter(label="逾期待督办")

    class Meta:
        model = Hazard
        fields = ["state", "level", "sector", "jurisdiction", "responsible_department", "responsible_jurisdiction",
                  "overdue", "is_supervised", "needs_supervision"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class OrderAdminFilterSet(WagtailFilterSet):
    import django_filters as _f

    kind = _f.ChoiceFilter(label="类别", choices=OrderKind.choices)
    status = _f.ChoiceFilter(label="状态", choices=OrderStatus.choices)

    class Meta:
        model = Order
        fields = ["kind", "status", "recipient_department", "recipient_jurisdiction", "year"]


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
            return self.form_invalid(form)

    def get_success_url(self):
        return reverse("wagtailsnippets_hazards_hazard:inspect", args=[self.object.pk])

    def get_success_buttons(self):
        return []


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
        forms_ = []
        for action in services.allowed_actions(user, hazard):
            form_class = HAZARD_FORMS[action]
            initial = {"version": hazard.version}
            if action == HazardAction.PLAN:
                initial.update(deadline=hazard.deadline, responsible_person=hazard.responsible_person)
                form = PlanForm(initial=initial, major=hazard.level == HazardLevel.MAJOR, prefix=action)
            else:
                if action == HazardAction.SUPERVISE:
                    initial["due_date"] = hazard.deadline
                form = form_class(initial=initial, prefix=action)
            forms_.append({
                "action": action, "label": HazardAction(action).label, "form": form,
                "url": reverse("wagtailsnippets_hazards_hazard:act", args=[hazard.pk, action]),
                "photos": action in (HazardAction.SUBMIT, HazardAction.FIX_ON_SPOT),
            })
        ctx.update(
            hazard=hazard,
            action_forms=forms_,
            plans=hazard.plans.select_related("created_by").all(),
            evidence=hazard.evidence.select_related("submitted_by").prefetch_related("photos").all(),
            photos=hazard.photos.filter(stage="found"),
            orders=scoped(hazard.orders.all(), user),
            is_overdue=hazard.is_overdue,
            today=today,
            history_url=reverse("wagtailsnippets_hazards_hazard:changes", args=[hazard.pk]),
            order_inspect="wagtailsnippets_hazards_order:inspect",
        )
        ctx["page_title"] = f"隐患 {hazard.code}"
        return ctx


class HazardActView(View):
    """POST a detail-page form: call the service for this action, then back to the detail page."""

    def post(self, request, pk, action):
        if action not in HAZARD_FORMS:
            raise Http404
        hazard = _scoped_object(Hazard, request.user, pk)
        back = redirect("wagtailsnippets_hazards_hazard:inspect", hazard.pk)
        if action == HazardAction.PLAN:
            form = PlanForm(request.POST, prefix=action, major=hazard.level == HazardLevel.MAJOR)
        else:
            form = HAZARD_FORMS[action](request.POST, prefix=action)
        if not form.is_valid():
            messages.error(request, "；".join(f"{form.fields[f].label if f in form.fields else ''}{'：' if f in form.fields else ''}{e}"
                                             for f, errs in form.errors.items() for e in errs))
            return back
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        kwargs = {"hazard": hazard, "actor": request.user, "expected_version": version, **data}
        if action in (HazardAction.SUBMIT, HazardAction.FIX_ON_SPOT):
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
            return back
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
