from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "homesafe.episodes"
    label = "episodes"
