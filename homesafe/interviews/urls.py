from django.urls import path

from homesafe.interviews import views, views_record, views_terms

app_name = "interviews"
urlpatterns = [
    path("episodes/<int:episode_id>/interview/", views.interview_detail, name="detail"),
    path("episodes/<int:episode_id>/interview/offer", views.interview_offer_view, name="offer"),
    path(
        "episodes/<int:episode_id>/interview/attempt", views.interview_attempt_view, name="attempt"
    ),
    path("episodes/<int:episode_id>/interview/accept", views.interview_accept_view, name="accept"),
    path(
        "episodes/<int:episode_id>/interview/decline", views.interview_decline_view, name="decline"
    ),
    path(
        "episodes/<int:episode_id>/interview/unreachable",
        views.interview_unreachable_view,
        name="unreachable",
    ),
    path(
        "episodes/<int:episode_id>/interview/complete",
        views_record.record_tasks,
        name="complete",
    ),
    path(
        "episodes/<int:episode_id>/interview/complete/check",
        views_record.record_check,
        name="check",
    ),
    path(
        "episodes/<int:episode_id>/interview/complete/<slug:section>",
        views_record.record_section,
        name="section",
    ),
    path(
        "episodes/<int:episode_id>/interview/drafts/<int:draft_id>/",
        views_record.draft_detail,
        name="draft",
    ),
    path(
        "episodes/<int:episode_id>/interview/factors",
        views.interview_factors_view,
        name="factors",
    ),
    path(
        "episodes/<int:episode_id>/interview/persons",
        views.interview_persons_view,
        name="persons",
    ),
    path("interviews/terms/", views_terms.term_list, name="terms"),
    path("interviews/terms/new", views_terms.term_add, name="term_add"),
    path("interviews/terms/<int:term_id>/change", views_terms.term_change, name="term_change"),
    path("interviews/terms/<int:term_id>/move", views_terms.term_move, name="term_move"),
    path("interviews/terms/<int:term_id>/retire", views_terms.term_retire, name="term_retire"),
    path(
        "interviews/terms/<int:term_id>/reinstate",
        views_terms.term_reinstate,
        name="term_reinstate",
    ),
]
