"""Reads of the daily screening list, through the access gate (episodes_visible_to) and logged.

A *notification* is what the police told the local authority about an episode: it was reported
missing (kind `missing`, at its reported time), found or returned (`found`, at its return),
or the police's record changed one of its times by more than an hour (`time_corrected`, at the
correction; shown until screened, whatever the range). One episode may give several.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from homesafe.access.audit import audit_children_shown
from homesafe.access.choices import AuditVerb, Role
from homesafe.access.models import User
from homesafe.daily_screening.choices import NotificationKind
from homesafe.daily_screening.models import ScreeningDecision
from homesafe.duties.models import Duty
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.models import MissingEpisode
from homesafe.episodes.queries import episodes_visible_to
from homesafe.intake.models import PoliceTimeCorrection
from homesafe.people.models import Placement
from homesafe.protocol.calendar import at_local_time


def can_screen(user: User) -> bool:
    """Only missing coordinators screen the police's notifications."""
    return user.is_authenticated and user.has_role(Role.MISSING_COORDINATOR)


@dataclass(frozen=True)
class ScreeningRange:
    """Whole days in Europe/London, first to last inclusive: [since, until)."""

    first_day: date
    last_day: date

    @property
    def since(self) -> datetime:
        return at_local_time(self.first_day, time(0))

    @property
    def until(self) -> datetime:
        return at_local_time(self.last_day + timedelta(days=1), time(0))


def screening_since(now: datetime) -> datetime:
    """The start (00:00 Europe/London) of the working day before today, in the protocol's region
    and with its local non-working days."""
    _, protocol = protocol_current()
    return at_local_time(protocol.calendar.previous_working_day(timezone.localdate(now)), time(0))


def screening_default_range(now: datetime) -> ScreeningRange:
    """Since the last working day began, to today."""
    return ScreeningRange(timezone.localdate(screening_since(now)), timezone.localdate(now))


@dataclass
class Notification:
    kind: str
    at: datetime
    episode: MissingEpisode
    decision: ScreeningDecision | None  # the current one
    corrections: list[PoliceTimeCorrection] = field(default_factory=list)

    @property
    def label(self) -> str:
        return NotificationKind(self.kind).label

    @property
    def screened(self) -> bool:
        """Decided; for a time correction, decided after the newest correction."""
        if self.decision is None:
            return False
        if self.kind == NotificationKind.TIME_CORRECTED and self.corrections:
            return self.decision.decided_at >= max(c.corrected_at for c in self.corrections)
        return True


@dataclass
class ScreeningList:
    range: ScreeningRange
    notifications: list[Notification]
    outside_area: set[int]  # episode ids reported by a force outside the child's area

    @property
    def counts(self) -> dict[str, int]:
        kinds = [n.kind for n in self.notifications]
        screened = sum(1 for n in self.notifications if n.screened)
        return {
            "new": kinds.count(NotificationKind.MISSING),
            "found": kinds.count(NotificationKind.FOUND),
            "time_corrected": kinds.count(NotificationKind.TIME_CORRECTED),
            "screened": screened,
            "to_screen": len(kinds) - screened,
        }


def reported_outside_area(episode: MissingEpisode) -> bool:
    """Reported by a force that is neither the responsible LA's nor that of the LA the child
    lives in (its current placement's host): any force's key may report any child, and that
    makes the child visible to the force, so the child's LA is told on its screening list."""
    force_id = episode.police_force_id
    if force_id is None:
        return False
    child = episode.child
    areas = {child.responsible_la.police_force_id}
    areas |= {p.host_la.police_force_id for p in getattr(child, "current_placements", [])}
    return force_id not in areas


def _corrected_episode_ids(r: ScreeningRange):
    """Episodes with a police time correction to screen: made in the range, or not yet screened."""
    later_decision = ScreeningDecision.objects.filter(
        episode=OuterRef("episode"),
        notification=NotificationKind.TIME_CORRECTED,
        superseded_at__isnull=True,
        decided_at__gte=OuterRef("corrected_at"),
    )
    return (
        PoliceTimeCorrection.objects.filter(to_screen=True)
        .filter(Q(corrected_at__gte=r.since, corrected_at__lt=r.until) | ~Exists(later_decision))
        .values("episode_id")
    )


def _in(r: ScreeningRange, moment: datetime | None) -> bool:
    return moment is not None and r.since <= moment < r.until


def screening_list_for_user(
    *, user: User, range: ScreeningRange, verb: AuditVerb = AuditVerb.DAILY_SCREENING_VIEWED
) -> ScreeningList:
    """Every notification in the range about a child the user may see, newest first, each with
    its episode (child, police force, current risk), the duties it set off and its current
    decision; logged as one entry naming the children shown. A fixed number of queries."""
    r = range
    corrected = _corrected_episode_ids(r)
    episodes = list(
        episodes_visible_to(user=user)
        .filter(
            Q(reported_at__gte=r.since, reported_at__lt=r.until)
            | Q(returned_at__gte=r.since, returned_at__lt=r.until)
            | Q(pk__in=corrected)
        )
        .select_related("child__responsible_la", "police_force")
        .prefetch_related(
            Prefetch("duties", queryset=Duty.objects.order_by("due_at", "kind")),
            Prefetch(
                "screening_decisions",
                queryset=ScreeningDecision.objects.filter(
                    superseded_at__isnull=True
                ).select_related("decided_by"),
                to_attr="current_decisions",
            ),
            Prefetch(
                "police_time_corrections",
                queryset=PoliceTimeCorrection.objects.filter(to_screen=True).order_by(
                    "corrected_at", "id"
                ),
                to_attr="corrections_to_screen",
            ),
            Prefetch(
                "child__placements",
                queryset=Placement.objects.filter(ended_on__isnull=True).select_related("host_la"),
                to_attr="current_placements",
            ),
        )
        .order_by(Greatest("reported_at", Coalesce("returned_at", "reported_at")).desc(), "-pk")
    )
    notifications: list[Notification] = []
    for episode in episodes:
        decisions = {d.notification: d for d in episode.current_decisions}
        if _in(r, episode.reported_at):
            notifications.append(
                Notification(
                    NotificationKind.MISSING,
                    episode.reported_at,
                    episode,
                    decisions.get(NotificationKind.MISSING),
                )
            )
        if _in(r, episode.returned_at):
            notifications.append(
                Notification(
                    NotificationKind.FOUND,
                    episode.returned_at,
                    episode,
                    decisions.get(NotificationKind.FOUND),
                )
            )
        corrections = episode.corrections_to_screen
        if corrections:
            note = Notification(
                NotificationKind.TIME_CORRECTED,
                corrections[-1].corrected_at,
                episode,
                decisions.get(NotificationKind.TIME_CORRECTED),
                corrections,
            )
            if _in(r, note.at) or not note.screened:
                notifications.append(note)
    notifications.sort(key=lambda n: (n.at, n.episode.pk), reverse=True)
    audit_children_shown(
        actor=user,
        verb=verb,
        target_type="episodes.missingepisode",
        child_ids=[e.child_id for e in episodes],
        payload={"from": r.first_day.isoformat(), "to": r.last_day.isoformat()},
    )
    return ScreeningList(
        range=r,
        notifications=notifications,
        outside_area={e.pk for e in episodes if reported_outside_area(e)},
    )


def screening_episode_for_user_or_404(*, user: User, episode_id: int) -> MissingEpisode:
    """The episode a decision is about, through the gate (logged as a read of the episode)."""
    from homesafe.episodes.queries import episode_get_for_user_or_404

    return episode_get_for_user_or_404(user=user, episode_id=episode_id)
