"""解除登录锁定: the office admin's page in front of ``cms.security.login_unlock``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.errors import ServiceError
from cms.forms import TextForm
from cms.roles import Role, role_of
from cms.security import UNLOCK_REASON_LIMIT, login_unlock


def may_unlock(user) -> bool:
    return role_of(user) == Role.OFFICE_ADMIN


class LoginUnlockForm(TextForm):
    username = forms.CharField(label="用户名", max_length=150)
    address = forms.GenericIPAddressField(label="同时解除该地址的锁定（可选）", required=False,
                                          help_text="用户所在办公网络的出口地址；不填则只解除该账号的锁定")
    reason = forms.CharField(label="解除原因", max_length=UNLOCK_REASON_LIMIT, help_text="记入该用户的变更历史")


class LoginUnlockView(WagtailAdminTemplateMixin, FormView):
    template_name = "cms/login_unlock.html"
    form_class = LoginUnlockForm
    page_title = "解除登录锁定"
    header_icon = "lock-open"

    def dispatch(self, request, *args, **kwargs):
        if not may_unlock(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"username": self.request.GET.get("username", "")[:150]}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            intro="用户多次输错密码后，系统会暂停其从出错地址登录（其他地址不受影响）。核实是本人后可在此立即解除。", **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            login_unlock(actor=self.request.user, username=data["username"], reason=data["reason"], address=data["address"] or None)
        except ServiceError as exc:
            for field, errors in exc.fields.items():
                form.add_error(field if field in form.fields else None, errors)
            if not exc.fields:
                form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, f"已解除 {data['username']} 的登录锁定")
        return redirect("login_unlock")
