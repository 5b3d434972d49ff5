from django.apps import AppConfig


class LoadgenConfig(AppConfig):
    name = "cms.loadgen"
    label = "loadgen"
    verbose_name = "负载数据"
