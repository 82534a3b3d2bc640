from django.urls import path

from homesafe.intake import views

app_name = "intake"
urlpatterns = [
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:import_id>/", views.import_detail, name="import"),
    path(
        "imports/<int:import_id>/report/<str:which>.csv", views.import_report, name="import_report"
    ),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<int:review_id>/", views.review_detail, name="review"),
    path("merge", views.merge, name="merge"),
]
