"""Networks: children linked through shared persons and places of concern, named for those who
may see the children, counted (small counts suppressed) for the analyst, audited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.concerns.models import LocationLink, PersonLink
from homesafe.concerns.services import (
    location_of_concern_record,
    person_of_concern_link,
    person_of_concern_record,
)
from homesafe.insight.networks import networks_for_user
from homesafe.people.queries import children_counted_for, children_visible_to
from tests.factories import EpisodeFactory


def _children(network) -> set[str]:
    return {c.child.full_name for c in network.children}


@pytest.fixture
def linked(world):
    """Dee links a_team1 and a_team2 (and, in LA B, b_only); one address recorded twice links
    a_team3 and a_unallocated; Solo is linked to one child only; Old linked a_team1 and a_team3
    eighteen months ago."""
    c, police = world.children, world.users["police_a"]
    dee = person_of_concern_record(
        child=c["a_team1"], actor=police, name="Dee Harbourer", link_kind="associate"
    )
    person_of_concern_link(person=dee, child=c["a_team2"], actor=police, kind="found_with")
    person_of_concern_link(
        person=dee, child=c["b_only"], actor=world.users["police_b"], kind="associate"
    )
    for key in ("a_team3", "a_unallocated"):
        location_of_concern_record(
            child=c[key],
            actor=police,
            description="Flat",
            address="12, High Street",
            postcode="NG1 1AA",
        )
    person_of_concern_record(child=c["a_placed_in_b"], actor=police, name="Solo Person")
    old = person_of_concern_record(child=c["a_team1"], actor=police, name="Old Contact")
    person_of_concern_link(person=old, child=c["a_team3"], actor=police, kind="associate")
    long_ago = timezone.now() - dt.timedelta(days=540)
    PersonLink.objects.filter(person=old).update(created_at=long_ago)
    return world


def test_children_sharing_a_person_or_a_place_form_a_network(linked):
    c = linked.children
    report = networks_for_user(user=linked.users["cmo_a"], months=12, now=timezone.now())
    assert report.named
    found = [_children(n) for n in report.networks]
    assert sorted(found, key=sorted) == sorted(
        [
            {c["a_team1"].full_name, c["a_team2"].full_name},
            {c["a_team3"].full_name, c["a_unallocated"].full_name},
        ],
        key=sorted,
    )
    by_place = next(n for n in report.networks if n.places)
    # Two records of one address are one place.
    assert by_place.places_count == 1 and len(LocationLink.objects.all()) == 2
    by_person = next(n for n in report.networks if n.persons)
    assert [p.person.name for p in by_person.persons] == ["Dee Harbourer"]
    # b_only is linked to Dee too, but LA A's coordinator may not see that child.
    assert by_person.children_count == 2


def test_older_links_join_networks_when_the_period_reaches_them(linked):
    c = linked.children
    report = networks_for_user(user=linked.users["cmo_a"], months=24, now=timezone.now())
    assert [_children(n) for n in report.networks] == [
        {c[k].full_name for k in ("a_team1", "a_team2", "a_team3", "a_unallocated")}
    ]
    assert report.networks[0].persons_count == 2 and report.networks[0].places_count == 1


def test_one_child_with_their_own_associates_is_not_a_network(linked):
    report = networks_for_user(user=linked.users["cmo_b"], months=12, now=timezone.now())
    assert report.networks == []  # b_only alone with Dee; a_placed_in_b alone with Solo


def test_episodes_in_the_period_are_counted_per_child(linked):
    c = linked.children
    now = timezone.now()
    EpisodeFactory(child=c["a_team2"], reported_at=now - dt.timedelta(days=10))
    EpisodeFactory(child=c["a_team2"], reported_at=now - dt.timedelta(days=400))
    before = {
        nc.child.pk: nc.episodes
        for n in networks_for_user(user=linked.users["cmo_a"], months=12, now=now).networks
        for nc in n.children
    }
    assert before[c["a_team2"].pk] >= 1
    report = networks_for_user(user=linked.users["cmo_a"], months=24, now=now)
    after = {nc.child.pk: nc.episodes for n in report.networks for nc in n.children}
    assert after[c["a_team2"].pk] == before[c["a_team2"].pk] + 1


def test_viewing_networks_is_audited_with_the_children_named(linked):
    networks_for_user(user=linked.users["cmo_a"], months=12, now=timezone.now())
    entry = AuditEntry.objects.filter(verb=AuditVerb.NETWORKS_VIEWED).get()
    assert entry.actor_id == linked.users["cmo_a"].pk
    named = set(entry.payload["named_child_ids"])
    c = linked.children
    assert named == {c[k].pk for k in ("a_team1", "a_team2", "a_team3", "a_unallocated")}


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("cmo_a", 200),
        ("police_a", 200),
        ("tm_1", 200),
        ("sl_a", 200),
        ("analyst", 200),
        ("sw_1", 403),
        ("school_1", 403),
        ("health", 403),
        ("rhi", 403),
        ("auditor", 403),
        ("admin", 403),
    ],
)
def test_who_may_open_the_networks_page(linked, client, user, status):
    client.force_login(linked.users[user])
    assert client.get(reverse("insight:networks")).status_code == status


def test_the_page_names_children_for_the_coordinator(linked, client):
    client.force_login(linked.users["cmo_a"])
    page = client.get(reverse("insight:networks")).text
    c = linked.children
    assert c["a_team1"].full_name in page and "Dee Harbourer" in page
    assert reverse("people:child", args=[c["a_team1"].pk]) in page
    assert "<svg" in page and "12 High Street" not in page  # the address as recorded
    assert "12, High Street" in page


def test_the_analyst_sees_sizes_never_names_and_small_counts_suppressed(linked, client):
    client.force_login(linked.users["analyst"])
    page = client.get(reverse("insight:networks")).text
    for child in linked.children.values():
        assert child.full_name not in page
    assert "Dee Harbourer" not in page and "High Street" not in page
    assert "Network 1" in page and "&lt;5" in page
    report = networks_for_user(user=linked.users["analyst"], months=12, now=timezone.now())
    assert not report.named and len(report.networks) == 2
    assert all(n.children == [] and n.drawing is None for n in report.networks)


def test_a_bad_period_names_the_field(linked, client):
    client.force_login(linked.users["cmo_a"])
    response = client.get(reverse("insight:networks"), {"months": "7"})
    assert response.status_code == 400
    assert 'href="#id_months"' in response.text and "Choose 3, 6, 12 or 24 months" in response.text


def test_the_analyst_counts_their_las_children_without_seeing_them(world):
    """counted_scope: an analyst in LA A counts LA A's children and those placed in its area,
    though they may open none of them; other roles count what they may see."""
    analyst = world.users["analyst"]
    assert not children_visible_to(user=analyst).exists()
    counted = {c.pk for c in children_counted_for(user=analyst)}
    a_keys = ("a_team1", "a_team2", "a_team3", "a_unallocated", "a_placed_in_b", "b_hosted_in_a")
    assert counted == {world.children[k].pk for k in a_keys}
    sw = world.users["sw_1"]
    assert set(children_counted_for(user=sw)) == set(children_visible_to(user=sw))
