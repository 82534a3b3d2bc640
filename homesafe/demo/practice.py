"""Synthetic demo data, planning the practice: who is told, who acts, and what was recorded.

A pass over the plan of children and episodes (homesafe.demo.plan), pure and seeded with an
RNG of its own, so that the children and their episodes are the same with or without it:

- host councils and schools with and without HomeSafe users: Trentmoor has a missing
  coordinator on HomeSafe, Ashfield Edge and most schools only contacts (OrganisationContact);
- the home council's independent reviewing officers and child protection chairs as users, named
  in the network of every looked-after and child-protection child (but a planned few);
- a second worker for the commissioned return-interview provider (Compass);
- return interviews recorded for most past returns (offer, contact attempts, then completed with
  push and pull factors and the child's words, or declined); the last few days' still open;
- strategy meetings for high-risk episodes, a multi-agency meeting for repeat children, SERAF
  screenings for children with exploitation concerns, and a few adults of concern linked to
  several of them;
- seed 004's 24-hour return interview offer as one council's own protocol settings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from faker import Faker

from homesafe.access.choices import OrganisationType, Role
from homesafe.demo.vocabulary import (
    CHILDS_WORDS,
    CP_CHAIR_ACCOUNTS,
    DEMO_EMAIL_DOMAIN,
    DISTRICTS,
    DSL_ROLE,
    DUTIES_HISTORY_DAYS,
    HOME_LA,
    HOST_CONTACTS,
    INDEPENDENT_REVIEWING,
    IRO_ACCOUNTS,
    LONDON,
    MEETINGS_SINCE,
    MULTI_AGENCY_EPISODES,
    NEIGHBOURS,
    PERSON_LINKS,
    PERSONS_OF_CONCERN,
    POLICE,
    POSTCODE_AREAS,
    QUALITY_ASSURANCE,
    RHI_24_HOUR_COUNCIL,
    RHI_24_HOURS,
    RHI_DECLINE_REASONS,
    RHI_DECLINED,
    RHI_HELD_WHERE,
    RHI_RECORDED,
    RHI_SERVICE,
    RHI_SETTLE_DAYS,
    RHI_TRAVEL,
    RHI_UNREACHABLE_FIRST,
    RHI_WHERE_WENT,
    SCHOOL_PHONE_FROM,
    STRATEGY_SHARE,
    TRENTMOOR,
    TRENTMOOR_CMO_EMAIL,
    WITHOUT_CP_CHAIR,
    WITHOUT_IRO,
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
from homesafe.people.choices import Cohort, NetworkRole

if TYPE_CHECKING:  # plan imports this module: its classes are imported where used
    from homesafe.demo.plan import ChildPlan, DemoPlan, EpisodePlan


@dataclass(frozen=True)
class ContactPlan:
    organisation: str
    name: str
    role: str
    email: str
    phone: str


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


@dataclass(frozen=True)
class PersonPlan:
    name: str
    aliases: str
    approximate_age: int
    description: str
    children: tuple[tuple[str, int], ...]  # (child key, index of the episode they were found)


@dataclass(frozen=True)
class CouncilSettings:
    local_authority: str
    rhi_offer_hours: int


def _email(local_part: str) -> str:
    return f"{local_part}@{DEMO_EMAIL_DOMAIN}"


class PracticePlanner:
    """The practice pass over a plan of children and episodes (see the module's docstring)."""

    def __init__(self, plan: DemoPlan):
        from homesafe.demo.plan import anchor_moment

        self.plan = plan
        self.rng = random.Random(f"practice-{plan.seed}")
        self.fake = Faker("en_GB")
        self.fake.seed_instance(plan.seed + 4)
        self.end = anchor_moment(plan.anchor)

    def apply(self) -> DemoPlan:
        from homesafe.demo.plan import AccountPlan

        plan = self.plan
        accounts = list(plan.accounts)
        names = {a.email: f"{a.first_name} {a.last_name}" for a in accounts}

        def account(local_part, role, organisation, team, job_title) -> str:
            email = _email(local_part)
            first, last = self.fake.first_name(), self.fake.last_name()
            accounts.append(AccountPlan(email, first, last, role, organisation, team, job_title))
            names[email] = f"{first} {last}"
            return email

        iros = [
            account(
                p,
                Role.SOCIAL_WORKER,
                HOME_LA,
                INDEPENDENT_REVIEWING,
                "Independent reviewing officer",
            )
            for p in IRO_ACCOUNTS
        ]
        chairs = [
            account(
                p,
                Role.SOCIAL_WORKER,
                HOME_LA,
                INDEPENDENT_REVIEWING,
                "Child protection conference chair",
            )
            for p in CP_CHAIR_ACCOUNTS
        ]
        account(
            TRENTMOOR_CMO_EMAIL.split("@")[0],
            Role.MISSING_COORDINATOR,
            TRENTMOOR,
            None,
            "Children missing officer",
        )
        account("rhi.worker.02", Role.RHI_WORKER, RHI_SERVICE, None, "Return interview worker")
        self.names = names
        self.rhi_workers = [e for e in names if e.startswith(("rhi.worker@", "rhi.worker."))]
        self.managers = [
            names[a.email] for a in accounts if a.role in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER)
        ]

        children = self._placed_out(list(plan.children))
        without_iro = self._few(children, Cohort.LOOKED_AFTER, WITHOUT_IRO)
        without_chair = self._few(children, Cohort.CHILD_PROTECTION, WITHOUT_CP_CHAIR)
        children = [
            self._child(c, iros, chairs, c.key in without_iro, c.key in without_chair)
            for c in children
        ]
        persons = self._persons(children)
        return replace(
            plan,
            teams=(*plan.teams, (INDEPENDENT_REVIEWING, QUALITY_ASSURANCE)),
            accounts=tuple(accounts),
            children=tuple(children),
            contacts=self._contacts(),
            persons=persons,
            council_settings=(CouncilSettings(RHI_24_HOUR_COUNCIL, RHI_24_HOURS),),
        )

    # Contacts -------------------------------------------------------------------------------

    def _contacts(self) -> tuple[ContactPlan, ...]:
        """Host councils' mailboxes and phones; a designated safeguarding lead for each school
        without a HomeSafe user (the school lead's school has its user instead)."""
        plan = self.plan
        contacts = [ContactPlan(*c) for c in HOST_CONTACTS]
        with_users = {a.organisation for a in plan.accounts}
        schools = [o for o in plan.organisations if o.type == OrganisationType.SCHOOL]
        for n, school in enumerate(schools):
            if school.code in with_users:
                continue
            contacts.append(
                ContactPlan(
                    school.code,
                    self.fake.name(),
                    DSL_ROLE,
                    f"dsl.{school.code}@schools.{DEMO_EMAIL_DOMAIN}",
                    f"01632 {SCHOOL_PHONE_FROM + n}",
                )
            )
        return tuple(contacts)

    # Placements -----------------------------------------------------------------------------

    def _placed_out(self, children: list[ChildPlan]) -> list[ChildPlan]:
        """A home-council child missing lately placed in each neighbouring council, so that
        each host council has a notification in the demo: told in HomeSafe (Trentmoor), or
        waiting for the coordinator to send it (Ashfield Edge)."""
        from homesafe.episodes.postcodes import postcodes_in_districts

        recent = self.end - timedelta(days=DUTIES_HISTORY_DAYS - 7)

        def missing_lately(child: ChildPlan) -> bool:
            return bool(child.episodes) and child.episodes[-1].reported_at >= recent

        in_care = [
            c
            for c in children
            if c.responsible_la == HOME_LA
            and c.cohorts[-1].cohort == Cohort.LOOKED_AFTER
            and c.placements
            and missing_lately(c)
        ]
        for neighbour in NEIGHBOURS:
            if any(c.placements[-1].host_la == neighbour for c in in_care):
                continue
            candidates = [c for c in in_care if c.placements[-1].host_la == HOME_LA]
            # Those missing in the last two days first: older duties are mostly done.
            latest = [
                c for c in candidates if c.episodes[-1].reported_at >= self.end - timedelta(2)
            ]
            candidates = latest or candidates
            if not candidates:
                continue
            chosen = self.rng.choice(candidates)
            postcode = self.rng.choice(
                postcodes_in_districts(set(DISTRICTS[neighbour]), POSTCODE_AREAS)
            )
            moved = replace(chosen.placements[-1], host_la=neighbour, postcode=postcode)
            moved_child = replace(chosen, placements=(*chosen.placements[:-1], moved))
            children[children.index(chosen)] = moved_child
            in_care[in_care.index(chosen)] = moved_child
        return children

    # Networks -------------------------------------------------------------------------------

    def _few(self, children: list[ChildPlan], cohort: str, count: int) -> set[str]:
        """A few of the home council's children in `cohort` with nobody to name: among those
        whose duties are planned (an episode in the last weeks), so the list shows them, while
        most of those keep theirs (a small demo takes the few from the others)."""
        eligible = [
            c for c in children if c.responsible_la == HOME_LA and c.cohorts[-1].cohort == cohort
        ]
        recent = [
            c
            for c in eligible
            if c.episodes and c.episodes[-1].reported_at >= self.end - timedelta(days=14)
        ]
        if len(recent) >= 3 * count:
            pool = recent
        else:
            pool = [c for c in eligible if c not in recent] or eligible
        return {c.key for c in self.rng.sample(pool, min(count, len(pool)))}

    def _child(self, child: ChildPlan, iros, chairs, no_iro: bool, no_chair: bool) -> ChildPlan:
        from homesafe.demo.plan import NetworkPlan

        rng, network = self.rng, list(child.network)
        current = child.cohorts[-1]
        if current.cohort == Cohort.LOOKED_AFTER and not no_iro:
            if child.responsible_la == HOME_LA:
                iro = rng.choice(iros)
                network.append(
                    NetworkPlan(
                        HOME_LA,
                        NetworkRole.IRO,
                        current.started_on,
                        contact_name=self.names[iro],
                        contact_email=iro,
                        user=iro,
                    )
                )
            else:  # another council's child: its own IRO, known by e-mail only
                la = "trentmoor" if child.responsible_la == TRENTMOOR else "ashfield-edge"
                network.append(
                    NetworkPlan(
                        child.responsible_la,
                        NetworkRole.IRO,
                        current.started_on,
                        contact_name=self.fake.name(),
                        contact_email=f"iro.team@{la}.{DEMO_EMAIL_DOMAIN}",
                    )
                )
        if current.cohort == Cohort.CHILD_PROTECTION and not no_chair:
            chair = rng.choice(chairs)
            network.append(
                NetworkPlan(
                    HOME_LA,
                    NetworkRole.CP_CHAIR,
                    current.started_on,
                    contact_name=self.names[chair],
                    contact_email=chair,
                    user=chair,
                )
            )
        referred = next((m.started_on for m in network if m.role == NetworkRole.RHI_REFERRAL), None)
        episodes = tuple(
            replace(e, interview=self._interview(child, e, referred)) for e in child.episodes
        )
        return replace(
            child,
            network=tuple(network),
            episodes=episodes,
            meetings=self._meetings(child),
            screenings=self._screenings(child),
        )

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
        recent = self.end - MEETINGS_SINCE
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
            if times[n] < recent:
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
        by = child.social_worker or _email("cmo")
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

    # Persons of concern ---------------------------------------------------------------------

    def _persons(self, children: list[ChildPlan]) -> tuple[PersonPlan, ...]:
        rng = self.rng
        pool = [c for c in children if c.exploited and c.episodes]
        if len(pool) < PERSON_LINKS[1]:  # a small demo: the children missing most often
            pool = sorted((c for c in children if c.episodes), key=lambda c: -len(c.episodes))
            pool = pool[: PERSON_LINKS[1] * 2]
        persons = []
        for name, aliases, age, description in PERSONS_OF_CONCERN:
            linked = rng.sample(pool, min(len(pool), rng.randint(*PERSON_LINKS)))
            persons.append(
                PersonPlan(
                    name,
                    aliases,
                    age,
                    description,
                    tuple((c.key, rng.randrange(len(c.episodes))) for c in linked),
                )
            )
        return tuple(persons)


def plan_practice(plan: DemoPlan) -> DemoPlan:
    """The plan with its practice (see the module's docstring); pure and reproducible."""
    return PracticePlanner(plan).apply()
