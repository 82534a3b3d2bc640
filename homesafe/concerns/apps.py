from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "homesafe.concerns"
    label = "concerns"
