"""Casework records around the world's children, written through the services, for the API's
casework reads (tests/api/test_casework_api.py, test_meetings_api.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from homesafe.concerns.services import (
    disruption_record,
    legal_action_record,
    person_of_concern_link,
    person_of_concern_record,
)
from homesafe.duties.models import Duty
from homesafe.interviews.services import (
    interview_complete,
    interview_offer,
    interview_record_attempt,
)
from homesafe.meetings.services import (
    difference_raise,
    meeting_add_action,
    meeting_create,
    meeting_record_invitation,
    meeting_record_note,
)
from homesafe.profiles.services import profile_save
from homesafe.screening.services import screening_complete
from tests.interviews.helpers import content, report_and_return
from tests.profiles.conftest import PNG  # a real image: Pillow decodes every photo
from tests.screening.helpers import seraf_answers
from tests.snapshots import built_once


@dataclass
class Casework:
    interviews: dict = field(default_factory=dict)  # child key -> ReturnInterview
    meetings: dict = field(default_factory=dict)
    actions: dict = field(default_factory=dict)
    screening: object = None
    profile: object = None
    person: object = None
    disruption: object = None
    legal: object = None
    difference: object = None


def interview_for(world, key: str, *, actor: str, **overrides):
    """A completed interview after a fresh episode of the world's child `key`."""
    Duty.objects.filter(child=world.children[key]).delete()  # so its episodes may go
    episode = report_and_return(world, key)
    interview = interview_offer(
        episode=episode,
        offered_at=timezone.now() - dt.timedelta(hours=3),
        offered_by_organisation=world.users[actor].organisation,
        offered_by_name="Robin Worker",
        offer_method="phone",
        actor=world.users[actor],
    )
    interview_record_attempt(
        interview=interview,
        attempted_at=timezone.now() - dt.timedelta(hours=2),
        method="phone",
        outcome="message_left",
        note=f"Left a message for {key}",
        actor=world.users[actor],
    )
    return interview_complete(
        interview=interview, actor=world.users[actor], **content(world, **overrides)
    )


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def casework(request, world, media_root) -> Casework:
    """Built once per session and written back in each test (tests/snapshots.py):
    - interviews: a_team2's held by the RHI service (open referral), shared with Force A and
      school 2 with consent; a_team1's held by LA A, shared with health only;
    - a held locality MACE about a_team1 and a_team2 (each with a decision and an action, plus a
      whole-meeting risk and action), and a planned strategy meeting about a_unallocated;
    - a SERAF screening, a profile with a photo, a person of concern (linked to a_team1 and,
      by LA B, to b_only), a disruption and a legal action, and a professional difference,
      all about a_team1."""
    return built_once(request, "api-casework", lambda: _casework(world), media=media_root)


def _casework(world) -> Casework:
    w, u, c, o = world, world.users, world.children, world.orgs
    cw = Casework()
    cw.interviews["a_team2"] = interview_for(w, "a_team2", actor="rhi")
    cw.interviews["a_team1"] = interview_for(
        w,
        "a_team1",
        actor="sw_1",
        held_by_organisation=o["la_a"],
        shared_with=[o["health"]],
        childs_words="Words for a_team1",
        shareable_summary="Summary for a_team1",
    )
    held = timezone.now() - dt.timedelta(days=3)
    mace = meeting_create(
        kind="mace_locality",
        local_authority=o["la_a"],
        chair_name="Pat Chair",
        chair_organisation=o["la_a"],
        children=[c["a_team1"], c["a_team2"]],
        held_at=held,
        locations=["Victoria bus station"],
        persons_discussed="An adult known as 'Jay'",
        actor=u["cmo_a"],
    )
    meeting_record_invitation(
        meeting=mace, organisation=o["force_a"], attendance="attended", actor=u["cmo_a"]
    )
    meeting_record_note(
        meeting=mace,
        kind="decision",
        text="Decision about team 2",
        child=c["a_team2"],
        actor=u["cmo_a"],
    )
    meeting_record_note(meeting=mace, kind="risk", text="The bus station", actor=u["cmo_a"])
    today = timezone.localdate()
    cw.actions["police"] = meeting_add_action(
        meeting=mace,
        description="Patrol the bus station (team 1)",
        owner_organisation=o["force_a"],
        due_on=timezone.localdate(held),  # already overdue
        child=c["a_team1"],
        actor=u["cmo_a"],
    )
    cw.actions["team2"] = meeting_add_action(
        meeting=mace,
        description="Visit at home (team 2)",
        owner_organisation=o["la_a"],
        owner_person=u["sw_2"],
        due_on=today + dt.timedelta(days=7),
        child=c["a_team2"],
        actor=u["cmo_a"],
    )
    cw.actions["whole"] = meeting_add_action(
        meeting=mace,
        description="Map the bus routes",
        owner_organisation=o["la_a"],
        due_on=today + dt.timedelta(days=14),
        actor=u["cmo_a"],
    )
    cw.meetings["mace"] = mace
    cw.meetings["strategy"] = meeting_create(
        kind="strategy",
        local_authority=o["la_a"],
        chair_name="Sam Chair",
        children=[c["a_unallocated"]],
        planned_for=timezone.now() + dt.timedelta(days=2),
        actor=u["cmo_a"],
    )
    cw.screening = screening_complete(
        child=c["a_team1"],
        tool="seraf",
        answers=seraf_answers(missing_overnight="both"),
        completed_at=timezone.now() - dt.timedelta(hours=2),
        actor=u["sw_1"],
    )
    cw.profile = profile_save(
        child=c["a_team1"],
        actor=u["sw_1"],
        provided_by="Sam Carer (foster carer)",
        photo=SimpleUploadedFile("photo.png", PNG, content_type="image/png"),
        height="163 cm",
        hair="Brown",
    )
    cw.person = person_of_concern_record(
        child=c["a_team1"],
        actor=u["police_a"],
        name="Dee Harbourer",
        approximate_age=32,
        link_kind="found_with",
        reference="RHI 3 March",
    )
    person_of_concern_link(person=cw.person, child=c["b_only"], actor=u["cmo_b"], kind="associate")
    # Both discussed at the MACE: Dee about a_team1, Kay about a_team2.
    person_of_concern_link(
        person=cw.person, child=c["a_team1"], actor=u["cmo_a"], kind="x", meeting=mace
    )
    kay = person_of_concern_record(
        child=c["a_team2"], actor=u["cmo_a"], name="Kay Online", link_kind="associate"
    )
    person_of_concern_link(person=kay, child=c["a_team2"], actor=u["cmo_a"], kind="x", meeting=mace)
    cw.disruption = disruption_record(
        child=c["a_team1"],
        actor=u["police_a"],
        kind="cawn",
        taken_on=today - dt.timedelta(days=1),
        agency=o["force_a"],
        person=cw.person,
    )
    cw.legal = legal_action_record(
        child=c["a_team1"],
        actor=u["sw_1"],
        kind="recovery_order",
        applied_on=today - dt.timedelta(days=2),
    )
    cw.difference = difference_raise(
        child=c["a_team1"],
        raised_at=timezone.now() - dt.timedelta(days=1),
        raised_by_name="Sam Social",
        raised_by_organisation=o["la_a"],
        raised_with_organisation=o["force_a"],
        subject="risk_grading",
        detail="The grading should be high",
        actor=u["sw_1"],
    )
    return cw
