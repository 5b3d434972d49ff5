"""The one set of filters of the checklist list: the API (``/api/v1/checklists/``) and the admin
listing (检查表); the admin shows it with ``admin_filterset``."""

from __future__ import annotations

from cms.api.filters import FilterSet, IdFilter, admin_filterset

from .models import ChecklistTemplate


class ChecklistTemplateFilterSet(FilterSet):
    sector = IdFilter(field_name="sectors", label="行业领域", distinct=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["sector", "is_retired"]


ChecklistTemplateAdminFilterSet = admin_filterset(ChecklistTemplateFilterSet)
