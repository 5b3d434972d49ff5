from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "站点"

    def ready(self) -> None:
        from django.db.models.signals import pre_save
        from wagtail.users.forms import PagePermissionsForm

        from . import security  # noqa: F401  (login failure counters)
        from .files import register_private_files

        # Wagtail's own images and avatars have no owner in our data scope: any admin user
        for prefix in ("original_images/", "images/", "avatar_images/"):
            register_private_files(prefix, admin_only=True)

        from .inputs import guard_on_save

        # names normalised, control characters and dates out of bounds refused, on every save
        pre_save.connect(guard_on_save, dispatch_uid="cms.inputs.guard_on_save")

        PagePermissionsForm.base_fields["page"].label = "页面"  # Wagtail leaves it unlabelled: "Page"
