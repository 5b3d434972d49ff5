"""Admin building blocks shared by every app: scoped snippet viewsets that save through
``cms.records`` with a change reason, and a per-object history page (simple-history)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import HeaderButton
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, IndexView, InspectView, SnippetViewSet

from cms.errors import ServiceError
from cms.records import delete_record, save_record
from cms.scope import can_write, scoped


class AuditedModelForm(WagtailAdminModelForm):
    change_reason = forms.CharField(label="变更原因", max_length=500, required=False,
                                    help_text="记入变更历史，供审计查阅", widget=forms.TextInput())

    def _post_clean(self):
        # Model validation runs again inside the service; errors there are shown on the form too.
        super()._post_clean()


class ScopedObjectMixin:
    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not scoped(type(obj)._default_manager.filter(pk=obj.pk), self.request.user).exists():
            raise Http404("未找到该记录，或不在您的数据范围内")
        return obj


class ServiceSaveMixin:
    def save_instance(self):
        instance = self.form.save(commit=False)
        reason = self.form.cleaned_data.get("change_reason") or ("后台新增" if not instance.pk else "后台编辑")
        return save_record(instance=instance, actor=self.request.user, reason=reason, after_save=self.form.save_m2m)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ServiceError as exc:
            for field, messages in exc.fields.items():
                form.add_error(field if field in form.fields else None, messages)
            if not exc.fields:
                form.add_error(None, exc.message)
            return self.form_invalid(form)


class ScopedIndexView(IndexView):
    def get_base_queryset(self):
        return scoped(super().get_base_queryset(), self.request.user)


class ScopedCreateView(ServiceSaveMixin, CreateView):
    pass


class ScopedEditView(ScopedObjectMixin, ServiceSaveMixin, EditView):
    def user_has_permission(self, permission):
        return super().user_has_permission(permission) and (permission != "change" or can_write(self.request.user, self.object if hasattr(self, "object") else self.model))


class ScopedDeleteView(ScopedObjectMixin, DeleteView):
    def delete_action(self):
        if not can_write(self.request.user, self.object):
            raise PermissionDenied
        delete_record(instance=self.object, actor=self.request.user, reason="后台删除")


class ScopedInspectView(ScopedObjectMixin, InspectView):
    pass


class HistoryListView(WagtailAdminTemplateMixin, TemplateView):
    """变更历史: every simple-history row of one object, with user, address, reason, diff."""

    template_name = "cms/object_history.html"
    viewset = None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        model = self.viewset.model
        obj = get_object_or_404(scoped(model._default_manager.all(), self.request.user), pk=self.kwargs["pk"])
        ctx["object"] = obj
        ctx["rows"] = history_rows(obj.history.all().select_related("history_user").order_by("-history_date", "-history_id"))
        ctx["page_title"] = f"{obj} 的变更历史"
        ctx["header_title"] = ctx["page_title"]
        return ctx


HISTORY_TYPES = {"+": "新增", "~": "修改", "-": "删除"}


def history_rows(records) -> list[dict]:
    """Pair each history row with its predecessor and list the changed fields."""
    records = list(records)
    rows = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = record.instance_type._meta.get_field(change.field)
                changes.append({"field": str(field.verbose_name), "old": _show(change.old), "new": _show(change.new)})
        rows.append({
            "record": record,
            "action": HISTORY_TYPES.get(record.history_type, record.history_type),
            "user": record.history_user,
            "reason": record.history_change_reason or "",
            "changes": changes,
        })
    return rows


def _show(value) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, list):
        return "、".join(str(v.get(next(iter(v))) if isinstance(v, dict) else v) for v in value) or "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


class AuditedSnippetViewSet(SnippetViewSet):
    """Snippet viewset for a tracked, scoped model: list/edit filtered by ``cms.scope``,
    saved through ``cms.records`` with a reason, with a 变更历史 page per object."""

    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    search_backend_name = None  # substring (icontains) search: Chinese needs no word splitting

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


def history_link_column() -> Column:
    return Column("changes", label="变更历史", accessor=lambda obj: obj)


def changes_url(viewset: SnippetViewSet, obj) -> str:
    return reverse(viewset.get_url_name("changes"), args=[obj.pk])


def changes_button(url: str) -> HeaderButton:
    return HeaderButton("变更历史", url=url, icon_name="history")


def link(url: str, text: str) -> str:
    return format_html('<a href="{}">{}</a>', url, text)
