"""Reads of duties, always through the access gate: a duty is seen with its child."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb, OrganisationType, Role
from homesafe.access.models import User
from homesafe.access.policy import child_scope
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.duties.owners import duties_owned_q, needs_owner_q
from homesafe.people.models import Child
from homesafe.protocol.facts import DutyKind, OwnerRole


def duties_visible_to(*, user: User) -> QuerySet[Duty]:
    return Duty.objects.filter(child_id__in=Child.objects.filter(child_scope(user)).values("pk"))


def duties_inbox(*, user: User, now: datetime | None = None, days_ahead: int = 7) -> dict:
    """My work: open duties I own, split into overdue, due today and coming up."""
    now = now or timezone.now()
    end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=0)
    duties = list(
        duties_visible_to(user=user)
        .filter(
            duties_owned_q(user),
            state=DutyState.OPEN,
            due_at__lte=end_of_today + timedelta(days=days_ahead),
        )
        .select_related("child", "episode", "owner_user", "owner_organisation", "owner_team")
        .order_by("due_at", "kind")
    )
    return duties_by_when(duties, now=now)


def duties_needing_owner(*, user: User, limit: int = 200) -> list[Duty]:
    """A missing coordinator's "Needs an owner" list: the open duties of their authority that
    nobody could be named to act on (or to be told), with why, earliest due first."""
    if not user.has_role(Role.MISSING_COORDINATOR) or not user.organisation_id:
        return []
    duties = (
        duties_visible_to(user=user)
        .filter(needs_owner_q(organisation_id=user.organisation_id), state=DutyState.OPEN)
        .select_related("child", "episode", "owner_organisation")
        .order_by("due_at", "kind")[:limit]
    )
    # Due at the same time, in the protocol's order (the offer before the completion).
    order = {kind: i for i, kind in enumerate(DutyKind)}
    return sorted(duties, key=lambda d: (d.due_at, order.get(d.kind, len(order)), d.pk))


def reassign_candidates(*, duty: Duty) -> QuerySet[User]:
    """Whom a duty may be reassigned to: the active people of the organisation that owns it.
    A duty that needs an owner may go to anyone, so its picker offers the people of the
    organisations that could act: the responsible authority's, and for a return interview
    the return-interview workers of the authority's providers."""
    people = Q(organisation_id=duty.owner_organisation_id)
    if duty.needs_owner and duty.owner_role == OwnerRole.RHI_SERVICE:
        people |= Q(
            organisation__type=OrganisationType.RHI_SERVICE,
            organisation__local_authority_id=duty.owner_organisation_id,
            role_grants__role=Role.RHI_WORKER,
        )
    return (
        User.objects.filter(people, is_active=True)
        .select_related("team", "organisation")
        .distinct()
        .order_by("organisation__name", "last_name", "first_name", "pk")
    )


def duties_by_when(duties: list[Duty], *, now: datetime) -> dict[str, list[Duty]]:
    """Split open duties into overdue, due today (Europe/London) and coming up."""
    end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=0)
    return {
        "overdue": [d for d in duties if d.due_at < now],
        "today": [d for d in duties if now <= d.due_at <= end_of_today],
        "coming_up": [d for d in duties if d.due_at > end_of_today],
    }


def duties_overdue_by_team(*, user: User, now: datetime | None = None) -> QuerySet[Duty]:
    """Overdue duties of the children a manager can see, for the manager's view."""
    now = now or timezone.now()
    return (
        duties_visible_to(user=user)
        .filter(state=DutyState.OPEN, due_at__lt=now)
        .select_related("child", "owner_team", "owner_user", "owner_organisation")
        .order_by("owner_organisation__name", "owner_team__name", "due_at")
    )


def duty_get_for_user_or_404(*, user: User, duty_id: int) -> Duty:
    duty = (
        duties_visible_to(user=user)
        .select_related(
            "child", "episode", "owner_user", "owner_team", "owner_organisation", "closed_by"
        )
        .filter(pk=duty_id)
        .first()
    )
    if duty is None:
        raise Http404("No duty found")
    audit_record(actor=user, verb=AuditVerb.DUTY_VIEWED, target=duty)
    return duty


@dataclass(frozen=True)
class ProtocolPreview:
    """What new protocol settings would change, in counts and kinds only (no child's data:
    administrators have no case access)."""

    version: str
    changes: list[tuple[str, object, object]]  # key, in force, proposed
    open_duties: int
    children: int
    sampled_children: int
    due_times_changed: int  # among the sample's open duties
    new_duties: dict[str, int]  # kind -> how many the sample would gain
    dropped_duties: dict[str, int]  # kind -> how many open ones the sample would lose


def protocol_preview(*, settings_toml: str, sample: int = 200) -> ProtocolPreview:
    """Parse proposed settings (ValidationError naming the key) and compare them with those in
    force on a sample of the children with open duties."""
    from django.core.exceptions import ValidationError

    from homesafe.duties.facts import child_cases
    from homesafe.duties.protocol import protocol_current
    from homesafe.protocol.duties import plan_duties
    from homesafe.protocol.settings import ProtocolSettings, ProtocolSettingsError

    try:
        proposed = ProtocolSettings.from_toml(settings_toml)
    except ProtocolSettingsError as error:
        raise ValidationError({"settings_toml": str(error)}) from None
    version, current = protocol_current()
    old, new = current.to_mapping(), proposed.to_mapping()
    changes = [(key, old.get(key), new[key]) for key in new if old.get(key) != new[key]]
    open_duties = Duty.objects.filter(state=DutyState.OPEN)
    child_ids = list(open_duties.values_list("child_id", flat=True).distinct().order_by("child_id"))
    now = timezone.now()
    stored = {
        (d.episode_id, d.kind): d.due_at
        for d in open_duties.filter(child_id__in=child_ids[:sample]).only(
            "episode_id", "kind", "due_at"
        )
    }
    changed, gained, lost = 0, Counter(), Counter()
    for case in child_cases(child_ids[:sample], now=now):
        before = {(int(p.episode), str(p.kind)) for p in plan_duties(case.facts, current)}
        after = {(int(p.episode), str(p.kind)): p.due_at for p in plan_duties(case.facts, proposed)}
        for key, due_at in after.items():
            if key in stored and stored[key] != due_at:
                changed += 1
            elif key not in before and key not in stored:
                gained[key[1]] += 1
        episodes = {e.id for e in case.episodes}
        for key in stored:
            if key[0] in episodes and key not in after:
                lost[key[1]] += 1
    return ProtocolPreview(
        version=proposed.version,
        changes=changes,
        open_duties=open_duties.count(),
        children=len(child_ids),
        sampled_children=min(sample, len(child_ids)),
        due_times_changed=changed,
        new_duties=dict(gained),
        dropped_duties=dict(lost),
    )


def reminders_unread(*, user: User, limit: int = 10) -> list:
    """This person's reminders they have not dismissed, newest first (in-app, naming the child:
    shown as soon as the sweep reserves them, whenever they are e-mailed)."""
    from homesafe.duties.models import Reminder

    return list(
        Reminder.objects.filter(recipient=user, read_at__isnull=True)
        .filter(duty__child_id__in=Child.objects.filter(child_scope(user)).values("pk"))
        .select_related("duty", "duty__child")
        .order_by("-created_at", "-pk")[:limit]
    )


# Duties whose point is that someone is told: the notifications, the alerts and the escalations
# (any duty with `tells_role`; these kinds too, for duties planned before it was recorded).
# The episode page shows them apart, as "Who has been told".
TELLING_KINDS = frozenset(
    {str(kind) for kind in DutyKind if str(kind).startswith("notify_")}
    | {
        str(DutyKind.SENIOR_LEADER_ALERT),
        str(DutyKind.HIGH_RISK_ALERT),
        str(DutyKind.ESCALATE_TEAM_MANAGER),
        str(DutyKind.ESCALATE_SERVICE_MANAGER),
        str(DutyKind.ESCALATE_HEAD_OF_SERVICE),
    }
)


@dataclass(frozen=True)
class EpisodeDuties:
    """An episode's duties in the episode page's two groups, each in due order."""

    work: list[Duty]
    told: list[Duty]

    @property
    def open_count(self) -> int:
        return sum(1 for duty in self.work + self.told if duty.is_open)


def duties_for_episode(*, episode) -> EpisodeDuties:
    """Every duty of an episode the caller has read through the gate, in one query, with who
    acts and who is told."""
    duties = list(
        Duty.objects.filter(episode_id=episode.pk)
        .select_related(
            "owner_user__organisation",
            "owner_team",
            "owner_organisation",
            "told_user__organisation",
            "told_team",
            "told_organisation",
        )
        .order_by("due_at", "kind")
    )
    telling = [d for d in duties if d.tells_role or d.kind in TELLING_KINDS]
    return EpisodeDuties(work=[d for d in duties if d not in telling], told=telling)
