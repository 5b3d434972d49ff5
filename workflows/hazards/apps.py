from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "workflows.hazards"
    label = "hazards"
    verbose_name = "隐患闭环"
