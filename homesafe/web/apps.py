from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "homesafe.web"
    label = "web"
