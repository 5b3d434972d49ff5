"""The 导出 admin page, and export buttons on the records whose admin other apps own."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button, ListingButton

from cms.scope import scope_for

from .admin_views import ExportIndexView


@hooks.register("register_admin_urls")
def export_urls():
    return [path("exports/", ExportIndexView.as_view(), name="exports_index")]


class ExportMenuItem(MenuItem):
    def is_shown(self, request):
        return scope_for(request.user).role is not None


@hooks.register("register_admin_menu_item")
def export_menu_item():
    return ExportMenuItem("导出", reverse("exports_index"), icon_name="download", order=720)


def record_export_links(obj) -> list[tuple[str, str]]:
    """(label, url) of the files that can be exported from one record."""
    label = obj._meta.label
    if label == "hazards.Order":
        return [("导出 Word", f"/api/v1/exports/orders/{obj.pk}/")]
    if label == "inspections.Inspection":
        return [("反馈意见 Word", f"/api/v1/exports/inspections/{obj.pk}/feedback/")]
    if label == "inspections.InspectionFeedback":
        return [("反馈意见 Word", f"/api/v1/exports/inspections/{obj.inspection_id}/feedback/")]
    if label == "hazards.Hazard":
        return [("变更历史 Excel", f"/api/v1/exports/hazard-history/?hazard={obj.pk}")]
    if label == "reporting.MonthlyReport" and getattr(obj, "department_id", None):
        return [("导出 Word", f"/api/v1/exports/monthly-report/?department={obj.department_id}&month={obj.month:%Y-%m}")]
    if label == "notices.NoticePage":
        return [("导出 Word", f"/api/v1/exports/notices/{obj.pk}/")]
    return []


@hooks.register("register_snippet_listing_buttons")
def snippet_export_buttons(snippet, user, next_url=None):
    for index, (label, url) in enumerate(record_export_links(snippet)):
        yield ListingButton(label, url, icon_name="download", priority=90 + index)


@hooks.register("register_page_listing_more_buttons")
def page_export_buttons(page, user, next_url=None):
    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page
    for index, (label, url) in enumerate(record_export_links(specific)):
        yield Button(label, url, icon_name="download", priority=90 + index)


@hooks.register("register_page_header_buttons")
def page_header_export_buttons(page, user, view_name=None, next_url=None):
    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page
    for index, (label, url) in enumerate(record_export_links(specific)):
        yield Button(label, url, icon_name="download", priority=90 + index)
