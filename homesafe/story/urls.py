"""The story app's pages keep the names and addresses they had in the apps below
(people:child, episodes:detail, interviews:caseload, web:home): homesafe/urls.py adds them to
those apps' namespaces, so no link changes and the lower apps do not import the story app."""

from django.urls import path

from homesafe.story import views, views_caseload, views_child

# Under /children/, in the "people" namespace.
people_urlpatterns = [
    path("", views_child.search, name="search"),
    path("<int:child_id>/", views_child.child_detail, name="child"),
    path("<int:child_id>/story", views_child.child_story_view, name="story"),
]
# At the root, in the "episodes" namespace.
episodes_urlpatterns = [
    path("episodes/<int:episode_id>/", views_child.episode_detail, name="detail"),
]
# At the root, in the "interviews" namespace.
interviews_urlpatterns = [
    path("interviews/caseload/", views_caseload.caseload, name="caseload"),
]
# At the root, in the "web" namespace.
web_urlpatterns = [
    path("", views.home, name="home"),
]
