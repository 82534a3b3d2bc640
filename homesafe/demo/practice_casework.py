"""Synthetic demo data, planning the casework recorded about a child besides their episodes:
return interviews, meetings and exploitation screenings (homesafe.demo.practice's planner
mixes this in; pure, with the practice's own random generator)."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from homesafe.demo.vocabulary import (
    CHILDS_WORDS,
    DEMO_EMAIL_DOMAIN,
    LONDON,
    MULTI_AGENCY_EPISODES,
    MULTI_AGENCY_SINCE,
    POLICE,
    RHI_24_HOUR_COUNCIL,
    RHI_DECLINE_REASONS,
    RHI_DECLINED,
    RHI_HELD_WHERE,
    RHI_RECORDED,
    RHI_SERVICE,
    RHI_SETTLE_DAYS,
    RHI_TRAVEL,
    RHI_UNREACHABLE_FIRST,
    RHI_WHERE_WENT,
    STRATEGY_SHARE,
    STRATEGY_SINCE,
)
from homesafe.episodes.choices import RiskGrade
from homesafe.interviews.choices import (
    NONE_IDENTIFIED,
    AttemptOutcome,
    ConsentToShare,
    ContactMethod,
    Referral,
)
from homesafe.meetings.choices import MeetingKind

if TYPE_CHECKING:
    from homesafe.demo.plan import ChildPlan, EpisodePlan


@dataclass(frozen=True)
class AttemptPlan:
    attempted_at: datetime
    method: str
    outcome: str


@dataclass(frozen=True)
class InterviewPlan:
    """A return interview as its use cases record it: the offer, attempts, then the outcome."""

    offered_at: datetime
    offered_by: str  # organisation code
    offered_by_name: str
    offer_method: str
    attempts: tuple[AttemptPlan, ...] = ()
    unreachable_at: datetime | None = None
    declined_at: datetime | None = None
    decline_reason: str = ""
    held_at: datetime | None = None
    held_where: str = ""
    independent: bool = True
    not_independent_reason: str = ""
    push_factors: tuple[str, ...] = ()
    pull_factors: tuple[str, ...] = ()
    where_went: str = ""
    travel: str = ""
    exploitation_indicators: tuple[str, ...] = ()
    exploitation_note: str = ""
    childs_words: str = ""
    referrals: tuple[str, ...] = ()
    consent_to_share: str = ConsentToShare.NOT_ASKED


@dataclass(frozen=True)
class MeetingPlan:
    kind: str
    held_at: datetime
    chair_name: str
    episode: int  # index into the child's episodes
    invited: tuple[tuple[str, str], ...]  # (organisation code, attendance)
    decision: str


@dataclass(frozen=True)
class ScreeningPlan:
    completed_at: datetime
    completed_by: str  # account e-mail
    answers: tuple[tuple[str, str], ...]


class CaseworkPlanner:
    """Plans a child's casework; the practice's planner provides `rng`, `end` (the anchor's
    moment), `names` (account e-mail to name), `rhi_workers` and `managers`."""

    rng: random.Random
    end: datetime
    names: dict[str, str]
    rhi_workers: list[str]
    managers: list[str]

    # Return interviews ----------------------------------------------------------------------

    def _interview(self, child: ChildPlan, episode: EpisodePlan, referred) -> InterviewPlan | None:
        rng = self.rng
        returned = episode.returned_at
        if returned is None or returned > self.end - timedelta(days=RHI_SETTLE_DAYS):
            return None
        if rng.random() >= RHI_RECORDED:
            return None
        by_provider = referred is not None and referred <= returned.astimezone(LONDON).date()
        if by_provider:
            organisation, name = RHI_SERVICE, self.names[rng.choice(self.rhi_workers)]
        else:  # the social worker route (seed 003): the child's own council
            organisation = child.responsible_la
            name = self.names.get(child.social_worker or "", "Return interview worker")
        fast = child.responsible_la == RHI_24_HOUR_COUNCIL
        offered = returned + timedelta(hours=rng.uniform(1, 20 if fast else 60))
        method = rng.choice((ContactMethod.PHONE, ContactMethod.IN_PERSON, ContactMethod.TEXT))
        attempts = []
        moment = offered
        for _ in range(rng.randint(1, 3)):
            moment += timedelta(hours=rng.uniform(1, 12))
            outcome = rng.choice(
                (
                    AttemptOutcome.NO_ANSWER,
                    AttemptOutcome.MESSAGE_LEFT,
                    AttemptOutcome.SPOKE_TO_CARER,
                )
            )
            attempts.append(AttemptPlan(moment, rng.choice(ContactMethod.values), outcome))
        attempts[-1] = replace(attempts[-1], outcome=AttemptOutcome.SPOKE_TO_CHILD)
        base = {
            "offered_at": offered,
            "offered_by": organisation,
            "offered_by_name": name,
            "offer_method": method,
            "attempts": tuple(attempts),
        }
        if rng.random() < RHI_DECLINED:
            declined = moment + timedelta(minutes=rng.randint(5, 120))
            return InterviewPlan(
                **base, declined_at=declined, decline_reason=rng.choice(RHI_DECLINE_REASONS)
            )
        unreachable = None
        if rng.random() < RHI_UNREACHABLE_FIRST:
            unreachable = attempts[0].attempted_at + timedelta(minutes=30)
            attempts[0] = replace(attempts[0], outcome=AttemptOutcome.NO_ANSWER)
            moment = max(moment, unreachable)
            base["attempts"] = tuple(attempts)
        held = min(moment + timedelta(hours=rng.uniform(2, 30)), self.end - timedelta(hours=1))
        exploited = child.exploited
        indicators = (
            tuple(
                rng.sample(
                    ("older_associates", "money_gifts", "drugs", "county_lines", "new_phone"), 2
                )
            )
            if exploited
            else (NONE_IDENTIFIED,)
        )
        return InterviewPlan(
            **base,
            unreachable_at=unreachable,
            held_at=held,
            held_where=rng.choice(RHI_HELD_WHERE),
            independent=by_provider,
            not_independent_reason=""
            if by_provider
            else "Held by the allocated worker: the child asked for someone they know.",
            push_factors=tuple(
                rng.sample(
                    ("conflict", "placement_unhappiness", "school_problems", "feeling_unheard"), 1
                )
            ),
            pull_factors=tuple(rng.sample(("friends", "family", "home_area", "parties"), 2)),
            where_went=rng.choice(RHI_WHERE_WENT),
            travel=rng.choice(RHI_TRAVEL),
            exploitation_indicators=indicators,
            exploitation_note=(
                "Explored who they were with and whether they were given anything: "
                + ("concerns remain; shared with the MACE." if exploited else "nothing disclosed.")
            ),
            childs_words=rng.choice(CHILDS_WORDS),
            referrals=(Referral.MACE,) if exploited else (),
            consent_to_share=ConsentToShare.YES if rng.random() < 0.8 else ConsentToShare.NO,
        )

    # Meetings -------------------------------------------------------------------------------

    def _meetings(self, child: ChildPlan) -> tuple[MeetingPlan, ...]:
        rng, meetings = self.rng, []
        invited = [(POLICE, "attended")]
        if child.school:
            invited.append((child.school, rng.choice(("attended", "apologies"))))
        if any(m.organisation == RHI_SERVICE for m in child.network):
            invited.append((RHI_SERVICE, "attended"))
        recent = self.end - STRATEGY_SINCE
        for n, episode in enumerate(child.episodes):
            grades = [episode.risk, *(g.grade for g in episode.regradings)]
            if episode.reported_at < recent or RiskGrade.HIGH not in grades:
                continue
            if rng.random() >= STRATEGY_SHARE:
                continue
            held = episode.reported_at + timedelta(hours=rng.uniform(4, 40))
            if held >= self.end:
                continue
            meetings.append(
                MeetingPlan(
                    MeetingKind.STRATEGY,
                    held,
                    rng.choice(self.managers),
                    n,
                    tuple(invited),
                    "Section 47 enquiries not needed; safety plan agreed with the child's carers.",
                )
            )
        # Repeat children: a multi-agency meeting after the latest episode that reached the
        # threshold (three in 90 days).
        times = [e.reported_at for e in child.episodes]
        for n in range(len(times) - 1, MULTI_AGENCY_EPISODES - 2, -1):
            if times[n] < self.end - MULTI_AGENCY_SINCE:
                break
            if times[n] - times[n - MULTI_AGENCY_EPISODES + 1] <= timedelta(days=90):
                held = times[n] + timedelta(days=rng.uniform(1, 5))
                if held < self.end:
                    meetings.append(
                        MeetingPlan(
                            MeetingKind.MULTI_AGENCY,
                            held,
                            rng.choice(self.managers),
                            n,
                            tuple(invited),
                            "Missing pattern reviewed; return interview themes shared; "
                            "placement stability plan agreed.",
                        )
                    )
                break
        return tuple(sorted(meetings, key=lambda m: m.held_at))

    # Screenings -----------------------------------------------------------------------------

    def _screenings(self, child: ChildPlan) -> tuple[ScreeningPlan, ...]:
        """SERAF for a child with exploitation concerns: after their first episode with
        the concern, then again at the review three months later while there is time."""
        if not child.exploited or not child.episodes:
            return ()
        from homesafe.protocol.screening import SERAF, Answer

        rng = self.rng
        by = child.social_worker or f"cmo@{DEMO_EMAIL_DOMAIN}"
        first = child.episodes[0]
        moment = (first.returned_at or first.reported_at) + timedelta(days=rng.uniform(3, 20))
        screenings = []
        while moment < self.end - timedelta(hours=2) and len(screenings) < 3:
            answers = {}
            for indicator in SERAF.indicators:
                if indicator.group == "vulnerability":
                    answers[indicator.code] = Answer.YES if rng.random() < 0.4 else Answer.NO
                elif indicator.group == "moderate":
                    answers[indicator.code] = Answer.RECENT if rng.random() < 0.5 else Answer.NO
                else:
                    answers[indicator.code] = Answer.RECENT if rng.random() < 0.15 else Answer.NO
            screenings.append(
                ScreeningPlan(moment, by, tuple(sorted((k, str(v)) for k, v in answers.items())))
            )
            moment += timedelta(days=rng.uniform(80, 92))
        return tuple(screenings)
