from rest_framework.pagination import PageNumberPagination

from cms.api import params


class StandardPagination(PageNumberPagination):
    """``{count, next, previous, results}``; ``page`` and ``page_size`` (1 to 200). A malformed
    or out-of-range ``page_size`` or ``page`` is a Chinese 400 (DRF would quietly use the
    default); a page past the last one is a 404."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = "页码无效：{message}"

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        return params.positive_int(value, self.page_size_query_param, maximum=self.max_page_size,
                                   message=f"每页条数应为 1 到 {self.max_page_size} 之间的整数")

    def paginate_queryset(self, queryset, request, view=None):
        value = request.query_params.get(self.page_query_param)
        if value not in (None, "", "last"):
            params.positive_int(value, self.page_query_param, maximum=params.MAX_ID, message="页码应为正整数")
        return super().paginate_queryset(queryset, request, view)
