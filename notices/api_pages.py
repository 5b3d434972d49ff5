"""The pages endpoint of Wagtail's API v2 (``/api/v2/pages/``), narrowed so an internal notice
never reaches anyone outside its audience: listings, ``type=notices.NoticePage``, ``search``,
``child_of``/``descendant_of``, ``find`` and the detail view all start from this queryset.

``search`` is a substring match on the title and the 文号 (Chinese has no spaces between words,
so the full-text backend would only match whole titles)."""

from django.db.models import Q
from rest_framework.filters import BaseFilterBackend
from rest_framework.permissions import AllowAny
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Page

from .visibility import hidden_notice_ids


class PageSubstringSearchFilter(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        term = (request.GET.get("search") or "").replace("\x00", "").strip()[:100]
        if not term:
            return queryset
        from .models import NoticePage

        numbered = NoticePage.objects.filter(document_number__icontains=term).values("pk")
        return queryset.filter(Q(title__icontains=term) | Q(pk__in=numbered))


class NoticePagesAPIViewSet(PagesAPIViewSet):
    # Public pages are public: the project's default (logged-in roles only) is for /api/v1/.
    permission_classes = [AllowAny]
    filter_backends = [b for b in PagesAPIViewSet.filter_backends if b is not SearchFilter] + [PageSubstringSearchFilter]

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        return queryset.exclude(pk__in=hidden_notice_ids(self.request.user))

    def get_queryset(self):
        queryset = super().get_queryset()
        # Typed querysets are rebuilt by Wagtail from the base one's ids; exclude again all the same.
        if queryset.model is not Page:
            queryset = queryset.exclude(pk__in=hidden_notice_ids(self.request.user))
        return queryset
