"""What the protocol engine reads (a child's facts) and what it returns (planned duties).

Frozen dataclasses, so that planning is a pure function: `plan_duties(facts, settings)`.
The `duties` app builds `CaseFacts` from the database and stores the `PlannedDuty`s; the
simulator (`homesafe protocol simulate`) builds them from JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class ChildStatus(StrEnum):
    HOME = "home"
    CHILD_IN_NEED = "child_in_need"
    CHILD_PROTECTION = "child_protection"
    LOOKED_AFTER = "looked_after"
    CARE_LEAVER = "care_leaver"


class LegalStatus(StrEnum):
    S20 = "s20"
    CARE_ORDER = "care_order"
    INTERIM_CARE_ORDER = "interim_care_order"
    EPO = "epo"
    POLICE_PROTECTION = "police_protection"


class Risk(StrEnum):
    NO_APPARENT_RISK = "no_apparent_risk"
    VERY_LOW = "very_low"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class DutyKind(StrEnum):
    """The kinds of duty, with exactly the names partners' scripts use (issue 4)."""

    NOTIFY_SOCIAL_WORKER = "notify_social_worker"
    NOTIFY_SCHOOL = "notify_school"
    NOTIFY_PLACING_LA = "notify_placing_la"
    NOTIFY_HOST_LA = "notify_host_la"
    NOTIFY_IRO = "notify_iro"
    NOTIFY_CP_CHAIR = "notify_cp_chair"
    SENIOR_LEADER_ALERT = "senior_leader_alert"
    ESCALATE_TEAM_MANAGER = "escalate_team_manager"
    ESCALATE_SERVICE_MANAGER = "escalate_service_manager"
    ESCALATE_HEAD_OF_SERVICE = "escalate_head_of_service"
    HIGH_RISK_ALERT = "high_risk_alert"
    STRATEGY_MEETING = "strategy_meeting"
    RHI_OFFER = "rhi_offer"
    RHI_COMPLETE = "rhi_complete"
    PRE_INCIDENT_REVIEW = "pre_incident_review"
    REPEAT_MEETING = "repeat_meeting"
    CONSIDER_MACE = "consider_mace"
    CONSIDER_NRM = "consider_nrm"
    CONSIDER_RECOVERY_ORDER = "consider_recovery_order"
    EIGHTEENTH_BIRTHDAY = "eighteenth_birthday"
    SCREENING_REVIEW = "screening_review"
    # Added for issue 13: the manager told by the first escalation reviews the case.
    ESCALATION_REVIEW = "escalation_review"
    # Added for issue 16 (the child's plan): the safety plan is reviewed after each return.
    SAFETY_PLAN_REVIEW = "safety_plan_review"
    # The search for a missing child (issue 16, homesafe.locate).
    CONSIDER_PUBLICITY = "consider_publicity"
    CONTACT_MISSING_PEOPLE = "contact_missing_people"
    WITHDRAW_PUBLICITY = "withdraw_publicity"
    SAFE_AND_WELL = "safe_and_well"
    # Added for issue 16 (the wider network): the child's early help, health and youth justice
    # workers told of the missing episode and of the return, and the school of the return.
    NOTIFY_EARLY_HELP = "notify_early_help"
    NOTIFY_HEALTH = "notify_health"
    NOTIFY_YOUTH_JUSTICE = "notify_youth_justice"
    NOTIFY_EARLY_HELP_OF_RETURN = "notify_early_help_of_return"
    NOTIFY_HEALTH_OF_RETURN = "notify_health_of_return"
    NOTIFY_YOUTH_JUSTICE_OF_RETURN = "notify_youth_justice_of_return"
    NOTIFY_SCHOOL_OF_RETURN = "notify_school_of_return"


class DutyStatus(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"
    NOT_NEEDED = "not_needed"


class OwnerRole(StrEnum):
    """Who must act, or (as `tells`) who is told. The duties app resolves each to people of
    the right organisation. `school`, `placing_la`, `host_la`, `iro` and `cp_chair` are only
    ever told: they own no duty the protocol plans (they were owners before issue 13, so stored
    duties may still name them until re-planned)."""

    MISSING_COORDINATOR = "missing_coordinator"  # the responsible LA's CMO / missing team
    SOCIAL_WORKER = "social_worker"  # the allocated social worker
    TEAM_MANAGER = "team_manager"
    SERVICE_MANAGER = "service_manager"
    HEAD_OF_SERVICE = "head_of_service"  # a senior leader of the responsible LA
    SENIOR_LEADER = "senior_leader"
    SCHOOL = "school"  # the school's designated safeguarding lead
    PLACING_LA = "placing_la"  # the placing authority's missing coordinator
    HOST_LA = "host_la"  # the host authority's missing coordinator
    IRO = "iro"  # independent reviewing officer (looked-after children)
    CP_CHAIR = "cp_chair"  # child protection conference chair
    RHI_SERVICE = "rhi_service"  # the return-interview service
    POLICE = "police"  # the police coordinators of the episode's force (issue 16)
    # The child's wider network (issue 16), only ever told: the network member with that role.
    EARLY_HELP = "early_help"
    HEALTH = "health"
    YOUTH_JUSTICE = "youth_justice"


@dataclass(frozen=True)
class SearchFacts:
    """What the search for the child has recorded (homesafe.locate), for its duties."""

    publicity_considered_at: datetime | None = None  # the first decision, approved or not
    publicity_approved: bool = False  # publicity was approved at some time
    publicity_live: bool = False  # approved publicity not yet withdrawn
    missing_people_contacted_at: datetime | None = None
    safe_and_well_at: datetime | None = None


class NetworkPartner(StrEnum):
    """The roles in a child's professional network that the protocol tells of a missing episode
    and of the return, when the child's network has such a member (the values are those of
    homesafe.people's NetworkRole)."""

    EARLY_HELP = "early_help"
    HEALTH = "health"
    YOUTH_JUSTICE = "youth_justice"


class ToldOfReturn(StrEnum):
    """Who may be told of a return: the network partners, and the child's school."""

    EARLY_HELP = "early_help"
    HEALTH = "health"
    YOUTH_JUSTICE = "youth_justice"
    SCHOOL = "school"


@dataclass(frozen=True)
class EpisodeFacts:
    """One missing or away episode, as the protocol needs it. Times are aware datetimes."""

    id: str
    reported_at: datetime
    risk: Risk  # the current (latest) police grading
    pre_planned: bool = False
    exploitation_concern: bool = False
    trafficking_concern: bool = False
    returned_at: datetime | None = None
    rhi_offered_at: datetime | None = None
    rhi_completed_at: datetime | None = None
    rhi_declined_at: datetime | None = None
    high_risk_at: datetime | None = None  # when first graded high (None: reported_at if high)
    strategy_meeting_at: datetime | None = None
    pre_incident_reviewed_at: datetime | None = None
    # Duties people have completed or marked not needed, by kind (from the duties store):
    # planning reports them as done / not_needed instead of open.
    completed: Mapping[str, datetime] = field(default_factory=dict)
    not_needed: Mapping[str, str] = field(default_factory=dict)  # kind -> reason
    # When each concern was first raised (None: at the report). Added for the protocol engine:
    # a concern first raised in the return interview starts its timescale then, not at the report.
    exploitation_concern_at: datetime | None = None
    trafficking_concern_at: datetime | None = None
    # When the child was last seen (added for issue 13): "missing for N hours" rules count from
    # it when known, else from `reported_at`.
    last_seen_at: datetime | None = None
    # The child's safety plan (issue 16): whether one was in force when the child returned, and
    # when a version was first saved after the return (the review).
    safety_plan_in_force: bool = False
    safety_plan_reviewed_at: datetime | None = None
    # The search for the child (added for issue 16).
    search: SearchFacts = field(default_factory=SearchFacts)


@dataclass(frozen=True)
class ScreeningFacts:
    """A completed exploitation screening (homesafe.screening): when, and its review date."""

    id: str
    completed_at: datetime
    review_on: date | None = None  # None: `screening_review_months` after completion


@dataclass(frozen=True)
class ChildFacts:
    date_of_birth: date
    status: ChildStatus
    legal_status: LegalStatus | None = None
    allocated: bool = False
    placed_out_of_area: bool = False
    attends_school: bool = False
    # Episodes before the earliest one in `CaseFacts.episodes` (added for the protocol engine):
    # lets the duties app pass only recent episodes and still tell a first episode from a later
    # one ("RHI offered on the second and later episodes"). Pass at least `repeat_threshold_days`
    # of history before the oldest episode that still needs planning.
    earlier_episodes: int = 0
    # Completed exploitation screenings (added for screening reviews): the latest one's review
    # becomes a `screening_review` duty on the child's latest episode at the time of screening.
    screenings: tuple[ScreeningFacts, ...] = ()
    # The network partners the child's current network has a member for (issue 16): each may be
    # told of a missing episode and of the return (settings `network_told_of_missing`,
    # `network_told_of_return`).
    network: frozenset[NetworkPartner] = frozenset()


@dataclass(frozen=True)
class CaseFacts:
    now: datetime
    child: ChildFacts
    episodes: tuple[EpisodeFacts, ...]


@dataclass(frozen=True)
class PlannedDuty:
    kind: DutyKind
    episode: str  # EpisodeFacts.id
    due_at: datetime  # aware, in Europe/London
    status: DutyStatus
    owner_role: OwnerRole
    rule: str  # the settings key or rule id that made it, e.g. "rhi_offer_hours"
    reason: str  # why, in words a professional understands
    # Whom a notification or alert tells (never `owner_role`); None for any other duty.
    tells: OwnerRole | None = None
