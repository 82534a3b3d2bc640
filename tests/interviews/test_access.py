"""Who sees what of a return home interview (DESIGN.md): the interview itself with the child;
the confidential record for the LA's case roles, the RHI service holding the open referral,
health when shared with them and auditors with a grant; only the shareable summary for police
and schools, and only when shared with consent or a safeguarding override. Checked on the
predicates and on the page, for every user of the world."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry, CaseAccessGrant
from homesafe.interviews.policy import (
    can_record_interview,
    can_view_interview,
    can_view_rhi_content,
    can_view_rhi_summary,
)
from homesafe.interviews.services import interview_complete
from homesafe.people.choices import NetworkRole
from tests.factories import NetworkMemberFactory
from tests.interviews.helpers import content
from tests.snapshots import built_once

WORDS = "I just wanted to see my mates."
SUMMARY = "Went to friends; concerns about older associates."
FACTOR = "Older boyfriend or girlfriend"

# user -> (sees the interview, sees the confidential record, sees the summary, may record),
# for child a_team2's interview, shared with Force A and school 2 with the child's consent.
SHARED = {
    "cmo_a": (True, True, True, True),
    "cmo_b": (False, False, False, False),
    "sw_1": (False, False, False, False),
    "sw_1b": (False, False, False, False),
    "sw_2": (True, True, True, True),
    "sw_3": (False, False, False, False),
    "tm_1": (False, False, False, False),
    "sm_cic": (True, True, True, True),
    "sl_a": (True, True, True, True),
    "police_a": (True, False, True, False),
    "police_b": (False, False, False, False),
    "rhi": (True, True, True, True),
    "school_1": (False, False, False, False),
    "school_2": (True, False, True, False),
    "health": (False, False, False, False),
    "analyst": (False, False, False, False),
    "auditor": (False, False, False, False),
    "admin": (False, False, False, False),
    "inactive_cmo": (False, False, False, False),
}
# The same interview with no consent, no override and shared with nobody: police and the
# school still see that an interview happened, but no summary.
NOT_SHARED = {
    **SHARED,
    "police_a": (True, False, False, False),
    "school_2": (True, False, False, False),
}


@pytest.fixture
def completed(request, world, offered):
    return built_once(
        request,
        "interviews-completed",
        lambda: interview_complete(interview=offered, actor=world.users["rhi"], **content(world)),
    )


@pytest.fixture
def unshared(request, world, offered):
    return built_once(
        request,
        "interviews-unshared",
        lambda: interview_complete(
            interview=offered,
            actor=world.users["rhi"],
            **content(world, consent_to_share="no", shared_with=[], shareable_summary=SUMMARY),
        ),
    )


def _page(client, user, interview):
    client.force_login(user)
    return client.get(reverse("interviews:detail", args=[interview.episode_id]))


@pytest.mark.parametrize("key", sorted(SHARED))
def test_predicates_when_shared(world, completed, key):
    user = world.users[key]
    got = (
        can_view_interview(user, completed),
        can_view_rhi_content(user, completed),
        can_view_rhi_summary(user, completed),
        can_record_interview(user, completed.child),
    )
    assert got == SHARED[key]


@pytest.mark.parametrize("key", sorted(NOT_SHARED))
def test_predicates_when_not_shared(world, unshared, key):
    user = world.users[key]
    got = (
        can_view_interview(user, unshared),
        can_view_rhi_content(user, unshared),
        can_view_rhi_summary(user, unshared),
        can_record_interview(user, unshared.child),
    )
    assert got == NOT_SHARED[key]


@pytest.mark.parametrize("key", sorted(k for k in SHARED if k != "inactive_cmo"))
def test_the_page_shows_each_user_what_the_predicates_allow(world, completed, client, key):
    sees, sees_content, sees_summary, may_record = SHARED[key]
    response = _page(client, world.users[key], completed)
    if not sees:
        assert response.status_code == 404  # "not yours" looks like "does not exist"
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert (WORDS in page) is sees_content
    assert (FACTOR in page) is sees_content
    assert ("Snapchat" in page) is sees_content
    assert (SUMMARY in page) is sees_summary
    assert "Completed" in page
    entry = AuditEntry.objects.filter(actor=world.users[key], verb="interview.viewed").first()
    assert (entry is not None) is (sees_content or sees_summary)
    if entry:
        assert entry.payload == {"content": sees_content, "summary": sees_summary}


def test_police_and_school_see_nothing_of_the_content_without_consent(world, unshared, client):
    for key in ("police_a", "school_2"):
        page = _page(client, world.users[key], unshared).content.decode()
        assert WORDS not in page and SUMMARY not in page and FACTOR not in page
        assert "No summary has been shared with your organisation" in page


def test_health_sees_the_record_only_when_shared_with_them(world, offered, client):
    child = offered.child
    NetworkMemberFactory(child=child, organisation=world.orgs["health"], role=NetworkRole.HEALTH)
    health = world.users["health"]
    interview = interview_complete(interview=offered, actor=world.users["rhi"], **content(world))
    assert can_view_interview(health, interview) and not can_view_rhi_content(health, interview)
    page = _page(client, health, interview).content.decode()
    assert WORDS not in page and SUMMARY not in page
    interview.shared_with.add(world.orgs["health"])
    interview = type(interview).objects.get(pk=interview.pk)
    assert can_view_rhi_content(health, interview)
    assert WORDS in _page(client, health, interview).content.decode()


def test_an_auditor_with_a_grant_sees_the_record(world, completed, client):
    auditor = world.users["auditor"]
    assert not can_view_interview(auditor, completed)
    now = timezone.now()
    CaseAccessGrant.objects.create(
        user=auditor,
        child=completed.child,
        reason="Audit",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=7),
    )
    assert can_view_rhi_content(auditor, completed)
    assert not can_record_interview(auditor, completed.child)
    assert WORDS in _page(client, auditor, completed).content.decode()


def test_the_rhi_service_loses_the_child_when_the_referral_ends(world, completed, client):
    rhi = world.users["rhi"]
    completed.child.network.filter(role=NetworkRole.RHI_REFERRAL).update(
        ended_on=timezone.localdate()
    )
    assert not can_view_interview(rhi, completed)
    assert not can_record_interview(rhi, completed.child)
    assert _page(client, rhi, completed).status_code == 404
    client.force_login(rhi)
    url = reverse("interviews:attempt", args=[completed.episode_id])
    assert client.get(url).status_code == 404


def test_an_rhi_worker_in_the_network_without_a_referral_cannot_see_the_content(world, completed):
    rhi = world.users["rhi"]
    completed.child.network.filter(role=NetworkRole.RHI_REFERRAL).update(role=NetworkRole.OTHER)
    assert can_view_interview(rhi, completed)
    assert not can_view_rhi_content(rhi, completed)
    assert not can_record_interview(rhi, completed.child)
