from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    label = "notices"
    verbose_name = "通报与举报"

    def ready(self) -> None:
        from cms.files import register_private_files

        from .models import TipOffPhoto

        register_private_files("tipoffs/", TipOffPhoto, "image")

        from workflows.hazards.services_orders import register_office_full_name

        from .models import OfficeDocumentSettings

        # a 三单 is signed with the office's full name of the 公文版式 setting at issue (its snapshot)
        register_office_full_name(lambda: OfficeDocumentSettings.load().issuing_office)
