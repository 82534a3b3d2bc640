from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from homesafe.api import docs, views

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
    path("v1/episodes/", _open(views.EpisodeListView.as_view()), name="episodes"),
    path("v1/duties/", _open(views.DutyListView.as_view()), name="duties"),
    path("v1/duties/<int:duty_id>/", _open(views.DutyDetailView.as_view()), name="duty"),
    path("v1/episodes/<int:episode_id>/", _open(views.EpisodeDetailView.as_view()), name="episode"),
]
