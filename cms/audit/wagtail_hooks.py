from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .views import AuditView, may_audit


class AuditMenuItem(MenuItem):
    def is_shown(self, request):
        return may_audit(request.user)


@hooks.register("register_admin_urls")
def audit_urls():
    return [path("audit/", AuditView.as_view(), name="audit_index")]


@hooks.register("register_admin_menu_item")
def audit_menu_item():
    return AuditMenuItem("审计", reverse("audit_index"), icon_name="history", order=900)
