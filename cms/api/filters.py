"""Base FilterSet for every API list, and the check that a list or an export knows every query
parameter it is given (an unknown name is a 400, never silently ignored). Bad *values* of known
parameters are the filters' and the paginator's business."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable

from django import forms
from django.db import models
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import BaseFilterBackend

from cms.api.params import month_or_none
from cms.errors import InvalidInput
from cms.inputs import ascii_int

#: Understood by every list: the paginator's and DRF's format override.
COMMON_PARAMS = frozenset({"page", "page_size", "format"})


def refuse_unknown_params(params: Iterable[str], known: Iterable[str], multi: Iterable[str] = ()) -> None:
    """A 400 for a parameter the view does not know, and for one sent twice that takes one value
    (``?year=2025&year=2026`` would silently filter by the last value only): ``multi`` names those
    that take several (the schema's arrays)."""
    unknown = sorted(set(params) - set(known) - COMMON_PARAMS)
    if unknown:
        raise InvalidInput(f"不支持的查询参数：{'、'.join(unknown)}（请检查拼写，或查阅接口文档 /api/docs/）",
                           fields={name: "不支持的查询参数" for name in unknown})
    lists = params.lists() if hasattr(params, "lists") else ()
    repeated = sorted(name for name, values in lists if len(values) > 1 and name not in set(multi))
    if repeated:
        raise InvalidInput(f"查询参数只能出现一次：{'、'.join(repeated)}", fields={name: "只能出现一次" for name in repeated})


def known_params(view, queryset=None) -> set[str]:
    """The query parameters a list view understands: its filters, ``search``, ``ordering`` and
    any it declares in ``extra_query_params``."""
    from django_filters.rest_framework import DjangoFilterBackend
    from rest_framework.filters import OrderingFilter, SearchFilter

    names = set(getattr(view, "extra_query_params", ()))
    backends = list(getattr(view, "filter_backends", ()))
    for backend in backends:
        if issubclass(backend, DjangoFilterBackend):
            filterset_class = backend().get_filterset_class(view, queryset if queryset is not None else view.get_queryset())
            if filterset_class is not None:
                names |= set(filterset_class.base_filters)
        elif issubclass(backend, SearchFilter) and getattr(view, "search_fields", None):
            names.add(backend.search_param)
        elif issubclass(backend, OrderingFilter) and (getattr(view, "ordering_fields", None) or getattr(view, "ordering", None)):
            names.add(backend.ordering_param)
    return names


def free_text_params(view, queryset=None) -> set[str]:
    """The query parameters whose value is free text (``search`` and text filters): for them an
    empty value means “any”, as the schema allows; every other parameter has no empty value."""
    from django_filters.rest_framework import DjangoFilterBackend
    from rest_framework.filters import SearchFilter

    names = set()
    for backend in getattr(view, "filter_backends", ()):
        if issubclass(backend, DjangoFilterBackend):
            filterset_class = backend().get_filterset_class(view, queryset if queryset is not None else view.get_queryset())
            for name, declared in (filterset_class.base_filters if filterset_class else {}).items():
                if type(declared) is filters.CharFilter:
                    names.add(name)
        elif issubclass(backend, SearchFilter):
            names.add(backend.search_param)
    return names


def multi_value_filters(filterset_class) -> set[str]:
    """The filters of ``filterset_class`` that take several values by repetition (``?state=a&state=b``:
    the schema's arrays); every other parameter is sent once."""
    return {name for name, declared in (filterset_class.base_filters if filterset_class else {}).items()
            if isinstance(declared, (filters.MultipleChoiceFilter, filters.ModelMultipleChoiceFilter))}


def multi_value_params(view, queryset=None) -> set[str]:
    """``multi_value_filters`` of a list view's FilterSet."""
    from django_filters.rest_framework import DjangoFilterBackend

    names = set()
    for backend in getattr(view, "filter_backends", ()):
        if issubclass(backend, DjangoFilterBackend):
            names |= multi_value_filters(backend().get_filterset_class(view, queryset if queryset is not None else view.get_queryset()))
    return names


class KnownParamsFilter(BaseFilterBackend):
    """First of the default filter backends: a list answers 400 with the names it does not know,
    and with those sent empty that have no empty value (``?status=``, ``?ordering=``, ``?page=``:
    “no filter” is leaving the parameter out, as the schema says)."""

    def filter_queryset(self, request, queryset, view):
        if request.method == "GET" and getattr(view, "action", None) == "list":
            refuse_unknown_params(request.query_params, known_params(view, queryset), multi_value_params(view, queryset))
            text = free_text_params(view, queryset)
            blank = sorted(name for name, values in request.query_params.lists()
                           if name not in text and any(not value.strip() for value in values))
            if blank:
                raise InvalidInput(f"查询参数不能为空：{'、'.join(blank)}（不筛选时请省略该参数）",
                                   fields={name: "不能为空" for name in blank})
        return queryset


MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("error_messages", {"invalid": "应为记录编号（正整数）", "min_value": "应为记录编号（正整数）",
                                             "max_value": "记录编号过大"})
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value == "":  # ``?target=`` is not “no filter” but a wrong id
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if isinstance(value, str) and value.strip() and ascii_int(value.strip()) is None:
            # ASCII digits only: int() would read "١" (an Arabic-Indic one) as 1
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class StrictBooleanField(forms.NullBooleanField):
    """``true``/``false`` (also ``1``/``0``); anything else is a 400, not silently “no filter”."""

    TRUE, FALSE = ("true", "True", "1"), ("false", "False", "0")

    def to_python(self, value):
        if value is None or value in (True, False):
            return value
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return False
        raise forms.ValidationError("应为 true 或 false", code="invalid")

    def validate(self, value):
        pass


class AdminBooleanField(StrictBooleanField):
    """The admin panel's 全部/是/否: its form sends every field, "" for 全部 (no filter)."""

    def to_python(self, value):
        return None if value == "" else super().to_python(value)


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # django-filter's boolean widgets turn an unknown value into None (“no filter”) before
        # the field sees it; a plain text input hands the raw value to ``StrictBooleanField``.
        kwargs["widget"] = forms.TextInput
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """A related record by its id. An id that matches nothing gives an empty list, as the schema
    promises for any id (django-filter's default answers 400 for an id that is not in the table)."""

    field_class = IdField


class FilterSet(filters.FilterSet):
    """django-filter's ``FilterSet`` with its form class built once per class instead of once
    per request. The form's fields do not depend on the request unless a filter's queryset is a
    callable (then it is built per request, as before); the form copies its fields and their
    querysets on every instantiation, so nothing is shared between requests.

    Related records are filtered by id (``IdFilter``), declared in the schema as a positive integer."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
        models.ManyToManyField: {"filter_class": IdFilter, "extra": lambda f: {"distinct": True}},
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }

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

class FilterBackend(filters.DjangoFilterBackend):
    """``filterset_fields`` on a viewset build their FilterSet from ours, too."""

    filterset_base = FilterSet


class YearField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        kwargs.setdefault("error_messages", {"invalid": "年度应为 2000–2100 之间的四位数字",
                                             "min_value": "年度应为 2000–2100 之间的四位数字",
                                             "max_value": "年度应为 2000–2100 之间的四位数字"})
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100})
class YearFilter(filters.NumberFilter):
    field_class = YearField


class YesNoSelect(forms.Select):
    """全部/是/否 for a true/false filter in the admin's side panel (the URL still says true/false)."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("", "全部"), ("true", "是"), ("false", "否")])

    def format_value(self, value):
        return [{True: "true", False: "false"}.get(value, "" if value is None else str(value).lower())]


def admin_filterset(base: type[FilterSet], *, drop: Iterable[str] = ()) -> type[FilterSet]:
    """The list's one FilterSet as the admin's side panel shows it: the same filters and parameter
    names as the API list and the exports, with choices people can pick from instead of ids typed
    by hand (a related record by name, true/false as 是/否). ``drop`` hides filters nobody picks
    from a panel (ids among thousands, the API's ``search`` beside the admin's own search box)."""
    from django_filters.utils import get_model_field

    dropped = frozenset(drop)

    def __init__(self, *args, **kwargs):
        base.__init__(self, *args, **kwargs)
        for name in list(self.filters):
            f = self.filters[name]
            if name in dropped:
                del self.filters[name]
            elif isinstance(f, IdFilter):
                related = get_model_field(self._meta.model, f.field_name).related_model
                self.filters[name] = filters.ModelChoiceFilter(
                    field_name=f.field_name, label=f.label, queryset=related._default_manager.all(),
                    distinct=f.distinct, empty_label="全部")
            elif isinstance(f, StrictBooleanFilter):
                f.field_class = AdminBooleanField  # the panel sends every field, 全部 as ""
                f.extra["widget"] = YesNoSelect
            elif isinstance(f, filters.ChoiceFilter) and not isinstance(f, filters.MultipleChoiceFilter):
                f.extra["empty_label"] = "全部"
            elif isinstance(f, filters.DateFilter):
                f.extra["widget"] = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    return type(f"{base.__name__}ForAdmin", (base,), {"__init__": __init__, "__module__": base.__module__,
                                                      "__doc__": f"{base.__name__} in the admin's side panel."})


class MonthField(forms.CharField):
    """A month: ``YYYY-MM`` (or a date ``YYYY-MM-DD``, meaning its month); anything else is a 400 in
    the API and a field error in the admin, whose panel offers a month picker."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = month_or_none(value)
        if month is None and len(value) == 10 and value.isascii():
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                pass
            else:
                month = month_or_none(value[:7])
        if month is None:
            raise forms.ValidationError("月份格式应为 YYYY-MM")
        return month


class MonthFilter(filters.CharFilter):
    """Rows whose date field falls in the month given (the field holds dates, not times)."""

    field_class = MonthField

    def filter(self, qs, value):
        if value is None:
            return qs
        last = value.replace(day=calendar.monthrange(value.year, value.month)[1])
        return qs.filter(**{f"{self.field_name}__gte": value, f"{self.field_name}__lte": last})
