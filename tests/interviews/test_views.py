"""The interview pages: each form records through its service, bad input gives a GOV.UK error
naming the field and writes nothing, people who may not record are refused, and the page makes
a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.interviews.choices import SECTION_SLUGS, InterviewStatus
from homesafe.interviews.models import ContactAttempt, ReturnInterview
from homesafe.interviews.services import interview_record_attempt
from tests.factories import OrganisationFactory
from tests.interviews.helpers import record_through_sections, report_and_return


def _parts(prefix: str, when: dt.datetime) -> dict:
    local = timezone.localtime(when)
    return {
        f"{prefix}_0": local.day,
        f"{prefix}_1": local.month,
        f"{prefix}_2": local.year,
        f"{prefix}_3": local.strftime("%H:%M"),
    }


def _state():
    """Everything a form could write."""
    return (
        list(ReturnInterview.objects.values()),
        ContactAttempt.objects.count(),
        AuditEntry.objects.exclude(
            verb__in=["child.viewed", "episode.viewed", "interview.viewed"]
        ).count(),
    )


@pytest.fixture
def rhi(world, client):
    client.force_login(world.users["rhi"])
    return client


def _url(name, episode):
    return reverse(f"interviews:{name}", args=[episode.pk])


def good_complete(world, when) -> dict:
    return {
        **_parts("held_at", when),
        "held_where": "Library",
        "held_by_name": "Robin Worker",
        "held_by_organisation": world.orgs["rhi"].pk,
        "independent": "yes",
        "push_factors": ["conflict", "bullying"],
        "pull_factors": ["friends"],
        "exploitation_indicators": ["none_identified"],
        "exploitation_note": "Asked about older friends, money and phones",
        "childs_words": "It was just loud at home",
        "consent_to_share": "yes",
        "referrals": ["camhs"],
        "shared_with": [world.orgs["school_2"].pk],
        "shareable_summary": "Left after an argument; CAMHS referral made.",
    }


def test_offer_attempt_and_complete_through_the_pages(world, returned, rhi):
    now = timezone.now()
    response = rhi.post(
        _url("offer", returned),
        {
            **_parts("offered_at", now - dt.timedelta(hours=3)),
            "offered_by_organisation": world.orgs["rhi"].pk,
            "offered_by_name": "Robin Worker",
            "offer_method": "phone",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _url("detail", returned)
    response = rhi.post(
        _url("attempt", returned),
        {
            **_parts("attempted_at", now - dt.timedelta(hours=2)),
            "method": "phone",
            "outcome": "no_answer",
        },
    )
    assert response.status_code == 302
    response = record_through_sections(
        rhi, returned, good_complete(world, now - dt.timedelta(hours=1))
    )
    assert response.status_code == 302
    interview = ReturnInterview.objects.get(episode=returned)
    assert interview.status == InterviewStatus.COMPLETED
    assert interview.push_factors == ["conflict", "bullying"]
    assert interview.independent is True
    page = rhi.get(_url("detail", returned)).content.decode()
    assert "Return interview recorded" in page and "It was just loud at home" in page
    assert "Bullying" in page and "No answer" in page
    episode_page = rhi.get(reverse("episodes:detail", args=[returned.pk])).content.decode()
    assert "Bullying" in episode_page and "View the return interview" in episode_page


BAD_INPUT = {
    "offer": {"offer_method": "phone", "offered_by_name": "Robin"},  # no time, no organisation
    "attempt": {"method": "phone"},
    "accept": {
        "accepted_at_0": "31",
        "accepted_at_1": "2",
        "accepted_at_2": "2026",
        "accepted_at_3": "10:00",
    },
    "decline": {"decline_reason": "Did not want to"},
    "unreachable": {},
    "complete": {"held_where": "Library", "action": "continue"},  # the first section
}
FIRST_ERROR = {
    "offer": "#id_offered_at_0",
    "attempt": "#id_attempted_at_0",
    "accept": "#id_accepted_at_0",
    "decline": "#id_declined_at_0",
    "unreachable": "#id_unreachable_at_0",
    "complete": "#id_held_at_0",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUT))
def test_bad_input_on_every_form_writes_nothing(world, offered, rhi, name):
    episode = offered.episode
    if name == "offer":  # a fresh episode with no interview yet, recorded by the CMO
        episode = report_and_return(world, key="a_unallocated")
        rhi.force_login(world.users["cmo_a"])
    before = _state()
    url = _url(name, episode)
    if name == "complete":
        url = reverse("interviews:section", args=[episode.pk, "interview"])
    response = rhi.post(url, BAD_INPUT[name])
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "govuk-error-summary" in page
    assert f'href="{FIRST_ERROR[name]}"' in page
    assert _state() == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("decline", {"decline_reason": "No"}, "The time cannot be in the future"),
        ("unreachable", {}, "Record at least one attempt to contact the child first"),
    ],
)
def test_service_errors_show_against_the_field(world, offered, rhi, name, data, message):
    field = {"decline": "declined_at", "unreachable": "unreachable_at"}[name]
    when = timezone.now() + dt.timedelta(hours=2) if name == "decline" else timezone.now()
    before = _state()
    response = rhi.post(_url(name, offered.episode), {**_parts(field, when), **data})
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert f'href="#id_{field}_0"' in page
    assert _state() == before


def test_the_exploitation_questions_error_names_the_field(world, rhi):
    episode = report_and_return(world, pre_planned_indicators=["bag_packed"])
    now = timezone.now()
    rhi.post(
        _url("offer", episode),
        {
            **_parts("offered_at", now - dt.timedelta(hours=3)),
            "offered_by_organisation": world.orgs["rhi"].pk,
            "offered_by_name": "Robin",
            "offer_method": "in_person",
        },
    )
    data = good_complete(world, now - dt.timedelta(hours=1))
    del data["exploitation_indicators"]
    data["exploitation_note"] = ""
    for slug in ("interview", "exploitation", "sharing"):
        section = reverse("interviews:section", args=[episode.pk, slug])
        assert rhi.post(section, {**data, "action": "continue"}).status_code == 302
    before = _state()
    page = rhi.post(reverse("interviews:check", args=[episode.pk])).content.decode()
    section = reverse("interviews:section", args=[episode.pk, "exploitation"])
    assert f'href="{section}?check=1#id_exploitation_indicators"' in page
    assert f'href="{section}?check=1#id_exploitation_note"' in page
    assert "record the exploitation indicators" in page
    assert _state() == before


def test_sharing_is_offered_only_with_the_childs_agencies(world, offered, rhi):
    OrganisationFactory(name="Unrelated School", type="school")
    sharing = reverse("interviews:section", args=[offered.episode.pk, "sharing"])
    page = rhi.get(sharing).content.decode()
    assert world.orgs["school_2"].name in page and world.orgs["force_a"].name in page
    assert "Unrelated School" not in page


@pytest.mark.parametrize("key", ["police_a", "school_2"])
def test_partners_who_only_read_may_not_record(world, offered, client, key):
    client.force_login(world.users[key])
    for name in ("attempt", "decline", "complete"):
        assert client.get(_url(name, offered.episode)).status_code == 403
        assert client.post(_url(name, offered.episode), {}).status_code == 403
    assert ContactAttempt.objects.count() == 0


def test_another_las_cmo_gets_404(world, offered, client):
    client.force_login(world.users["cmo_b"])
    for name in ("detail", "offer", "complete"):
        assert client.get(_url(name, offered.episode)).status_code == 404


def test_the_interview_page_queries_do_not_grow(world, offered, client):
    client.force_login(world.users["cmo_a"])
    url = _url("detail", offered.episode)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    interview_record_attempt(
        interview=offered,
        attempted_at=timezone.now() - dt.timedelta(hours=2),
        method="phone",
        outcome="no_answer",
        actor=world.users["rhi"],
    )
    few = count()
    for minutes in range(10, 100, 10):
        interview_record_attempt(
            interview=offered,
            attempted_at=timezone.now() - dt.timedelta(minutes=minutes),
            method="text",
            outcome="message_left",
            actor=world.users["rhi"],
        )
    offered.shared_with.add(*[OrganisationFactory() for _ in range(5)])
    assert count() == few
    assert few <= 25


def test_factors_indicators_referrals_and_agencies_are_checkboxes(world, offered, rhi):
    page = "".join(
        rhi.get(reverse("interviews:section", args=[offered.episode.pk, slug])).content.decode()
        for slug in SECTION_SLUGS
    )
    for name in (
        "push_factors",
        "pull_factors",
        "exploitation_indicators",
        "referrals",
        "shared_with",
    ):
        assert f'name="{name}" type="checkbox"' in page
    assert 'name="independent" type="radio"' in page
