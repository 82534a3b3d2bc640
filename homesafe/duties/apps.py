from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "homesafe.duties"
    label = "duties"
