"""The admin's frame: the 待我处理 panel on every role's dashboard, Wagtail's English panels taken
off the dashboard, and 帮助 pointing to our own Chinese user guide (``cms.guide``) instead of
Wagtail's English editor guide and release notes."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import guide
from .dashboard import TodoPanel
from .roles import role_of

# Wagtail's own dashboard panels that speak of Wagtail rather than of the work.
WAGTAIL_PANELS = {"upgrade_notification", "whats_new_in_wagtail_version"}


@hooks.register("construct_homepage_summary_items")
def no_page_image_document_counts(request, summary_items):
    """"3 个页面 / 0 张图片 / 0 个文档" says nothing about the work: the 待我处理 panel does."""
    summary_items.clear()


@hooks.register("construct_homepage_panels")
def add_todo_panel(request, panels):
    panels[:] = [p for p in panels if getattr(p, "name", "") not in WAGTAIL_PANELS]
    if role_of(request.user) is not None:
        panels.insert(0, TodoPanel(request.user))


@hooks.register("register_admin_urls")
def guide_urls():
    return [
        path("guide/", guide.GuideView.as_view(), name="guide_index"),
        path("guide/<slug:chapter>/", guide.GuideView.as_view(), name="guide_chapter"),
    ]


@hooks.register("construct_help_menu")
def our_guide_in_help_menu(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name not in ("editor-guide",) and not item.name.startswith("whats-new")]


@hooks.register("register_help_menu_item")
def guide_menu_item():
    return MenuItem("使用指南", reverse("guide_index"), icon_name="help", order=900, name="user-guide")
