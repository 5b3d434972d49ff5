from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "workflows.assessment"
    label = "assessment"
    verbose_name = "年度目标责任考核"
