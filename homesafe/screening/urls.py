from django.urls import path

from homesafe.screening import views

app_name = "screening"
urlpatterns = [
    path("children/<int:child_id>/screenings/", views.screening_list, name="list"),
    path(
        "children/<int:child_id>/screenings/new/<slug:tool>",
        views.screening_new,
        name="new",
    ),
    path("screenings/<int:screening_id>/", views.screening_detail, name="detail"),
    path(
        "screenings/<int:screening_id>/band",
        views.screening_override,
        name="override",
    ),
]
