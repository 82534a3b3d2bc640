from django.db import models


class MeetingKind(models.TextChoices):
    STRATEGY = "strategy", "Strategy meeting"
    MULTI_AGENCY = "multi_agency", "Multi-agency missing meeting"
    MACE_CHILD = "mace_child", "MACE level 1 (child-focused)"
    MACE_LOCALITY = "mace_locality", "MACE level 2 (locality)"
    MISSING_PANEL = "missing_panel", "Missing panel"


# Only a locality MACE discusses several children; the other kinds are about one child.
SEVERAL_CHILDREN = {MeetingKind.MACE_LOCALITY}


class FulfilledDuty(models.TextChoices):
    """The duties of a child's episode that a held meeting may fulfil (protocol duty kinds)."""

    STRATEGY_MEETING = "strategy_meeting", "The episode's strategy meeting"
    REPEAT_MEETING = "repeat_meeting", "The multi-agency meeting after repeat episodes"


# Which duties a meeting of each kind may fulfil; unless the person recording it says
# otherwise, it fulfils all of them for the episodes it concerns (MeetingFulfilment).
FULFILS_BY_KIND: dict[str, tuple[str, ...]] = {
    MeetingKind.STRATEGY: (FulfilledDuty.STRATEGY_MEETING, FulfilledDuty.REPEAT_MEETING),
    MeetingKind.MULTI_AGENCY: (FulfilledDuty.REPEAT_MEETING,),
}


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


# Allowed status changes, declared once and checked in services.meeting_check_transition.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    MeetingStatus.PLANNED: {MeetingStatus.HELD, MeetingStatus.CANCELLED},
    MeetingStatus.HELD: set(),
    MeetingStatus.CANCELLED: set(),
}


class Attendance(models.TextChoices):
    NO_RESPONSE = "no_response", "No response"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"


class NoteKind(models.TextChoices):
    DECISION = "decision", "Decision"
    RISK = "risk", "Risk identified"


class DifferenceSubject(models.TextChoices):
    STRATEGY_MEETING = "strategy_meeting", "Whether to hold a strategy meeting"
    THRESHOLD = "threshold", "Whether the threshold for a service is met"
    RISK_GRADING = "risk_grading", "The police risk grading"
    REFERRAL = "referral", "A referral (MACE, NRM, other)"
    PLAN = "plan", "The child's plan or placement"
    OTHER = "other", "Something else"


class DifferenceStage(models.TextChoices):
    """The stages of a partnership's escalation (resolving professional differences) policy."""

    PRACTITIONER = "practitioner", "Practitioner discussion"
    MANAGER = "manager", "Manager"
    SENIOR_MANAGER = "senior_manager", "Senior manager"
    PARTNERSHIP = "partnership", "Safeguarding partnership"


STAGE_ORDER = list(DifferenceStage.values)


class DifferenceStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
