"""The one set of filters of the 考核方案 list: the API (``/api/v1/assessment-schemes/``) and the
admin listing (考核方案)."""

from __future__ import annotations

from cms.api.filters import FilterSet, YearFilter, admin_filterset

from .models import AssessmentScheme


class AssessmentSchemeFilterSet(FilterSet):
    year = YearFilter(label="年度")

    class Meta:
        model = AssessmentScheme
        fields = ["year"]


AssessmentSchemeAdminFilterSet = admin_filterset(AssessmentSchemeFilterSet)
