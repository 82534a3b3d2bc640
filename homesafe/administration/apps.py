from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "homesafe.administration"
    label = "administration"
    verbose_name = "Administration"
