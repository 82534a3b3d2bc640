"""Police times are the authority (issue 13): for an episode the police report, the last-seen,
reported and found times of their record (the daily download, the API) replace the ones HomeSafe
holds, which may have been entered by hand. Every replaced time is kept as a history row
(PoliceTimeCorrection); one that moves by more than an hour is put on the missing coordinator's
daily screening list (homesafe.daily_screening) until they have looked.

The MSPR download is "the consistent and most accurate date for when missing episodes begin"
(seed 001), and the protocol's durations count from the last-seen time: a wrong hand-entered
time delays or hurries every escalation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb
from homesafe.episodes.models import MissingEpisode
from homesafe.episodes.services import (
    OVERLAPS_EARLIER,
    REPORTED_BEFORE_LAST_SEEN,
    RETURN_BEFORE_LAST_SEEN,
)
from homesafe.intake.choices import EpisodeTime, NotificationSource
from homesafe.intake.models import PoliceTimeCorrection

# A time that moves by more than this is worth a look: seldom a typing slip, often a report
# recorded by hand from memory, or the wrong episode.
SCREENING_THRESHOLD = dt.timedelta(hours=1)


@dataclass(frozen=True)
class PoliceTimes:
    """The times a police record gives; None where it gives none."""

    last_seen_at: dt.datetime | None = None
    reported_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None


def _police_values(episode: MissingEpisode, times: PoliceTimes) -> dict[str, dt.datetime]:
    """The times that differ from the episode's, with the police's value."""
    wanted: dict[str, dt.datetime] = {}
    if times.reported_at is not None and times.reported_at != episode.reported_at:
        wanted[EpisodeTime.REPORTED] = times.reported_at
    if times.last_seen_at is not None:
        if times.last_seen_at != episode.last_seen_at:
            wanted[EpisodeTime.LAST_SEEN] = times.last_seen_at
    elif times.reported_at is not None and episode.last_seen_at > times.reported_at:
        # No last-seen time from the police, and ours is after their report: as their record
        # does when it has none, the child was last seen when reported.
        wanted[EpisodeTime.LAST_SEEN] = times.reported_at
    if (
        times.returned_at is not None
        and episode.returned_at is not None
        and times.returned_at != episode.returned_at
    ):
        wanted[EpisodeTime.RETURNED] = times.returned_at
    return wanted


def _check(episode: MissingEpisode, after: dict[str, dt.datetime]) -> None:
    last_seen = after[EpisodeTime.LAST_SEEN]
    if after[EpisodeTime.REPORTED] < last_seen:
        raise ValidationError({"reported_at": REPORTED_BEFORE_LAST_SEEN})
    returned = after[EpisodeTime.RETURNED]
    if returned is not None and returned < last_seen:
        raise ValidationError({"returned_at": RETURN_BEFORE_LAST_SEEN})
    if last_seen != episode.last_seen_at:
        earlier = (
            MissingEpisode.objects.filter(
                child_id=episode.child_id,
                last_seen_at__lt=episode.last_seen_at,
                returned_at__gt=last_seen,
            )
            .exclude(pk=episode.pk)
            .order_by("-returned_at")
            .first()
        )
        if earlier is not None:
            until = timezone.localtime(earlier.returned_at).strftime("%d/%m/%Y %H:%M")
            raise ValidationError({"last_seen_at": OVERLAPS_EARLIER.format(until=until)})


@transaction.atomic
def episode_apply_police_times(
    *, episode: MissingEpisode, times: PoliceTimes, source: str, actor: Actor
) -> list[PoliceTimeCorrection]:
    """Give the episode the police's times; keep each replaced time in its history (and on the
    screening list when it moved by more than an hour). Returns the corrections, [] if none.

    The caller holds the episode's row lock (police_notification_apply, _event_apply).
    Raises ValidationError naming the time when the police's times break a rule of the record
    (before the child was last seen, or overlapping the child's earlier episode)."""
    wanted = _police_values(episode, times)
    if not wanted:
        return []
    before = {name: getattr(episode, name) for name in EpisodeTime.values}
    after = {**before, **wanted}
    _check(episode, after)
    for name, value in wanted.items():
        setattr(episode, name, value)
    episode.full_clean()
    episode.save(update_fields=[*wanted, "updated_at"])
    corrections = PoliceTimeCorrection.objects.bulk_create(
        [
            PoliceTimeCorrection(
                episode=episode,
                time=name,
                before=before[name],
                after=value,
                source=NotificationSource(source),
                to_screen=abs(value - before[name]) > SCREENING_THRESHOLD,
            )
            for name, value in wanted.items()
        ]
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.EPISODE_POLICE_TIMES_APPLIED,
        target=episode,
        payload={
            "times": sorted(wanted),
            "source": source,
            "to_screen": any(c.to_screen for c in corrections),
        },
    )
    return corrections
