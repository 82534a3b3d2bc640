"""The access policy: every role sees exactly what DESIGN.md's table says, the predicates and
the querysets agree, and pages answer 404 (never 403) for a child the user may not see."""

import pytest
from django.urls import reverse

from homesafe.access.policy import (
    can_record_episode,
    can_record_safety_plan,
    can_view_casework,
    can_view_child,
    can_view_safety_plan,
)
from homesafe.episodes.queries import episodes_visible_to
from homesafe.people.queries import children_visible_to
from homesafe.safety_plans.queries import safety_plans_visible_to
from homesafe.safety_plans.services import safety_plan_save

USERS = [
    "cmo_a",
    "cmo_b",
    "sw_1",
    "sw_1b",
    "sw_2",
    "sw_3",
    "tm_1",
    "sm_cic",
    "sl_a",
    "police_a",
    "police_b",
    "rhi",
    "school_1",
    "school_2",
    "health",
    "analyst",
    "auditor",
    "admin",
    "inactive_cmo",
]


def _keys(world, children):
    by_pk = {child.pk: key for key, child in world.children.items()}
    return {by_pk[c.pk] for c in children}


@pytest.mark.parametrize("user_key", USERS)
def test_queryset_matches_the_table(world, user_key):
    user = world.users[user_key]
    assert _keys(world, children_visible_to(user=user)) == world.expected[user_key]


@pytest.mark.parametrize("user_key", USERS)
def test_predicate_agrees_with_queryset_for_every_child(world, user_key):
    user = world.users[user_key]
    visible = set(children_visible_to(user=user).values_list("pk", flat=True))
    for key, child in world.children.items():
        assert can_view_child(user, child) == (child.pk in visible), key


@pytest.mark.parametrize("user_key", USERS)
def test_episodes_follow_their_child(world, user_key):
    user = world.users[user_key]
    seen = {e.child_id for e in episodes_visible_to(user=user)}
    expected = {world.children[k].pk for k in world.expected[user_key]}
    assert seen == expected


@pytest.mark.parametrize("user_key", USERS)
def test_the_search_follows_its_child(world, user_key):
    """Sightings, the locate plan and publicity (homesafe.locate) are seen with their episode:
    the querysets select exactly the children of the table, and the predicate agrees."""
    import datetime as dt

    from django.utils import timezone

    from homesafe.locate import services as locate
    from homesafe.locate.policy import can_view_locate
    from homesafe.locate.queries import (
        locate_actions_visible_to,
        publicity_visible_to,
        sightings_visible_to,
    )

    police = {"b_only": world.users["police_b"]}
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    for key, episode in world.episodes.items():
        actor = police.get(key, world.users["police_a"])
        locate.sighting_record(episode=episode, actor=actor, seen_at=an_hour_ago, source="police")
        locate.locate_action_add(
            episode=episode,
            actor=actor,
            kind="phone_check",
            description="Ring the phone",
            owner_organisation=actor.organisation,
        )
        locate.publicity_record(
            episode=episode,
            actor=actor,
            decided_at=an_hour_ago,
            decision="not_approved",
            reasons="Low risk",
        )
    user = world.users[user_key]
    expected = {world.children[k].pk for k in world.expected[user_key]}
    for queryset in (
        sightings_visible_to(user=user),
        locate_actions_visible_to(user=user),
        publicity_visible_to(user=user),
    ):
        assert {row.child_id for row in queryset} == expected
    for key, child in world.children.items():
        assert can_view_locate(user, child) == (child.pk in expected), key


@pytest.mark.parametrize("user_key", [u for u in USERS if u != "inactive_cmo"])
def test_child_and_episode_pages_answer_200_or_404(world, client, user_key):
    user = world.users[user_key]
    client.force_login(user)
    for key, child in world.children.items():
        expected = 200 if key in world.expected[user_key] else 404
        response = client.get(reverse("people:child", args=[child.pk]))
        assert response.status_code == expected, f"child page {key}"
        episode = world.episodes[key]
        response = client.get(reverse("episodes:detail", args=[episode.pk]))
        assert response.status_code == expected, f"episode page {key}"


@pytest.mark.parametrize("user_key", [u for u in USERS if u != "inactive_cmo"])
def test_search_only_finds_visible_children(world, client, user_key):
    client.force_login(world.users[user_key])
    response = client.get(reverse("people:search"), {"name": "Kid"})
    assert response.status_code == 200
    for key, child in world.children.items():
        link = f'href="{reverse("people:child", args=[child.pk])}"'.encode()
        assert (link in response.content) == (key in world.expected[user_key]), key


def test_another_las_user_gets_404_not_403(world, client):
    client.force_login(world.users["cmo_b"])
    child = world.children["a_team1"]
    assert client.get(reverse("people:child", args=[child.pk])).status_code == 404
    assert client.get(reverse("episodes:new", args=[child.pk])).status_code == 404
    episode = world.episodes["a_team1"]
    assert client.get(reverse("episodes:return", args=[episode.pk])).status_code == 404


def test_another_schools_lead_gets_404(world, client):
    client.force_login(world.users["school_2"])
    child = world.children["a_team1"]
    assert client.get(reverse("people:child", args=[child.pk])).status_code == 404


# Who may report an episode or record a return, among those who can see the child.
RECORDERS = {
    "cmo_a": {"a_team1", "a_team2", "a_team3", "a_unallocated", "a_placed_in_b", "b_hosted_in_a"},
    "sw_1": {"a_team1", "a_placed_in_b"},
    "sw_1b": set(),  # a team-mate's children are read-only
    "tm_1": {"a_team1", "a_placed_in_b"},
    "police_a": {
        "a_team1",
        "a_team2",
        "a_team3",
        "a_unallocated",
        "a_placed_in_b",
        "b_hosted_in_a",
        "b_reported_to_force_a",
    },
    "school_1": set(),
    "health": set(),
    "rhi": set(),
    "auditor": set(),
}


@pytest.mark.parametrize("user_key", sorted(RECORDERS))
def test_who_may_record_episodes(world, client, user_key):
    user = world.users[user_key]
    client.force_login(user)
    for key, child in world.children.items():
        allowed = key in RECORDERS[user_key]
        assert can_record_episode(user, child) == allowed, key
        status = client.get(reverse("episodes:new", args=[child.pk])).status_code
        if key not in world.expected[user_key]:
            assert status == 404, key
        else:
            assert status == (200 if allowed else 403), key


@pytest.mark.parametrize(
    ("user_key", "child_key", "casework"),
    [
        ("cmo_a", "a_team1", True),
        ("health", "a_team1", True),
        ("rhi", "a_team2", True),
        ("auditor", "a_unallocated", True),
        ("police_a", "a_team1", False),
        ("school_1", "a_team1", False),
    ],
)
def test_police_and_schools_see_identity_and_episodes_not_casework(
    world, client, user_key, child_key, casework
):
    user, child = world.users[user_key], world.children[child_key]
    assert can_view_casework(user, child) is casework
    client.force_login(user)
    response = client.get(reverse("people:child", args=[child.pk]))
    assert response.status_code == 200
    assert (b"Professional network" in response.content) is casework
    assert b"Missing and away episodes" in response.content


def test_signed_out_visitor_is_sent_to_sign_in(world, client):
    child = world.children["a_team1"]
    response = client.get(reverse("people:child", args=[child.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# Who sees a child's safety plan (issue 16): the casework roles who see the child, and the police
# coordinators who see the child; never schools, analysts or administrators.


@pytest.mark.parametrize("user_key", USERS)
def test_safety_plan_predicate_agrees_with_queryset_for_every_child(world, user_key):
    """can_view_safety_plan and safety_plans_visible_to hold the same rule for every child."""
    planner = world.users["cmo_a"]
    for key in world.children:
        child = world.children[key]
        actor = planner if key.startswith("a_") or key == "b_hosted_in_a" else world.users["cmo_b"]
        safety_plan_save(
            child=child,
            actor=actor,
            indicators=[],
            method="scored",
            risks="Risks",
            who_does_what="Carer: calls 101",
        )
    user = world.users[user_key]
    visible = set(safety_plans_visible_to(user=user).values_list("child_id", flat=True))
    expected = set()
    for key, child in world.children.items():
        allowed = can_view_safety_plan(user, child)
        assert allowed == (child.pk in visible), key
        if allowed:
            expected.add(key)
        # Only those who may change the child record a plan, and they may always see it.
        if can_record_safety_plan(user, child):
            assert allowed, key
    seen = world.expected[user_key]
    if user_key.startswith("police"):
        assert expected == seen
    elif user_key in ("school_1", "school_2", "analyst", "admin", "inactive_cmo"):
        assert expected == set()
    else:
        assert expected == {k for k in seen if can_view_casework(user, world.children[k])}
