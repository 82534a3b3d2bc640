from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "homesafe.intake"
    label = "intake"
