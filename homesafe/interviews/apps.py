from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "homesafe.interviews"
    label = "interviews"
    verbose_name = "Return home interviews"
