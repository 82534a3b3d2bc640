from django.urls import path

from homesafe.reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.reminder_preferences, name="preferences"),
]
