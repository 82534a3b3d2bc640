from django.urls import path

from homesafe.insight import views_hotspots, views_impact, views_networks

app_name = "insight"
urlpatterns = [
    path("networks/", views_networks.networks, name="networks"),
    path("hot-spots/", views_hotspots.hotspots, name="hotspots"),
    path("impact/", views_impact.impact, name="impact"),
]
