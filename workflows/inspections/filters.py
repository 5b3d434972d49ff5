"""The one set of filters of each inspection list, with one set of parameter names: the API lists
(``/api/v1/groups/``, ``/api/v1/plans/``, ``/api/v1/inspections/``) and the admin listings
(督导检查组、督导检查计划、督导检查) filter through the FilterSets here; the admin shows them with
``admin_filterset`` (names to pick instead of ids)."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from cms.api.filters import FilterSet, IdFilter, MonthFilter, StrictBooleanFilter, admin_filterset

from .models import Inspection, InspectionGroup, InspectionPlan


class InspectionGroupFilterSet(FilterSet):
    jurisdiction = IdFilter(field_name="jurisdictions", label="督导属地", distinct=True)
    sector = IdFilter(field_name="sectors", label="行业领域", distinct=True)

    class Meta:
        model = InspectionGroup
        fields = ["kind", "lead_department", "jurisdiction", "sector", "is_active"]


class InspectionPlanFilterSet(FilterSet):
    month = MonthFilter(field_name="month", label="月份（YYYY-MM）")
    group_kind = django_filters.ChoiceFilter(field_name="group__kind", label="检查组类型", choices=InspectionGroup.Kind.choices)
    sector = IdFilter(field_name="sectors", label="行业领域", distinct=True)
    jurisdiction = IdFilter(field_name="jurisdictions", label="属地", distinct=True)
    target = IdFilter(field_name="targets", label="检查对象", distinct=True)

    class Meta:
        model = InspectionPlan
        fields = ["month", "group_kind", "group", "sector", "jurisdiction", "target", "status", "method"]


class InspectionFilterSet(FilterSet):
    month = MonthFilter(field_name="inspected_on", label="月份（YYYY-MM）")
    group_kind = django_filters.ChoiceFilter(field_name="group__kind", label="检查组类型", choices=InspectionGroup.Kind.choices)
    sector = IdFilter(field_name="target__sectors", label="行业领域", distinct=True)
    jurisdiction = IdFilter(field_name="target__jurisdiction", label="属地")
    flagged = StrictBooleanFilter(method="filter_flagged", label="有提示（无照片或填写过快）")

    class Meta:
        model = Inspection
        fields = ["month", "group_kind", "group", "plan", "sector", "jurisdiction", "target", "method", "flag_no_evidence",
                  "flag_too_fast", "flagged"]

    def filter_flagged(self, qs, name, value):
        if value is None:
            return qs
        q = Q(flag_no_evidence=True) | Q(flag_too_fast=True)
        return qs.filter(q) if value else qs.exclude(q)


InspectionGroupAdminFilterSet = admin_filterset(InspectionGroupFilterSet)
InspectionPlanAdminFilterSet = admin_filterset(InspectionPlanFilterSet, drop=("target",))
InspectionAdminFilterSet = admin_filterset(InspectionFilterSet, drop=("plan", "target"))
