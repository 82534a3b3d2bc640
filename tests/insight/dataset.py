"""A small hand-made partnership whose figures the insight tests work out by hand.

October 2026 (London; the clocks go back on Sunday 25 October), two local authorities:

| episode | child (LA) | type | reported (London) | last seen -> return | first grade | RHI | strategy meeting duty |
| --- | --- | --- | --- | --- | --- | --- | --- |
| e1 | c1 (A) | M | 1 Oct 00:10 (BST) | 23 h | high (later low) | offered in time, completed | due, held in time |
| e2 | c1 (A) | A | 10 Oct 12:00 | 48 h | medium | offered late, declined | due, held late |
| e3 | c2 (A) | M | 31 Oct 23:30 (GMT) | still missing | never graded | none | not needed |
| e4 | c3 (B) | M | 20 Oct 09:00 | exactly 24 h | no apparent risk | none | none |

Left out: c4's episodes reported on 30 September at 23:30 and on 1 November at 00:10 (London),
and c4's episode of 15 October recorded in error.

Children: c1 (girl, born 15 June 2010: 16) looked after since 2025, placed by A in B's area;
c2 (boy, born 1 November 2013: 12 on 31 October) child in need from 15 October (a child
protection plan ended in September), allocated to a social worker of team T; c3 (born 20 October
2010: 16 on the day of e4's report), no cohort.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from homesafe.access.choices import OrganisationType, Role
from homesafe.access.models import Organisation, Team, User
from homesafe.concerns.choices import DisruptionKind, LegalActionKind, NrmDecision
from homesafe.concerns.models import DisruptionAction, LegalAction
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.episodes.choices import EpisodeStatus, EpisodeType, FoundBy, RiskGrade
from homesafe.episodes.models import MissingEpisode, RiskGrading
from homesafe.insight.facts import episode_facts_rebuild
from homesafe.insight.figures import Period
from homesafe.interviews.choices import ContactMethod, InterviewStatus
from homesafe.interviews.models import ReturnInterview
from homesafe.meetings.choices import Attendance, FulfilledDuty, MeetingKind, MeetingStatus
from homesafe.meetings.models import Meeting, MeetingChild, MeetingFulfilment, MeetingInvitation
from homesafe.people.choices import Cohort, Sex
from homesafe.people.models import Child, CohortPeriod
from homesafe.protocol.facts import DutyKind, OwnerRole
from tests.factories import (
    ChildFactory,
    EpisodeFactory,
    OrganisationFactory,
    PlacementFactory,
    TeamFactory,
    UserFactory,
)

LONDON = ZoneInfo("Europe/London")
OCTOBER = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


H = dt.timedelta(hours=1)


@dataclass
class Dataset:
    la_a: Organisation
    la_b: Organisation
    provider: Organisation
    police: Organisation
    team: Team
    social_worker: User
    c1: Child
    c2: Child
    c3: Child
    c4: Child
    e1: MissingEpisode
    e2: MissingEpisode
    e3: MissingEpisode
    e4: MissingEpisode


def _episode(child, *, reported, seen_before=H, returned_after=None, risk=None, **fields):
    last_seen = reported - seen_before
    episode = EpisodeFactory(
        child=child,
        last_seen_at=last_seen,
        reported_at=reported,
        returned_at=last_seen + returned_after if returned_after is not None else None,
        status=EpisodeStatus.RETURNED if returned_after is not None else EpisodeStatus.MISSING,
        risk=risk,
        **fields,
    )
    if risk is None:
        RiskGrading.objects.filter(episode=episode).delete()
    return episode


def _duty(episode, kind, *, due_at, state=DutyState.OPEN, closed_at=None, team=None):
    return Duty.objects.create(
        child=episode.child,
        episode=episode,
        kind=kind,
        state=state,
        due_at=due_at,
        closed_at=closed_at,
        owner_role=OwnerRole.SOCIAL_WORKER,
        owner_organisation=episode.child.responsible_la,
        owner_team=team,
        rule="test",
        reason="test",
        protocol_version="test",
    )


def _interview(episode, *, offered_at, by, status, held_at=None, declined_at=None, **content):
    return ReturnInterview.objects.create(
        episode=episode,
        child=episode.child,
        status=status,
        offered_at=offered_at,
        offered_by_organisation=by,
        offered_by_name="A worker",
        offer_method=ContactMethod.PHONE,
        held_at=held_at,
        declined_at=declined_at,
        decline_reason="Did not want to talk" if declined_at else "",
        **content,
    )


def _strategy_meeting(episode, *, held_at, invited):
    meeting = Meeting.objects.create(
        kind=MeetingKind.STRATEGY,
        status=MeetingStatus.HELD,
        local_authority=episode.child.responsible_la,
        held_at=held_at,
        chair_name="A chair",
    )
    link = MeetingChild.objects.create(meeting=meeting, child=episode.child)
    MeetingFulfilment.objects.create(
        link=link, episode=episode, duty=FulfilledDuty.STRATEGY_MEETING
    )
    for organisation, attendance in invited:
        MeetingInvitation.objects.create(
            meeting=meeting, organisation=organisation, attendance=attendance
        )


def build() -> Dataset:
    la_a = OrganisationFactory(code="LA-A", name="Authority A")
    la_b = OrganisationFactory(code="LA-B", name="Authority B")
    provider = OrganisationFactory(type=OrganisationType.RHI_SERVICE, name="Return Service")
    police = OrganisationFactory(type=OrganisationType.POLICE, name="A Police")
    team = TeamFactory(organisation=la_a, name="Team T")
    social_worker = UserFactory(organisation=la_a, team=team, roles=[Role.SOCIAL_WORKER])

    c1 = ChildFactory(responsible_la=la_a, sex=Sex.FEMALE, date_of_birth=dt.date(2010, 6, 15))
    c2 = ChildFactory(
        responsible_la=la_a,
        sex=Sex.MALE,
        date_of_birth=dt.date(2013, 11, 1),
        allocated_social_worker=social_worker,
    )
    c3 = ChildFactory(responsible_la=la_b, sex=Sex.MALE, date_of_birth=dt.date(2010, 10, 20))
    c4 = ChildFactory(responsible_la=la_a)
    CohortPeriod.objects.create(
        child=c1, cohort=Cohort.LOOKED_AFTER, started_on=dt.date(2025, 1, 1)
    )
    CohortPeriod.objects.create(
        child=c2,
        cohort=Cohort.CHILD_PROTECTION,
        started_on=dt.date(2026, 1, 1),
        ended_on=dt.date(2026, 9, 1),
    )
    CohortPeriod.objects.create(
        child=c2, cohort=Cohort.CHILD_IN_NEED, started_on=dt.date(2026, 10, 15)
    )
    PlacementFactory(child=c1, placing_la=la_a, host_la=la_b, started_on=dt.date(2025, 1, 1))

    e1 = _episode(
        c1,
        reported=london(2026, 10, 1, 0, 10),
        returned_after=23 * H,
        risk=RiskGrade.HIGH,
        found_by=FoundBy.POLICE,
    )
    RiskGrading.objects.create(episode=e1, grade=RiskGrade.LOW, graded_at=e1.reported_at + H)
    e2 = _episode(
        c1,
        reported=london(2026, 10, 10, 12),
        seen_before=2 * H,
        returned_after=48 * H,
        risk=RiskGrade.MEDIUM,
        episode_type=EpisodeType.AWAY,
        exploitation_concern=True,
        found_by=FoundBy.SELF,
    )
    e3 = _episode(
        c2, reported=london(2026, 10, 31, 23, 30), seen_before=90 * dt.timedelta(minutes=1)
    )
    e4 = _episode(
        c3,
        reported=london(2026, 10, 20, 9),
        returned_after=24 * H,
        risk=RiskGrade.NO_APPARENT_RISK,
    )
    # Outside the period, or recorded in error.
    _episode(c4, reported=london(2026, 9, 30, 23, 30), returned_after=H, risk=RiskGrade.HIGH)
    _episode(c4, reported=london(2026, 11, 1, 0, 10), risk=RiskGrade.HIGH)
    EpisodeFactory(
        child=c4,
        last_seen_at=london(2026, 10, 15, 8),
        reported_at=london(2026, 10, 15, 9),
        status=EpisodeStatus.VOIDED,
        voided_at=london(2026, 10, 16, 9),
        void_reason="Wrong child",
        risk=RiskGrade.HIGH,
    )

    # Return interviews: e1 offered 10 h after the return (due 72 h after it), completed;
    # e2 offered 80 h after the return (late), declined.
    e1_due = e1.returned_at + 72 * H
    _duty(
        e1,
        DutyKind.RHI_OFFER,
        due_at=e1_due,
        state=DutyState.DONE,
        closed_at=e1.returned_at + 10 * H,
    )
    _interview(
        e1,
        offered_at=e1.returned_at + 10 * H,
        by=provider,
        status=InterviewStatus.COMPLETED,
        held_at=e1.returned_at + 30 * H,
        push_factors=["conflict", "bullying"],
        pull_factors=["friends"],
        exploitation_indicators=["drugs", "county_lines"],
    )
    e2_due = e2.returned_at + 72 * H
    _duty(
        e2,
        DutyKind.RHI_OFFER,
        due_at=e2_due,
        state=DutyState.DONE,
        closed_at=e2.returned_at + 80 * H,
    )
    _interview(
        e2,
        offered_at=e2.returned_at + 80 * H,
        by=la_a,
        status=InterviewStatus.DECLINED,
        declined_at=e2.returned_at + 81 * H,
    )
    # Strategy meetings: e1's held a day before due, e2's a day after; e3's was not needed.
    e1_meeting_due = london(2026, 10, 6, 23, 59)
    _duty(
        e1,
        DutyKind.STRATEGY_MEETING,
        due_at=e1_meeting_due,
        state=DutyState.DONE,
        closed_at=e1_meeting_due - 24 * H,
        team=team,
    )
    _strategy_meeting(
        e1,
        held_at=e1_meeting_due - 24 * H,
        invited=[(la_a, Attendance.ATTENDED), (police, Attendance.APOLOGIES)],
    )
    e2_meeting_due = london(2026, 10, 15, 23, 59)
    _duty(
        e2,
        DutyKind.STRATEGY_MEETING,
        due_at=e2_meeting_due,
        state=DutyState.DONE,
        closed_at=e2_meeting_due + 24 * H,
        team=team,
    )
    _strategy_meeting(
        e2,
        held_at=e2_meeting_due + 24 * H,
        invited=[(la_a, Attendance.ATTENDED), (police, Attendance.ATTENDED)],
    )
    _duty(
        e3,
        DutyKind.STRATEGY_MEETING,
        due_at=london(2026, 11, 5, 17),
        state=DutyState.NOT_NEEDED,
        closed_at=london(2026, 11, 2, 9),
    )
    # Still open: e3's escalation (overdue at the tests' clock, 24 November 2026).
    _duty(e3, DutyKind.ESCALATE_TEAM_MANAGER, due_at=london(2026, 11, 1, 23, 30), team=team)
    # Actions on days of October (and one of September, left out).
    DisruptionAction.objects.create(
        child=c1,
        kind=DisruptionKind.OTHER,
        kind_other="Visit",
        taken_on=dt.date(2026, 10, 12),
        agency=police,
    )
    DisruptionAction.objects.create(
        child=c1,
        kind=DisruptionKind.OTHER,
        kind_other="Visit",
        taken_on=dt.date(2026, 9, 30),
        agency=police,
    )
    LegalAction.objects.create(
        child=c1,
        kind=LegalActionKind.NRM_REFERRAL,
        applied_on=dt.date(2026, 10, 3),
        reasonable_grounds=NrmDecision.POSITIVE,
        reasonable_grounds_on=dt.date(2026, 10, 20),
    )
    LegalAction.objects.create(
        child=c2,
        kind=LegalActionKind.RECOVERY_ORDER,
        applied_on=dt.date(2026, 9, 25),
        granted_on=dt.date(2026, 10, 2),
    )
    # The records are written directly, not by the services, so the worker has not summarised
    # them: the summary rows the pages count are written here, as the rebuild command would.
    episode_facts_rebuild()
    return Dataset(
        la_a, la_b, provider, police, team, social_worker, c1, c2, c3, c4, e1, e2, e3, e4
    )
