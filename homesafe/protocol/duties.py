"""The duties a child's facts call for: `plan_duties(facts, settings)`, a pure function.

Each rule below reads one episode (and, for the repeat threshold, the child's other episodes)
and plans at most one duty of its kind for that episode, with its due time, owner role, the
settings key that set its timescale (`rule`) and a reason naming the trigger. docs/protocol.md
lists every rule with its source.

How a duty's status is decided:
- a rule plans a duty only while its condition holds. Duties that depend on the child still
  being missing (senior leader alert, escalations, recovery order, the "missing" strategy
  meeting trigger, the 18th birthday prompt) are planned ahead while the child is missing, and
  are NOT planned at all once the child returned before they fell due: the duties app closes a
  stored open duty that is no longer planned;
- `done` when a fact shows it done (e.g. `rhi_offered_at`) or the kind is in `episode.completed`;
- else `not_needed` when the kind is in `episode.not_needed` (the recorded reason is appended);
- else `overdue` when `due_at` is before `facts.now`, else `open`.

Episodes are independent: a child who returns and goes missing again before the return
interview is done keeps both episodes' duties (each return calls for its own interview offer).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from homesafe.protocol.calendar import add_hours, at_local_time, end_of_day, london
from homesafe.protocol.facts import (
    CaseFacts,
    ChildFacts,
    ChildStatus,
    DutyKind,
    DutyStatus,
    EpisodeFacts,
    LegalStatus,
    NetworkPartner,
    OwnerRole,
    PlannedDuty,
    Risk,
    ScreeningFacts,
    ToldOfReturn,
)
from homesafe.protocol.screening import add_months
from homesafe.protocol.settings import (
    ProtocolSettings,
    RhiOfferOn,
    SearchDuty,
    StrategyMeetingTrigger,
)

# The child's wider network (issue 16): each partner's duty of the missing episode and of the
# return, the role told, and how the reason names them.
NETWORK_TELLING: dict[NetworkPartner, tuple[DutyKind, DutyKind, OwnerRole, str]] = {
    NetworkPartner.EARLY_HELP: (
        DutyKind.NOTIFY_EARLY_HELP,
        DutyKind.NOTIFY_EARLY_HELP_OF_RETURN,
        OwnerRole.EARLY_HELP,
        "the early help worker",
    ),
    NetworkPartner.HEALTH: (
        DutyKind.NOTIFY_HEALTH,
        DutyKind.NOTIFY_HEALTH_OF_RETURN,
        OwnerRole.HEALTH,
        "the health professional",
    ),
    NetworkPartner.YOUTH_JUSTICE: (
        DutyKind.NOTIFY_YOUTH_JUSTICE,
        DutyKind.NOTIFY_YOUTH_JUSTICE_OF_RETURN,
        OwnerRole.YOUTH_JUSTICE,
        "the youth justice worker",
    ),
}

RECOVERY_ORDER_STATUSES = frozenset(
    {
        LegalStatus.CARE_ORDER,
        LegalStatus.INTERIM_CARE_ORDER,
        LegalStatus.EPO,
        LegalStatus.POLICE_PROTECTION,
    }
)


class Candidate(NamedTuple):
    """A duty a rule calls for: `done` when a fact of the record shows it done; `tells` whom a
    notification or alert tells (never the owner)."""

    kind: DutyKind
    due_at: datetime
    owner_role: OwnerRole
    rule: str
    reason: str
    done: bool
    tells: OwnerRole | None = None


# An 18th-birthday prompt is planned only for an episode open in the 30 days before the birthday.
BIRTHDAY_NOTICE = timedelta(days=30)


def plan_duties(facts: CaseFacts, settings: ProtocolSettings) -> list[PlannedDuty]:
    """Every duty the facts call for, sorted by (due_at, kind, episode)."""
    now = london(facts.now)
    episodes = sorted(facts.episodes, key=lambda episode: (episode.reported_at, episode.id))
    reaches_repeat = _episodes_reaching_repeat_threshold(episodes, settings)
    disabled = frozenset(settings.disabled_duties)
    planned = []
    for index, episode in enumerate(episodes):
        planner = _EpisodePlanner(
            child=facts.child,
            episode=episode,
            settings=settings,
            ordinal=facts.child.earlier_episodes + index + 1,
            repeat_count=reaches_repeat.get(episode.id),
            now=now,
        )
        for candidate in planner.candidates():
            kind = candidate.kind
            if kind in disabled:
                continue
            assert candidate.tells != candidate.owner_role, kind  # the told never own "tell X"
            planned.append(
                PlannedDuty(
                    kind=kind,
                    episode=episode.id,
                    due_at=candidate.due_at,
                    status=_status(kind, episode, candidate.due_at, candidate.done, now),
                    owner_role=candidate.owner_role,
                    rule=candidate.rule,
                    reason=_with_recorded_reason(kind, episode, candidate.reason, candidate.done),
                    tells=candidate.tells,
                )
            )
    if DutyKind.SCREENING_REVIEW not in disabled:
        planned.extend(_screening_reviews(facts, episodes, settings, now))
    planned.sort(key=lambda duty: (duty.due_at, duty.kind, duty.episode))
    return planned


def screening_review_on(completed_on: date, settings: ProtocolSettings) -> date:
    """When a screening completed on `completed_on` is next reviewed (SERAF: every 3 months)."""
    return add_months(completed_on, settings.screening_review_months)


def _screening_reviews(
    facts: CaseFacts, episodes: list[EpisodeFacts], settings: ProtocolSettings, now: datetime
) -> list[PlannedDuty]:
    """One `screening_review` duty per episode that the child's screenings attach to.

    Duties belong to episodes, so a screening attaches to the child's latest episode reported
    at or before it was completed (or, if every episode is later, the first one); a child with
    no episode has no review duty. Each episode's duty reviews the latest screening attached to
    it, and is done once any later screening exists: a new screening closes the review it makes
    unnecessary and, on a later episode, plans its own.
    """
    if not episodes or not facts.child.screenings:
        return []
    screenings = sorted(facts.child.screenings, key=lambda s: (s.completed_at, s.id))
    latest = screenings[-1]
    by_episode: dict[str, tuple[EpisodeFacts, ScreeningFacts]] = {}
    for screening in screenings:
        attached = episodes[0]
        for episode in episodes:
            if episode.reported_at <= screening.completed_at:
                attached = episode
        by_episode[attached.id] = (attached, screening)  # later screenings replace earlier
    planned = []
    for episode, screening in by_episode.values():
        completed = london(screening.completed_at)
        review_on = screening.review_on or screening_review_on(completed.date(), settings)
        due_at = end_of_day(review_on)
        done = screening is not latest
        months = settings.screening_review_months
        reason = (
            f"Exploitation screening completed {_when(completed)}; reviewed by "
            f"{review_on.day} {MONTHS[review_on.month - 1]} {review_on.year} (every {months} "
            f"month{'s' if months != 1 else ''})."
        )
        if done:
            reason += f" A later screening was completed {_when(latest.completed_at)}."
        kind = DutyKind.SCREENING_REVIEW
        planned.append(
            PlannedDuty(
                kind=kind,
                episode=episode.id,
                due_at=due_at,
                status=_status(kind, episode, due_at, done, now),
                owner_role=(
                    OwnerRole.SOCIAL_WORKER
                    if facts.child.allocated
                    else OwnerRole.MISSING_COORDINATOR
                ),
                rule="screening_review_months",
                reason=_with_recorded_reason(kind, episode, reason, done),
            )
        )
    return planned


def _status(
    kind: DutyKind, episode: EpisodeFacts, due_at: datetime, done: bool, now: datetime
) -> DutyStatus:
    if done or kind in episode.completed:
        return DutyStatus.DONE
    if kind in episode.not_needed:
        return DutyStatus.NOT_NEEDED
    if due_at < now:
        return DutyStatus.OVERDUE
    return DutyStatus.OPEN


def _with_recorded_reason(kind: DutyKind, episode: EpisodeFacts, reason: str, done: bool) -> str:
    if not done and kind not in episode.completed and kind in episode.not_needed:
        return f"{reason} Recorded as not needed: {episode.not_needed[kind]}"
    return reason


def _episodes_reaching_repeat_threshold(
    episodes: list[EpisodeFacts], settings: ProtocolSettings
) -> dict[str, int]:
    """Episode id -> episodes in the window, for each episode that takes the child's count of
    episodes in the last `repeat_threshold_days` (this one included) up to the threshold from
    below. Later episodes while the count stays at or above the threshold do not reach it again.
    """
    threshold, window = settings.repeat_threshold_episodes, settings.repeat_threshold_days
    reaching, first, previous_count = {}, 0, 0
    for index, episode in enumerate(episodes):
        start = add_hours(episode.reported_at, -24 * window)
        while episodes[first].reported_at <= start:
            first += 1
        count = index - first + 1
        if count >= threshold > previous_count:
            reaching[episode.id] = count
        previous_count = count
    return reaching


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _when(moment: datetime) -> str:
    """E.g. "Tue 24 Nov 2026 10:00", in Europe/London (English whatever the process locale)."""
    local = london(moment)
    return (
        f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} {local.year} "
        f"{local.hour:02d}:{local.minute:02d}"
    )


def _within(working_days: int) -> str:
    if working_days == 0:
        return "the same working day"
    return f"within {working_days} working day{'s' if working_days != 1 else ''}"


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def plan_time_bounds(facts: CaseFacts) -> tuple[bool, ...]:
    """What a plan reads of `facts.now` besides each duty's open or overdue status: whether
    the 18th birthday's notice has begun (the prompt is planned only within it). Two plans of
    the same facts at times with the same answer differ in nothing else, so a stored plan can
    be trusted until the answer changes (homesafe.duties.replan; a property test holds it)."""
    birthday = eighteenth_birthday(facts.child.date_of_birth)
    starts = at_local_time(birthday, time(0, 0))
    return (london(facts.now) >= starts - BIRTHDAY_NOTICE,)


def eighteenth_birthday(date_of_birth: date) -> date:
    """The 18th birthday; someone born on 29 February is 18 on 1 March in a common year."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + 18)
    except ValueError:
        return date(date_of_birth.year + 18, 3, 1)


class _EpisodePlanner:
    """The rules for one episode. `candidates()` yields a Candidate for each duty whose
    condition holds."""

    def __init__(
        self,
        *,
        child: ChildFacts,
        episode: EpisodeFacts,
        settings: ProtocolSettings,
        ordinal: int,
        repeat_count: int | None,
        now: datetime,
    ):
        self.child, self.episode, self.settings, self.now = child, episode, settings, now
        self.calendar = settings.calendar
        self.ordinal, self.repeat_count = ordinal, repeat_count
        self.reported_at = london(episode.reported_at)
        self.returned_at = london(episode.returned_at) if episode.returned_at else None
        self.high_risk_at = episode.high_risk_at or (
            episode.reported_at if episode.risk == Risk.HIGH else None
        )
        self.case_holder = (
            OwnerRole.SOCIAL_WORKER if child.allocated else OwnerRole.MISSING_COORDINATOR
        )
        self.reported = f"Reported missing {_when(self.reported_at)}"
        # "Missing for N hours" counts from the last-seen time when known, else the report.
        self.missing_since = london(episode.last_seen_at or episode.reported_at)
        self.since_words = "last seen" if episode.last_seen_at else "the report"

    def still_missing_at(self, moment: datetime) -> bool:
        return self.returned_at is None or self.returned_at > moment

    def candidates(self) -> Iterator[Candidate]:
        yield from self.notifications()
        yield from self.network_of_missing()
        yield from self.while_missing()
        yield from self.high_risk()
        yield from self.strategy_meeting()
        yield from self.after_return()
        yield from self.network_of_return()
        yield from self.safety_plan_review()
        yield from self.repeat_meeting()
        yield from self.concerns()
        yield from self.birthday()
        yield from self.search()

    # -- at the report -------------------------------------------------------------------------

    def notifications(self) -> Iterator[Candidate]:
        """Who is told of the report. The one who tells owns the duty (DOMAIN: "a notification
        is a duty of the one who tells"): the missing coordinator tells the social worker, the
        school and the other authorities; the case holder tells the IRO or conference chair."""
        s, child, reported = self.settings, self.child, self.reported
        coordinator = OwnerRole.MISSING_COORDINATOR
        if child.allocated:
            n = s.social_worker_notification_working_days
            yield Candidate(
                DutyKind.NOTIFY_SOCIAL_WORKER,
                self.calendar.add_working_days(self.reported_at, n),
                coordinator,
                "social_worker_notification_working_days",
                f"{reported}; the child is allocated, so the social worker is told {_within(n)}.",
                False,
                tells=OwnerRole.SOCIAL_WORKER,
            )
        if child.attends_school:
            at = s.school_notification_time
            yield Candidate(
                DutyKind.NOTIFY_SCHOOL,
                self.calendar.next_school_day_at(self.reported_at, at),
                coordinator,
                "school_notification_time",
                f"{reported}; the child attends school, so the school's designated safeguarding "
                f"lead is told before {at:%H:%M} on the next school day.",
                False,
                tells=OwnerRole.SCHOOL,
            )
        if child.placed_out_of_area:
            for kind, told, key, whom in (
                (
                    DutyKind.NOTIFY_PLACING_LA,
                    OwnerRole.PLACING_LA,
                    "placing_la_notification_working_days",
                    "the placing (responsible) local authority",
                ),
                (
                    DutyKind.NOTIFY_HOST_LA,
                    OwnerRole.HOST_LA,
                    "host_la_notification_working_days",
                    "the host local authority (where the child is placed)",
                ),
            ):
                n = getattr(s, key)
                yield Candidate(
                    kind,
                    self.calendar.add_working_days(self.reported_at, n),
                    coordinator,
                    key,
                    f"{reported}; the child is placed out of area, so {whom} is told {_within(n)}.",
                    False,
                    tells=told,
                )
        if child.status == ChildStatus.LOOKED_AFTER:
            n = s.iro_notification_working_days
            yield Candidate(
                DutyKind.NOTIFY_IRO,
                self.calendar.add_working_days(self.reported_at, n),
                self.case_holder,
                "iro_notification_working_days",
                f"{reported}; the child is looked after, so the independent reviewing officer is "
                f"told {_within(n)}.",
                False,
                tells=OwnerRole.IRO,
            )
        if child.status == ChildStatus.CHILD_PROTECTION:
            n = s.cp_chair_notification_working_days
            yield Candidate(
                DutyKind.NOTIFY_CP_CHAIR,
                self.calendar.add_working_days(self.reported_at, n),
                self.case_holder,
                "cp_chair_notification_working_days",
                f"{reported}; the child has a child protection plan, so the conference chair is "
                f"told {_within(n)}.",
                False,
                tells=OwnerRole.CP_CHAIR,
            )

    # -- the child's wider network (issue 16) ---------------------------------------------------

    def network_of_missing(self) -> Iterator[Candidate]:
        """The child's early help, health and youth justice workers (those the settings name
        that the child's network has) are told of the missing episode within N working days of
        the report, by the missing coordinator (seed 002: "keep them informed of any missing or
        return home episodes")."""
        s, child = self.settings, self.child
        n = s.network_missing_notification_working_days
        for partner in s.network_told_of_missing:
            if partner not in child.network:
                continue
            kind, _, told, whom = NETWORK_TELLING[partner]
            yield Candidate(
                kind,
                self.calendar.add_working_days(self.reported_at, n),
                OwnerRole.MISSING_COORDINATOR,
                "network_missing_notification_working_days",
                f"{self.reported}; {whom} in the child's network is told {_within(n)}.",
                False,
                tells=told,
            )

    def network_of_return(self) -> Iterator[Candidate]:
        """After the return, the network partners the settings name (those the child's network
        has) are told within N working days of the return, and the child's school before
        `school_notification_time` on the next school day, by the missing coordinator."""
        if self.returned_at is None:
            return
        s, child, returned = self.settings, self.child, f"Returned {_when(self.returned_at)}"
        n = s.network_return_notification_working_days
        for told_of_return in s.network_told_of_return:
            if told_of_return == ToldOfReturn.SCHOOL:
                if not child.attends_school:
                    continue
                at = s.school_notification_time
                yield Candidate(
                    DutyKind.NOTIFY_SCHOOL_OF_RETURN,
                    self.calendar.next_school_day_at(self.returned_at, at),
                    OwnerRole.MISSING_COORDINATOR,
                    "school_notification_time",
                    f"{returned}; the child attends school, so the school's designated "
                    f"safeguarding lead is told of the return before {at:%H:%M} on the next "
                    f"school day.",
                    False,
                    tells=OwnerRole.SCHOOL,
                )
                continue
            partner = NetworkPartner(told_of_return.value)
            if partner not in child.network:
                continue
            _, kind, told, whom = NETWORK_TELLING[partner]
            yield Candidate(
                kind,
                self.calendar.add_working_days(self.returned_at, n),
                OwnerRole.MISSING_COORDINATOR,
                "network_return_notification_working_days",
                f"{returned}; {whom} in the child's network is told of the return {_within(n)}.",
                False,
                tells=told,
            )

    # -- while missing -------------------------------------------------------------------------

    def while_missing(self) -> Iterator[Candidate]:
        """Alerts and escalations by how long the child has been missing, counted from the
        last-seen time when known (a late report does not delay them), else from the report.
        The case holder alerts or escalates; the leader or manager is told. Seed 004: the
        allocated social worker completes the Senior Leadership Alert."""
        s, reported = self.settings, self.reported
        hourly = [
            (
                DutyKind.ESCALATE_TEAM_MANAGER,
                OwnerRole.TEAM_MANAGER,
                "escalate_team_manager_hours",
                "escalated to the team manager",
            ),
            (
                DutyKind.ESCALATE_SERVICE_MANAGER,
                OwnerRole.SERVICE_MANAGER,
                "escalate_service_manager_hours",
                "escalated to the service manager",
            ),
            (
                DutyKind.ESCALATE_HEAD_OF_SERVICE,
                OwnerRole.HEAD_OF_SERVICE,
                "escalate_head_of_service_hours",
                "escalated to the head of service",
            ),
        ]
        if self.child.allocated:
            hourly.insert(
                0,
                (
                    DutyKind.SENIOR_LEADER_ALERT,
                    OwnerRole.SENIOR_LEADER,
                    "senior_leader_alert_hours",
                    "alerted to a senior leader by the allocated social worker",
                ),
            )
        for kind, told, key, what in hourly:
            hours = getattr(s, key)
            due_at = add_hours(self.missing_since, hours)
            if self.still_missing_at(due_at):
                yield Candidate(
                    kind,
                    due_at,
                    self.case_holder,
                    key,
                    f"{reported}; a child still missing {hours} hours after {self.since_words} "
                    f"({_when(due_at)}) is {what}.",
                    False,
                    tells=told,
                )
                if kind == DutyKind.ESCALATE_TEAM_MANAGER:
                    held = self.episode.strategy_meeting_at
                    yield Candidate(
                        DutyKind.ESCALATION_REVIEW,
                        self.calendar.add_working_days(due_at, 1),
                        OwnerRole.TEAM_MANAGER,
                        key,
                        f"{reported}; escalated to the team manager {_when(due_at)}, who reviews "
                        f"the plan to find the child within 1 working day.",
                        held is not None and held >= due_at,  # a strategy meeting reviews it
                    )
        if self.child.legal_status in RECOVERY_ORDER_STATUSES:
            hours = s.consider_recovery_order_hours
            due_at = add_hours(self.missing_since, hours)
            if self.still_missing_at(due_at):
                yield Candidate(
                    DutyKind.CONSIDER_RECOVERY_ORDER,
                    due_at,
                    self.case_holder,
                    "consider_recovery_order_hours",
                    f"{reported}; the child's legal status ({self.child.legal_status}) allows a "
                    f"recovery order (s.50 Children Act 1989), to be considered if still missing "
                    f"{hours} hours after {self.since_words}.",
                    False,
                )

    def high_risk(self) -> Iterator[Candidate]:
        if self.high_risk_at is None:
            return
        hours = self.settings.high_risk_alert_hours
        timing = "at once" if hours == 0 else f"within {hours} hours"
        yield Candidate(
            DutyKind.HIGH_RISK_ALERT,
            add_hours(self.high_risk_at, hours),
            OwnerRole.MISSING_COORDINATOR,
            "high_risk_alert_hours",
            f"Graded high risk by the police {_when(self.high_risk_at)}; the missing "
            f"coordinator tells a senior manager {timing}.",
            False,
            tells=OwnerRole.SENIOR_LEADER,
        )

    def strategy_meeting(self) -> Iterator[Candidate]:
        s, episode = self.settings, self.episode
        triggers: list[tuple[datetime, str]] = []
        wanted = set(s.strategy_meeting_triggers)
        if StrategyMeetingTrigger.HIGH_RISK in wanted and self.high_risk_at is not None:
            triggers.append((self.high_risk_at, f"graded high risk {_when(self.high_risk_at)}"))
        if StrategyMeetingTrigger.MISSING_ALLOCATED in wanted and self.child.allocated:
            hours = s.strategy_meeting_missing_hours
            after = add_hours(self.missing_since, hours)
            if self.still_missing_at(after):
                triggers.append(
                    (after, f"allocated child still missing {hours} hours after {self.since_words}")
                )
        if StrategyMeetingTrigger.REPEAT_THRESHOLD in wanted and self.repeat_count:
            triggers.append(
                (
                    self.reported_at,
                    f"{_ordinal(self.repeat_count)} episode in {s.repeat_threshold_days} days "
                    f"(repeat threshold {s.repeat_threshold_episodes})",
                )
            )
        if StrategyMeetingTrigger.EXPLOITATION_CONCERN in wanted and episode.exploitation_concern:
            raised = episode.exploitation_concern_at or episode.reported_at
            triggers.append((raised, f"exploitation concern raised {_when(raised)}"))
        if not triggers:
            return
        triggered_at, why = min(triggers, key=lambda trigger: trigger[0])
        n = s.strategy_meeting_working_days
        yield Candidate(
            DutyKind.STRATEGY_MEETING,
            self.calendar.add_working_days(triggered_at, n),
            self.case_holder,
            "strategy_meeting_working_days",
            f"{self.reported}; strategy meeting {_within(n)} of the earliest trigger: {why}.",
            episode.strategy_meeting_at is not None,
        )

    # -- after the return ----------------------------------------------------------------------

    def rhi_offered(self) -> tuple[bool, str]:
        """Whether this return calls for a return interview, and why."""
        if self.settings.rhi_offer_on == RhiOfferOn.EVERY_EPISODE:
            return True, "every return"
        if self.ordinal >= 2:
            return True, f"the child's {_ordinal(self.ordinal)} episode"
        episode = self.episode
        if self.high_risk_at or episode.exploitation_concern or episode.trafficking_concern:
            return True, "a first episode with significant concerns"
        return False, ""

    def after_return(self) -> Iterator[Candidate]:
        if self.returned_at is None:
            return
        s, episode, returned = self.settings, self.episode, f"Returned {_when(self.returned_at)}"
        offered, why = self.rhi_offered()
        if offered:
            yield Candidate(
                DutyKind.RHI_OFFER,
                add_hours(self.returned_at, s.rhi_offer_hours),
                OwnerRole.RHI_SERVICE,
                "rhi_offer_hours",
                f"{returned}; a return home interview is offered ({why}) within "
                f"{s.rhi_offer_hours} hours of the return.",
                any(
                    moment is not None
                    for moment in (
                        episode.rhi_offered_at,
                        episode.rhi_completed_at,
                        episode.rhi_declined_at,
                    )
                ),
            )
            yield Candidate(
                DutyKind.RHI_COMPLETE,
                add_hours(self.returned_at, s.rhi_complete_hours),
                OwnerRole.RHI_SERVICE,
                "rhi_complete_hours",
                f"{returned}; the return home interview is done (or the child's refusal "
                f"recorded) within {s.rhi_complete_hours} hours of the return.",
                episode.rhi_completed_at is not None or episode.rhi_declined_at is not None,
            )
        if self.child.status == ChildStatus.LOOKED_AFTER:
            n = s.pre_incident_review_working_days
            yield Candidate(
                DutyKind.PRE_INCIDENT_REVIEW,
                self.calendar.add_working_days(self.returned_at, n),
                self.case_holder,
                "pre_incident_review_working_days",
                f"{returned}; the looked-after child's pre-incident (Philomena) profile and risk "
                f"assessment are reviewed {_within(n)} of the return.",
                episode.pre_incident_reviewed_at is not None,
            )

    # -- the child's safety plan (issue 16) ------------------------------------------------------

    def safety_plan_review(self) -> Iterator[Candidate]:
        """A child with a safety plan in force when they return has the plan reviewed with them
        (and their carers) within N working days of the return: owned by the allocated social
        worker, else the missing coordinator; done by a version of the plan saved after the
        return (seed 004: "Update plans - anything need to change?")."""
        if self.returned_at is None or not self.episode.safety_plan_in_force:
            return
        n = self.settings.safety_plan_review_working_days
        yield Candidate(
            DutyKind.SAFETY_PLAN_REVIEW,
            self.calendar.add_working_days(self.returned_at, n),
            self.case_holder,
            "safety_plan_review_working_days",
            f"Returned {_when(self.returned_at)}; the child has a safety plan, reviewed with the "
            f"child and carers {_within(n)} of the return.",
            self.episode.safety_plan_reviewed_at is not None,
        )

    def repeat_meeting(self) -> Iterator[Candidate]:
        if not self.repeat_count:
            return
        s, n = self.settings, self.settings.repeat_meeting_working_days
        yield Candidate(
            DutyKind.REPEAT_MEETING,
            self.calendar.add_working_days(self.reported_at, n),
            OwnerRole.MISSING_COORDINATOR,
            "repeat_meeting_working_days",
            f"{self.reported}, the child's {_ordinal(self.repeat_count)} episode in "
            f"{s.repeat_threshold_days} days (threshold {s.repeat_threshold_episodes}): a "
            f"multi-agency meeting {_within(n)}.",
            False,
        )

    def concerns(self) -> Iterator[Candidate]:
        s, episode = self.settings, self.episode
        if episode.exploitation_concern:
            raised = episode.exploitation_concern_at or episode.reported_at
            n = s.consider_mace_working_days
            yield Candidate(
                DutyKind.CONSIDER_MACE,
                self.calendar.add_working_days(raised, n),
                self.case_holder,
                "consider_mace_working_days",
                f"Exploitation concern raised {_when(raised)}; a MACE referral is considered "
                f"{_within(n)}.",
                False,
            )
        if episode.trafficking_concern:
            raised = episode.trafficking_concern_at or episode.reported_at
            n = s.consider_nrm_working_days
            yield Candidate(
                DutyKind.CONSIDER_NRM,
                self.calendar.add_working_days(raised, n),
                self.case_holder,
                "consider_nrm_working_days",
                f"Trafficking concern raised {_when(raised)}; a National Referral Mechanism "
                f"referral (no consent needed for a child) is considered {_within(n)}.",
                False,
            )

    def birthday(self) -> Iterator[Candidate]:
        """SSDA903 rule 580: an episode open at the 18th birthday is closed as a child's. The
        prompt is planned only once the birthday is 30 days away (or nearer), for an episode
        that began before the birthday and is open then; a younger child's open episode has
        none (it would be years away)."""
        birthday = eighteenth_birthday(self.child.date_of_birth)
        starts = at_local_time(birthday, time(0, 0))
        if self.now < starts - BIRTHDAY_NOTICE:
            return
        if self.reported_at < starts and self.still_missing_at(starts):
            yield Candidate(
                DutyKind.EIGHTEENTH_BIRTHDAY,
                end_of_day(birthday),
                OwnerRole.MISSING_COORDINATOR,
                "eighteenth_birthday",
                f"{self.reported}; the child turns 18 on {birthday.day} "
                f"{MONTHS[birthday.month - 1]} {birthday.year} while the episode is open: close "
                f"the episode as a child's (SSDA903 rule 580) and review the plan.",
                False,
            )

    # -- the search for the child (issue 16) ---------------------------------------------------

    def search(self) -> Iterator[Candidate]:
        """Publicity considered for a high-risk child still missing, Missing People contacted
        for a child still missing, approved publicity withdrawn after the return, and the
        police Safe and Well check after the return. A duty that depends on the child still
        being missing is planned once it is done even if the child then returned."""
        s, found = self.settings, self.episode.search
        wanted = set(s.search_duties)
        if SearchDuty.CONSIDER_PUBLICITY in wanted and self.high_risk_at is not None:
            hours = s.publicity_consider_hours
            due_at = add_hours(self.high_risk_at, hours)
            done = found.publicity_considered_at is not None
            if done or self.still_missing_at(due_at):
                yield Candidate(
                    DutyKind.CONSIDER_PUBLICITY,
                    due_at,
                    self.case_holder,
                    "publicity_consider_hours",
                    f"Graded high risk by the police {_when(self.high_risk_at)}; publicity is "
                    f"considered (with the police, and consent) within {hours} hours if the "
                    f"child is still missing.",
                    done,
                )
        hours = s.missing_people_contact_hours
        due_at = add_hours(self.missing_since, hours)
        done = found.missing_people_contacted_at is not None
        if SearchDuty.CONTACT_MISSING_PEOPLE in wanted and (done or self.still_missing_at(due_at)):
            yield Candidate(
                DutyKind.CONTACT_MISSING_PEOPLE,
                due_at,
                self.case_holder,
                "missing_people_contact_hours",
                f"{self.reported}; the Missing People charity is contacted if the child is still "
                f"missing {hours} hours after {self.since_words}.",
                done,
            )
        if self.returned_at is None:
            return
        returned = f"Returned {_when(self.returned_at)}"
        if SearchDuty.WITHDRAW_PUBLICITY in wanted and found.publicity_approved:
            hours = s.publicity_withdraw_hours
            yield Candidate(
                DutyKind.WITHDRAW_PUBLICITY,
                add_hours(self.returned_at, hours),
                self.case_holder,
                "publicity_withdraw_hours",
                f"{returned}; the publicity approved while the child was missing is withdrawn "
                f"within {hours} hours.",
                not found.publicity_live,
            )
        if SearchDuty.SAFE_AND_WELL not in wanted:
            return
        hours = s.safe_and_well_hours
        yield Candidate(
            DutyKind.SAFE_AND_WELL,
            add_hours(self.returned_at, hours),
            OwnerRole.POLICE,
            "safe_and_well_hours",
            f"{returned}; the police hold a Safe and Well (prevention) interview within {hours} "
            f"hours of the return.",
            found.safe_and_well_at is not None,
        )
