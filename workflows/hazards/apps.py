from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "workflows.hazards"
    label = "hazards"
    verbose_name = "隐患闭环"

    def ready(self) -> None:
        from .audit import register_audit_sources

        register_audit_sources()

        from cms.files import register_private_files

        from .models import HazardPhoto

        register_private_files("hazards/", HazardPhoto, "image")
