"""What the duties app does when a lower app announces a change (homesafe.use_cases;
subscribed in DutiesConfig.ready)."""

from __future__ import annotations

from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.duties.services_voided import duties_close_for_voided_episode
from homesafe.episodes.events import EpisodeVoided
from homesafe.interviews.events import RhiRoutesChanged
from homesafe.protocol.facts import DutyKind
from homesafe.use_cases import facts_changed


def duties_close_on_episode_voided(event: EpisodeVoided) -> list[int]:
    """The voided episode's open duties close with its reason; their ids, for the audit."""
    return duties_close_for_voided_episode(
        episode_id=event.episode_id, reason=event.reason, actor=event.actor
    )


def duties_replan_on_rhi_routes_changed(event: RhiRoutesChanged) -> None:
    """The council's children with open interview duties are re-planned (their owner may now
    be another service)."""
    child_ids = (
        Duty.objects.filter(
            child__responsible_la_id=event.local_authority_id,
            kind__in=[DutyKind.RHI_OFFER, DutyKind.RHI_COMPLETE],
            state=DutyState.OPEN,
        )
        .values_list("child_id", flat=True)
        .distinct()
    )
    facts_changed(child_ids=list(child_ids))
