from django.urls import path

from homesafe.concerns import views

app_name = "concerns"
urlpatterns = [
    path("children/<int:child_id>/concerns/", views.child_concerns, name="child"),
    path("children/<int:child_id>/concerns/persons/new", views.person_new, name="person_new"),
    path("children/<int:child_id>/concerns/persons/link", views.person_link, name="person_link"),
    path("children/<int:child_id>/concerns/locations/new", views.location_new, name="location_new"),
    path(
        "children/<int:child_id>/concerns/disruptions/new",
        views.disruption_new,
        name="disruption_new",
    ),
    path("children/<int:child_id>/concerns/legal/new", views.legal_action_new, name="legal_new"),
    path(
        "concerns/legal/<int:action_id>/decisions",
        views.legal_action_decisions,
        name="legal_decisions",
    ),
    path("concerns/persons/<int:person_id>/", views.person_detail, name="person"),
    path(
        "episodes/<int:episode_id>/concerns/new",
        views.episode_concern_new,
        name="episode_concern_new",
    ),
]
