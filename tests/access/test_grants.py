"""A case-access grant opens a child's casework from its start until its end, never before
(issue 12, point 5): the predicate, the casework queryset and the child's page agree."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import CaseAccessGrant
from homesafe.access.policy import can_view_casework
from homesafe.people.queries import children_with_casework_visible_to


def _casework(user, child, client) -> tuple[bool, bool, bool]:
    """What the predicate, the queryset and the child's page each say."""
    client.force_login(user)
    page = client.get(reverse("people:child", args=[child.pk]))
    assert page.status_code == 200
    return (
        can_view_casework(user, child),
        children_with_casework_visible_to(user=user).filter(pk=child.pk).exists(),
        b"Professional network" in page.content,
    )


@pytest.mark.parametrize(
    ("starts_in_days", "ends_in_days", "opens"),
    [
        (1, 30, False),  # not started: the hole the probe found
        (-1, 30, True),  # started, not ended
        (-30, -1, False),  # ended
    ],
)
def test_a_grant_opens_casework_only_between_its_start_and_end(
    world, client, starts_in_days, ends_in_days, opens
):
    police, child = world.users["police_a"], world.children["a_team1"]
    assert _casework(police, child, client) == (False, False, False)  # identity only
    now = timezone.now()
    CaseAccessGrant.objects.create(
        user=police,
        child=child,
        reason="Joint investigation",
        starts_at=now + dt.timedelta(days=starts_in_days),
        ends_at=now + dt.timedelta(days=ends_in_days),
    )
    assert _casework(police, child, client) == (opens, opens, opens)


def test_a_grant_that_has_not_started_opens_casework_when_it_starts(world, client):
    police, child = world.users["police_a"], world.children["a_team1"]
    starts = timezone.now() + dt.timedelta(days=2)
    CaseAccessGrant.objects.create(
        user=police,
        child=child,
        reason="Joint investigation",
        starts_at=starts,
        ends_at=starts + dt.timedelta(days=7),
    )
    assert _casework(police, child, client) == (False, False, False)
    with time_machine.travel(starts + dt.timedelta(minutes=1)):
        assert _casework(police, child, client) == (True, True, True)


@pytest.mark.parametrize("user_key", ["cmo_a", "police_a", "school_1", "health", "auditor"])
def test_casework_queryset_agrees_with_the_predicate_for_every_child(world, user_key):
    user = world.users[user_key]
    with_casework = set(children_with_casework_visible_to(user=user).values_list("pk", flat=True))
    for key, child in world.children.items():
        assert can_view_casework(user, child) == (child.pk in with_casework), key


def test_a_professional_named_in_the_network_sees_that_child_while_involved(world):
    """The child's IRO is told of an episode (a notice): they may open the child's record, and
    only while the involvement is open."""
    import datetime as dt

    from homesafe.access.policy import can_view_child
    from homesafe.people.queries import children_visible_to
    from tests.factories import NetworkMemberFactory, UserFactory

    child = world.children["a_team3"]
    iro = UserFactory(organisation=world.orgs["la_a"], roles=["social_worker"])
    assert not can_view_child(iro, child)
    member = NetworkMemberFactory(
        child=child, organisation=world.orgs["la_a"], role="iro", user=iro
    )
    assert can_view_child(iro, child)
    assert list(children_visible_to(user=iro)) == [child]
    member.ended_on = member.started_on + dt.timedelta(days=1)
    member.save()
    assert not can_view_child(iro, child)
    assert not children_visible_to(user=iro).exists()
