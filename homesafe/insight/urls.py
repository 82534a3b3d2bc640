from django.urls import path

from homesafe.insight import views_networks

app_name = "insight"
urlpatterns = [
    path("networks/", views_networks.networks, name="networks"),
]
