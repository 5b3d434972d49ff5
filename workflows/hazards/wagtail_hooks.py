"""Admin of the loop: 隐患 and 三单 listings and detail pages with action buttons, and their
rows of the "待我处理" dashboard panel."""

from django import forms
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from cms.admin_views import AuditedSnippetViewSet
from cms.directory.widgets import Checkboxes

from . import admin_views, selectors
from .filters import SEARCH_FIELDS, HazardAdminFilterSet, OrderAdminFilterSet
from .models import Hazard
from .models_orders import Order


class HazardViewSet(AuditedSnippetViewSet):
    model = Hazard
    icon = "warning"
    menu_label = "隐患"
    index_view_class = admin_views.HazardIndexView
    add_view_class = admin_views.HazardCreateView
    edit_view_class = admin_views.HazardEditView
    delete_view_class = admin_views.HazardDeleteView
    inspect_view_class = admin_views.HazardDetailView
    inspect_template_name = "hazards/hazard_detail.html"
    filterset_class = HazardAdminFilterSet
    list_display = ["code", "description", "level", "state", "sector", "jurisdiction",
                    Column("responsible_unit_name", label="责任单位"), "deadline", Column("overdue_label", label="逾期"),
                    Column("supervised_label", label="挂牌督办", accessor=lambda h: "是" if h.is_supervised else "")]
    list_export = ["code", "description", "level", "state", "sector", "jurisdiction", "target", "responsible_unit_name",
                   "responsible_person", "deadline", "rectification_measures", "overdue_label", "is_supervised"]
    export_headings = {"responsible_unit_name": "责任单位", "overdue_label": "逾期"}
    export_filename = "隐患清单"
    search_fields = list(SEARCH_FIELDS)
    ordering = ["-found_at", "-id"]
    panels = [FieldPanel("description"), FieldPanel("level"), FieldPanel("is_prominent"), FieldPanel("target", widget=forms.Select),
              FieldPanel("sector", widget=forms.Select), FieldPanel("source"), FieldPanel("legal_basis")]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("act/<int:pk>/<str:action>/", admin_views.HazardActView.as_view(), name="act"),
        ]


class OrderViewSet(AuditedSnippetViewSet):
    model = Order
    icon = "doc-full"
    menu_label = "三单"
    index_view_class = admin_views.OrderIndexView
    add_view_class = admin_views.OrderCreateView
    edit_view_class = admin_views.HazardEditView
    delete_view_class = admin_views.HazardDeleteView
    inspect_view_class = admin_views.OrderDetailView
    inspect_template_name = "hazards/order_detail.html"
    filterset_class = OrderAdminFilterSet
    list_display = ["number", "kind", Column("recipient_name", label="接收单位"), "due_date", "status", "issued_at"]
    list_export = ["number", "kind", "recipient_name", "content", "due_date", "status", "reply", "issued_at"]
    export_headings = {"recipient_name": "接收单位"}
    export_filename = "三单"
    search_fields = ["number", "content", "reply"]
    ordering = ["-issued_at", "-id"]
    panels = [FieldPanel("kind"), FieldPanel("recipient_department", widget=forms.Select),
              FieldPanel("recipient_jurisdiction", widget=forms.Select), FieldPanel("hazards", widget=Checkboxes(filter=True)),
              FieldPanel("content"), FieldPanel("due_date")]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("act/<int:pk>/<str:action>/", admin_views.OrderActView.as_view(), name="act"),
        ]


class HazardGroup(SnippetViewSetGroup):
    menu_label = "隐患闭环"
    menu_icon = "warning"
    menu_order = 100
    items = (HazardViewSet, OrderViewSet)


register_snippet(HazardGroup)


@hooks.register("register_todo_sections")
def hazard_todo_sections(user):
    """待我处理: the hazards and 三单 whose next step is this user's (``selectors.hazards_awaiting``,
    ``selectors.orders_awaiting``), each linking to its page where the step's form is."""
    from cms.dashboard import TODO_LIMIT, TodoItem, TodoSection
    from cms.roles import Role, role_of

    role = role_of(user)
    if role is None or role == Role.AUDITOR:
        return []
    hazards = selectors.hazards_awaiting(user)
    orders = selectors.orders_awaiting(user)
    hazard_heading = {Role.DEPARTMENT: "隐患：待整改、待复核", Role.JURISDICTION: "隐患：待整改",
                      Role.INSPECTOR: "隐患：我登记、待交办或现场整改"}.get(role, "隐患：待交办、待复核、待挂牌督办")
    order_heading = "三单：待签收、待回复" if role not in (Role.OFFICE_ADMIN, Role.OFFICE_EDITOR) else "三单：已回复、待办结"

    def hazard_status(h):
        return h.get_state_display() + ("（逾期）" if h.is_overdue else "") + (
            "（待挂牌督办）" if h.needs_supervision and not h.is_supervised else "")

    return [
        TodoSection(key="hazards", heading=hazard_heading, count=hazards.count(), order=20,
                    more_url=reverse("wagtailsnippets_hazards_hazard:list"),
                    items=[TodoItem(label=f"{h.code} {h.description[:30]}", status=hazard_status(h),
                                    due=f"整改时限 {h.deadline:%Y-%m-%d}" if h.deadline else "",
                                    url=reverse("wagtailsnippets_hazards_hazard:inspect", args=[h.pk]))
                           for h in hazards[:TODO_LIMIT]]),
        TodoSection(key="orders", heading=order_heading, count=orders.count(), order=30,
                    more_url=reverse("wagtailsnippets_hazards_order:list"),
                    items=[TodoItem(label=f"{o.get_kind_display()} {o.number}", status=f"{o.get_status_display()}（{o.recipient_name}）",
                                    due=f"办理时限 {o.due_date:%Y-%m-%d}" if o.due_date else "",
                                    url=reverse("wagtailsnippets_hazards_order:inspect", args=[o.pk]))
                           for o in orders[:TODO_LIMIT]]),
    ]
