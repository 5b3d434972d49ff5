from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "站点"

    def ready(self) -> None:
        from . import security  # noqa: F401  (login failure counters)
        from .files import register_private_files

        # Wagtail's own images and avatars have no owner in our data scope: any admin user
        for prefix in ("original_images/", "images/", "avatar_images/"):
            register_private_files(prefix, admin_only=True)
