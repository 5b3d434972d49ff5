from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "站点"

    def ready(self) -> None:
        from . import security  # noqa: F401  (login failure counters)
