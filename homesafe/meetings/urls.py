from django.urls import path

from homesafe.meetings import views

app_name = "meetings"
urlpatterns = [
    path("children/<int:child_id>/meetings/", views.child_meetings, name="child"),
    path("meetings/new", views.meeting_new, name="new"),
    path("meetings/new/children", views.meeting_choose_children, name="choose_children"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("meetings/<int:meeting_id>/held", views.meeting_held_view, name="held"),
    path("meetings/<int:meeting_id>/fulfils", views.meeting_fulfils_view, name="fulfils"),
    path("meetings/<int:meeting_id>/cancel", views.meeting_cancel_view, name="cancel"),
    path("meetings/<int:meeting_id>/invitations", views.meeting_invitation_view, name="invitation"),
    path("meetings/<int:meeting_id>/notes", views.meeting_note_view, name="note"),
    path("meetings/<int:meeting_id>/actions", views.meeting_action_view, name="action"),
    path("meetings/<int:meeting_id>/persons", views.meeting_persons_view, name="persons"),
    path(
        "meetings/actions/<int:action_id>/complete",
        views.action_complete_view,
        name="action_complete",
    ),
    path("children/<int:child_id>/differences/new", views.difference_new, name="difference_new"),
    path("differences/<int:difference_id>/", views.difference_detail, name="difference"),
    path(
        "differences/<int:difference_id>/escalate",
        views.difference_escalate_view,
        name="difference_escalate",
    ),
    path(
        "differences/<int:difference_id>/resolve",
        views.difference_resolve_view,
        name="difference_resolve",
    ),
]
