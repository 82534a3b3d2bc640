"""The child's story: the pattern across episodes (flags), what the interviews said (only to
those who may read them), places, duties; a fixed number of queries however many episodes."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.models import Location
from homesafe.interviews.choices import ContactMethod, InterviewStatus
from homesafe.interviews.models import ReturnInterview
from tests.factories import EpisodeFactory


def add_history(world, child, n, *, start_days=300):
    """n returned episodes, most from the same bus station, each with a completed interview."""
    station = Location.objects.create(
        description="Bus station", postcode="NG1 2DT", latitude=52.95, longitude=-1.15
    )
    now = timezone.now()
    for i in range(n):
        seen = (now - dt.timedelta(days=start_days - i * (start_days // max(n, 1)))).replace(
            hour=23, minute=15
        )
        episode = EpisodeFactory(
            child=child,
            status=EpisodeStatus.RETURNED,
            last_seen_at=seen,
            reported_at=seen + dt.timedelta(hours=1),
            returned_at=seen + dt.timedelta(hours=9),
            last_seen_location=station if i % 4 else None,
            stayed_with="Older friend Jay",
            pre_planned=bool(i % 2),
        )
        ReturnInterview.objects.create(
            episode=episode,
            child=child,
            status=InterviewStatus.COMPLETED,
            offered_at=episode.returned_at + dt.timedelta(hours=2),
            offered_by_organisation=world.orgs["rhi"],
            offered_by_name="RHI worker",
            offer_method=ContactMethod.PHONE,
            held_at=episode.returned_at + dt.timedelta(hours=20),
            push_factors=["conflict"],
            pull_factors=["older_partner"] if i % 3 == 0 else ["friends"],
        )


@pytest.fixture
def storied(world):
    child = world.children["a_team2"]  # allocated to sw_2, open RHI referral with the charity
    child.episodes.all().delete()
    add_history(world, child, 8, start_days=80)
    return child


def _story(client, child):
    return client.get(reverse("people:story", args=[child.pk]))


def test_flags_name_the_pattern(world, client, storied):
    client.force_login(world.users["cmo_a"])
    body = _story(client, storied).content.decode()
    assert "Repeat pattern: 8 episodes in the last 90 days" in body
    assert "The same place in 6 episodes: Bus station, NG1 2DT." in body
    assert "With the same person or people in 8 episodes: older friend jay." in body
    assert "Pre-planned (signs the child planned to go) in 4 of 8 episodes." in body
    assert "Usually last seen in the night (22:00 to 06:00): 8 of 8 episodes." in body


@pytest.mark.parametrize(
    ("user_key", "status", "sees_factors"),
    [
        ("cmo_a", 200, True),
        ("sw_2", 200, True),
        ("rhi", 200, True),
        ("police_a", 200, False),
        ("school_2", 200, False),
        ("cmo_b", 404, False),
        ("analyst", 404, False),
    ],
)
def test_interview_content_only_for_those_who_may_read_it(
    world, client, storied, user_key, status, sees_factors
):
    client.force_login(world.users[user_key])
    response = _story(client, storied)
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert ("Conflict at home or in placement" in body) is sees_factors
        assert "Bus station" in body  # places and episodes: everyone who sees the child


def test_map_data_is_a_json_island_with_coordinates(world, client, storied):
    client.force_login(world.users["cmo_a"])
    body = _story(client, storied).content.decode()
    assert '<script type="application/json" id="story-map-data">' in body
    assert '"lat": 52.95' in body and "story-map.js" in body


def test_story_queries_do_not_grow_with_episodes(world, client):
    from homesafe.duties.protocol import protocol_current
    from homesafe.interviews.queries import interview_taxonomy

    protocol_current()  # the defaults come into force first (one-off writes)
    interview_taxonomy()  # likewise the shipped interview terms, if a flush emptied them
    client.force_login(world.users["cmo_a"])
    child = world.children["a_unallocated"]
    child.episodes.all().delete()
    add_history(world, child, 4)
    link_associates(world, child, 1)
    with CaptureQueriesContext(connection) as few:
        assert _story(client, child).status_code == 200
    add_history(world, child, 36)  # 40 episodes in all
    link_associates(world, child, 8)  # persons named in interviews and discussed at meetings
    with CaptureQueriesContext(connection) as many:
        assert _story(client, child).status_code == 200
    assert len(many) == len(few)


def link_associates(world, child, n):
    """n persons named in the child's latest interviews, each also discussed at a meeting."""
    from homesafe.concerns.services import person_of_concern_link, person_of_concern_record
    from homesafe.meetings.services import meeting_create

    cmo = world.users["cmo_a"]
    interviews = list(ReturnInterview.objects.filter(child=child).order_by("-id")[:n])
    for interview in interviews:
        meeting = meeting_create(
            kind="strategy",
            local_authority=world.orgs["la_a"],
            chair_name="Chair",
            children=[child],
            actor=cmo,
            held_at=timezone.now() - dt.timedelta(days=1),
        )
        person = person_of_concern_record(
            child=child, actor=cmo, name=f"Associate {interview.pk}", interview=interview
        )
        person_of_concern_link(person=person, child=child, actor=cmo, kind="other", meeting=meeting)


def test_associates_show_the_interviews_and_meetings_they_came_from(world, client, storied):
    from homesafe.concerns.services import person_of_concern_link, person_of_concern_record
    from homesafe.meetings.services import meeting_create, meeting_record_persons

    cmo = world.users["cmo_a"]
    interview = ReturnInterview.objects.filter(child=storied).order_by("-held_at").first()
    named = person_of_concern_record(
        child=storied, actor=cmo, name="Nat Named", interview=interview
    )
    meeting = meeting_create(
        kind="mace_locality",
        local_authority=world.orgs["la_a"],
        chair_name="Chair",
        children=[storied, world.children["a_team1"]],
        actor=cmo,
        held_at=timezone.now() - dt.timedelta(days=1),
    )
    meeting_record_persons(meeting=meeting, child=storied, persons=[named], actor=cmo)
    # discussed at the same MACE, but about the other child only: not this child's associate
    other = person_of_concern_record(child=world.children["a_team1"], actor=cmo, name="Oz Other")
    meeting_record_persons(
        meeting=meeting, child=world.children["a_team1"], persons=[other], actor=cmo
    )
    person_of_concern_link(person=named, child=storied, actor=cmo, kind="associate")
    client.force_login(cmo)
    body = _story(client, storied).content.decode()
    section = body[body.index(">Associates</h2>") : body.index(">Meetings and actions</h2>")]
    assert "Nat Named" in section and "Oz Other" not in section
    held = timezone.localtime(interview.held_at).strftime("%-d %b %Y")
    assert "Named in a return home interview: " in section
    assert (
        f'href="/episodes/{interview.episode_id}/interview/">Return interview of {held}</a>'
        in section
    )
    assert f'href="/meetings/{meeting.pk}/">MACE' in section
    assert "Known associate or place" in section


def test_labels_come_from_the_taxonomy(world, client, storied):
    from homesafe.interviews.queries import interview_taxonomy
    from homesafe.interviews.services_terms import interview_term_change

    term = interview_taxonomy().get("push_factor", "conflict")
    interview_term_change(term=term, label="Rows at home", actor=world.users["admin"])
    client.force_login(world.users["cmo_a"])
    body = _story(client, storied).content.decode()
    assert "Rows at home" in body and "Conflict at home or in placement" not in body
    assert "Older boyfriend or girlfriend" in body  # the pull factor code older_partner


@pytest.fixture
def casework(world, storied):
    """A held strategy meeting with an action, a SERAF screening and an associate."""
    from homesafe.concerns.services import person_of_concern_record
    from homesafe.meetings.services import meeting_add_action, meeting_create
    from homesafe.screening.services import screening_complete
    from tests.screening.helpers import seraf_answers

    cmo = world.users["cmo_a"]
    meeting = meeting_create(
        kind="strategy",
        local_authority=world.orgs["la_a"],
        chair_name="Chair Person",
        children=[storied],
        actor=cmo,
        held_at=timezone.now() - dt.timedelta(days=1),
    )
    meeting_add_action(
        meeting=meeting,
        description="Visit the bus station with police",
        owner_organisation=world.orgs["force_a"],
        due_on=timezone.localdate() + dt.timedelta(days=3),
        actor=cmo,
        child=storied,
    )
    screening_complete(
        child=storied,
        tool="seraf",
        answers=seraf_answers(),
        completed_at=timezone.now() - dt.timedelta(hours=2),
        actor=cmo,
    )
    person_of_concern_record(child=storied, actor=cmo, name="Jay Older")
    return storied


@pytest.mark.parametrize(
    ("user_key", "sees_screenings", "sees_associates"),
    [("cmo_a", True, True), ("police_a", False, True), ("school_2", False, False)],
)
def test_story_brings_meetings_screenings_and_associates(
    world, client, casework, user_key, sees_screenings, sees_associates
):
    from homesafe.concerns.policy import can_view_concerns

    client.force_login(world.users[user_key])
    body = _story(client, casework).content.decode()
    assert "Visit the bus station with police" in body  # meeting outcomes reach each agency
    assert ("Screenings are not shown to your role" not in body) is sees_screenings
    # associates follow the concerns policy (a person is seen through a child one may see)
    assert ("Jay Older" in body) is can_view_concerns(world.users[user_key], casework)
