from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "workflows.inspections"
    label = "inspections"
    verbose_name = "督导检查"

    def ready(self) -> None:
        from cms.files import register_private_files

        from .models import InspectionPhoto

        register_private_files("inspections/", InspectionPhoto, "image")
