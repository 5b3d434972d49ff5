"""``?search=`` as a substring match (``icontains``), so Chinese text matches without word
splitting. On PostgreSQL the trigram indexes (``cms.dbops.trigram_index``) serve it."""

from functools import reduce
from operator import or_

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.db.models import Q
from rest_framework.filters import OrderingFilter, SearchFilter

from cms.errors import InvalidInput


class SubstringSearchFilter(SearchFilter):
    search_title = "搜索"
    search_description = "按名称等文字的任意片段搜索（支持中文）"

    def get_schema_operation_parameters(self, view):
        # a list without search fields refuses ``search`` (unknown parameter): do not declare it
        if not getattr(view, "search_fields", None):
            return []
        return super().get_schema_operation_parameters(view)

    def filter_queryset(self, request, queryset, view):
        fields = getattr(view, "search_fields", None)
        term = request.query_params.get(self.search_param, "").replace("\x00", "").strip()
        if not fields or not term:
            return queryset
        term = term[:100]
        q = reduce(or_, (Q(**{f"{f}__icontains": term}) for f in fields))
        queryset = queryset.filter(q)
        # Only a path through a many-valued relation can repeat a row; DISTINCT over every column
        # of a wide row is not free, so it is added only then.
        if any(lookup_spawns_duplicates(queryset.model._meta, f) for f in fields):
            queryset = queryset.distinct()
        return queryset


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` names fields this list may be sorted by; any other value is a Chinese 400
    naming the allowed ones (DRF silently drops unknown terms)."""

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = self.remove_invalid_fields_of(queryset, fields, view, request)
        if len(valid) != len([f for f in fields if f]):
            allowed = [item[0] for item in self.get_valid_fields(queryset, view, {"request": request})]
            raise InvalidInput(fields={self.ordering_param: f"排序字段只能是 {'、'.join(allowed)} 之一（前加 - 表示倒序）"
                                       if allowed else "该列表不支持排序"})
        return valid

    def remove_invalid_fields_of(self, queryset, fields, view, request):
        return super().remove_invalid_fields(queryset, [f for f in fields if f], view, request)

    def get_schema_operation_parameters(self, view):
        """Declare the values the list accepts (each field, or with ``-`` for descending), so the
        schema and the 400 agree."""
        parameters = super().get_schema_operation_parameters(view)
        try:
            allowed = [item[0] for item in self.get_valid_fields(view.get_queryset(), view, {"request": None})]
        except Exception:  # noqa: BLE001 — a view whose queryset needs a request keeps the plain string
            return parameters
        for parameter in parameters:
            if parameter.get("name") == self.ordering_param and allowed:
                parameter["schema"] = {"type": "string", "enum": [v for f in allowed for v in (f, f"-{f}")]}
        return parameters
