"""Wagtail's headless page API (``/api/v2/``). ``notices`` narrows the pages endpoint so an
internal notice never leaves its audience."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")

try:
    from notices.api_pages import NoticePagesAPIViewSet as PagesViewSet
except ImportError:  # the notices app has not built its endpoint yet
    PagesViewSet = PagesAPIViewSet

api_router.register_endpoint("pages", PagesViewSet)
