"""Children's facts for the protocol engine (homesafe.protocol), assembled from what each app
says of them through its own `facts.py`: people (the child, cohort, care, placement, network),
episodes (reports, gradings, returns), interviews (return interviews, routing rules), meetings
(held meetings that fulfil a duty), concerns (concerns raised, legal actions), screening and
profiles and safety plans. The duties app reads no other app's models: a fixed number of queries for a batch
of any size, plain data in, the protocol's frozen dataclasses out.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from homesafe.bulk_reads import rows_for_ids
from homesafe.concerns.choices import ConcernKind, LegalActionKind
from homesafe.concerns.facts import (
    concern_records_by_episode,
    concerns_first_raised,
    legal_actions_by_episode,
)
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.episodes.choices import RiskGrade
from homesafe.episodes.facts import EpisodeRecord, episodes_by_child
from homesafe.interviews.facts import interviews_by_episode, rhi_routes_by_authority
from homesafe.locate.facts import SearchRecord, search_by_episode
from homesafe.meetings.choices import FulfilledDuty
from homesafe.meetings.facts import meetings_held_by_episode
from homesafe.people.choices import Cohort
from homesafe.people.facts import ChildRecord, child_records
from homesafe.profiles.facts import profile_saves_by_child
from homesafe.protocol.facts import (
    CaseFacts,
    ChildFacts,
    ChildStatus,
    EpisodeFacts,
    LegalStatus,
    NetworkPartner,
    Risk,
    ScreeningFacts,
    SearchFacts,
)
from homesafe.safety_plans.facts import safety_plan_saves_by_child
from homesafe.screening.facts import screenings_by_child

_STATUS = {
    Cohort.NOT_KNOWN: ChildStatus.HOME,
    Cohort.CHILD_IN_NEED: ChildStatus.CHILD_IN_NEED,
    Cohort.CHILD_PROTECTION: ChildStatus.CHILD_PROTECTION,
    Cohort.LOOKED_AFTER: ChildStatus.LOOKED_AFTER,
    Cohort.CARE_LEAVER: ChildStatus.CARE_LEAVER,
}

_LEGAL_DUTY = {
    LegalActionKind.RECOVERY_ORDER: "consider_recovery_order",
    LegalActionKind.NRM_REFERRAL: "consider_nrm",
    LegalActionKind.MACE_REFERRAL: "consider_mace",
}
_MEDIUM = Risk(RiskGrade.MEDIUM)
_NETWORK_PARTNERS = frozenset(NetworkPartner)  # values of NetworkRole (a test holds them so)


class ClosedDuty(NamedTuple):
    """A duty people (or the record) closed: planning reports it done or not needed. (A named
    tuple: a re-plan batch reads tens of thousands of them.)"""

    state: str  # DutyState.DONE or NOT_NEEDED
    closed_at: datetime
    closing_note: str


@dataclass(frozen=True, slots=True)
class ChildCase:
    """A child as re-planning reads them: the protocol's facts, and what the duties' owners and
    told parties are named from (homesafe.duties.owners)."""

    record: ChildRecord
    episodes: list[EpisodeRecord]  # as in `facts`, by report
    routes: list  # the responsible authority's return interview rules (interviews.facts)
    facts: CaseFacts
    # Each episode's police force (by episode id), for the duties the police own (issue 16).
    police_forces: Mapping[int, int | None] = field(default_factory=dict)


def closed_duties_by_episode(child_ids: Iterable[int]) -> dict[int, dict[str, ClosedDuty]]:
    """The children's closed duties by episode id and kind, in one query."""
    closed: dict[int, dict[str, ClosedDuty]] = {}
    make = ClosedDuty._make
    for row in rows_for_ids(
        lambda ids: (
            Duty.objects.filter(child_id__in=ids)
            .exclude(state=DutyState.OPEN)
            .order_by()
            .values_list("episode_id", "kind", "state", "closed_at", "closing_note")
        ),
        list(child_ids),
    ):
        closed.setdefault(row[0], {})[row[1]] = make(row[2:])
    return closed


def child_cases(
    child_ids: Iterable[int],
    *,
    now: datetime,
    closed: Mapping[int, Mapping[str, ClosedDuty]] | None = None,
) -> list[ChildCase]:
    """The children's cases, in order of id, in a fixed number of queries (18, and one for
    the closed duties unless the caller has read them: `closed` by episode id and kind)."""
    ids = sorted(set(child_ids))
    records = child_records(ids)
    episodes = episodes_by_child(ids)
    interviews = interviews_by_episode(ids)
    meetings = meetings_held_by_episode(ids)
    concern_records = concern_records_by_episode(ids)
    legal = legal_actions_by_episode(ids)
    screenings = screenings_by_child(ids)
    saves = profile_saves_by_child(ids)
    plan_saves = safety_plan_saves_by_child(ids)
    searches = search_by_episode(ids)
    routes = rhi_routes_by_authority({r.responsible_la_id for r in records.values()})
    if closed is None:
        closed = closed_duties_by_episode(ids)
    cases = []
    for pk in ids:
        record = records.get(pk)
        if record is None:
            continue
        mine = episodes.get(pk, [])
        screened = screenings.get(pk, [])
        concerns = concerns_first_raised(
            mine,
            records=concern_records,
            interviews=interviews,
            screenings=[(s.completed_at, s.concerns) for s in screened],
        )
        child_saves = saves.get(pk, [])
        child_plan_saves = plan_saves.get(pk, [])
        episode_facts = []
        for episode in mine:
            interview = interviews.get(episode.id)
            raised = concerns.get(episode.id, {})
            held = meetings.get(episode.id, {})
            duties = closed.get(episode.id, {})
            # The pre-incident profile: a version saved after the return is the review.
            reviewed_at = None
            if episode.returned_at is not None and child_saves:
                at = bisect_left(child_saves, episode.returned_at)
                reviewed_at = child_saves[at] if at < len(child_saves) else None
            # The safety plan: one saved before the return was in force at it; a version saved
            # after the return is its review.
            plan_in_force, plan_reviewed_at = False, None
            if episode.returned_at is not None and child_plan_saves:
                at = bisect_left(child_plan_saves, episode.returned_at)
                plan_in_force = at > 0
                plan_reviewed_at = child_plan_saves[at] if at < len(child_plan_saves) else None
            completed: dict[str, datetime] = {}
            # A referral ticked in the completed return home interview does what its duty asks.
            if interview is not None:
                if interview.mace_referred_at is not None:
                    completed["consider_mace"] = interview.mace_referred_at
                if interview.nrm_referred_at is not None:
                    completed["consider_nrm"] = interview.nrm_referred_at
            # A legal action for the episode does what its duty asks.
            for kind, at in legal.get(episode.id, {}).items():
                completed[_LEGAL_DUTY[kind]] = at
            if (repeat_at := held.get(FulfilledDuty.REPEAT_MEETING)) is not None:
                completed["repeat_meeting"] = repeat_at
            not_needed: dict[str, str] = {}
            for kind, duty in duties.items():
                if duty.state == DutyState.DONE:
                    completed[kind] = duty.closed_at
                elif duty.state == DutyState.NOT_NEEDED:
                    not_needed[kind] = duty.closing_note
            search = searches.get(episode.id) or SearchRecord()
            episode_facts.append(
                EpisodeFacts(
                    id=str(episode.id),
                    reported_at=episode.reported_at,
                    last_seen_at=episode.last_seen_at,
                    risk=Risk(episode.risk) if episode.risk else _MEDIUM,
                    pre_planned=episode.pre_planned,
                    exploitation_concern=ConcernKind.EXPLOITATION in raised,
                    exploitation_concern_at=raised.get(ConcernKind.EXPLOITATION),
                    trafficking_concern=ConcernKind.TRAFFICKING in raised,
                    trafficking_concern_at=raised.get(ConcernKind.TRAFFICKING),
                    returned_at=episode.returned_at,
                    high_risk_at=episode.high_risk_at,
                    rhi_offered_at=interview.offered_at if interview else None,
                    rhi_completed_at=interview.completed_at if interview else None,
                    rhi_declined_at=interview.declined_at if interview else None,
                    strategy_meeting_at=held.get(FulfilledDuty.STRATEGY_MEETING),
                    pre_incident_reviewed_at=reviewed_at,
                    safety_plan_in_force=plan_in_force,
                    safety_plan_reviewed_at=plan_reviewed_at,
                    completed=completed,
                    not_needed=not_needed,
                    search=SearchFacts(
                        publicity_considered_at=search.publicity_considered_at,
                        publicity_approved=search.publicity_approved,
                        publicity_live=search.publicity_live,
                        missing_people_contacted_at=search.missing_people_contacted_at,
                        safe_and_well_at=search.safe_and_well_at,
                    ),
                )
            )
        facts = CaseFacts(
            now=now,
            child=ChildFacts(
                date_of_birth=record.date_of_birth,
                status=_STATUS[Cohort(record.cohort)] if record.cohort else ChildStatus.HOME,
                legal_status=LegalStatus(record.legal_status) if record.legal_status else None,
                allocated=record.social_worker_id is not None,
                placed_out_of_area=record.placing_la_id is not None
                and record.host_la_id != record.placing_la_id,
                attends_school=record.school_id is not None,
                network=frozenset(
                    NetworkPartner(member.role)
                    for member in record.network
                    if member.role in _NETWORK_PARTNERS
                ),
                screenings=tuple(
                    ScreeningFacts(id=str(s.id), completed_at=s.completed_at, review_on=s.review_on)
                    for s in screened
                ),
            ),
            episodes=tuple(episode_facts),
        )
        forces = {e.id: searches[e.id].police_force_id for e in mine if e.id in searches}
        cases.append(
            ChildCase(record, mine, routes.get(record.responsible_la_id, []), facts, forces)
        )
    return cases
