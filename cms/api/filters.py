"""Base FilterSet for every API list."""

from __future__ import annotations

from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django_filters import rest_framework as filters

from cms.inputs import ascii_int


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

    def is_valid(self) -> bool:
        """Ids in query strings are ASCII digits: Django would read "١" (an Arabic-Indic one) as
        1; here it is a 400 on that parameter (``cms.inputs.ascii_int``)."""
        valid = super().is_valid()
        if not self.is_bound:
            return valid
        for name, field in self.form.fields.items():
            if not isinstance(field, (ModelChoiceField, ModelMultipleChoiceField)):
                continue
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name)]
            parts = [p.strip() for v in values if v not in (None, "") for p in str(v).split(",")]
            if any(p and ascii_int(p) is None for p in parts):
                self.form.add_error(name, "应为数字编号")
                valid = False
        return valid
