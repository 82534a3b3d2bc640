"""Choosing a meeting's children by search (name or alias, date of birth, LA child ID, police
person ID, HomeSafe ID) instead of typing IDs: only children the user may see are found or
offered, and the children already known to the meeting's subject (discussed with them at a
meeting, or linked to the same person of concern) are offered first. Plain GET forms with
checkboxes: nothing needs JavaScript."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.concerns.services import person_of_concern_link, person_of_concern_record
from homesafe.meetings.queries import children_known_to, children_search_for_meeting
from homesafe.meetings.services import meeting_create
from homesafe.people.models import ChildAlias

CHOOSE = reverse("meetings:choose_children")


@pytest.fixture
def known(world):
    """a_team1's known children: a_unallocated (discussed with a_team1 at a locality MACE),
    a_team2 and b_only (linked to the same person of concern as a_team1)."""
    c, cmo = world.children, world.users["cmo_a"]
    meeting_create(
        kind="mace_locality",
        local_authority=world.orgs["la_a"],
        chair_name="Pat Chair",
        children=[c["a_team1"], c["a_unallocated"]],
        held_at=timezone.now() - dt.timedelta(days=3),
        actor=cmo,
    )
    person = person_of_concern_record(child=c["a_team1"], actor=cmo, name="Jay Older")
    person_of_concern_link(person=person, child=c["a_team2"], actor=cmo, kind="associate")
    person_of_concern_link(
        person=person, child=c["b_only"], actor=world.users["cmo_b"], kind="associate"
    )
    return c


def test_the_known_children_say_why_and_only_those_the_user_may_see(world, known):
    found = children_known_to(user=world.users["cmo_a"], children=[known["a_team1"]])
    name = known["a_team1"].full_name
    assert {k.child.pk: k.reasons for k in found} == {
        known["a_unallocated"].pk: [f"discussed at a meeting with {name}"],
        known["a_team2"].pk: [f"linked to the same person of concern as {name}"],
    }  # never b_only, a child of LA B
    assert AuditEntry.objects.filter(verb="children.searched", actor=world.users["cmo_a"])
    # sw_1 sees only team 1's children: none of these.
    assert children_known_to(user=world.users["sw_1"], children=[known["a_team1"]]) == []


def test_the_search_finds_only_children_the_user_may_see_known_ones_first(world, known):
    for key in ("a_team1", "a_team2", "a_unallocated", "b_only", "a_team3"):
        known[key].last_name = "Samename"
        known[key].save()
    user = world.users["cmo_a"]
    subject = known["a_team1"]
    offered = children_known_to(user=user, children=[subject])
    found = children_search_for_meeting(user=user, name="Samename", known=offered)
    assert known["b_only"] not in found  # another LA's child is never found
    assert set(found) == {subject, known["a_team2"], known["a_unallocated"], known["a_team3"]}
    assert set(found[:2]) == {known["a_team2"], known["a_unallocated"]}  # known first


@pytest.mark.parametrize(
    ("search", "key"),
    [
        ({"name": "Jojo"}, "a_team2"),  # an alias
        ({"identifier": "la-77"}, "a_team1"),  # the LA child ID, any case
        ({"identifier": "PP-123"}, "a_unallocated"),  # the police person ID
        ({"identifier": "HS-{pk}"}, "a_team3"),  # the HomeSafe ID
    ],
)
def test_the_search_takes_names_aliases_and_ids(world, search, key):
    c = world.children
    ChildAlias.objects.create(child=c["a_team2"], name="Jojo")
    c["a_team1"].la_child_id = "LA-77"
    c["a_team1"].save()
    c["a_unallocated"].police_person_id = "PP-123"
    c["a_unallocated"].save()
    search = {k: v.format(pk=c[key].pk) for k, v in search.items()}
    found = children_search_for_meeting(user=world.users["cmo_a"], **search)
    assert found == [c[key]]


def test_the_page_offers_known_children_first_then_the_search(world, known, client):
    client.force_login(world.users["cmo_a"])
    subject = known["a_team1"]
    page = client.get(CHOOSE, {"child": subject.pk}).content.decode()
    assert f"Children known to {subject.full_name}" in page
    assert known["a_team2"].full_name in page and known["a_unallocated"].full_name in page
    assert known["b_only"].full_name not in page
    assert page.index(known["a_team2"].full_name) < page.index("Search for another child")
    assert 'method="get"' in page and "<script" not in page.split("<main")[1].split("</main>")[0]
    dob = subject.date_of_birth
    page = client.get(
        CHOOSE,
        {
            "child": subject.pk,
            "date_of_birth_0": dob.day,
            "date_of_birth_1": dob.month,
            "date_of_birth_2": dob.year,
        },
    ).content.decode()
    assert "children found" in page or "child found" in page
    assert known["b_only"].full_name not in page


def test_an_empty_search_says_what_to_enter(world, client):
    client.force_login(world.users["cmo_a"])
    page = client.get(CHOOSE, {"name": " ", "identifier": ""}).content.decode()
    assert "There is a problem" not in page  # nothing typed: no search yet
    page = client.get(CHOOSE, {"date_of_birth_0": "31", "date_of_birth_1": "2"}).content.decode()
    assert "There is a problem" in page


def test_continue_brings_the_ticked_children_to_the_meeting_form(world, client):
    client.force_login(world.users["cmo_a"])
    c = world.children
    url = reverse("meetings:new")
    page = client.get(url, {"child": [c["a_team1"].pk, c["a_team2"].pk, c["b_only"].pk]})
    page = page.content.decode()
    assert f'value="{c["a_team1"].pk}" checked' in page
    assert f'value="{c["a_team2"].pk}" checked' in page
    assert c["b_only"].full_name not in page
    assert client.get(url).url == CHOOSE  # no child chosen: choose first


def test_only_those_who_may_record_meetings_choose_children(world, client):
    client.force_login(world.users["police_a"])
    assert client.get(CHOOSE).status_code == 403


def test_each_child_found_says_what_matched_and_whether_missing_now(world, client):
    c = world.children
    ChildAlias.objects.create(child=c["a_team2"], name="Jojo")
    client.force_login(world.users["cmo_a"])
    page = client.get(CHOOSE, {"name": "Jojo"}).content.decode()
    assert "Matched on alias Jojo" in page
    assert "Missing now" in page  # the world's episode of a_team2 is still open
