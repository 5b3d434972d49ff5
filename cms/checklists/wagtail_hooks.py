from django.urls import path, reverse, reverse_lazy
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from cms.admin_views import AuditedSnippetViewSet, ScopedCreateView
from cms.directory.widgets import Checkboxes
from cms.scope import can_write

from .admin_views import BuilderView, ChecklistExportView, ChecklistImportView, ItemEditView, PreviewView
from .filters import ChecklistTemplateAdminFilterSet
from .models import ChecklistTemplate


class BuilderColumn(Column):
    def get_value(self, instance):
        return format_html('<a href="{}">编辑内容 / 发布 / 预览</a>', reverse("checklists_builder", args=[instance.pk]))


class TemplateCreateView(ScopedCreateView):
    def get_success_url(self):
        return reverse("checklists_builder", args=[self.object.pk])


class ChecklistTemplateViewSet(AuditedSnippetViewSet):
    model = ChecklistTemplate
    icon = "list-ul"
    menu_label = "检查表"
    add_view_class = TemplateCreateView
    list_display = ["name", Column("sector_names", label="适用行业领域"), "status_label", "is_retired", BuilderColumn("builder", label="内容")]
    filterset_class = ChecklistTemplateAdminFilterSet
    list_export = ["name", "sector_names", "status_label", "is_retired", "description"]
    export_headings = {"sector_names": "适用行业领域", "status_label": "版本状态"}
    export_filename = "检查表"
    search_fields = ["name", "description"]
    ordering = ["sort_order", "name"]
    panels = [FieldPanel("name"), FieldPanel("sectors", widget=Checkboxes), FieldPanel("description"), FieldPanel("sort_order")]


class ChecklistImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_write(request.user, ChecklistTemplate)


class ChecklistGroup(SnippetViewSetGroup):
    """检查表 menu: the templates, and 导入检查表 (a file exported by another office)."""

    menu_label = "检查表"
    menu_icon = "list-ul"
    menu_order = 250
    items = (ChecklistTemplateViewSet,)

    def get_submenu_items(self):
        items = super().get_submenu_items()
        items.append(ChecklistImportMenuItem("导入检查表", reverse_lazy("checklists_import"), name="checklist-import", icon_name="upload"))
        for order, item in enumerate(items, start=1):
            item.order = order
        return items


register_snippet(ChecklistGroup)


@hooks.register("register_admin_urls")
def checklist_builder_urls():
    return [
        path("checklists/builder/<int:pk>/", BuilderView.as_view(), name="checklists_builder"),
        path("checklists/item/<int:pk>/edit/", ItemEditView.as_view(), name="checklists_item_edit"),
        path("checklists/version/<int:pk>/preview/", PreviewView.as_view(), name="checklists_preview"),
        path("checklists/import/", ChecklistImportView.as_view(), name="checklists_import"),
        path("checklists/export/<int:pk>/", ChecklistExportView.as_view(), name="checklists_export"),
    ]
