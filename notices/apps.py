from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    label = "notices"
    verbose_name = "通报与举报"
