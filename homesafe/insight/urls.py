from django.urls import path

from homesafe.insight import views, views_hotspots, views_impact, views_networks, views_packs

app_name = "insight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures.csv", views.dashboard_csv, name="dashboard_csv"),
    path("children/", views.children_behind, name="children"),
    path("compliance/", views.compliance, name="compliance"),
    path("networks/", views_networks.networks, name="networks"),
    path("hot-spots/", views_hotspots.hotspots, name="hotspots"),
    path("impact/", views_impact.impact, name="impact"),
    path("packs/", views_packs.packs_page, name="packs"),
    path("packs/<int:pk>.<str:file_format>", views_packs.pack_download, name="pack_download"),
]
