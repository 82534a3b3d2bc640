from django.urls import path

from homesafe.web import views, views_session

app_name = "web"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("session/extend", views_session.session_extend, name="session_extend"),
    path("session/ended", views_session.session_ended, name="session_ended"),
]
