"""Synthetic demo data through the services: one use case per fact, as people record them.

`ServiceWrites.child` writes a whole child that way (the reference path, write_demo's
`through_services`); `write_window` writes the episodes of the duties window that way for
every path, each child re-planned after each of its own use cases.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from homesafe.access.models import Organisation, User
from homesafe.demo.plan import ChildPlan, EpisodePlan, Place
from homesafe.demo.practice_casework import InterviewPlan
from homesafe.demo.vocabulary import DUTIES_HISTORY_DAYS, POLICE
from homesafe.duties.services import duties_replan
from homesafe.episodes.models import Location, MissingEpisode
from homesafe.episodes.services import (
    episode_record_return,
    episode_regrade,
    episode_report,
    location_create,
)
from homesafe.interviews.services import (
    interview_complete,
    interview_decline,
    interview_mark_unreachable,
    interview_offer,
    interview_record_attempt,
)
from homesafe.people.models import Child
from homesafe.people.services import (
    care_period_start,
    child_create,
    cohort_record,
    network_member_add,
    placement_record,
)
from homesafe.use_cases import facts_changes_gathered

if TYPE_CHECKING:
    from homesafe.demo.write import DemoProgress


class ServiceWrites:
    """Writes the plan's facts through the services, as the demo administrator."""

    def __init__(self, *, admin: User, organisations: dict[str, Organisation], users):
        self.admin = admin
        self.organisations = organisations
        self.users = users
        self.locations: dict[str, Location] = {}

    def location(self, place: Place | None, child: Child) -> Location | None:
        if place is None:
            return None
        if place.key not in self.locations:
            self.locations[place.key] = location_create(
                actor=self.admin,
                kind=place.kind,
                description=place.description,
                postcode=place.postcode,
                child_id=child.pk if place.private else None,
            )
        return self.locations[place.key]

    def child(self, plan: ChildPlan) -> Child:
        admin, organisations = self.admin, self.organisations
        first_cohort, *later_cohorts = plan.cohorts
        child = child_create(
            responsible_la=organisations[plan.responsible_la],
            actor=admin,
            aliases=list(plan.aliases),
            cohort=first_cohort.cohort,
            cohort_started_on=first_cohort.started_on,
            first_name=plan.first_name,
            last_name=plan.last_name,
            date_of_birth=plan.date_of_birth,
            sex=plan.sex,
            ethnicity=plan.ethnicity,
            religion=plan.religion,
            first_language=plan.first_language,
            la_child_id=plan.la_child_id,
            nhs_number=plan.nhs_number,
            upn=plan.upn,
            police_person_id=plan.police_person_id,
            school=organisations[plan.school] if plan.school else None,
            allocated_social_worker=self.users.get(plan.social_worker),
        )
        for step in later_cohorts:
            cohort_record(child=child, cohort=step.cohort, started_on=step.started_on, actor=admin)
        if plan.care:
            care_period_start(
                child=child,
                legal_status=plan.care.legal_status,
                placing_la=organisations[plan.care.placing_la],
                started_on=plan.care.started_on,
                actor=admin,
            )
        for placement in plan.placements:
            placement_record(
                child=child,
                placement_type=placement.placement_type,
                placing_la=organisations[placement.placing_la],
                host_la=organisations[placement.host_la],
                started_on=placement.started_on,
                postcode=placement.postcode,
                provider=placement.provider,
                actor=admin,
            )
        for member in plan.network:
            network_member_add(
                child=child,
                organisation=organisations[member.organisation],
                role=member.role,
                started_on=member.started_on,
                contact_name=member.contact_name,
                contact_email=member.contact_email,
                user=self.users.get(member.user),
                actor=admin,
            )
        for episode in plan.episodes:
            self.episode(child, episode)
        return child

    def episode(self, child: Child, plan: EpisodePlan) -> None:
        for _ in self.episode_steps(child, plan):
            pass

    def episodes_steps(self, child: Child, plans: list[EpisodePlan]) -> Iterator[None]:
        for plan in plans:
            yield from self.episode_steps(child, plan)

    def episode_steps(self, child: Child, plan: EpisodePlan) -> Iterator[None]:
        """The episode's use cases, one per step: the report, each re-grading, the return."""
        admin = self.admin
        episode = episode_report(
            child=child,
            actor=admin,
            episode_type=plan.episode_type,
            last_seen_at=plan.last_seen_at,
            last_seen_location=self.location(plan.last_seen_place, child),
            reported_at=plan.reported_at,
            reported_by=plan.reported_by,
            risk=plan.risk,
            police_force=self.organisations[POLICE],
            police_reference=plan.police_reference,
            circumstances=plan.circumstances,
            description_and_clothing=plan.description_and_clothing,
            pre_planned_indicators=list(plan.pre_planned_indicators),
        )
        yield
        for grading in plan.regradings:
            episode_regrade(
                episode=episode,
                grade=grading.grade,
                graded_at=grading.graded_at,
                rationale=grading.rationale,
                actor=admin,
            )
            yield
        if plan.returned_at is not None:
            episode = episode_record_return(
                episode=episode,
                returned_at=plan.returned_at,
                found_by=plan.found_by,
                found_location=self.location(plan.found_place, child),
                stayed_where=plan.stayed_where,
                stayed_with=plan.stayed_with,
                actor=admin,
            )
            yield
        if plan.interview is not None:
            yield from self.interview_steps(episode, plan.interview)

    def interview_steps(self, episode: MissingEpisode, plan: InterviewPlan) -> Iterator[None]:
        """The return interview's use cases: the offer, each contact attempt, then the outcome,
        as one step (the child re-planned once after them: the offer's re-plan would close the
        offer duty that the outcome's closes as well)."""
        admin, organisations = self.admin, self.organisations
        interview = interview_offer(
            episode=episode,
            offered_at=plan.offered_at,
            offered_by_organisation=organisations[plan.offered_by],
            offered_by_name=plan.offered_by_name,
            offer_method=plan.offer_method,
            actor=admin,
        )
        for attempt in plan.attempts:
            interview_record_attempt(
                interview=interview,
                attempted_at=attempt.attempted_at,
                method=attempt.method,
                outcome=attempt.outcome,
                actor=admin,
            )
        if plan.unreachable_at is not None:
            interview_mark_unreachable(
                interview=interview, unreachable_at=plan.unreachable_at, actor=admin
            )
        if plan.declined_at is not None:
            interview_decline(
                interview=interview,
                declined_at=plan.declined_at,
                decline_reason=plan.decline_reason,
                actor=admin,
            )
        elif plan.held_at is not None:
            interview_complete(
                interview=interview, actor=admin, **interview_content(plan, organisations)
            )
        yield


def interview_content(plan: InterviewPlan, organisations: dict[str, Organisation]) -> dict:
    """What interview_complete is given for a planned interview (the bulk path builds the same)."""
    return {
        "held_at": plan.held_at,
        "held_where": plan.held_where,
        "held_by_name": plan.offered_by_name,
        "held_by_organisation": organisations[plan.offered_by],
        "independent": plan.independent,
        "not_independent_reason": plan.not_independent_reason,
        "push_factors": list(plan.push_factors),
        "pull_factors": list(plan.pull_factors),
        "where_went": plan.where_went,
        "travel": plan.travel,
        "exploitation_indicators": list(plan.exploitation_indicators),
        "exploitation_note": plan.exploitation_note,
        "childs_words": plan.childs_words,
        "referrals": list(plan.referrals),
        "consent_to_share": plan.consent_to_share,
    }


def _steps(plan: EpisodePlan) -> int:
    steps = 1 + len(plan.regradings) + (plan.returned_at is not None)
    return steps + (plan.interview is not None)


def write_window(
    writer: ServiceWrites, episodes: dict[Child, list[EpisodePlan]], progress: DemoProgress
) -> None:
    """The episodes of the duties window through the services, every child's in order, in
    rounds: a round takes each child's next use case, and its children are re-planned together
    at its end (one batch of queries, not one per child). A child is re-planned after each of
    its own use cases, as before; only the order among children changes."""
    progress.stage(
        f"Episodes of the last {DUTIES_HISTORY_DAYS} days",
        sum(_steps(e) for es in episodes.values() for e in es),
    )
    runs = [
        writer.episodes_steps(child, child_episodes) for child, child_episodes in episodes.items()
    ]
    while runs:
        going = []
        with facts_changes_gathered() as replans:
            for run in runs:
                if next(run, _DONE) is not _DONE:
                    going.append(run)
                    progress.advance()
        if replans:
            duties_replan(child_ids=sorted(replans))
        runs = going


_DONE = object()
