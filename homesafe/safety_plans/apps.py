from django.apps import AppConfig


class SafetyPlansConfig(AppConfig):
    name = "homesafe.safety_plans"
    label = "safety_plans"
