"""Family and household (issue 16): children linked as brothers, sisters or household members;
two linked children missing at overlapping times appear as one event on each child's story and
on the missing coordinator's screening list; the links' services check their input and audit."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.people.models import ChildRelationship
from homesafe.people.services_family import (
    LINK_EXISTS,
    LINK_SELF,
    children_link,
    children_unlink,
)
from homesafe.safety_plans.family import episodes_missing_together
from tests.safety_plans.conftest import PLAN, episode_reported, world_episode_returned

PLAN_CURFEW = PLAN["curfew"]


@pytest.fixture
def siblings(world):
    """sw_1's two children, a_team1 and a_placed_in_b, linked as brother and sister; each has
    the world's open episode, both last seen six hours ago: missing together."""
    children_link(
        child=world.children["a_team1"],
        other=world.children["a_placed_in_b"],
        kind="sibling",
        actor=world.users["sw_1"],
    )
    return world.children["a_team1"], world.children["a_placed_in_b"]


def test_a_link_is_kept_both_ways_and_audited(world, siblings):
    first, second = siblings
    assert ChildRelationship.objects.get(child=first).other == second
    assert ChildRelationship.objects.get(child=second).other == first
    entries = AuditEntry.objects.filter(verb="child.linked").order_by("id")
    assert [(e.child_id, e.payload) for e in entries] == [
        (first.pk, {"other": second.pk, "kind": "sibling"}),
        (second.pk, {"other": first.pk, "kind": "sibling"}),
    ]
    children_unlink(child=second, other=first, actor=world.users["sw_1"])
    assert not ChildRelationship.objects.exists()


def test_a_child_is_not_linked_to_themselves_or_twice(world, siblings):
    first, second = siblings
    with pytest.raises(ValidationError) as refused:
        children_link(child=first, other=first, kind="sibling", actor=world.users["sw_1"])
    assert refused.value.message_dict == {"other": [LINK_SELF]}
    with pytest.raises(ApplicationError) as refused:
        children_link(child=second, other=first, kind="household", actor=world.users["sw_1"])
    assert refused.value.message == LINK_EXISTS


def test_overlapping_episodes_of_linked_children_are_together(world, siblings):
    first, second = siblings
    together = episodes_missing_together(
        user=world.users["sw_1"], episodes=[world.episodes["a_team1"]]
    )
    [companion] = together[world.episodes["a_team1"].pk]
    assert companion.episode_id == world.episodes["a_placed_in_b"].pk
    assert companion.child_name == second.full_name
    assert companion.relationship == "Brother or sister"


def test_episodes_that_do_not_overlap_are_not_together(world, siblings):
    first, _ = siblings
    world_episode_returned(world, "a_placed_in_b", hours_ago=5)
    world_episode_returned(world, "a_team1", hours_ago=4)
    later = episode_reported(world, first, hours_ago=3, returned_hours_ago=2)
    together = episodes_missing_together(user=world.users["sw_1"], episodes=[later])
    assert together == {}


def test_a_companion_the_user_may_not_see_is_not_named(world, siblings):
    # sw_2 sees neither child; a team-mate who sees only one child sees no companion.
    assert (
        episodes_missing_together(user=world.users["sw_2"], episodes=[world.episodes["a_team1"]])
        == {}
    )


def _story(client, child) -> str:
    page = client.get(reverse("people:story", args=[child.pk]))
    assert page.status_code == 200
    return page.content.decode()


def test_each_childs_story_shows_one_event_naming_the_others_episode(world, client, siblings):
    first, second = siblings
    client.force_login(world.users["sw_1"])
    for child, other in ((first, second), (second, first)):
        html = _story(client, child)
        assert html.count("2 children missing together</strong>") == 1  # one event
        other_episode = world.episodes["a_placed_in_b" if other == second else "a_team1"]
        assert reverse("episodes:detail", args=[other_episode.pk]) in html
        assert f"{other.full_name}</a> (brother or sister), missing " in html
        assert "still missing" in html


def test_the_story_of_episodes_that_do_not_overlap_shows_no_event(world, client, siblings):
    first, _ = siblings
    world_episode_returned(world, "a_placed_in_b", hours_ago=5)
    world_episode_returned(world, "a_team1", hours_ago=4)
    # A later episode of the first child, after the other returned: not together.
    episode_reported(world, first, hours_ago=3, returned_hours_ago=2)
    client.force_login(world.users["sw_1"])
    html = _story(client, first)
    assert html.count("children missing together</strong>") == 1  # the world's pair only


def test_unlinked_children_missing_at_once_are_not_together(world, client):
    client.force_login(world.users["sw_1"])
    html = _story(client, world.children["a_team1"])
    assert "children missing together" not in html
    client.force_login(world.users["cmo_a"])
    assert "children missing together" not in client.get(reverse(LIST)).content.decode()


@pytest.mark.parametrize(
    "user,child",
    [
        ("health", "a_team1"),  # sees a_team1 only
        ("cmo_b", "a_placed_in_b"),  # sees a_placed_in_b (placed in LA B) only
        ("police_a", "a_team1"),  # sees both, but family links are casework
        ("school_1", "a_team1"),
    ],
)
def test_a_sibling_the_user_may_not_see_is_neither_named_nor_counted(
    world, client, siblings, user, child
):
    first, second = siblings
    other = second if child == "a_team1" else first
    client.force_login(world.users[user])
    html = _story(client, world.children[child])
    assert "children missing together" not in html
    assert other.full_name not in html
    assert "other child" not in html


LIST = "daily_screening:list"


def test_the_screening_list_shows_the_siblings_as_one_event(world, client, siblings):
    first, second = siblings
    client.force_login(world.users["cmo_a"])
    page = client.get(reverse(LIST))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("2 children missing together</h3>") == 1  # one group
    group = html[html.index("2 children missing together</h3>") : html.index("</section>")]
    for key in ("a_team1", "a_placed_in_b"):
        episode = world.episodes[key]
        assert f'id="n{episode.pk}-missing"' in group  # each child's card, in the group
        assert f'name="episode" value="{episode.pk}"' in group  # with its own decision
    assert f"{second.full_name}</a> (brother or sister): in this group" in group
    assert f"{first.full_name}</a> (brother or sister): in this group" in group


def test_a_decision_on_one_child_of_the_group_is_that_childs_alone(world, client, siblings):
    from homesafe.daily_screening.models import ScreeningDecision

    client.force_login(world.users["cmo_a"])
    episode = world.episodes["a_placed_in_b"]
    prefix = f"n{episode.pk}-missing"
    response = client.post(
        reverse("daily_screening:decide"),
        {
            "episode": episode.pk,
            "notification": "missing",
            f"{prefix}-decision": "no_further_action",
            f"{prefix}-note": "",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#{prefix}")
    assert list(ScreeningDecision.objects.values_list("episode_id", flat=True)) == [episode.pk]


def test_the_screening_list_of_one_who_sees_one_sibling_shows_no_group(world, client, siblings):
    _, second = siblings
    first = world.children["a_team1"]
    client.force_login(world.users["cmo_b"])  # sees a_placed_in_b, not a_team1
    html = client.get(reverse(LIST)).content.decode()
    assert f'id="n{world.episodes["a_placed_in_b"].pk}-missing"' in html
    assert "missing together" not in html.lower()
    assert first.full_name not in html


def test_groups_join_items_of_one_kind_missing_together():
    from homesafe.safety_plans.family import Companion, missing_together_groups

    def companion(episode_id):
        return Companion(episode_id, episode_id, "", "", None, None)

    # 1-2 and 2-3 together (a family of three, 1 and 3 not linked), 4 alone; 5 is 1's
    # companion but not listed.
    together = {
        1: [companion(2), companion(5)],
        2: [companion(1), companion(3)],
        3: [companion(2)],
    }
    items = [(3, "missing"), (4, "missing"), (1, "missing"), (2, "found"), (2, "missing")]
    groups = missing_together_groups(
        items, together=together, episode_id=lambda i: i[0], kind=lambda i: i[1]
    )
    assert groups == [
        [(3, "missing"), (1, "missing"), (2, "missing")],
        [(4, "missing")],
        [(2, "found")],
    ]


def test_the_link_page_finds_the_other_child_by_la_child_id(world, client):
    first, other = world.children["a_team1"], world.children["a_placed_in_b"]
    other.la_child_id = "LA-42"
    other.save(update_fields=["la_child_id"])
    client.force_login(world.users["sw_1"])
    url = reverse("people:link_new", args=[first.pk])
    refused = client.post(url, {"other": "LA-99", "kind": "sibling"})
    assert refused.status_code == 400
    assert not ChildRelationship.objects.exists()
    assert client.post(url, {"other": "la-42", "kind": "household"}).status_code == 302
    assert ChildRelationship.objects.get(child=first).kind == "household"
    # A team-mate reads the child but may not change it: no link page.
    client.force_login(world.users["sw_1b"])
    assert client.get(url).status_code == 403


def test_merging_two_records_of_one_child_keeps_the_plan_and_links_whole(world, siblings):
    """The merge (intake.services_merge) moves the new rows: plan versions renumbered in the
    order saved, a link between the two records dropped (no child is their own sibling)."""
    from homesafe.intake.services_merge import child_merge
    from homesafe.safety_plans.models import SafetyPlanVersion
    from tests.safety_plans.conftest import plan_save

    kept, merged = siblings
    third = world.children["a_team2"]
    children_link(child=merged, other=third, kind="household", actor=world.users["cmo_a"])
    plan_save(world, kept)
    plan_save(world, merged, curfew="20:00")
    child_merge(kept=kept, merged=merged, reason="Same child", actor=world.users["cmo_a"])
    assert list(
        SafetyPlanVersion.objects.filter(child=kept).order_by("number").values_list("curfew")
    ) == [(PLAN_CURFEW,), ("20:00",)]
    assert set(ChildRelationship.objects.values_list("child_id", "other_id")) == {
        (kept.pk, third.pk),
        (third.pk, kept.pk),
    }


def test_the_story_shows_the_familys_missing_history(world, client, siblings):
    first, second = siblings
    world_episode_returned(world, "a_placed_in_b", hours_ago=5)
    episode_reported(world, second, hours_ago=3, returned_hours_ago=2)
    client.force_login(world.users["sw_1"])
    html = client.get(reverse("people:story", args=[first.pk])).content.decode()
    assert "Family and household" in html
    assert f"{second.full_name}</a> (brother or sister): 2 episodes, last missing" in html
    # The police see the child but not the casework: no family history.
    client.force_login(world.users["police_a"])
    html = client.get(reverse("people:story", args=[first.pk])).content.decode()
    assert "Family and household" not in html


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_groups_and_events_cost_no_query_per_family(world, client, siblings):
    from tests.factories import ChildFactory

    client.force_login(world.users["cmo_a"])
    first, _ = siblings
    screening, story = reverse(LIST), reverse("people:story", args=[first.pk])
    _count_queries(client, screening)
    few = (_count_queries(client, screening), _count_queries(client, story))
    for _ in range(3):  # six more children linked and missing now: the group and event grow
        pair = [
            ChildFactory(
                responsible_la=world.orgs["la_a"], allocated_social_worker=world.users["sw_1"]
            )
            for _ in range(2)
        ]
        children_link(child=pair[0], other=pair[1], kind="household", actor=world.users["cmo_a"])
        children_link(child=first, other=pair[0], kind="household", actor=world.users["cmo_a"])
        for child in pair:
            episode_reported(world, child, hours_ago=5, returned_hours_ago=None)
    html = client.get(screening).content.decode()
    assert "8 children missing together</h3>" in html
    assert (_count_queries(client, screening), _count_queries(client, story)) == few


def test_one_childs_two_episodes_during_a_siblings_one_count_two_children(world, client, siblings):
    """The sister was missing for a day; her brother went missing twice in it: the sister's
    story names both his episodes as one event of two children, and the list groups all three
    notifications as two children."""
    first, second = siblings
    world.episodes["a_team1"].delete()  # the brother's world episode: replaced by two
    world.episodes["a_placed_in_b"].last_seen_at = timezone.now() - dt.timedelta(hours=20)
    world.episodes["a_placed_in_b"].save(update_fields=["last_seen_at"])
    episode_reported(world, first, hours_ago=10, returned_hours_ago=8)
    episode_reported(world, first, hours_ago=5, returned_hours_ago=4)
    client.force_login(world.users["cmo_a"])
    html = _story(client, second)
    assert html.count("2 children missing together</strong>") == 1
    assert html.count(f"{first.full_name}</a> (brother or sister), missing ") == 2
    listed = client.get(reverse(LIST)).content.decode()
    assert "2 children missing together</h3>" in listed
    assert "3 children missing together" not in listed
