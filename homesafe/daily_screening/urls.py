from django.urls import path

from homesafe.daily_screening import views

app_name = "daily_screening"
urlpatterns = [
    path("", views.screening_list, name="list"),
    path("screening.csv", views.screening_download, name="csv"),
    path("decisions", views.screening_decide, name="decide"),
]
