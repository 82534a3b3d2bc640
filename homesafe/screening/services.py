"""Writes to exploitation screenings: one function per use case, in a transaction, audited
(ids, the tool and whether the band was overridden: never the answers), then the child's duties
re-planned so that the screening review duty follows the latest screening, and a band in force
of significant or above raises an exploitation concern on the child's episode
(homesafe.concerns.facts)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import User
from homesafe.access.times import not_in_future
from homesafe.duties.protocol import protocol_current
from homesafe.people.models import Child
from homesafe.protocol.duties import screening_review_on
from homesafe.protocol.screening import ScreeningAnswersError, score, tool_get
from homesafe.screening.models import ExploitationScreening
from homesafe.use_cases import facts_changed, use_case

BEFORE_BIRTH = "The date of the screening cannot be before the child was born"
OVERRIDE_REASON_MISSING = "Enter why you chose a different band"
OVERRIDE_SAME_AS_COMPUTED = (
    "The band you chose is the one the tool gives: choose a different band, or keep the tool's"
)
NOT_A_BAND = "Choose one of the tool's bands"
REVIEW_BEFORE_SCREENING = "The review date must be after the screening"
REVIEW_TOO_LATE = "The review date cannot be later than {latest} (the protocol's timescale)"


def _answer_error(error: ScreeningAnswersError) -> ValidationError:
    key = f"answer_{error.indicator}" if error.indicator else "answers"
    return ValidationError({key: str(error)})


def _check_override(tool, computed: str, override_band: str, override_reason: str) -> None:
    if not override_band:
        return
    if override_band not in tool.band_codes:
        raise ValidationError({"override_band": NOT_A_BAND})
    if override_band == computed:
        raise ValidationError({"override_band": OVERRIDE_SAME_AS_COMPUTED})
    if not override_reason.strip():
        raise ValidationError({"override_reason": OVERRIDE_REASON_MISSING})


@use_case
def screening_complete(
    *,
    child: Child,
    tool: str,
    answers: Mapping[str, str],
    completed_at: datetime,
    actor: User,
    override_band: str = "",
    override_reason: str = "",
    review_on: date | None = None,
) -> ExploitationScreening:
    """Record a completed screening with the tool's current version: score and band computed
    here, never taken from the caller; the review date is the protocol's unless an earlier one
    is given."""
    try:
        definition = tool_get(tool)
        result = score(definition, answers)
    except ScreeningAnswersError as error:
        raise _answer_error(error) from None
    not_in_future(completed_at, field="completed_at")
    completed_on = timezone.localdate(completed_at)
    if completed_on < child.date_of_birth:
        raise ValidationError({"completed_at": BEFORE_BIRTH})
    _check_override(definition, result.band, override_band, override_reason)
    _, settings = protocol_current(local_authority_id=child.responsible_la_id)
    latest = screening_review_on(completed_on, settings)
    if review_on is None:
        review_on = latest
    elif review_on <= completed_on:
        raise ValidationError({"review_on": REVIEW_BEFORE_SCREENING})
    elif review_on > latest:
        raise ValidationError({"review_on": REVIEW_TOO_LATE.format(latest=f"{latest:%d/%m/%Y}")})
    screening = ExploitationScreening(
        child=child,
        tool=definition.code,
        tool_version=definition.version,
        answers={code: str(value) for code, value in answers.items()},
        score=result.score,
        band=result.band,
        group_bands=dict(result.group_bands),
        override_band=override_band,
        override_reason=override_reason.strip() if override_band else "",
        completed_at=completed_at,
        completed_by=actor,
        completed_by_organisation_id=actor.organisation_id,
        review_on=review_on,
    )
    screening.full_clean()
    screening.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.SCREENING_COMPLETED,
        target=screening,
        payload={
            "tool": definition.code,
            "version": definition.version,
            "overridden": bool(override_band),
            "raises": list(screening.concerns_raised()),
        },
    )
    facts_changed(child_id=child.pk)
    return screening


@use_case
def screening_override_band(
    *, screening: ExploitationScreening, override_band: str, override_reason: str, actor: User
) -> ExploitationScreening:
    """A professional's judgement of the band, with the reason ("" puts the tool's band back)."""
    screening = ExploitationScreening.objects.select_for_update().get(pk=screening.pk)
    tool = screening.tool_definition
    _check_override(tool, screening.band, override_band, override_reason)
    screening.override_band = override_band
    screening.override_reason = override_reason.strip() if override_band else ""
    screening.full_clean()
    screening.save(update_fields=["override_band", "override_reason"])
    audit_record(
        actor=actor,
        verb=AuditVerb.SCREENING_OVERRIDDEN,
        target=screening,
        payload={
            "overridden": bool(override_band),
            "raises": list(screening.concerns_raised()),
        },
    )
    # The band in force decides whether the screening raises an exploitation concern.
    facts_changed(child_id=screening.child_id)
    return screening
