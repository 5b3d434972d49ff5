"""Choosing a supervised target in a form when there are tens of thousands of them.

A ``<select>`` of every target is 25,000 options at city scale (the hazard form took 5 s to
render). ``TargetPicker`` renders the chosen target and the first ``LIMIT`` others in the
user's scope, with a search box above the list that asks ``target_options_view`` (scoped, by any
fragment of the name, credit code or address) for matches as one types. Without JavaScript the
list still works for the first ``LIMIT`` and the page's ``target_q`` parameter.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.http import JsonResponse
from django.urls import reverse

from cms.scope import scoped

from .models import Target

LIMIT = 50


def target_options(user, q: str = "", *, include: Target | int | None = None, limit: int = LIMIT) -> list[Target]:
    """Up to ``limit`` active targets in ``user``'s scope matching ``q``, by name; ``include``
    (the chosen one) first if it is in scope."""
    queryset: QuerySet = scoped(Target.objects.filter(is_active=True), user).select_related("jurisdiction")
    q = (q or "").replace("\x00", "").strip()[:100]
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(credit_code__icontains=q) | Q(address__icontains=q))
    found = list(queryset.order_by("name", "id")[:limit])
    include_id = getattr(include, "pk", include)
    if include_id and all(t.pk != int(include_id) for t in found):
        chosen = scoped(Target.objects.filter(pk=include_id), user).select_related("jurisdiction").first()
        if chosen is not None:
            found.insert(0, chosen)
    return found


def option_label(target: Target) -> str:
    return f"{target.name}（{target.jurisdiction.name}）"


def target_options_view(request):
    """``GET ?q=…`` → ``{"results": [{"id", "label"}]}``, at most ``LIMIT``, in the user's scope."""
    results = [{"id": t.pk, "label": option_label(t)} for t in target_options(request.user, request.GET.get("q", ""))]
    return JsonResponse({"results": results, "limit": LIMIT})


class TargetPicker(forms.Select):
    """The select renders only the chosen target and the first ``LIMIT`` of the user's scope (it
    never walks the field's queryset); the field still validates any target in scope."""

    template_name = "directory/target_picker.html"

    def __init__(self, user, attrs=None):
        super().__init__(attrs)
        self.user = user

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        chosen = value[0] if isinstance(value, (list, tuple)) and value else value
        chosen = int(chosen) if str(chosen or "").isdigit() else None
        options = target_options(self.user, include=chosen)
        context["picker"] = {
            "options": [(t.pk, option_label(t), t.pk == chosen) for t in options],
            "url": reverse("target_options"),
        }
        return context
