from django.urls import path

from homesafe.people import views

app_name = "people"
urlpatterns = [
    path("new", views.child_new, name="new"),
    path("<int:child_id>/edit", views.child_edit, name="edit"),
    path("<int:child_id>/cohort/new", views.cohort_new, name="cohort_new"),
    path("<int:child_id>/care/new", views.care_new, name="care_new"),
    path("<int:child_id>/placements/new", views.placement_new, name="placement_new"),
    path("<int:child_id>/network/new", views.network_new, name="network_new"),
    path("<int:child_id>/needs/new", views.need_new, name="need_new"),
]
