"""Who sees and records the search, by role (the 19-user world): the predicates and the
querysets agree, and the pages answer 404 for an episode the user may not see."""

import pytest
from django.urls import reverse

from homesafe.locate.policy import (
    can_plan_locate,
    can_record_safe_and_well,
    can_record_sighting,
)

# That the search is seen with its episode (predicates and querysets equal, every user) is
# tests/access/test_policy.py::test_the_search_follows_its_child.


# Who records a sighting or lead, among the children each may see: every agency working
# with the child (a team-mate's, a school's, health's), never an auditor or an analyst.
SIGHTERS = {
    "cmo_a": {"a_team1", "a_team2", "a_team3", "a_unallocated", "a_placed_in_b", "b_hosted_in_a"},
    "sw_1b": {"a_team1", "a_placed_in_b"},
    "school_1": {"a_team1"},
    "health": {"a_team1"},
    "rhi": {"a_team2"},
    "auditor": set(),
    "analyst": set(),
    "police_b": {"a_placed_in_b", "b_hosted_in_a", "b_reported_to_force_a", "b_only"},
}
# Who plans the search (actions, publicity, Missing People) and records Safe and Well.
PLANNERS = {
    "sw_1": {"a_team1", "a_placed_in_b"},
    "sw_1b": set(),
    "school_1": set(),
    "police_a": {
        "a_team1",
        "a_team2",
        "a_team3",
        "a_unallocated",
        "a_placed_in_b",
        "b_hosted_in_a",
        "b_reported_to_force_a",
    },
}


@pytest.mark.parametrize("user_key", sorted(SIGHTERS))
def test_who_records_sightings(world, user_key):
    user = world.users[user_key]
    for key, child in world.children.items():
        assert can_record_sighting(user, child) == (key in SIGHTERS[user_key]), key


@pytest.mark.parametrize("user_key", sorted(PLANNERS))
def test_who_plans_the_search(world, user_key):
    user = world.users[user_key]
    for key, child in world.children.items():
        allowed = key in PLANNERS[user_key]
        assert can_plan_locate(user, child) == allowed, key
        assert can_record_safe_and_well(user, child) == allowed, key


@pytest.mark.parametrize("user_key", ["cmo_b", "school_2", "sw_2"])
def test_pages_of_an_unseen_episode_answer_404(world, client, user_key):
    client.force_login(world.users[user_key])
    episode = world.episodes["a_team1"]
    for name in ("locate:sighting_new", "locate:action_new", "locate:publicity_new"):
        assert client.get(reverse(name, args=[episode.pk])).status_code == 404, name
