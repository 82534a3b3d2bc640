from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "homesafe.meetings"
    label = "meetings"
