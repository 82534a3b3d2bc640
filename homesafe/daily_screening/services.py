"""Writes of the daily screening: the missing coordinator's decision on a police notification."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb, Role
from homesafe.access.errors import ApplicationError
from homesafe.access.models import User
from homesafe.daily_screening.choices import NotificationKind, ScreeningOutcome
from homesafe.daily_screening.models import ScreeningDecision
from homesafe.episodes.models import MissingEpisode
from homesafe.intake.models import PoliceTimeCorrection
from homesafe.use_cases import use_case

DECISION_REQUIRED = "Choose a screening decision."
NOTE_REQUIRED = "Say what was decided: 'other' needs a note."
NOTE_TOO_LONG = "The note must be 2,000 characters or fewer."
NOTIFICATION_REQUIRED = "Choose which notification this decision is about."
NOT_A_NOTIFICATION = "There is no such notification for this episode: {what}."
NOT_A_COORDINATOR = "Only a missing coordinator records screening decisions."
NOTE_MAX = 2000


def _check_notification(episode: MissingEpisode, notification: str) -> None:
    if notification == NotificationKind.FOUND and episode.returned_at is None:
        raise ApplicationError(
            NOT_A_NOTIFICATION.format(what="the child has not been found"),
            code="no_such_notification",
        )
    if (
        notification == NotificationKind.TIME_CORRECTED
        and not PoliceTimeCorrection.objects.filter(episode=episode, to_screen=True).exists()
    ):
        raise ApplicationError(
            NOT_A_NOTIFICATION.format(what="the police have not changed a time"),
            code="no_such_notification",
        )


@use_case
def screening_decision_record(
    *,
    episode: MissingEpisode,
    decision: str,
    note: str = "",
    actor: User,
    notification: str = NotificationKind.MISSING,
) -> ScreeningDecision:
    """Record the missing coordinator's decision on one notification of an episode (missing,
    found, or a police time correction). A decision already recorded is kept, marked superseded
    by this one, so the history of decisions stays. The caller has passed the access gate."""
    if not actor.has_role(Role.MISSING_COORDINATOR):
        raise ApplicationError(NOT_A_COORDINATOR, code="not_allowed")
    if notification not in NotificationKind.values:
        raise ValidationError({"notification": NOTIFICATION_REQUIRED})
    if decision not in ScreeningOutcome.values:
        raise ValidationError({"decision": DECISION_REQUIRED})
    note = (note or "").strip()
    if decision == ScreeningOutcome.OTHER and not note:
        raise ValidationError({"note": NOTE_REQUIRED})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": NOTE_TOO_LONG})
    # One decision at a time per episode: two coordinators deciding at once are put in order.
    episode = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
    _check_notification(episode, notification)
    now = timezone.now()
    previous = (
        ScreeningDecision.objects.select_for_update()
        .filter(episode=episode, notification=notification, superseded_at__isnull=True)
        .first()
    )
    if previous is not None:
        previous.superseded_at = max(now, previous.decided_at)
        previous.save(update_fields=["superseded_at"])
    record = ScreeningDecision(
        episode=episode,
        notification=NotificationKind(notification),
        decision=ScreeningOutcome(decision),
        note=note,
        decided_by=actor,
        decided_at=max(now, previous.decided_at) if previous else now,
    )
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.SCREENING_DECISION_RECORDED,
        target=record,
        child_id=episode.child_id,
        payload={
            "episode_id": episode.pk,
            "notification": record.notification,
            "decision": record.decision,
            "supersedes": previous.pk if previous else None,
        },
    )
    return record
