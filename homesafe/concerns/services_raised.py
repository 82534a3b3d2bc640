"""Raising an exploitation or trafficking concern about a missing episode after its report:
one use case, audited with ids only (never the note), then the child's duties re-planned, so
that consider_mace / consider_nrm (and, for exploitation, the strategy meeting) are planned
from the time the concern was raised.

The return home interview's "signs of trafficking" (and any other exploitation indicator) and
an exploitation screening in the significant band or above raise the same concerns without a
record here: they are read from those records (homesafe.duties.facts, and
concerns.queries.episode_concerns for the page), so that correcting the interview or the
screening's band withdraws what they raised.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import User
from homesafe.access.times import IN_FUTURE, in_future
from homesafe.concerns.choices import ConcernKind
from homesafe.concerns.models import EpisodeConcern
from homesafe.episodes.models import MissingEpisode
from homesafe.use_cases import facts_changed, use_case

KIND_MISSING = "Select the concern you are raising"
RAISED_BEFORE_REPORT = "The concern cannot be raised before the episode was reported"
ALREADY_RAISED = "This concern is already raised on this episode"
ALREADY_AT_REPORT = "This concern was already raised when the episode was reported"


@use_case
def episode_concern_raise(
    *,
    episode: MissingEpisode,
    kind: str,
    actor: Actor,
    raised_at: datetime | None = None,
    note: str = "",
) -> EpisodeConcern:
    """Raise an exploitation or trafficking concern about the episode, now or at a past time
    (not before the report). A concern is raised once per episode: raising it again, or one
    already raised on the report, is refused."""
    MissingEpisode.objects.select_for_update().filter(pk=episode.pk).first()  # one at a time
    if kind not in ConcernKind.values:
        raise ValidationError({"kind": KIND_MISSING})
    raised_at = raised_at or timezone.now()
    errors: dict[str, str] = {}
    if in_future(raised_at):
        errors["raised_at"] = IN_FUTURE
    elif raised_at < episode.reported_at:
        errors["raised_at"] = RAISED_BEFORE_REPORT
    at_report = {
        ConcernKind.EXPLOITATION: episode.exploitation_concern,
        ConcernKind.TRAFFICKING: episode.trafficking_concern,
    }[ConcernKind(kind)]
    if at_report:
        errors["kind"] = ALREADY_AT_REPORT
    elif EpisodeConcern.objects.filter(episode=episode, kind=kind).exists():
        errors["kind"] = ALREADY_RAISED
    if errors:
        raise ValidationError(errors)
    concern = EpisodeConcern(
        child_id=episode.child_id,
        episode=episode,
        kind=kind,
        raised_at=raised_at,
        note=note.strip(),
        raised_by=actor if isinstance(actor, User) else None,
    )
    concern.full_clean()
    concern.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.EPISODE_CONCERN_RAISED,
        target=concern,
        payload={"kind": concern.kind, "episode_id": episode.pk},
    )
    facts_changed(child_id=episode.child_id)
    return concern
