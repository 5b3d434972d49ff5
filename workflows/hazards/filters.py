"""The one set of filters of a hazard list, with one set of parameter names: the API list
(``/api/v1/hazards/``), the admin listing (隐患) and the ledger export (``/api/v1/exports/hazard-ledger/``)
all filter through ``HazardFilterSet``; the selectors (``selectors.hazards_for_list``…) shape the rows.

Parameters: ``state`` (repeatable), ``level``, ``sector``, ``jurisdiction``, ``village``, ``target``,
``responsible_kind``, ``responsible_department``, ``responsible_jurisdiction``, ``source``, ``inspection``,
``prominent``, ``supervised``, ``needs_supervision``, ``overdue`` (true/false), ``found_from``/``found_to``
and ``deadline_from``/``deadline_to`` (YYYY-MM-DD, both ends included, local days), ``search``.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q
from django.utils import timezone

from cms.api.filters import FilterSet, IdFilter, YearFilter, YesNoSelect, admin_filterset
from cms.inputs import validate_date_bounds

from .models import Hazard, HazardLevel, HazardState
from .models_orders import Order, OrderKind, OrderStatus

SEARCH_FIELDS = ("code", "description", "target__name", "responsible_person")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class YesNoField(forms.NullBooleanField):
    widget = YesNoSelect

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in (True, "True", "true", "1", "是"):
            return True
        if value in (False, "False", "false", "0", "否"):
            return False
        raise forms.ValidationError("只能是 true 或 false")


class YesNoFilter(django_filters.BooleanFilter):
    """true/false (also 1/0) in a URL; 全部/是/否 in the admin; anything else is a 400."""

    field_class = YesNoField


class SearchField(forms.CharField):
    """Any text, as ``?search=`` of every other list (``cms.api.search``): NUL bytes are dropped
    and the term cut to 100 characters by the filter, not refused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class HazardFilterSet(FilterSet):
    state = django_filters.MultipleChoiceFilter(label="状态", choices=HazardState.choices, distinct=False,
                                                widget=forms.CheckboxSelectMultiple)
    level = django_filters.ChoiceFilter(label="隐患等级", choices=HazardLevel.choices, empty_label="全部")
    source = django_filters.ChoiceFilter(label="来源", choices=Hazard.Source.choices, empty_label="全部")
    responsible_kind = django_filters.ChoiceFilter(label="责任主体类型", choices=Hazard.ResponsibleKind.choices, empty_label="全部")
    prominent = YesNoFilter(label="突出隐患", field_name="is_prominent")
    supervised = YesNoFilter(label="挂牌督办", field_name="is_supervised")
    needs_supervision = YesNoFilter(label="逾期待督办")
    overdue = YesNoFilter(label="逾期", method="filter_overdue")
    found_from = django_filters.DateFilter(label="发现日期起", method="filter_found_from", validators=[validate_date_bounds])
    found_to = django_filters.DateFilter(label="发现日期止", method="filter_found_to", validators=[validate_date_bounds])
    deadline_from = django_filters.DateFilter(label="整改时限起", field_name="deadline", lookup_expr="gte", validators=[validate_date_bounds])
    deadline_to = django_filters.DateFilter(label="整改时限止", field_name="deadline", lookup_expr="lte", validators=[validate_date_bounds])
    search = SearchFilter(label="关键字（编号、隐患问题、监管对象、责任人）", method="filter_search")

    class Meta:
        model = Hazard
        fields = ["state", "level", "sector", "jurisdiction", "village", "target", "responsible_kind", "responsible_department",
                  "responsible_jurisdiction", "source", "inspection", "prominent", "supervised", "needs_supervision", "overdue",
                  "found_from", "found_to", "deadline_from", "deadline_to", "search"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_found_from(self, queryset, name, value):
        return queryset.filter(found_at__gte=_day_start(value))

    def filter_found_to(self, queryset, name, value):
        return queryset.filter(found_at__lt=_day_start(value + datetime.timedelta(days=1)))

    def filter_search(self, queryset, name, value):
        term = (value or "").replace("\x00", "").strip()[:100]
        if not term:
            return queryset
        q = Q()
        for field in SEARCH_FIELDS:
            q |= Q(**{f"{field}__icontains": term})
        return queryset.filter(q)


#: The admin's side panel: its own search box (``q``) searches ``SEARCH_FIELDS``; ids nobody picks
#: from a list of thousands are left to the URL.
HazardAdminFilterSet = admin_filterset(HazardFilterSet, drop=("search", "inspection", "village", "target"))


class OrderFilterSet(FilterSet):
    """三单 lists: the API (``/api/v1/orders/``) and the admin listing (三单)."""

    kind = django_filters.ChoiceFilter(label="类别", choices=OrderKind.choices, empty_label="全部")
    status = django_filters.MultipleChoiceFilter(label="状态", choices=OrderStatus.choices, widget=forms.CheckboxSelectMultiple)
    hazard = IdFilter(label="涉及隐患", field_name="hazards", distinct=True)
    year = YearFilter(label="年度")

    class Meta:
        model = Order
        fields = ["kind", "status", "recipient_department", "recipient_jurisdiction", "year", "hazard"]


OrderAdminFilterSet = admin_filterset(OrderFilterSet, drop=("hazard",))
