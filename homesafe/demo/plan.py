"""Synthetic demo data, planning: a fictional partnership, its children and two years of missing episodes.

Two steps, so that the demo is reproducible and can be tested without a database:

- `plan_demo(children=, seed=, anchor=)` is pure: one seeded RNG and a seeded Faker (en_GB)
  decide every name, date and place, relative to `anchor`. Nothing is planned after the
  anchor's midnight in Europe/London, so an anchor of today never asks a service to record the
  future. The same arguments always give an equal `DemoPlan`.
- `write_demo(plan)` writes the plan through the services, in one transaction, with the demo
  administrator as the actor, so the audit log is the one that real use would leave.

The shape follows DOMAIN.md's "Scale" section: about a fifth of the children in care, ages
mostly 12-17, repeats concentrated in a few children, nine in ten episodes over within two days,
"away" episodes only for children in care, evenings, nights and weekends busier.
Everything is fictional (Faker's names, invented towns, schools and services) except the
postcodes, which are real ones in Nottinghamshire districts so that maps and hot spots work.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from faker import Faker

from homesafe.access.choices import OrganisationType, Role
from homesafe.demo.practice import ContactPlan, CouncilSettings, PersonPlan, plan_practice
from homesafe.demo.practice_casework import InterviewPlan, MeetingPlan, ScreeningPlan
from homesafe.demo.vocabulary import (
    ADDRESSES_OF_CONCERN,
    ADMIN_EMAIL,
    AGE_MISSING_FACTOR,
    AGE_WEIGHTS,
    ASHFIELD_EDGE,
    ASSOCIATE_PLACES,
    AUDIT_SAMPLE,
    AWAY_SHARE_IN_CARE,
    BOTTOMS,
    BOYS_NAMES,
    CASELOAD,
    CHILDRENS_HOMES,
    CIC_TEAMS,
    CIRCUMSTANCES_CARE,
    CIRCUMSTANCES_HOME,
    DEMO_EMAIL_DOMAIN,
    DEMO_SOCIAL_WORKER_EMAIL,
    DISTRICTS,
    EPISODE_COUNTS,
    ETHNICITY_WEIGHTS,
    FOSTER_PROVIDERS,
    FS_TEAMS,
    GIRLS_NAMES,
    HEALTH,
    HISTORY,
    HOME_LA,
    HOT_SPOT_TYPES,
    HOT_SPOTS,
    HOUR_WEIGHTS,
    LEGAL_STATUS_WEIGHTS,
    LONDON,
    MIN_CHILDREN,
    MISSING_CHANCE,
    MISSING_CHANCE_NOT_KNOWN,
    NEIGHBOURS,
    OTHER_LANGUAGES,
    POLICE,
    POSTCODE_AREAS,
    RATIONALE_DOWN,
    RATIONALE_UP,
    RELIGION_WEIGHTS,
    RHI_SERVICE,
    RISK_LADDER,
    RISK_WEIGHTS,
    RISK_WEIGHTS_EXPLOITED,
    ROLE_ACCOUNTS,
    SAINTS,
    SCHOOL_LEAD_SCHOOL,
    SCHOOL_NAMES,
    SEX_WEIGHTS,
    SHOES,
    STAYED_WHERE,
    STAYED_WITH,
    TEAMS,
    TOPS,
    TOWNS,
    TRENTMOOR,
    WEEKDAY_WEIGHTS,
)
from homesafe.episodes.choices import (
    EpisodeType,
    FoundBy,
    LocationKind,
    PrePlannedIndicator,
    ReportedBy,
)
from homesafe.episodes.postcodes import postcodes_in_districts
from homesafe.people.choices import Cohort, NetworkRole, PlacementType, Sex
from homesafe.people.validators import upn_check_letter, validate_nhs_number


@dataclass(frozen=True)
class OrganisationPlan:
    code: str
    type: str
    name: str
    police_force: str = ""
    local_authority: str = ""


@dataclass(frozen=True)
class AccountPlan:
    email: str
    first_name: str
    last_name: str
    role: str
    organisation: str
    team: str | None
    job_title: str


@dataclass(frozen=True)
class Place:
    """A place the writer turns into one Location, however many episodes name it."""

    key: str
    kind: str
    description: str
    postcode: str
    private: bool  # a child's own place (audited against the child), not a public hot spot


@dataclass(frozen=True)
class CohortStep:
    cohort: str
    started_on: date


@dataclass(frozen=True)
class CarePlan:
    legal_status: str
    placing_la: str
    started_on: date


@dataclass(frozen=True)
class PlacementPlan:
    placement_type: str
    placing_la: str
    host_la: str
    started_on: date
    postcode: str
    provider: str
    place: Place


@dataclass(frozen=True)
class NetworkPlan:
    organisation: str
    role: str
    started_on: date
    contact_name: str = ""
    contact_email: str = ""
    user: str | None = None  # the professional's HomeSafe account (an IRO, a CP chair)


@dataclass(frozen=True)
class GradingPlan:
    grade: str
    graded_at: datetime
    rationale: str


@dataclass(frozen=True)
class EpisodePlan:
    episode_type: str
    last_seen_at: datetime
    last_seen_place: Place
    reported_at: datetime
    reported_by: str
    risk: str
    police_reference: str
    circumstances: str
    description_and_clothing: str
    pre_planned_indicators: tuple[str, ...]
    regradings: tuple[GradingPlan, ...]
    returned_at: datetime | None
    found_by: str
    found_place: Place | None
    stayed_where: str
    stayed_with: str
    interview: InterviewPlan | None = None


@dataclass(frozen=True)
class ChildPlan:
    key: str
    first_name: str
    last_name: str
    date_of_birth: date
    sex: str
    ethnicity: str
    religion: str
    first_language: str
    la_child_id: str
    nhs_number: str
    upn: str
    police_person_id: str
    responsible_la: str
    school: str | None
    social_worker: str | None
    aliases: tuple[str, ...]
    cohorts: tuple[CohortStep, ...]
    care: CarePlan | None
    placements: tuple[PlacementPlan, ...]
    network: tuple[NetworkPlan, ...]
    episodes: tuple[EpisodePlan, ...]
    exploited: bool = False
    meetings: tuple[MeetingPlan, ...] = ()
    screenings: tuple[ScreeningPlan, ...] = ()


@dataclass(frozen=True)
class DemoPlan:
    seed: int
    anchor: date
    organisations: tuple[OrganisationPlan, ...]
    teams: tuple[tuple[str, str], ...]
    accounts: tuple[AccountPlan, ...]
    hot_spots: tuple[Place, ...]
    children: tuple[ChildPlan, ...]
    audit_sample: tuple[str, ...]  # keys of the children the auditor has been given access to
    contacts: tuple[ContactPlan, ...] = ()
    persons: tuple[PersonPlan, ...] = ()
    council_settings: tuple[CouncilSettings, ...] = ()


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    organisation: str


@dataclass(frozen=True)
class DemoSummary:
    children: int
    in_care: int
    care_leavers: int
    episodes: int
    open_episodes: int
    users: int
    practice: tuple[str, ...] = ()  # what the demo shows of the practice, a line each


def anchor_moment(anchor: date) -> datetime:
    """The end of the demo's history: midnight at the start of the anchor day, London time."""
    return datetime.combine(anchor, time.min, tzinfo=LONDON).astimezone(UTC)


def plan_demo(*, children: int, seed: int, anchor: date) -> DemoPlan:
    """Everything the demo will contain, decided by `seed` alone (no database)."""
    if children < MIN_CHILDREN:
        raise ValueError(f"The demo needs at least {MIN_CHILDREN} children.")
    return plan_practice(_Planner(seed=seed, anchor=anchor).plan(children))


# --- Planning -------------------------------------------------------------------------------


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _local(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)


def _age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _birthday(dob: date, age: int) -> date:
    year = dob.year + age
    if dob.month == 2 and dob.day == 29:
        return date(year, 3, 1)
    return dob.replace(year=year)


@dataclass
class _Draft:
    """A child being planned (mutable until it becomes a ChildPlan)."""

    key: str
    group: str  # in_care, hosted, care_leaver, cp, cin, not_known
    dob: date
    responsible_la: str
    cohorts: list[CohortStep]
    care: CarePlan | None
    placements: list[PlacementPlan]
    la_child_id: str = ""
    school: str | None = None
    social_worker: str | None = None
    exploited: bool = False
    favourites: tuple[Place, ...] = ()
    associates: list[Place] = field(default_factory=list)
    episodes: list[EpisodePlan] = field(default_factory=list)


class _Planner:
    def __init__(self, *, seed: int, anchor: date):
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.seed = seed
        self.anchor = anchor
        self.end = anchor_moment(anchor)
        self.start = self.end - HISTORY
        self.postcodes = {
            la: postcodes_in_districts(set(districts), POSTCODE_AREAS)
            for la, districts in DISTRICTS.items()
        }
        self.hot_spots: tuple[Place, ...] = ()
        self.concern: tuple[Place, ...] = ()
        self.workers: dict[str, list[tuple[str, str]]] = {}
        self.nhs_numbers: set[str] = set()
        self.upn_serials: Counter = Counter()

    # Organisations, teams, people ------------------------------------------------------

    def plan(self, n: int) -> DemoPlan:
        schools = self._schools()
        self.hot_spots = self._hot_spots()
        self.concern = self._addresses_of_concern()
        drafts = self._children(n, schools)
        self._allocate(drafts)
        for draft in drafts:
            draft.episodes = self._episodes(draft)
        self._open_episodes(drafts)
        self._police_references(drafts)
        accounts = self._accounts(school_lead=self._busiest_school(drafts))
        dsl = {s.code: name for s, name in schools}
        children = tuple(self._child_plan(d, dsl) for d in drafts)
        organisations = (
            OrganisationPlan(POLICE, OrganisationType.POLICE, "Sherwood Vale Police"),
            OrganisationPlan(
                HOME_LA,
                OrganisationType.LOCAL_AUTHORITY,
                "Sherwood Vale County Council",
                police_force=POLICE,
            ),
            OrganisationPlan(TRENTMOOR, OrganisationType.LOCAL_AUTHORITY, "Trentmoor City Council"),
            OrganisationPlan(
                ASHFIELD_EDGE, OrganisationType.LOCAL_AUTHORITY, "Ashfield Edge Borough Council"
            ),
            OrganisationPlan(
                HEALTH,
                OrganisationType.HEALTH,
                "Sherwood Vale Health Safeguarding Service",
                local_authority=HOME_LA,
            ),
            OrganisationPlan(
                RHI_SERVICE,
                OrganisationType.RHI_SERVICE,
                "Compass Return Interviews",
                local_authority=HOME_LA,
            ),
            *(school for school, _dsl in schools),
        )
        return DemoPlan(
            seed=self.seed,
            anchor=self.anchor,
            organisations=organisations,
            teams=TEAMS,
            accounts=accounts,
            hot_spots=self.hot_spots + self.concern,
            children=children,
            audit_sample=self._audit_sample(children),
        )

    def _audit_sample(self, children: tuple[ChildPlan, ...]) -> tuple[str, ...]:
        missing = [c.key for c in children if c.episodes]
        return tuple(sorted(self.rng.sample(missing, min(AUDIT_SAMPLE, len(missing)))))

    def _schools(self) -> list[tuple[OrganisationPlan, str]]:
        rng = self.rng
        names = [
            pattern.format(town=town, saint=SAINTS[i % len(SAINTS)])
            for i, town in enumerate(TOWNS)
            for pattern in SCHOOL_NAMES
        ]
        rng.shuffle(names)
        codes = rng.sample(range(120000, 150000), 45)
        return [
            (
                OrganisationPlan(
                    code=str(code), type=OrganisationType.SCHOOL, name=name, local_authority=HOME_LA
                ),
                self.fake.name(),
            )
            for code, name in zip(codes, names[:45], strict=True)
        ]

    def _hot_spots(self) -> tuple[Place, ...]:
        rng = self.rng
        spots = []
        for town in TOWNS:
            for label, kind in rng.sample(HOT_SPOT_TYPES, 5):
                spots.append((f"{label}, {town}", kind))
        spots = spots[:HOT_SPOTS]
        pool = self.postcodes[HOME_LA]
        return tuple(
            Place(f"hot-spot-{i}", kind, label, rng.choice(pool), private=False)
            for i, (label, kind) in enumerate(spots)
        )

    def _addresses_of_concern(self) -> tuple[Place, ...]:
        pool = self.postcodes[HOME_LA]
        return tuple(
            Place(
                f"concern-{i}",
                LocationKind.ADDRESS_OF_CONCERN,
                "Address of concern",
                self.rng.choice(pool),
                private=False,
            )
            for i in range(ADDRESSES_OF_CONCERN)
        )

    def _children(self, n: int, schools) -> list[_Draft]:
        rng = self.rng
        in_care_total = round(n * 0.21)
        hosted = max(1, round(n * 0.025))
        groups = (
            ["hosted"] * hosted
            + ["in_care"] * (in_care_total - hosted)
            + ["care_leaver"] * max(1, round(n * 0.015))
            + ["cp"] * round(n * 0.07)
            + ["cin"] * round(n * 0.14)
        )
        groups += ["not_known"] * (n - len(groups))
        rng.shuffle(groups)
        school_weights = [rng.lognormvariate(0, 0.6) for _ in schools]
        child_ids = rng.sample(range(100000, 1000000), n)
        drafts = []
        for i, group in enumerate(groups):
            draft = self._child(f"child-{i:05d}", group)
            if group != "care_leaver" and rng.random() < 0.9:
                draft.school = rng.choices(schools, weights=school_weights)[0][0].code
            draft.la_child_id = str(child_ids[i])
            drafts.append(draft)
        return drafts

    def _random_day(self, lo: date, hi: date) -> date:
        if hi <= lo:
            return lo
        return lo + timedelta(days=self.rng.randrange((hi - lo).days + 1))

    def _dob(self, age: int) -> date:
        last_birthday = self.anchor - timedelta(days=self.rng.randrange(365))
        if last_birthday.month == 2 and last_birthday.day == 29:
            last_birthday = last_birthday.replace(day=28)
        return last_birthday.replace(year=last_birthday.year - age)

    def _placement(self, kind: str, placing: str, host: str, started_on: date, key: str):
        rng = self.rng
        postcode = rng.choice(self.postcodes[host])
        if kind == PlacementType.HOME:
            provider, description, place_kind = "", "Home address", LocationKind.HOME
        elif kind == PlacementType.FOSTER:
            provider = rng.choice(FOSTER_PROVIDERS)
            description, place_kind = "Foster home", LocationKind.PLACEMENT
        elif kind == PlacementType.RESIDENTIAL:
            provider = f"{rng.choice(CHILDRENS_HOMES)} children's home"
            description, place_kind = provider, LocationKind.PLACEMENT
        else:
            provider = "Supported accommodation"
            description, place_kind = provider, LocationKind.PLACEMENT
        place = Place(key, place_kind, description, postcode, private=True)
        return PlacementPlan(kind, placing, host, started_on, postcode, provider, place)

    def _child(self, key: str, group: str) -> _Draft:
        rng = self.rng
        window_start = self.start.date()
        if group == "care_leaver":
            age = rng.randint(18, 19)
        else:
            age = _pick(rng, AGE_WEIGHTS)
            if group != "not_known":
                age = min(age, 17)
        dob = self._dob(age)
        earliest = _birthday(dob, 1)
        placements: list[PlacementPlan] = []
        care = None
        la = HOME_LA

        def place_key() -> str:
            return f"{key}/placement/{len(placements)}"

        def care_placement(placing: str, host: str, started_on: date) -> None:
            kind = PlacementType.FOSTER if rng.random() < 0.7 else PlacementType.RESIDENTIAL
            placements.append(self._placement(kind, placing, host, started_on, place_key()))

        if group in ("not_known", "cin", "cp"):
            started = max(earliest, window_start - timedelta(days=rng.randint(-200, 1500)))
            cohort = {"not_known": Cohort.NOT_KNOWN, "cin": Cohort.CHILD_IN_NEED}.get(
                group, Cohort.CHILD_PROTECTION
            )
            cohorts = [CohortStep(cohort, started)]
            if group == "cp" and rng.random() < 0.5:
                cohorts = [
                    CohortStep(Cohort.CHILD_IN_NEED, started),
                    CohortStep(
                        Cohort.CHILD_PROTECTION,
                        self._random_day(started + timedelta(days=30), self.anchor),
                    ),
                ]
            placements.append(
                self._placement(PlacementType.HOME, HOME_LA, HOME_LA, started, place_key())
            )
        elif group == "in_care":
            legal = _pick(rng, LEGAL_STATUS_WEIGHTS)
            if rng.random() < 0.3:  # came into care during the two years shown
                care_start = self._random_day(window_start + timedelta(days=60), self.anchor)
                before = max(earliest, care_start - timedelta(days=rng.randint(90, 900)))
                before_cohort = rng.choice((Cohort.CHILD_IN_NEED, Cohort.CHILD_PROTECTION))
                cohorts = [CohortStep(before_cohort, before)]
                placements.append(
                    self._placement(PlacementType.HOME, HOME_LA, HOME_LA, before, place_key())
                )
            else:
                care_start = max(
                    _birthday(dob, 2), window_start - timedelta(days=rng.randint(30, 2500))
                )
                cohorts = []
            cohorts.append(CohortStep(Cohort.LOOKED_AFTER, care_start))
            care = CarePlan(legal, HOME_LA, care_start)
            host = rng.choice(NEIGHBOURS) if rng.random() < 0.25 else HOME_LA
            care_placement(HOME_LA, host, care_start)
            if care_start + timedelta(days=30) < self.anchor and rng.random() < 0.35:
                moved = self._random_day(care_start + timedelta(days=30), self.anchor)
                care_placement(HOME_LA, host, moved)  # moved placement since
        elif group == "hosted":  # a neighbouring authority's child placed in Sherwood Vale
            la = rng.choice(NEIGHBOURS)
            care_start = max(_birthday(dob, 2), window_start - timedelta(days=rng.randint(0, 2000)))
            care = CarePlan(_pick(rng, LEGAL_STATUS_WEIGHTS), la, care_start)
            cohorts = [CohortStep(Cohort.LOOKED_AFTER, care_start)]
            kind = PlacementType.RESIDENTIAL if rng.random() < 0.7 else PlacementType.FOSTER
            placements.append(self._placement(kind, la, HOME_LA, care_start, place_key()))
        else:  # care leaver: looked after until 18 (no care period: see the report)
            care_start = _birthday(dob, rng.randint(10, 15))
            eighteen = _birthday(dob, 18)
            cohorts = [
                CohortStep(Cohort.LOOKED_AFTER, care_start),
                CohortStep(Cohort.CARE_LEAVER, eighteen),
            ]
            care_placement(HOME_LA, HOME_LA, care_start)
            placements.append(
                self._placement(PlacementType.OTHER, HOME_LA, HOME_LA, eighteen, place_key())
            )
        return _Draft(key, group, dob, la, cohorts, care, placements)

    def _allocate(self, drafts: list[_Draft]) -> None:
        """Allocate social workers: care cases to Children in Care, the rest to Family Support."""
        rng = self.rng
        cic = [d for d in drafts if d.group in ("in_care", "care_leaver")]
        fs = [d for d in drafts if d.group in ("cp", "cin")]
        for service, cases, teams in (("cic", cic, CIC_TEAMS), ("fs", fs, FS_TEAMS)):
            count = max(1, math.ceil(len(cases) / CASELOAD))
            workers = []
            for i in range(count):
                if service == "cic" and i == 0:
                    email = DEMO_SOCIAL_WORKER_EMAIL
                else:
                    email = f"social.worker.{service}{i:02d}@{DEMO_EMAIL_DOMAIN}"
                workers.append((email, teams[i % len(teams)]))
            self.workers[service] = workers
            order = list(cases)
            rng.shuffle(order)
            for i, draft in enumerate(order):
                draft.social_worker = workers[i % count][0]

    def _accounts(self, *, school_lead: str) -> tuple[AccountPlan, ...]:
        fake = self.fake
        accounts = []
        for role, local_part, organisation, team, job_title in ROLE_ACCOUNTS:
            accounts.append(
                AccountPlan(
                    email=f"{local_part}@{DEMO_EMAIL_DOMAIN}",
                    first_name=fake.first_name(),
                    last_name=fake.last_name(),
                    role=role,
                    organisation=school_lead
                    if organisation == SCHOOL_LEAD_SCHOOL
                    else organisation,
                    team=team,
                    job_title=job_title,
                )
            )
        for service in ("cic", "fs"):
            for email, team in self.workers[service]:
                if email == DEMO_SOCIAL_WORKER_EMAIL:
                    continue
                accounts.append(
                    AccountPlan(
                        email=email,
                        first_name=fake.first_name(),
                        last_name=fake.last_name(),
                        role=Role.SOCIAL_WORKER,
                        organisation=HOME_LA,
                        team=team,
                        job_title="Social worker",
                    )
                )
        # The administrator first: it is the actor for everything else.
        accounts.sort(key=lambda a: a.email != ADMIN_EMAIL)
        return tuple(accounts)

    # Episodes ----------------------------------------------------------------------------

    def _in_care_on(self, draft: _Draft, day: date) -> bool:
        cohort = draft.cohorts[0].cohort
        for step in draft.cohorts:
            if step.started_on <= day:
                cohort = step.cohort
        return cohort == Cohort.LOOKED_AFTER

    def _placement_on(self, draft: _Draft, day: date) -> PlacementPlan:
        current = draft.placements[0]
        for placement in draft.placements:
            if placement.started_on <= day:
                current = placement
        return current

    def _episode_count(self, draft: _Draft) -> int:
        rng = self.rng
        chance = MISSING_CHANCE.get(draft.group, MISSING_CHANCE_NOT_KNOWN)
        chance *= AGE_MISSING_FACTOR.get(_age_on(draft.dob, self.anchor), 1.2)
        if rng.random() >= chance:
            return 0
        table = {
            "in_care": "in_care",
            "hosted": "in_care",
            "care_leaver": "in_care",
            "cp": "home_known",
            "cin": "home_known",
        }.get(draft.group, "not_known")
        low, high = _pick(rng, EPISODE_COUNTS[table])
        return rng.randint(low, high)

    def _window(self, draft: _Draft) -> tuple[datetime, datetime]:
        """When this child's closed episodes may start: in the history, aged 9 to 17, on record."""
        lo = max(
            self.start,
            datetime.combine(
                max(
                    draft.cohorts[0].started_on,
                    draft.placements[0].started_on,
                    _birthday(draft.dob, 9),
                ),
                time.min,
                tzinfo=LONDON,
            ),
        )
        hi = self.end - timedelta(hours=6)
        eighteen = datetime.combine(_birthday(draft.dob, 18), time.min, tzinfo=LONDON)
        return lo, min(hi, eighteen - timedelta(days=3))

    def _last_seen_times(self, count: int, lo: datetime, hi: datetime) -> list[datetime]:
        """Start times clustered in one phase of the child's life, evenings and weekends busier.

        Phases may begin before the history or run past its end (and are cut there), so that
        the months at either end are as busy as the middle.
        """
        rng = self.rng
        span = (hi - lo).total_seconds() / 86400
        if span < 2:
            return []
        length = min(span, max(21.0, count * rng.uniform(6, 20)))
        # A little more recent than uniform, so that the demo looks current.
        offset = (span + length) * rng.random() ** 0.8 - length
        first = max(lo, lo + timedelta(days=offset))
        last = min(hi, lo + timedelta(days=offset + length))
        if last - first < timedelta(days=3):
            first, last = (lo, lo + timedelta(days=3)) if first == lo else (hi - timedelta(3), hi)
        times = []
        while len(times) < count:
            moment = first + (last - first) * rng.random()
            day = _local(moment).date()
            if rng.random() > WEEKDAY_WEIGHTS[day.weekday()] / max(WEEKDAY_WEIGHTS):
                continue
            hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
            moment = datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=LONDON)
            moment = moment.astimezone(UTC)
            if lo <= moment <= hi:
                times.append(moment)
        return sorted(times)

    def _duration(self) -> timedelta:
        rng = self.rng
        if rng.random() < 0.08:
            hours = rng.uniform(48, 240)
        else:
            hours = min(47.5, max(0.5, rng.lognormvariate(math.log(6), 1.0)))
        return timedelta(hours=hours)

    def _risk(self, draft: _Draft) -> str:
        weights = RISK_WEIGHTS_EXPLOITED if draft.exploited else RISK_WEIGHTS
        return self.rng.choices(RISK_LADDER, weights=weights)[0]

    def _regrade(self, risk: str, at: datetime, long_running: bool) -> GradingPlan:
        rng = self.rng
        index = RISK_LADDER.index(risk)
        up = index < len(RISK_LADDER) - 1 and (long_running or rng.random() < 0.5 or index <= 1)
        if up:
            return GradingPlan(RISK_LADDER[index + 1], at, rng.choice(RATIONALE_UP))
        return GradingPlan(RISK_LADDER[max(index - 1, 1)], at, rng.choice(RATIONALE_DOWN))

    def _reported_by(self, placement: PlacementPlan) -> str:
        usual = {
            PlacementType.HOME: ReportedBy.PARENT,
            PlacementType.FOSTER: ReportedBy.FOSTER_CARER,
            PlacementType.RESIDENTIAL: ReportedBy.RESIDENTIAL_STAFF,
        }.get(placement.placement_type, ReportedBy.SOCIAL_WORKER)
        others = (ReportedBy.SCHOOL, ReportedBy.POLICE, ReportedBy.SOCIAL_WORKER, ReportedBy.OTHER)
        return usual if self.rng.random() < 0.85 else self.rng.choice(others)

    def _episode(
        self,
        draft: _Draft,
        last_seen_at: datetime,
        returned_at: datetime | None,
        spots: tuple[Place, ...],
        associates: list[Place],
    ) -> EpisodePlan:
        rng = self.rng
        day = _local(last_seen_at).date()
        placement = self._placement_on(draft, day)
        in_care = self._in_care_on(draft, day)
        home = placement.place

        def elsewhere() -> Place:
            roll = rng.random()
            if associates and roll < 0.45:
                return rng.choice(associates)
            if roll < 0.9:
                return rng.choice(spots) if rng.random() < 0.7 else rng.choice(self.hot_spots)
            return Place(
                f"{draft.key}/street/{rng.randrange(10**6)}",
                LocationKind.OTHER,
                "Street",
                rng.choice(self.postcodes[placement.host_la]),
                private=True,
            )

        last_seen_place = home if rng.random() < 0.5 else elsewhere()
        end = returned_at or self.end
        gap = end - last_seen_at
        delay = timedelta(minutes=rng.lognormvariate(math.log(90), 0.8))
        reported_at = last_seen_at + min(delay, gap * 0.8)
        risk = self._risk(draft)
        regradings: tuple[GradingPlan, ...] = ()
        long_running = gap > timedelta(hours=24)
        if gap > timedelta(hours=6) and rng.random() < (0.5 if returned_at is None else 0.15):
            graded_at = reported_at + (end - reported_at) * rng.uniform(0.3, 0.8)
            regradings = (self._regrade(risk, graded_at, long_running),)
        indicators: tuple[str, ...] = ()
        if rng.random() < 0.2:
            indicators = tuple(rng.sample(PrePlannedIndicator.values, rng.randint(1, 2)))
        if returned_at is None:
            found_by, found_place, stayed_where, stayed_with = "", None, "", ""
        else:
            found_by = self._found_by(in_care)
            if found_by in (FoundBy.SELF, FoundBy.CARER) and rng.random() < 0.7:
                found_place = home
            else:
                found_place = elsewhere()
            stayed_where = rng.choice(STAYED_WHERE) if rng.random() < 0.7 else ""
            stayed_with = rng.choice(STAYED_WITH) if stayed_where else ""
        away = in_care and rng.random() < AWAY_SHARE_IN_CARE
        circumstances = CIRCUMSTANCES_CARE if in_care else CIRCUMSTANCES_HOME
        return EpisodePlan(
            episode_type=EpisodeType.AWAY if away else EpisodeType.MISSING,
            last_seen_at=last_seen_at,
            last_seen_place=last_seen_place,
            reported_at=reported_at,
            reported_by=self._reported_by(placement),
            risk=risk,
            police_reference="",
            circumstances=rng.choice(circumstances),
            description_and_clothing=(
                f"{rng.choice(TOPS)}, {rng.choice(BOTTOMS)}, {rng.choice(SHOES)}."
            ),
            pre_planned_indicators=indicators,
            regradings=regradings,
            returned_at=returned_at,
            found_by=found_by,
            found_place=found_place,
            stayed_where=stayed_where,
            stayed_with=stayed_with,
        )

    def _found_by(self, in_care: bool) -> str:
        if in_care:
            weights = {
                FoundBy.SELF: 45,
                FoundBy.POLICE: 20,
                FoundBy.CARER: 20,
                FoundBy.FAMILY: 8,
                FoundBy.PROFESSIONAL: 5,
                FoundBy.OTHER: 2,
            }
        else:
            weights = {
                FoundBy.SELF: 50,
                FoundBy.POLICE: 20,
                FoundBy.FAMILY: 20,
                FoundBy.PROFESSIONAL: 5,
                FoundBy.OTHER: 5,
            }
        return _pick(self.rng, weights)

    def _child_places(self, draft: _Draft) -> tuple[tuple[Place, ...], list[Place]]:
        """The few hot spots this child favours and the addresses they go to."""
        rng = self.rng
        weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.hot_spots))]
        favourites = tuple(rng.choices(self.hot_spots, weights=weights, k=2))
        associates = []
        for i in range(rng.randint(0, 2)):
            label, kind = rng.choice(ASSOCIATE_PLACES)
            postcode = rng.choice(self.postcodes[HOME_LA])
            associates.append(Place(f"{draft.key}/associate/{i}", kind, label, postcode, True))
        if draft.exploited:
            associates.extend(rng.sample(self.concern, 2))
        return favourites, associates

    def _episodes(self, draft: _Draft) -> list[EpisodePlan]:
        rng = self.rng
        count = self._episode_count(draft)
        draft.exploited = count >= 6 and rng.random() < 0.35
        if count == 0:
            return []
        lo, hi = self._window(draft)
        favourites, associates = self._child_places(draft)
        draft.favourites, draft.associates = favourites, associates
        episodes = []
        previous_end = None
        for last_seen_at in self._last_seen_times(count, lo, hi):
            if previous_end is not None and last_seen_at < previous_end + timedelta(hours=2):
                last_seen_at = previous_end + timedelta(hours=rng.uniform(3, 48))
            if last_seen_at > hi:
                break
            returned_at = last_seen_at + self._duration()
            limit = min(self.end, datetime.combine(_birthday(draft.dob, 18), time.min, LONDON))
            if returned_at > limit - timedelta(minutes=30):
                returned_at = limit - timedelta(minutes=30)
                if returned_at <= last_seen_at:
                    break
            episodes.append(self._episode(draft, last_seen_at, returned_at, favourites, associates))
            previous_end = returned_at
        return episodes

    def _open_episodes(self, drafts: list[_Draft]) -> None:
        """A handful of children still missing at the anchor, the repeaters more often."""
        rng = self.rng
        wanted = min(10, max(2, round(len(drafts) / 100)))
        candidates = [
            d
            for d in drafts
            if d.episodes and _age_on(d.dob, self.anchor) < 18 and d.group != "care_leaver"
        ]
        chosen: list[_Draft] = []
        while candidates and len(chosen) < wanted:
            pick = rng.choices(candidates, weights=[len(d.episodes) for d in candidates])[0]
            candidates.remove(pick)
            chosen.append(pick)
        for draft in chosen:
            last_seen_at = self.end - timedelta(hours=rng.uniform(2, 96))
            draft.exploited = draft.exploited or rng.random() < 0.3
            draft.episodes = [
                e for e in draft.episodes if e.returned_at < last_seen_at - timedelta(hours=2)
            ]
            draft.episodes.append(
                self._episode(draft, last_seen_at, None, draft.favourites, draft.associates)
            )

    def _police_references(self, drafts: list[_Draft]) -> None:
        """References like SVP-26-004512, numbered through each year in the order reported."""
        rng = self.rng
        everyone = sorted(
            ((e.reported_at, d.key, i) for d in drafts for i, e in enumerate(d.episodes)),
        )
        by_key = {d.key: d for d in drafts}
        counters: dict[int, int] = {}
        for reported_at, key, i in everyone:
            year = _local(reported_at).year
            counters[year] = counters.get(year, rng.randint(150, 600)) + rng.randint(3, 12)
            reference = f"{POLICE}-{year % 100:02d}-{counters[year]:06d}"
            episodes = by_key[key].episodes
            episodes[i] = replace(episodes[i], police_reference=reference)

    def _busiest_school(self, drafts: list[_Draft]) -> str:
        """The school with most pupils who have been missing: where the demo school lead works."""
        missing = Counter(d.school for d in drafts if d.school and d.episodes)
        pupils = Counter(d.school for d in drafts if d.school)
        return min(pupils, key=lambda code: (-missing[code], -pupils[code], code))

    # Identity ----------------------------------------------------------------------------

    def _nhs_number(self) -> str:
        """A number in the NHS's reserved test range (999...) with a valid modulus 11 check digit."""
        while True:
            body = f"999{self.rng.randrange(10**6):06d}"
            for digit in "0123456789":
                number = body + digit
                try:
                    validate_nhs_number(number)
                except ValidationError:
                    continue
                if number not in self.nhs_numbers:
                    self.nhs_numbers.add(number)
                    return number

    def _upn(self, draft: _Draft, school_code: str) -> str:
        """LA code, establishment number, year allocated and a serial, after the check letter."""
        establishment = 4000 + int(school_code) % 1000
        year = (draft.dob.year + 5) % 100
        serials = self.upn_serials
        serials[(establishment, year)] += 1
        serial = serials[(establishment, year)]
        body = f"{draft.responsible_la}{establishment:04d}{year:02d}{serial:03d}"
        return upn_check_letter(body) + body

    def _child_plan(self, draft: _Draft, dsl: dict[str, str]) -> ChildPlan:
        rng, fake = self.rng, self.fake
        sex = _pick(rng, SEX_WEIGHTS)
        names = {Sex.MALE: BOYS_NAMES, Sex.FEMALE: GIRLS_NAMES}.get(sex, BOYS_NAMES + GIRLS_NAMES)
        first_name = fake.random_element(names)
        last_name = fake.last_name()
        aliases: tuple[str, ...] = ()
        if rng.random() < 0.08:  # another surname (a parent's), or a name used with friends
            if rng.random() < 0.5:
                aliases = (f"{first_name} {fake.last_name()}",)
            else:
                aliases = (f"{fake.random_element(names)} {last_name}",)
        language = "English" if rng.random() < 0.93 else rng.choice(OTHER_LANGUAGES)
        episodes = tuple(draft.episodes)
        network = []
        if draft.school:
            september = date(draft.dob.year + 11 + (draft.dob.month >= 9), 9, 1)
            started = min(max(september, draft.placements[-1].started_on), self.anchor)
            network.append(
                NetworkPlan(
                    draft.school,
                    NetworkRole.SCHOOL,
                    started,
                    contact_name=dsl[draft.school],
                    contact_email=f"dsl.{draft.school}@schools.{DEMO_EMAIL_DOMAIN}",
                )
            )
        if rng.random() < 0.3:
            started = max(
                _birthday(draft.dob, 1), self.anchor - timedelta(days=rng.randint(30, 900))
            )
            network.append(NetworkPlan(HEALTH, NetworkRole.HEALTH, started))
        recent = [e for e in episodes if e.last_seen_at >= self.end - timedelta(days=90)]
        if recent:
            first = recent[0]
            started = _local(first.returned_at or first.last_seen_at).date()
            network.append(NetworkPlan(RHI_SERVICE, NetworkRole.RHI_REFERRAL, started))
        police_person_id = f"{POLICE}-P{rng.randrange(10**6, 10**7)}" if episodes else ""
        return ChildPlan(
            key=draft.key,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=draft.dob,
            sex=sex,
            ethnicity=_pick(rng, ETHNICITY_WEIGHTS),
            religion=_pick(rng, RELIGION_WEIGHTS),
            first_language=language,
            la_child_id=draft.la_child_id,
            nhs_number=self._nhs_number(),
            upn=self._upn(draft, draft.school) if draft.school else "",
            police_person_id=police_person_id,
            responsible_la=draft.responsible_la,
            school=draft.school,
            social_worker=draft.social_worker,
            aliases=aliases,
            cohorts=tuple(draft.cohorts),
            care=draft.care,
            placements=tuple(draft.placements),
            network=tuple(network),
            episodes=episodes,
            exploited=draft.exploited,
        )
