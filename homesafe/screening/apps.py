from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "homesafe.screening"
    label = "screening"
