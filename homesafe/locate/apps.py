from django.apps import AppConfig


class LocateConfig(AppConfig):
    name = "homesafe.locate"
    label = "locate"
    verbose_name = "The search for a missing child"
