from django.urls import path

from homesafe.episodes import views

app_name = "episodes"
urlpatterns = [
    path("children/<int:child_id>/episodes/new", views.episode_new, name="new"),
    path("episodes/<int:episode_id>/return", views.episode_return, name="return"),
    path("episodes/<int:episode_id>/regrade", views.episode_regrade_view, name="regrade"),
    path("episodes/<int:episode_id>/correct", views.episode_correct_view, name="correct"),
    path("episodes/<int:episode_id>/void", views.episode_void_view, name="void"),
]
