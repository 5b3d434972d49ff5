from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "cms.directory"
    label = "directory"
    verbose_name = "名录"
