from django.urls import path

from homesafe.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("new", views.child_new, name="new"),
    path("<int:child_id>/", views.child_detail, name="child"),
]
