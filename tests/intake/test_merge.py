"""Merging two records of the same child: every row that points at a child moves, through the
rule table, and the children are re-planned once."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe import use_cases
from homesafe.access.models import AuditEntry
from homesafe.concerns.services import (
    location_of_concern_record,
    person_of_concern_link,
    person_of_concern_record,
)
from homesafe.duties.models import Duty, ProtocolVersion
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.services import episode_record_return, episode_report
from homesafe.intake.models import ChildMerge
from homesafe.intake.services_merge import (
    CHILD_REFERENCES,
    FOLDS,
    Rule,
    child_merge,
    child_references,
)
from homesafe.interviews.models import ReturnInterview
from homesafe.interviews.services import interview_offer
from homesafe.meetings.models import MeetingChild
from homesafe.meetings.services import meeting_create, meeting_record_note
from homesafe.people.models import CohortPeriod, NetworkMember, Placement
from homesafe.people.services import (
    child_add_alias,
    cohort_record,
    network_member_add,
    placement_record,
)
from homesafe.profiles.models import ProfileVersion
from homesafe.profiles.services import profile_save
from homesafe.screening.services import screening_complete
from tests.screening.helpers import seraf_answers

pytestmark = pytest.mark.django_db


def test_every_foreign_key_to_a_child_has_a_merge_rule():
    found = {label for label, _, _ in child_references()}
    unhandled = sorted(found - set(CHILD_REFERENCES))
    assert not unhandled, f"child_merge has no rule for {unhandled}: add it to CHILD_REFERENCES"
    assert set(CHILD_REFERENCES) <= found, "CHILD_REFERENCES names a field that is gone"
    assert {label for label, rule in CHILD_REFERENCES.items() if rule == Rule.FOLD} == set(FOLDS)


@pytest.fixture
def handed_over(monkeypatch):
    """Every hand-over of children to re-plan (the duties app's subscription stays)."""
    calls: list[set[int]] = []
    monkeypatch.setattr(use_cases, "_subscribers", [*use_cases._subscribers, calls.append])
    return calls


def _casework(world, child, *, name: str, alias: str):
    """A returned episode (with its duties), an interview offered, a screening, a profile,
    a place of concern, a cohort period and a placement open, an alias."""
    actor, la = world.users["cmo_a"], world.orgs["la_a"]
    now = timezone.now()
    child.episodes.all().delete()
    episode = episode_report(
        child=child,
        actor=actor,
        episode_type="M",
        last_seen_at=now - dt.timedelta(hours=10),
        reported_at=now - dt.timedelta(hours=9),
        reported_by="foster_carer",
        risk="medium",
        police_force=world.orgs["force_a"],
    )
    episode = episode_record_return(
        episode=episode, returned_at=now - dt.timedelta(hours=4), found_by="police", actor=actor
    )
    interview_offer(
        episode=episode,
        offered_at=now - dt.timedelta(hours=3),
        offered_by_organisation=world.orgs["rhi"],
        offered_by_name="Robin Worker",
        offer_method="phone",
        actor=world.users["rhi"],
    )
    screening_complete(
        child=child,
        tool="seraf",
        answers=seraf_answers(missing_overnight="both"),
        completed_at=now - dt.timedelta(hours=1),
        actor=world.users["sw_2"],
    )
    profile_save(child=child, actor=actor, provided_by="Sam Carer", height=name)
    location_of_concern_record(child=child, actor=actor, description=f"{name}'s park")
    cohort_record(child=child, cohort="looked_after", started_on=dt.date(2026, 1, 5), actor=actor)
    placement_record(
        child=child,
        placement_type="foster",
        placing_la=la,
        host_la=la,
        started_on=dt.date(2026, 2, 1),
        actor=actor,
        provider=f"{name} foster carers",
    )
    child_add_alias(child=child, name=alias, actor=actor)
    return episode


@pytest.fixture
def two_records(world):
    """a_team1 (kept) and a_team2 (the duplicate), each with the casework of _casework, a
    meeting about both, one about the duplicate alone and a person of concern linked to both
    at the meeting."""
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=30))
    kept, merged = world.children["a_team1"], world.children["a_team2"]
    actor = world.users["cmo_a"]
    _casework(world, kept, name="Kept", alias="Jo M")
    _casework(world, merged, name="Merged", alias="Jo M")
    # Health is in both records' networks (a_team1's in the world).
    network_member_add(child=merged, organisation=world.orgs["health"], role="health", actor=actor)
    both = meeting_create(
        kind="mace_locality",
        local_authority=world.orgs["la_a"],
        chair_name="Pat Chair",
        children=[kept, merged],
        planned_for=timezone.now() + dt.timedelta(days=1),
        actor=actor,
    )
    alone = meeting_create(
        kind="strategy",
        local_authority=world.orgs["la_a"],
        chair_name="Pat Chair",
        children=[merged],
        planned_for=timezone.now() + dt.timedelta(days=2),
        actor=actor,
    )
    meeting_record_note(
        meeting=alone, kind="risk", text="Seen at the park", actor=actor, child=merged
    )
    person = person_of_concern_record(
        child=kept, actor=actor, name="Dee", meeting=both, link_note="Picks Jo up"
    )
    person_of_concern_link(
        person=person, child=merged, actor=actor, kind="associate", meeting=both, note="Drives"
    )
    return kept, merged, both


def _pointing_at(child) -> dict[str, int]:
    """How many rows of each kind (but the merge itself) point at the child."""
    counts = {}
    for label, model, field in child_references():
        if CHILD_REFERENCES[label] == Rule.POINTER:
            continue
        if n := model.objects.filter(**{field: child}).count():
            counts[label] = n
    return counts


def test_merge_moves_every_row_and_replans_once(world, two_records, handed_over):
    kept, merged, both = two_records
    before = _pointing_at(merged)
    # The duplicate has rows of each kind a merge must move, duties above all.
    assert {
        "episodes.MissingEpisode.child",
        "duties.Duty.child",
        "interviews.ReturnInterview.child",
        "meetings.MeetingChild.child",
        "meetings.MeetingNote.child",
        "screening.ExploitationScreening.child",
        "concerns.PersonLink.child",
        "concerns.LocationLink.child",
        "profiles.ProfileVersion.child",
        "people.CohortPeriod.child",
        "people.Placement.child",
        "people.NetworkMember.child",
        "people.ChildAlias.child",
        "duties.PlanFingerprint.child",  # a re-plan of theirs changed nothing: it goes
    } <= set(before)
    episodes = set(kept.episodes.values_list("pk", flat=True)) | set(
        merged.episodes.values_list("pk", flat=True)
    )
    duties = set(Duty.objects.filter(child__in=[kept, merged]).values_list("pk", flat=True))
    handed_over.clear()

    record = child_merge(kept=kept, merged=merged, reason="Same child", actor=world.users["cmo_a"])

    assert _pointing_at(merged) == {}
    assert handed_over == [{kept.pk, merged.pk}]
    assert set(kept.episodes.values_list("pk", flat=True)) == episodes
    # The duties moved with their episodes; the re-plan kept them and planned no copies.
    assert set(Duty.objects.filter(child=kept).values_list("pk", flat=True)) >= duties
    assert set(Duty.objects.filter(child=kept).values_list("episode_id", flat=True)) == episodes
    assert ReturnInterview.objects.filter(child=kept).count() == 2
    # One link to the meeting about both, about both records' episodes; the person's two
    # links at that meeting are one, with both notes.
    link = MeetingChild.objects.get(meeting=both, child=kept)
    assert set(link.episodes.values_list("pk", flat=True)) == episodes
    assert kept.meeting_links.count() == 2
    person_link = kept.concern_person_links.get(meeting=both)
    assert "Picks Jo up" in person_link.note and "Drives" in person_link.note
    # One open cohort period, placement and health involvement: the kept record's; the
    # duplicate's are history, ended on the day of the merge.
    today = timezone.localdate()
    for model in (CohortPeriod, Placement):
        open_rows = model.objects.filter(child=kept, ended_on__isnull=True)
        assert open_rows.count() == 1
        assert model.objects.filter(child=kept, ended_on=today).count() == 1
    assert Placement.objects.get(child=kept, ended_on__isnull=True).provider == "Kept foster carers"
    health = NetworkMember.objects.filter(child=kept, organisation=world.orgs["health"])
    assert health.filter(ended_on__isnull=True).count() == 1
    # Aliases: the shared one once, and the duplicate's own name.
    names = sorted(kept.aliases.values_list("name", flat=True))
    assert names == sorted(["Jo M", merged.full_name])
    # Profiles: both records' versions, numbered in the order saved; the newest is current.
    versions = list(ProfileVersion.objects.filter(child=kept).order_by("number"))
    assert [(v.number, v.height) for v in versions] == [(1, "Kept"), (2, "Merged")]
    # The merged record points to the kept one; both are audited with what moved.
    assert merged.merged_into == record and record.kept_child == kept
    assert record.moved["duties.duty"] == before["duties.Duty.child"]
    assert record.moved["episodes.missingepisode"] == 1
    entries = AuditEntry.objects.filter(verb="child.merged")
    assert {(e.child_id, e.payload["role"]) for e in entries} == {
        (kept.pk, "kept"),
        (merged.pk, "merged"),
    }
    assert entries.first().payload["ended"]["people.placement"]
    assert entries.first().payload["folded"]["meetings.meetingchild"] == 1


def test_profile_versions_interleave_in_the_order_saved(world):
    kept, merged = world.children["a_team1"], world.children["a_team2"]
    actor = world.users["cmo_a"]
    first = profile_save(child=kept, actor=actor, provided_by="Carer", height="k1")
    profile_save(child=merged, actor=actor, provided_by="Carer", height="m1")
    second = profile_save(child=kept, actor=actor, provided_by="Carer", height="k2")

    child_merge(kept=kept, merged=merged, reason="Same child", actor=actor)

    versions = ProfileVersion.objects.filter(child=kept).order_by("number")
    assert [(v.number, v.height) for v in versions] == [(1, "k1"), (2, "m1"), (3, "k2")]
    entry = AuditEntry.objects.get(verb="child.merged", child_id=kept.pk)
    assert entry.payload["renumbered"] == {"profiles.profileversion": [second.pk]}
    assert first.pk not in entry.payload["renumbered"]["profiles.profileversion"]


def test_a_merged_record_cannot_be_merged_again_nor_kept(world):
    kept, merged, other = (world.children[k] for k in ("a_team1", "a_team2", "a_team3"))
    actor = world.users["cmo_a"]
    child_merge(kept=kept, merged=merged, reason="Same child", actor=actor)
    for pair in ((other, merged), (merged, other)):
        with pytest.raises(Exception, match="already been merged"):
            child_merge(kept=pair[0], merged=pair[1], reason="again", actor=actor)
    assert ChildMerge.objects.count() == 1


def test_a_merged_record_leaves_the_lists_but_its_page_points_on(world, client):
    kept, merged = world.children["a_team1"], world.children["a_team2"]
    child_merge(kept=kept, merged=merged, reason="Same child", actor=world.users["cmo_a"])
    merged_url = reverse("people:child", args=[merged.pk])
    client.force_login(world.users["sw_2"])  # a_team2's social worker
    assert merged_url not in client.get(reverse("web:home")).content.decode()
    client.force_login(world.users["cmo_a"])
    listed = {child["id"] for child in client.get(reverse("api:children")).json()["results"]}
    assert kept.pk in listed and merged.pk not in listed
    page = client.get(merged_url).content.decode()
    assert reverse("people:child", args=[kept.pk]) in page
    assert AuditEntry.objects.filter(verb="child.viewed", child_id=merged.pk).exists()
