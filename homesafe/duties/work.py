"""My work's items: each open duty with the button that does it; the return home interview's
offer and completion as one item with two steps.

The offer (`rhi_offer`) and the completion (`rhi_complete`) of one episode's interview are one
piece of work for the person doing it, so My work shows one row per episode, "Return home
interview: offer (due X) → complete (due Y)", placed by the step that is next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from homesafe.duties.actions import DutyAction, duty_action
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.protocol.facts import DutyKind

RHI_STEPS = (DutyKind.RHI_OFFER, DutyKind.RHI_COMPLETE)
RHI_LABEL = "Return home interview"
STEP_NAMES = {DutyKind.RHI_OFFER: "offer", DutyKind.RHI_COMPLETE: "complete"}


@dataclass(frozen=True)
class Step:
    """One step of a two-step item: its duty's name, due time and state; `next` marks the
    first step still open."""

    name: str
    due_at: datetime
    state: str
    next: bool = False


@dataclass(frozen=True)
class WorkItem:
    """One row of My work: the duty it opens (the next step), the button that does it, and
    for the return home interview its steps."""

    duty: Duty
    action: DutyAction
    steps: tuple[Step, ...] = ()

    @property
    def label(self) -> str:
        return RHI_LABEL if self.steps else self.duty.label

    @property
    def due_at(self) -> datetime:
        return self.duty.due_at


def work_items(duties: list[Duty], *, now: datetime | None = None) -> list[WorkItem]:
    """The items for these open duties (in their order): one per duty, except an episode's
    return interview duties, which become one item at the place of the first of them. One
    query, when there is an interview, for the state of both steps."""
    now = now or timezone.now()
    rhi_episodes = {d.episode_id for d in duties if d.kind in RHI_STEPS}
    steps_of: dict[int, dict[str, Duty]] = {}
    if rhi_episodes:
        for sibling in Duty.objects.filter(episode_id__in=rhi_episodes, kind__in=RHI_STEPS).only(
            "pk", "episode_id", "kind", "state", "due_at"
        ):
            steps_of.setdefault(sibling.episode_id, {})[sibling.kind] = sibling
    items: list[WorkItem] = []
    placed: set[int] = set()
    for duty in duties:
        if duty.kind not in RHI_STEPS:
            items.append(WorkItem(duty, duty_action(duty, now=now)))
            continue
        if duty.episode_id in placed:
            continue
        placed.add(duty.episode_id)
        mine = {
            d.kind: d for d in duties if d.episode_id == duty.episode_id and d.kind in RHI_STEPS
        }
        siblings = steps_of.get(duty.episode_id, {})
        steps, next_kind = [], None
        for kind in RHI_STEPS:
            step = mine.get(kind) or siblings.get(kind)
            if step is None:
                continue
            is_next = next_kind is None and step.state == DutyState.OPEN
            if is_next:
                next_kind = kind
            steps.append(Step(STEP_NAMES[kind], step.due_at, step.state, is_next))
        # The duty the row opens and acts on: the next step, where it is this person's.
        current = mine.get(next_kind) or duty
        items.append(WorkItem(current, duty_action(current, now=now), tuple(steps)))
    return items


def work_by_when(items: list[WorkItem], *, now: datetime) -> dict[str, list[WorkItem]]:
    """Split items into overdue, due today (Europe/London) and coming up, by the next step."""
    end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=0)
    return {
        "overdue": [i for i in items if i.due_at < now],
        "today": [i for i in items if now <= i.due_at <= end_of_today],
        "coming_up": [i for i in items if i.due_at > end_of_today],
    }
