"""Base FilterSet for every API list."""

from __future__ import annotations

from django_filters import rest_framework as filters


class FilterSet(filters.FilterSet):
    """django-filter's ``FilterSet`` with its form class built once per class instead of once
    per request. The form's fields do not depend on the request unless a filter's queryset is a
    callable (then it is built per request, as before); the form copies its fields and their
    querysets on every instantiation, so nothing is shared between requests."""

    def get_form_class(self):
        cls = type(self)
        cached = cls.__dict__.get("_cached_form_class")
        if cached is not None:
            return cached
        form_class = super().get_form_class()
        if not any(callable(getattr(f, "queryset", None)) for f in self.filters.values()):
            cls._cached_form_class = form_class
        return form_class
