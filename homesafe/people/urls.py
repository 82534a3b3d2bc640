from django.urls import path

from homesafe.people import views, views_family

app_name = "people"
urlpatterns = [
    path("new", views.child_new, name="new"),
    path("<int:child_id>/edit", views.child_edit, name="edit"),
    path("<int:child_id>/cohort/new", views.cohort_new, name="cohort_new"),
    path("<int:child_id>/care/new", views.care_new, name="care_new"),
    path("<int:child_id>/placements/new", views.placement_new, name="placement_new"),
    path("<int:child_id>/network/new", views.network_new, name="network_new"),
    path("<int:child_id>/needs/new", views.need_new, name="need_new"),
    path("<int:child_id>/family/new", views_family.child_link_new, name="link_new"),
    path("<int:child_id>/education/new", views_family.education_new, name="education_new"),
    path(
        "<int:child_id>/education/<int:concern_id>/end",
        views_family.education_end,
        name="education_end",
    ),
    path("<int:child_id>/experiences/new", views_family.experience_new, name="experience_new"),
    path("<int:child_id>/unborn/new", views_family.unborn_new, name="unborn_new"),
    path("<int:child_id>/unborn/<int:unborn_id>/end", views_family.unborn_end, name="unborn_end"),
]
