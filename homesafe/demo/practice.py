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
from datetime import timedelta
from typing import TYPE_CHECKING

from faker import Faker

from homesafe.access.choices import ContactTakes, OrganisationType, Role
from homesafe.demo.practice_casework import CaseworkPlanner
from homesafe.demo.vocabulary import (
    CP_CHAIR_ACCOUNTS,
    DEMO_EMAIL_DOMAIN,
    DISTRICTS,
    DSL_ROLE,
    DUTIES_HISTORY_DAYS,
    HOME_LA,
    HOST_CONTACTS,
    INDEPENDENT_REVIEWING,
    IRO_ACCOUNTS,
    NEIGHBOURS,
    PERSON_LINKS,
    PERSONS_OF_CONCERN,
    POSTCODE_AREAS,
    QUALITY_ASSURANCE,
    RHI_24_HOUR_COUNCIL,
    RHI_24_HOURS,
    RHI_SERVICE,
    SCHOOL_PHONE_FROM,
    TRENTMOOR,
    TRENTMOOR_CMO_EMAIL,
    WITHOUT_CP_CHAIR,
    WITHOUT_IRO,
)
from homesafe.people.choices import Cohort, NetworkRole

if TYPE_CHECKING:  # plan imports this module: its classes are imported where used
    from homesafe.demo.plan import ChildPlan, DemoPlan


@dataclass(frozen=True)
class ContactPlan:
    organisation: str
    name: str
    role: str
    email: str
    phone: str
    email_secure: bool = False  # a secure mailbox: HomeSafe may send a notification to it
    takes: str = ContactTakes.GENERAL


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


class PracticePlanner(CaseworkPlanner):
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
        # A council's missing children mailbox is secure: its notifications are sent to it.
        contacts = [
            ContactPlan(*c, email_secure=bool(c[3]), takes=ContactTakes.MISSING_NOTIFICATIONS)
            if c[3]
            else ContactPlan(*c)
            for c in HOST_CONTACTS
        ]
        with_users = {a.organisation for a in plan.accounts}
        # The lead the children's networks name as the school's contact, where they do.
        leads = {
            m.organisation: m.contact_name
            for c in plan.children
            for m in c.network
            if m.role == NetworkRole.SCHOOL
        }
        schools = [o for o in plan.organisations if o.type == OrganisationType.SCHOOL]
        for n, school in enumerate(schools):
            if school.code in with_users:
                continue
            contacts.append(
                ContactPlan(
                    school.code,
                    leads.get(school.code) or self.fake.name(),
                    DSL_ROLE,
                    f"dsl.{school.code}@schools.{DEMO_EMAIL_DOMAIN}",
                    f"01632 {SCHOOL_PHONE_FROM + n}",
                    email_secure=True,
                    takes=ContactTakes.MISSING_NOTIFICATIONS,
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
