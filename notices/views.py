"""举报办理进度查询: a citizen enters the 受理编号 and the 查询码 shown at submission and learns the
state and dates of the tip-off, nothing else. Wrong codes are counted per address and per number
(cache) and refused for an hour after a few, so the code cannot be guessed."""

from __future__ import annotations

from django import forms
from django.core.cache import cache
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cms.forms import TextForm

from .forms import client_address
from .selectors import tipoff_progress

WRONG_PER_ADDRESS = 10
WRONG_PER_NUMBER = 5
WINDOW_SECONDS = 3600


class TipOffStatusForm(TextForm):
    code = forms.CharField(label="受理编号", max_length=30, help_text="提交举报后显示的编号，如 JB2026-00012")
    query_code = forms.CharField(label="查询码", max_length=30, help_text="提交举报后与受理编号一起显示的 8 位查询码")


def _over(key: str, limit: int) -> bool:
    return cache.get(key, 0) >= limit


def _count(key: str) -> None:
    if not cache.add(key, 1, timeout=WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=WINDOW_SECONDS)


@never_cache
@require_http_methods(["GET", "POST"])
def tipoff_status(request):
    form = TipOffStatusForm(request.POST or None)
    context = {"form": form, "progress": None, "refused": False, "status_title": "举报办理进度查询"}
    status = 200
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["code"].strip().upper()
        address_key, number_key = f"tipoff-status-wrong:{client_address(request)}", f"tipoff-status-wrong-no:{number}"
        if _over(address_key, WRONG_PER_ADDRESS) or _over(number_key, WRONG_PER_NUMBER):
            context["refused"] = True
            return TemplateResponse(request, "notices/tipoff_status.html", context, status=429)
        progress = tipoff_progress(code=number, query_code=form.cleaned_data["query_code"])
        if progress is None:
            _count(address_key)
            _count(number_key)
            form.add_error(None, "受理编号或查询码不正确")
            status = 400
        context["progress"] = progress
    elif request.method == "POST":
        status = 400
    return TemplateResponse(request, "notices/tipoff_status.html", context, status=status)
