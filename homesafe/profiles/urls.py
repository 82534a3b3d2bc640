from django.urls import path

from homesafe.profiles import views

app_name = "profiles"
urlpatterns = [
    path("children/<int:child_id>/profile/", views.profile_detail, name="detail"),
    path("children/<int:child_id>/profile/edit", views.profile_edit, name="edit"),
    path("children/<int:child_id>/profile/print", views.profile_print, name="print"),
    path("children/<int:child_id>/profile/pdf", views.profile_pdf_download, name="pdf"),
    path("children/<int:child_id>/profile/history", views.profile_history, name="history"),
    path(
        "children/<int:child_id>/profile/versions/<int:number>",
        views.profile_version,
        name="version",
    ),
    path(
        "children/<int:child_id>/profile/versions/<int:number>/photo",
        views.profile_photo,
        name="photo",
    ),
    path(
        "children/<int:child_id>/profile/versions/<int:number>/pdf",
        views.profile_pdf_download,
        name="version_pdf",
    ),
]
