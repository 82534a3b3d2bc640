from django.urls import path

from homesafe.locate import views

app_name = "locate"
urlpatterns = [
    path("episodes/<int:episode_id>/sightings/new", views.sighting_new, name="sighting_new"),
    path("locate/sightings/<int:sighting_id>/change", views.sighting_edit, name="sighting_edit"),
    path(
        "locate/sightings/<int:sighting_id>/remove", views.sighting_delete, name="sighting_remove"
    ),
    path("episodes/<int:episode_id>/locate/actions/new", views.action_new, name="action_new"),
    path("locate/actions/<int:action_id>/outcome", views.action_outcome, name="action_outcome"),
    path("episodes/<int:episode_id>/publicity/new", views.publicity_new, name="publicity_new"),
    path(
        "locate/publicity/<int:publicity_id>/withdrawn",
        views.publicity_withdrawn,
        name="publicity_withdrawn",
    ),
    path("episodes/<int:episode_id>/missing-persons/new", views.contact_new, name="contact_new"),
    path(
        "episodes/<int:episode_id>/safe-and-well/new",
        views.safe_and_well_new,
        name="safe_and_well_new",
    ),
]
