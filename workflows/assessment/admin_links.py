"""Links from a figure back to the admin pages of the records behind it, whichever viewset
(snippet or model viewset) another app registered for them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.admin.utils import quote
from django.urls import NoReverseMatch, reverse


def viewset_for(model):
    viewset = getattr(model, "snippet_viewset", None)
    if viewset is not None:
        return viewset
    from wagtail.admin.viewsets import viewsets

    return next((vs for vs in viewsets.viewsets if getattr(vs, "model", None) is model), None)


def _reverse(viewset, name: str, *args) -> str:
    try:
        return reverse(viewset.get_url_name(name), args=args)
    except (NoReverseMatch, AttributeError):
        return ""


def admin_url(obj) -> str:
    if obj is None:
        return ""
    viewset = viewset_for(type(obj))
    if viewset is None:
        return ""
    for name in ("inspect", "edit"):
        url = _reverse(viewset, name, quote(obj.pk))
        if url:
            return url
    return ""


def admin_listing_url(model, **filters) -> str:
    viewset = viewset_for(model)
    url = _reverse(viewset, "index") if viewset is not None else ""
    if url and filters:
        url += "?" + urlencode({k: v for k, v in filters.items() if v not in (None, "")})
    return url
