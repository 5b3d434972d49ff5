from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "workflows.reporting"
    label = "reporting"
    verbose_name = "会商、月报与考核"
