from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "homesafe.reminders"
    label = "reminders"
    verbose_name = "Reminder e-mails"
