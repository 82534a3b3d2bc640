from django.urls import path

from homesafe.safety_plans import views

app_name = "safety_plans"
urlpatterns = [
    path("children/<int:child_id>/safety-plan/", views.safety_plan_detail, name="detail"),
    path("children/<int:child_id>/safety-plan/edit", views.safety_plan_edit, name="edit"),
    path("children/<int:child_id>/safety-plan/print", views.safety_plan_print, name="print"),
    path("children/<int:child_id>/safety-plan/pdf", views.safety_plan_pdf_download, name="pdf"),
    path(
        "children/<int:child_id>/safety-plan/versions/<int:number>",
        views.safety_plan_version,
        name="version",
    ),
]
