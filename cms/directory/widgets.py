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


class _DescribedCheckboxes(Checkboxes):
    """Checkboxes with a filter box whose labels say who or what each choice is, so that two
    choices with the same name can be told apart; a label still shared gets a further detail."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices, filter=True)

    def describe(self, instances: list) -> dict[int, tuple[str, str]]:
        """pk → (label, a further detail used only when two labels are the same)."""
        raise NotImplementedError

    def optgroups(self, name, value, attrs=None):
        instances = [v.instance for v, _ in self.choices if getattr(v, "instance", None) is not None]
        described = self.describe(instances)
        labels = [label for label, _ in described.values()]
        self._labels = {pk: label if labels.count(label) == 1 or not detail else f"{label}·{detail}"
                        for pk, (label, detail) in described.items()}
        return super().optgroups(name, value, attrs)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        instance = getattr(value, "instance", None)
        label = getattr(self, "_labels", {}).get(getattr(instance, "pk", None), label)
        return super().create_option(name, value, label, selected, index, subindex, attrs)


class PersonCheckboxes(_DescribedCheckboxes):
    """Users as "姓名（单位或属地）" (e.g. 检查组成员), the user name added when two are still alike."""

    def describe(self, instances):
        from cms.templatetags.people import person_name

        from .models import UserProfile

        units = {user_id: dept or jur or "" for user_id, dept, jur in UserProfile.objects.filter(
            user__in=[u.pk for u in instances]).values_list("user_id", "department__name", "jurisdiction__name")}
        return {u.pk: (f"{person_name(u)}（{units[u.pk]}）" if units.get(u.pk) else person_name(u), u.get_username())
                for u in instances}


class ExpertCheckboxes(_DescribedCheckboxes):
    """Experts as "姓名（工作单位 职称）", the phone's last four digits added when two are still alike."""

    def describe(self, instances):
        out = {}
        for e in instances:
            detail = " ".join(x for x in (e.organization, e.title) if x)
            out[e.pk] = (f"{e.name}（{detail}）" if detail else e.name, f"尾号{e.phone[-4:]}" if e.phone else e.specialty)
        return out
