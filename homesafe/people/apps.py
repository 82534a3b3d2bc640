from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "homesafe.people"
    label = "people"
