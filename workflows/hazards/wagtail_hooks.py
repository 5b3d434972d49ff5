"""Admin of the loop: 隐患 and 三单 listings and detail pages with action buttons, the
"待我处理" dashboard panel."""

from django import forms
from django.urls import path
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from cms.admin_views import AuditedSnippetViewSet

from . import admin_views, selectors
from .filters import SEARCH_FIELDS, HazardAdminFilterSet
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
    filterset_class = admin_views.OrderAdminFilterSet
    list_display = ["number", "kind", Column("recipient_name", label="接收单位"), "due_date", "status", "issued_at"]
    list_export = ["number", "kind", "recipient_name", "content", "due_date", "status", "reply", "issued_at"]
    export_headings = {"recipient_name": "接收单位"}
    export_filename = "三单"
    search_fields = ["number", "content", "reply"]
    ordering = ["-issued_at", "-id"]
    panels = [FieldPanel("kind"), FieldPanel("recipient_department", widget=forms.Select),
              FieldPanel("recipient_jurisdiction", widget=forms.Select), FieldPanel("hazards", widget=forms.SelectMultiple),
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


class AwaitingPanel(Component):
    """待我处理: the hazards and 三单 whose next step is this user's."""

    name = "awaiting"
    template_name = "hazards/panel_awaiting.html"
    order = 50

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        hazards = selectors.hazards_awaiting(self.user)
        orders = selectors.orders_awaiting(self.user)
        return {
            "hazards": list(hazards[:20]),
            "hazard_count": hazards.count(),
            "orders": list(orders[:20]),
            "order_count": orders.count(),
        }


@hooks.register("construct_homepage_panels")
def add_awaiting_panel(request, panels):
    panels.insert(0, AwaitingPanel(request.user))
