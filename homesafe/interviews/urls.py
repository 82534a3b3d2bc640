from django.urls import path

from homesafe.interviews import views

app_name = "interviews"
urlpatterns = [
    path("episodes/<int:episode_id>/interview/", views.interview_detail, name="detail"),
    path("episodes/<int:episode_id>/interview/offer", views.interview_offer_view, name="offer"),
    path(
        "episodes/<int:episode_id>/interview/attempt", views.interview_attempt_view, name="attempt"
    ),
    path("episodes/<int:episode_id>/interview/accept", views.interview_accept_view, name="accept"),
    path(
        "episodes/<int:episode_id>/interview/decline", views.interview_decline_view, name="decline"
    ),
    path(
        "episodes/<int:episode_id>/interview/unreachable",
        views.interview_unreachable_view,
        name="unreachable",
    ),
    path(
        "episodes/<int:episode_id>/interview/complete",
        views.interview_complete_view,
        name="complete",
    ),
]
