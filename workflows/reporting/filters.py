"""The one set of filters of each reporting list, with one set of parameter names: the API lists
(``/api/v1/monthly-reports/``, ``/api/v1/consultations/``, ``/api/v1/measures/``) and the admin
listings (月度督导检查情况、会商研判、会商措施); the admin shows them with ``admin_filterset``."""

from __future__ import annotations

import django_filters

from cms.api.filters import FilterSet, MonthFilter, StrictBooleanFilter, admin_filterset

from .models import Consultation, ConsultationMeasure, MonthlyReport


class MonthlyReportFilterSet(FilterSet):
    month = MonthFilter(field_name="month", label="报告月份（YYYY-MM）")
    missing = StrictBooleanFilter(method="filter_missing", label="逾期未报")

    class Meta:
        model = MonthlyReport
        fields = ["month", "state", "department", "group", "missing"]

    def filter_missing(self, queryset, name, value):
        if value is None:
            return queryset
        missing = MonthlyReport.objects.missing().values("pk")
        return queryset.filter(pk__in=missing) if value else queryset.exclude(pk__in=missing)


class ConsultationFilterSet(FilterSet):
    held_on__gte = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label="会商日期起")
    held_on__lte = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label="会商日期止")

    class Meta:
        model = Consultation
        fields = ["held_on__gte", "held_on__lte", "sectors", "lead_departments"]


class ConsultationMeasureFilterSet(FilterSet):
    class Meta:
        model = ConsultationMeasure
        fields = ["consultation", "status", "responsible_department", "responsible_jurisdiction"]


MonthlyReportAdminFilterSet = admin_filterset(MonthlyReportFilterSet)
ConsultationAdminFilterSet = admin_filterset(ConsultationFilterSet)
ConsultationMeasureAdminFilterSet = admin_filterset(ConsultationMeasureFilterSet)
