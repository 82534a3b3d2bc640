from django.apps import AppConfig


class DailyScreeningConfig(AppConfig):
    name = "homesafe.daily_screening"
    label = "daily_screening"
    verbose_name = "Daily screening"
