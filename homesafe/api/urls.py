from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from homesafe.api import (
    casework,
    docs,
    episodes,
    interviews,
    locate,
    meetings,
    safety_plans,
    screening,
    sending,
    views,
)

app_name = "api"


def _open(view):
    """The API answers for itself (401/403 in JSON), not with the sign-in page's redirect."""
    return login_not_required(view)


urlpatterns = [
    path("schema/", _open(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", _open(docs.api_docs), name="docs"),
    path(
        "v1/events/missing-reported",
        _open(views.MissingReportedEventView.as_view()),
        name="event_missing_reported",
    ),
    path(
        "v1/events/risk-regraded",
        _open(views.RiskRegradedEventView.as_view()),
        name="event_risk_regraded",
    ),
    path("v1/events/sighting", _open(views.SightingEventView.as_view()), name="event_sighting"),
    path("v1/events/found", _open(views.FoundEventView.as_view()), name="event_found"),
    path("v1/events/closed", _open(views.ClosedEventView.as_view()), name="event_closed"),
    path("v1/children/", _open(views.ChildListView.as_view()), name="children"),
    path("v1/children/<int:child_id>/", _open(views.ChildDetailView.as_view()), name="child"),
    path(
        "v1/children/<int:child_id>/safety-plan",
        _open(safety_plans.SafetyPlanView.as_view()),
        name="child_safety_plan",
    ),
    path(
        "v1/children/<int:child_id>/safety-plan/versions/<int:number>",
        _open(safety_plans.SafetyPlanVersionView.as_view()),
        name="child_safety_plan_version",
    ),
    path("v1/episodes/", _open(views.EpisodeListView.as_view()), name="episodes"),
    path("v1/duties/", _open(views.DutyListView.as_view()), name="duties"),
    path("v1/duties/<int:duty_id>/", _open(views.DutyDetailView.as_view()), name="duty"),
    path("v1/duties/<int:duty_id>/send/", _open(sending.DutySendView.as_view()), name="duty_send"),
    path("v1/episodes/<int:episode_id>/", _open(views.EpisodeDetailView.as_view()), name="episode"),
    path(
        "v1/episodes/<int:episode_id>/correct",
        _open(episodes.EpisodeCorrectView.as_view()),
        name="episode_correct",
    ),
    path(
        "v1/episodes/<int:episode_id>/void",
        _open(episodes.EpisodeVoidView.as_view()),
        name="episode_void",
    ),
    # The search for a missing child (homesafe.api.locate).
    path(
        "v1/episodes/<int:episode_id>/sightings/",
        _open(locate.EpisodeSightingsView.as_view()),
        name="episode_sightings",
    ),
    path(
        "v1/episodes/<int:episode_id>/locate-plan/",
        _open(locate.EpisodeLocatePlanView.as_view()),
        name="episode_locate_plan",
    ),
    path(
        "v1/episodes/<int:episode_id>/locate-plan/actions/",
        _open(locate.LocateActionCreateView.as_view()),
        name="locate_action_create",
    ),
    path(
        "v1/episodes/<int:episode_id>/locate-plan/publicity/",
        _open(locate.EpisodePublicityView.as_view()),
        name="episode_publicity",
    ),
    path(
        "v1/episodes/<int:episode_id>/locate-plan/contacts/",
        _open(locate.EpisodeMissingAgencyContactView.as_view()),
        name="episode_missing_agency_contacts",
    ),
    path(
        "v1/publicity/<int:publicity_id>/withdrawn/",
        _open(locate.PublicityWithdrawnView.as_view()),
        name="publicity_withdrawn",
    ),
    path(
        "v1/episodes/<int:episode_id>/safe-and-well/",
        _open(locate.EpisodeSafeAndWellView.as_view()),
        name="episode_safe_and_well",
    ),
    path(
        "v1/locate-actions/<int:action_id>/outcome/",
        _open(locate.LocateActionOutcomeView.as_view()),
        name="locate_action_outcome",
    ),
    # Casework after a return (homesafe.api.casework and homesafe.api.meetings).
    path("v1/interviews/", _open(interviews.InterviewListView.as_view()), name="interviews"),
    path(
        "v1/interviews/<int:interview_id>/",
        _open(interviews.InterviewDetailView.as_view()),
        name="interview",
    ),
    # The missing coordinator's daily screening (homesafe.api.screening).
    path("v1/screening/", _open(screening.ScreeningListView.as_view()), name="screening"),
    path(
        "v1/screening/decisions",
        _open(screening.ScreeningDecisionView.as_view()),
        name="screening_decisions",
    ),
    path("v1/meetings/", _open(meetings.MeetingListView.as_view()), name="meetings"),
    path(
        "v1/meetings/<int:meeting_id>/",
        _open(meetings.MeetingDetailView.as_view()),
        name="meeting",
    ),
    path("v1/meeting-actions/", _open(meetings.ActionListView.as_view()), name="meeting_actions"),
    path(
        "v1/meeting-actions/<int:action_id>/complete",
        _open(meetings.ActionCompleteView.as_view()),
        name="meeting_action_complete",
    ),
    path(
        "v1/children/<int:child_id>/screenings/",
        _open(casework.ChildScreeningListView.as_view()),
        name="child_screenings",
    ),
    path(
        "v1/children/<int:child_id>/profile/",
        _open(casework.ChildProfileView.as_view()),
        name="child_profile",
    ),
    path(
        "v1/children/<int:child_id>/concerns/",
        _open(casework.ChildConcernsView.as_view()),
        name="child_concerns",
    ),
    path(
        "v1/episodes/<int:episode_id>/concerns/",
        _open(casework.EpisodeConcernsView.as_view()),
        name="episode_concerns",
    ),
    path(
        "v1/persons-of-concern/<int:person_id>/",
        _open(casework.PersonDetailView.as_view()),
        name="person_of_concern",
    ),
    path(
        "v1/professional-differences/",
        _open(casework.DifferenceListView.as_view()),
        name="differences",
    ),
    path(
        "v1/professional-differences/<int:difference_id>/",
        _open(casework.DifferenceDetailView.as_view()),
        name="difference",
    ),
]
