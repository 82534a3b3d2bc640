from django.urls import path
from django.views.generic import RedirectView

from homesafe.duties import views, views_send

app_name = "duties"
urlpatterns = [
    # The daily screening list moved to its own app (homesafe.daily_screening).
    path(
        "screening/",
        RedirectView.as_view(pattern_name="daily_screening:list", query_string=True),
        name="screening",
    ),
    # The protocol settings moved to the administration pages.
    path(
        "protocol/",
        RedirectView.as_view(pattern_name="administration:protocol", permanent=True),
        name="protocol",
    ),
    path("overdue/", views.overdue, name="overdue"),
    path("directory/", views_send.directory, name="directory"),
    path("reminders/read", views.reminders_read, name="reminders_read"),
    path(
        "notices/<int:notice_id>/acknowledge",
        views.notice_acknowledge_view,
        name="notice_acknowledge",
    ),
    path("<int:duty_id>/", views.duty_detail, name="detail"),
    path("<int:duty_id>/complete", views.duty_complete_view, name="complete"),
    path("<int:duty_id>/not-needed", views.duty_not_needed_view, name="not_needed"),
    path("<int:duty_id>/reassign", views.duty_reassign_view, name="reassign"),
    path("<int:duty_id>/send", views_send.duty_send_view, name="send"),
    path("<int:duty_id>/told", views_send.duty_told_view, name="told"),
]
