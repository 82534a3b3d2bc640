from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "homesafe.access"
    label = "access"
