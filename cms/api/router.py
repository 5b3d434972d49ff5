"""The API router: each app contributes its resources through ``<app>.api.register(router)``."""

from importlib import import_module

from django.apps import apps
from rest_framework.routers import DefaultRouter


class Router(DefaultRouter):
    """Object ids in API paths are ASCII digits: "١" (an Arabic-Indic one) is not id 1, it is a
    path that does not exist (404), as Django's own ``int`` converter would have it."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if getattr(viewset, "lookup_value_regex", None) is None:
            viewset.lookup_value_regex = "[0-9]+"
        return super().get_lookup_regex(viewset, lookup_prefix)


router = Router()
router.include_root_view = True
extra_urlpatterns: list = []  # non-resource endpoints (exports, compliance…): ``<app>.api.urlpatterns``

for config in apps.get_app_configs():
    if config.name.split(".")[0] not in ("cms", "workflows", "notices", "exports"):
        continue
    try:
        module = import_module(f"{config.name}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"{config.name}.api":
            raise
        continue
    register = getattr(module, "register", None)
    if register:
        register(router)
    extra_urlpatterns += getattr(module, "urlpatterns", [])
