from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "workflows.inspections"
    label = "inspections"
    verbose_name = "督导检查"

    def ready(self) -> None:
        from cms.files import register_private_files

        from .models import InspectionPhoto

        def seen_through_hazards(scope):
            # whoever may see a hazard may see the photos of the inspection that found it (to compare before/after)
            from django.apps import apps
            from django.db.models import Q

            hazard = apps.get_model("hazards", "Hazard")
            return Q(inspection__hazards__in=hazard.objects.filter(hazard.scope_q(scope)).values("pk"))

        register_private_files("inspections/", InspectionPhoto, "image", also_visible=seen_through_hazards)
