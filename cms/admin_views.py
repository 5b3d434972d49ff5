"""Admin building blocks shared by every app: scoped snippet viewsets that save through
``cms.records`` with a change reason, and a per-object history page (simple-history)."""

from __future__ import annotations

import datetime
from collections import OrderedDict

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.auth import require_admin_access
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column
from wagtail.admin.views.bulk_action import index as wagtail_bulk_action
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import HeaderButton
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import (
    CreateView,
    DeleteView,
    EditView,
    HistoryView,
    IndexView,
    InspectView,
    SnippetViewSet,
    UsageView,
)

from cms.audit.models import history_records
from cms.errors import ServiceError
from cms.forms import TextFormMixin
from cms.inputs import spreadsheet_cell
from cms.records import delete_record, save_record
from cms.scope import can_write, scoped


class AuditedModelForm(TextFormMixin, WagtailAdminModelForm):
    change_reason = forms.CharField(label="变更原因", max_length=500, required=False,
                                    help_text="记入变更历史，供审计查阅", widget=forms.TextInput())


FORBIDDEN_MESSAGE = "您没有执行此操作的权限（只读角色，或该记录不在您的数据范围内）。"


def forbidden(request, message: str | None = None) -> TemplateResponse:
    """A 403 page in the admin's look. Wagtail would redirect to the dashboard instead, which
    hides from scripts and tests that the request was refused."""
    return TemplateResponse(request, "cms/forbidden.html", {"message": message or FORBIDDEN_MESSAGE}, status=403)


class ForbiddenIs403Mixin:
    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            return forbidden(request)


class ScopedObjectMixin:
    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not scoped(type(obj)._default_manager.filter(pk=obj.pk), self.request.user).exists():
            raise Http404("未找到该记录，或不在您的数据范围内")
        return obj


class ServiceSaveMixin:
    """Saves through the viewset's ``save_through_service`` (a process record's own service), or
    through ``cms.records.save_record`` for reference data."""

    audited_viewset = None

    def save_instance(self):
        adding = getattr(self, "object", None) is None or self.object.pk is None
        reason = self.form.cleaned_data.get("change_reason") or ("后台新增" if adding else "后台编辑")
        viewset = self.audited_viewset
        if viewset is not None and viewset.writes_through_service:
            return viewset.save_through_service(actor=self.request.user, reason=reason, instance=None if adding else self.object,
                                                data=self.form.cleaned_data)
        instance = self.form.save(commit=False)
        return save_record(instance=instance, actor=self.request.user, reason=reason, after_save=self.form.save_m2m)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ServiceError as exc:
            for field, messages in exc.fields.items():
                form.add_error(field if field in form.fields else None, messages)
            if not exc.fields:
                form.add_error(None, exc.message)
            self.produced_error_message = exc.message
            return self.form_invalid(form)


class HistoryButtonMixin:
    """A 变更历史 button in the header of an object's edit and inspect pages."""

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        viewset = getattr(self, "audited_viewset", None)
        if viewset is not None and getattr(self, "object", None) is not None and self.object.pk:
            buttons.append(changes_button(changes_url(viewset, self.object)))
        return buttons


@require_admin_access
def bulk_action(request, app_label: str, model_name: str, action: str):
    """In front of Wagtail's ``/admin/bulk/<app>/<model>/<action>/``. Its snippet bulk delete runs
    ``QuerySet.delete()`` on the ids in the URL: outside the user's scope, without a reason, past
    the rules of ``delete_record`` and the hazard services, and its confirmation page shows any
    row by id. Every model with an audit history refuses it (GET and POST); Wagtail's own models
    (users, images, documents) keep their bulk actions under Wagtail's permissions."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    if history_records(model) is not None:
        return forbidden(request, f"{model._meta.verbose_name}不能批量操作，请逐条处理（每次修改须说明原因并留痕）。")
    return wagtail_bulk_action(request, app_label, model_name, action)


class SafeExportMixin:
    """Every cell of a listing's CSV/XLSX export (Wagtail's ``list_export``) through
    ``cms.inputs.spreadsheet_cell``: no formula, no control character. Every snippet listing
    uses it (a test walks the registered viewsets)."""

    def preprocess_field_value(self, field, value, export_format):
        return spreadsheet_cell(super().preprocess_field_value(field, value, export_format))


class AuditedColumnsMixin(SafeExportMixin):
    """The columns of every audited listing: no bulk-selection checkbox (bulk actions are refused,
    ``bulk_action``: they delete with ``QuerySet.delete()``, without a reason in history), and
    boolean fields as 是/否 (Wagtail's plain column printed True/False)."""

    @cached_property
    def columns(self):
        return [c for c in super().columns if not isinstance(c, BulkActionsCheckboxColumn)]

    def _get_custom_column(self, field_name, *args, **kwargs):
        column = super()._get_custom_column(field_name, *args, **kwargs)
        try:
            field = self.model._meta.get_field(field_name)
        except FieldDoesNotExist:
            return column
        if isinstance(field, models.BooleanField) and type(column) is Column:
            column.accessor = lambda obj, attname=field.attname: "是" if getattr(obj, attname) else "否"
        return column


class ScopedIndexView(ForbiddenIs403Mixin, AuditedColumnsMixin, IndexView):
    """Listing filtered by ``cms.scope``; exports (CSV/XLSX) show choice labels and 是/否."""

    audited_viewset = None

    def get_base_queryset(self):
        return scoped(super().get_base_queryset(), self.request.user)

    def get_edit_url(self, instance):
        if can_write(self.request.user, instance):
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if can_write(self.request.user, instance):
            return super().get_delete_url(instance)
        return None

    def get_add_url(self):
        if can_write(self.request.user, self.model):
            return super().get_add_url()
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.audited_viewset is not None:
            buttons.append(MenuItem("变更历史", url=changes_url(self.audited_viewset, instance), icon_name="history", priority=40))
        return buttons

    def to_row_dict(self, item):
        row = OrderedDict()
        for name in self.list_export:
            row[name] = export_value(item, name)
        return row

    def stream_csv(self, queryset):
        yield "\ufeff"  # BOM: Excel opens UTF-8 CSV with Chinese correctly only with it
        yield from super().stream_csv(queryset)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(self.get_filename())}.csv"
        return response


def export_value(item, name: str):
    """One cell of an export: choice labels, 是/否, names of related rows, never a raw code."""
    if "." not in name and "__" not in name:
        try:
            field = item._meta.get_field(name)
        except Exception:
            field = None
        if field is not None and getattr(field, "choices", None):
            return getattr(item, f"get_{name}_display")()
        if isinstance(field, models.BooleanField):
            return "是" if getattr(item, name) else "否"
        if field is not None and field.many_to_many:
            return "、".join(str(o) for o in getattr(item, name).all())
    value = item
    for part in name.replace("__", ".").split("."):
        value = getattr(value, part, None) if value is not None else None
        if callable(value):
            value = value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, models.Model):
        return str(value)
    return value


class ScopedCreateView(ForbiddenIs403Mixin, ServiceSaveMixin, CreateView):
    def user_has_permission(self, permission):
        return super().user_has_permission(permission) and (permission != "add" or can_write(self.request.user, self.model))


class ScopedEditView(ForbiddenIs403Mixin, HistoryButtonMixin, ScopedObjectMixin, ServiceSaveMixin, EditView):
    audited_viewset = None

    def user_has_permission(self, permission):
        if permission in ("change", "delete"):
            target = self.object if getattr(self, "object", None) is not None else self.model
            return super().user_has_permission(permission) and can_write(self.request.user, target)
        return super().user_has_permission(permission)

    def user_has_permission_for_instance(self, permission, instance):
        return super().user_has_permission_for_instance(permission, instance) and (
            permission not in ("change", "delete") or can_write(self.request.user, instance))


class ScopedDeleteView(ForbiddenIs403Mixin, ScopedObjectMixin, DeleteView):
    def user_has_permission(self, permission):
        if permission == "delete":
            target = self.object if getattr(self, "object", None) is not None else self.model
            return super().user_has_permission(permission) and can_write(self.request.user, target)
        return super().user_has_permission(permission)

    audited_viewset = None

    def delete_action(self):
        if not can_write(self.request.user, self.object):
            raise PermissionDenied
        viewset = self.audited_viewset
        if viewset is not None and viewset.writes_through_service:
            viewset.delete_through_service(actor=self.request.user, reason="后台删除", instance=self.object)
        else:
            delete_record(instance=self.object, actor=self.request.user, reason="后台删除")

    def form_valid(self, form):
        try:
            if self.usage and self.usage.is_protected:
                # Wagtail answers a bare 403 for a row other rows still refer to; the service
                # refuses it in its own words instead (atomic: nothing stays if it did not refuse).
                with transaction.atomic():
                    self.delete_action()
                    return super().form_valid(form)
            return super().form_valid(form)
        except ServiceError as exc:
            messages.error(self.request, exc.message)
            edit_url = reverse(self.edit_url_name, args=(quote(self.object.pk),)) if self.edit_url_name else None
            return HttpResponseRedirect(edit_url or self.get_success_url())


class ScopedUsageView(ForbiddenIs403Mixin, ScopedObjectMixin, UsageView):
    """Wagtail's 使用情况 page of an object, only for objects in the user's scope."""


class ScopedHistoryView(ForbiddenIs403Mixin, ScopedObjectMixin, HistoryView):
    """Wagtail's own history page (and its results) of an object, only for objects in the user's scope."""


class ReadableInspectMixin:
    """A detail page titled 查看 (Wagtail's "检查" reads as 督导检查), times in Asia/Shanghai,
    是/否 for booleans, — for nothing, lists joined with 、 (never True, None or a Python list)."""

    page_title = "查看"

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "" or value == "-":
            return "—"
        if value is True or value is False:
            return "是" if value else "否"
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, datetime.date):
            return value.strftime("%Y-%m-%d")
        if isinstance(value, list | tuple):
            return "、".join(str(v) for v in value) or "—"
        if isinstance(value, dict):
            return "；".join(f"{k}：{v}" for k, v in value.items()) or "—"
        return value


class ScopedInspectView(ForbiddenIs403Mixin, HistoryButtonMixin, ScopedObjectMixin, ReadableInspectMixin, InspectView):
    audited_viewset = None

    def get_edit_url(self):
        return super().get_edit_url() if can_write(self.request.user, self.object) else None

    def get_delete_url(self):
        return super().get_delete_url() if can_write(self.request.user, self.object) else None


class ScopedChooseMixin:
    def get_object_list(self):
        return scoped(super().get_object_list(), self.request.user)


class ScopedChooseView(ScopedChooseMixin, ChooseView):
    pass


class ScopedChooseResultsView(ScopedChooseMixin, ChooseResultsView):
    pass


class ScopedChosenView(SnippetChosenView):
    def get_object(self, pk):
        return scoped(self.model_class.objects.all(), self.request.user).get(pk=pk)


class ScopedChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return scoped(self.model_class.objects.filter(pk__in=pks), self.request.user)


class ScopedChooserViewSet(SnippetChooserViewSet):
    """The chooser modal (used by foreign-key fields on forms) lists only rows in scope."""

    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView


@hooks.register("before_bulk_action")
def refuse_bulk_actions_on_audited_models(request, action_type, objects, action_class_instance):
    """Bulk actions write with ``QuerySet`` methods (no reason in history, no scope check)."""
    model = getattr(action_class_instance, "model", None)
    viewset = getattr(model, "snippet_viewset", None)
    if isinstance(viewset, AuditedSnippetViewSet):
        return forbidden(request, "名录等受审计的数据不支持批量操作，请逐条编辑或删除（须填写变更原因）。")
    return None


class HistoryListView(ForbiddenIs403Mixin, WagtailAdminTemplateMixin, TemplateView):
    """变更历史: every simple-history row of one object, with user, address, reason, diff."""

    template_name = "cms/object_history.html"
    viewset = None

    @cached_property
    def object(self):
        return get_object_or_404(scoped(self.viewset.model._default_manager.all(), self.request.user), pk=self.kwargs["pk"])

    def get_page_title(self):
        return f"{self.object} 的变更历史"

    def get_breadcrumbs_items(self):
        """首页 → the listing → the record → 变更历史: the header names the page, never just 首页."""
        model = self.viewset.model
        return [{"url": reverse("wagtailadmin_home"), "label": "首页"},
                {"url": reverse(self.viewset.get_url_name("list")), "label": str(model._meta.verbose_name_plural)},
                {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        ctx["object"] = obj
        ctx["rows"] = history_rows(obj.history.all().select_related("history_user").order_by("-history_date", "-history_id"))
        ctx["page_title"] = f"{obj} 的变更历史"
        ctx["header_title"] = ctx["page_title"]
        return ctx


def history_rows(records) -> list[dict]:
    """Each history row with its action's Chinese label, who (by name), why, and the changed fields
    by their verbose names, related records by their names and times in Asia/Shanghai (the audit
    page's own reading: ``cms.audit.registry.entries``)."""
    from cms.audit.registry import entries

    records = list(records)
    rows = entries(records)
    for record, row in zip(records, rows, strict=True):
        row["record"] = record
        row["action"] = row["action_label"] or row["type"]
    return rows


class AuditedSnippetViewSet(SnippetViewSet):
    """Snippet viewset for a tracked, scoped model: list/edit filtered by ``cms.scope``,
    saved through ``cms.records`` with a reason, with a 变更历史 page per object."""

    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    usage_view_class = ScopedUsageView
    history_view_class = ScopedHistoryView
    chooser_viewset_class = ScopedChooserViewSet
    inspect_view_enabled = True
    copy_view_enabled = False
    index_template_name = "cms/snippet_index.html"
    index_results_template_name = "cms/snippet_index_results.html"
    search_backend_name = None  # substring (icontains) search: Chinese needs no word splitting

    #: Process records (groups, plans, consultations, feedback…) set this and implement the two
    #: methods below with their own services; only reference data saves through ``save_record``.
    writes_through_service = False

    def save_through_service(self, *, actor, reason: str, instance, data: dict):
        """Create (``instance`` None) or edit a record from the admin form's cleaned data."""
        raise NotImplementedError

    def delete_through_service(self, *, actor, reason: str, instance) -> None:
        raise NotImplementedError

    def _with_viewset(self, view_class, kwargs: dict) -> dict:
        if hasattr(view_class, "audited_viewset"):
            kwargs.setdefault("audited_viewset", self)
        return kwargs

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(**self._with_viewset(self.index_view_class, kwargs))

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(**self._with_viewset(self.add_view_class, kwargs))

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(**self._with_viewset(self.edit_view_class, kwargs))

    def get_delete_view_kwargs(self, **kwargs):
        return super().get_delete_view_kwargs(**self._with_viewset(self.delete_view_class, kwargs))

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(**self._with_viewset(self.inspect_view_class, kwargs))

    def get_queryset(self, request):
        return None

    def get_edit_handler(self):
        """Every form gets the 变更原因 field; panels default to the model's editable fields."""
        if hasattr(self, "edit_handler"):
            return self.edit_handler.bind_to_model(self.model)
        panels = list(getattr(self, "panels", None) or [
            FieldPanel(f.name) for f in self.model._meta.get_fields()
            if getattr(f, "editable", False) and not f.auto_created and f.concrete
            and f.name not in getattr(self, "exclude_form_fields", ()) and not getattr(f, "auto_now", False)
            and not getattr(f, "auto_now_add", False)
        ])
        if not any(getattr(p, "field_name", None) == "change_reason" for p in panels):
            panels.append(FieldPanel("change_reason"))
        return ObjectList(panels, base_form_class=AuditedModelForm).bind_to_model(self.model)

    @property
    def history_list_view(self):
        return HistoryListView.as_view(viewset=self)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("changes/<str:pk>/", self.history_list_view, name="changes")]


def changes_url(viewset: SnippetViewSet, obj) -> str:
    return reverse(viewset.get_url_name("changes"), args=[obj.pk])


def changes_button(url: str) -> HeaderButton:
    return HeaderButton("变更历史", url=url, icon_name="history")

