from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "homesafe.profiles"
    label = "profiles"
