"""What the episodes app announces to the apps above it (homesafe.use_cases.announce).

An episode's services do not import the apps that act on their changes: they announce one of
these, and the interested app subscribes in its AppConfig.ready. Handlers run at once, in the
announcing use case's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from homesafe.access.audit import Actor


@dataclass(frozen=True)
class EpisodeReturned:
    """The child came back: referrals for the return home interview are made (interviews app),
    before the use case's re-plan gives them their duties."""

    episode_id: int
    actor: Actor


@dataclass(frozen=True)
class EpisodeVoided:
    """The episode was recorded in error: its open duties are closed with the reason (duties
    app). A handler returns the ids of what it closed, for the void's audit entry."""

    episode_id: int
    reason: str
    actor: Actor
