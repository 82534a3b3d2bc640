"""A return interview service's caseload: the children referred to the worker's organisation
with an open interview duty (offer or complete), one row per return, through the access gate
(a duty is seen with its child: homesafe.duties.queries.duties_visible_to). Every worker of the
service sees the service's returns, whichever of them a duty was assigned to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from homesafe.access.choices import Role
from homesafe.access.models import User
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.duties.queries import duties_visible_to
from homesafe.episodes.models import MissingEpisode
from homesafe.interviews.choices import ALLOWED_TRANSITIONS, InterviewStatus
from homesafe.people.choices import NetworkRole
from homesafe.people.models import Child, NetworkMember
from homesafe.protocol.facts import DutyKind, OwnerRole

INTERVIEW_DUTIES = (DutyKind.RHI_OFFER, DutyKind.RHI_COMPLETE)
CASELOAD_LIMIT = 500


@dataclass
class CaseloadRow:
    """One return to work on: the child, the episode, its open interview duties."""

    child: Child
    episode: MissingEpisode
    offer: Duty | None = None
    complete: Duty | None = None
    duties: list[Duty] = field(default_factory=list)

    @property
    def next_due_at(self) -> datetime:
        return min(duty.due_at for duty in self.duties)

    @property
    def interview(self):
        return getattr(self.episode, "return_interview", None)

    @property
    def next_step(self) -> str:
        """What to record next: "offer" (no offer yet), "interview", or "" (nothing here)."""
        interview = self.interview
        if interview is None:
            return "offer"
        if InterviewStatus.COMPLETED in ALLOWED_TRANSITIONS[interview.status]:
            return "interview"
        return ""

    def is_overdue(self, now: datetime) -> bool:
        return self.next_due_at < now


def rhi_caseload(*, user: User, now: datetime | None = None) -> list[CaseloadRow]:
    """The worker's organisation's referred children with an open interview duty, the
    earliest due first. Nobody but a return interview worker has a caseload; a worker sees only
    children whose open referral is to their own organisation."""
    now = now or timezone.now()
    if not (user.is_active and user.organisation_id and user.has_role(Role.RHI_WORKER)):
        return []
    referred = NetworkMember.objects.filter(
        child_id=OuterRef("child_id"),
        organisation_id=user.organisation_id,
        role=NetworkRole.RHI_REFERRAL,
        ended_on__isnull=True,
    )
    # The service's work, whichever of its workers a duty was assigned to.
    duties = (
        duties_visible_to(user=user)
        .filter(Exists(referred), state=DutyState.OPEN, kind__in=INTERVIEW_DUTIES)
        .filter(owner_organisation_id=user.organisation_id, owner_role=OwnerRole.RHI_SERVICE)
        .select_related("child", "episode", "episode__return_interview", "owner_user")
        .order_by("due_at", "id")[:CASELOAD_LIMIT]
    )
    rows: dict[int, CaseloadRow] = {}
    for duty in duties:
        row = rows.setdefault(duty.episode_id, CaseloadRow(child=duty.child, episode=duty.episode))
        row.duties.append(duty)
        if duty.kind == DutyKind.RHI_OFFER:
            row.offer = duty
        else:
            row.complete = duty
    return sorted(rows.values(), key=lambda row: (row.next_due_at, row.episode.pk))
