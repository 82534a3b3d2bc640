"""Issue 12 point 7: every page or API answer that shows children names them (ids) in its one
audit entry, so "who has seen this child" has an answer (audit_entries_naming_child); the
entry is one INSERT whatever the number of children, and the pages' queries do not grow."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homesafe.access.audit import ClientActor, audit_entries_naming_child
from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.duties.models import Duty, ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.services import episode_report
from homesafe.intake.choices import ImportStatus
from homesafe.intake.imports import REPORT_HEADER, police_download_import
from homesafe.intake.models import IdentityReview, PoliceImport
from tests.factories import ChildFactory
from tests.intake.helpers import csv_bytes, row_for


@pytest.fixture
def protocol(db):
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=60))


def _child_reported(world, **extra):
    """A child of LA A allocated to sw_1, reported missing two hours ago (duties planned)."""
    child = ChildFactory(
        responsible_la=world.orgs["la_a"],
        allocated_social_worker=world.users["sw_1"],
        school=world.orgs["school_1"],
        **extra,
    )
    now = timezone.now()
    episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=now - dt.timedelta(hours=3),
        reported_at=now - dt.timedelta(hours=2),
        reported_by="parent",
        risk="medium",
    )
    return child


def _entry(client, url, verb, **params):
    before = AuditEntry.objects.filter(verb=verb).count()
    response = client.get(url, params)
    assert response.status_code == 200, url
    entries = AuditEntry.objects.filter(verb=verb)
    assert entries.count() == before + 1, url  # one entry per page or answer
    return entries.latest("id")


@pytest.mark.parametrize(
    ("user", "url", "params", "verb"),
    [
        ("sw_1", "web:home", {}, AuditVerb.WORK_VIEWED),
        ("tm_1", "web:home", {"view": "team"}, AuditVerb.TEAM_WORK_VIEWED),
        ("tm_1", "duties:overdue", {}, AuditVerb.OVERDUE_VIEWED),
        ("cmo_a", "daily_screening:list", {}, AuditVerb.DAILY_SCREENING_VIEWED),
        ("cmo_a", "people:search", {"name": "Zanzibar"}, AuditVerb.CHILDREN_SEARCHED),
    ],
)
def test_pages_showing_children_name_them(world, protocol, client, user, url, params, verb):
    child = _child_reported(world, first_name="Zanzibar")
    Duty.objects.filter(child=child).update(due_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(world.users[user])
    entry = _entry(client, reverse(url), verb, **params)
    assert child.pk in entry.payload["children"]
    assert entry.actor == world.users[user]
    assert audit_entries_naming_child(child_id=child.pk).filter(pk=entry.pk).exists()
    hidden = world.children["b_only"]  # another LA's child is never named
    assert hidden.pk not in entry.payload["children"]


def test_who_has_seen_this_child(world, protocol, client):
    child = _child_reported(world, first_name="Zanzibar")
    other = world.children["a_team2"]
    for user in ("sw_1", "cmo_a"):
        client.force_login(world.users[user])
        client.get(reverse("web:home"))
    client.get(reverse("people:search"), {"name": "Zanzibar"})
    client.get(reverse("people:child", args=[child.pk]))
    seen = audit_entries_naming_child(child_id=child.pk)
    readers = {(e.actor.username, e.verb) for e in seen if e.verb.endswith("viewed")}
    assert (world.users["sw_1"].username, AuditVerb.WORK_VIEWED) in readers  # allocated
    assert (world.users["cmo_a"].username, AuditVerb.CHILD_VIEWED) in readers
    assert seen.filter(verb=AuditVerb.CHILDREN_SEARCHED, actor=world.users["cmo_a"]).exists()
    assert (
        not audit_entries_naming_child(child_id=other.pk)
        .filter(verb=AuditVerb.CHILDREN_SEARCHED)
        .exists()
    )


def test_api_lists_name_the_children_of_the_answer(world, client):
    client.force_login(world.users["cmo_a"])
    url = reverse("api:children")
    answer = client.get(url, {"limit": 2}).json()["results"]
    entry = AuditEntry.objects.filter(verb=AuditVerb.CHILDREN_SEARCHED).latest("id")
    assert entry.payload["children"] == sorted(c["id"] for c in answer) and len(answer) == 2
    episodes = client.get(reverse("api:episodes")).json()["results"]
    entry = AuditEntry.objects.filter(verb=AuditVerb.EPISODES_LISTED).latest("id")
    assert entry.payload["children"] == sorted({e["child_id"] for e in episodes})
    assert set(entry.payload["children"]) == {
        world.children[key].pk for key in world.expected["cmo_a"]
    }


def test_identity_reviews_and_imports_leave_entries(world, client):
    a = ChildFactory(responsible_la=world.orgs["la_a"], first_name="Sam", last_name="Reed")
    ChildFactory(
        responsible_la=world.orgs["la_a"],
        first_name="Sam",
        last_name="Reid",
        date_of_birth=a.date_of_birth,
    )
    police_download_import(
        content=csv_bytes([row_for(a, "REV-1", surname="Read")]),
        force=world.orgs["force_a"],
        actor=ClientActor("test"),
    )
    review = IdentityReview.objects.get(police_reference="REV-1")
    client.force_login(world.users["cmo_a"])
    listed = _entry(client, reverse("intake:reviews"), AuditVerb.IDENTITY_REVIEWS_VIEWED)
    assert listed.payload["reviews"] == [review.pk]
    viewed = _entry(client, reverse("intake:review", args=[review.pk]), "intake.review_viewed")
    assert a.pk in viewed.payload["children"] and viewed.target_id == str(review.pk)

    episode = world.episodes["a_team1"]
    report = ",".join(REPORT_HEADER) + f"\n2,updated,{episode.police_reference},,\n"
    police_import = PoliceImport.objects.create(
        force=world.orgs["force_a"],
        organisation=world.orgs["la_a"],
        file_name="d.csv",
        content=b"",
        status=ImportStatus.DONE,
        report=report,
        uploaded_by=world.users["cmo_a"],
    )
    _entry(client, reverse("intake:imports"), AuditVerb.IMPORTS_VIEWED)
    page = _entry(client, reverse("intake:import", args=[police_import.pk]), "intake.import_viewed")
    assert page.target_id == str(police_import.pk)
    downloaded = _entry(
        client,
        reverse("intake:import_report", args=[police_import.pk, "import"]),
        AuditVerb.IMPORT_VIEWED,
    )
    assert downloaded.payload == {"report": "import", "children": [episode.child_id]}


def _home_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("web:home")).status_code == 200
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "access_auditentry"')]
    return len(queries), len(inserts)


def test_naming_the_children_costs_one_insert_and_no_query_per_child(world, protocol, client):
    _child_reported(world)
    client.force_login(world.users["sw_1"])
    _home_queries(client)  # warm: the session, the protocol
    few, inserts = _home_queries(client)
    assert inserts == 1
    for _ in range(6):
        _child_reported(world)
    many, inserts = _home_queries(client)
    assert (many, inserts) == (few, 1)
    entry = AuditEntry.objects.filter(verb=AuditVerb.WORK_VIEWED).latest("id")
    assert len(entry.payload["children"]) >= 7
