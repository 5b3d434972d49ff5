"""``?search=`` as a substring match (``icontains``), so Chinese text matches without word
splitting. On PostgreSQL the trigram indexes (``cms.dbops.trigram_index``) serve it."""

from functools import reduce
from operator import or_

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.db.models import Q
from rest_framework.filters import SearchFilter


class SubstringSearchFilter(SearchFilter):
    search_title = "搜索"
    search_description = "按名称等文字的任意片段搜索（支持中文）"

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
