from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    label = "notices"
    verbose_name = "通报与举报"

    def ready(self) -> None:
        from cms.files import register_private_files

        from .models import TipOffPhoto

        register_private_files("tipoffs/", TipOffPhoto, "image")
