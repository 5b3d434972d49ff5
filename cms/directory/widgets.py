"""Choosing several sectors, 属地 or targets in the admin: checkboxes in a scrollable box instead
of a bare Ctrl-click multi-select, a filter box above long lists, and targets labelled with
their 属地 so two places with the same name can be told apart."""

from __future__ import annotations

from django import forms


class Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes, in columns inside a box that scrolls when the list is long; with ``filter`` a
    text box above the list hides the choices that do not contain what is typed."""

    template_name = "directory/widgets/checkboxes.html"

    def __init__(self, attrs=None, choices=(), *, filter: bool = False):
        super().__init__(attrs, choices)
        self.filter = filter

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["filter"] = self.filter
        return context


class TargetCheckboxes(Checkboxes):
    """Targets as "名称（属地）"."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices, filter=True)

    def optgroups(self, name, value, attrs=None):
        from .models import Jurisdiction

        self._jurisdictions = dict(Jurisdiction.objects.values_list("pk", "name"))
        return super().optgroups(name, value, attrs)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        instance = getattr(value, "instance", None)
        jurisdiction = getattr(self, "_jurisdictions", {}).get(getattr(instance, "jurisdiction_id", None))
        if instance is not None and jurisdiction:
            label = f"{instance.name}（{jurisdiction}）"
        return super().create_option(name, value, label, selected, index, subindex, attrs)
