from django.apps import AppConfig


class ChecklistsConfig(AppConfig):
    name = "cms.checklists"
    label = "checklists"
    verbose_name = "检查表"
