from django.db import models


class NotificationKind(models.TextChoices):
    """What the police told the local authority about an episode: each is screened apart."""

    MISSING = "missing", "New: reported missing"
    FOUND = "found", "Found or returned"
    TIME_CORRECTED = "time_corrected", "Police changed a time"


class ScreeningOutcome(models.TextChoices):
    """The missing coordinator's decision on a notification (seed 003's daily screening)."""

    NO_FURTHER_ACTION = "no_further_action", "No further action"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    MACE_REFERRAL = "mace_referral", "MACE referral"
    OTHER = "other", "Other (say what in the note)"
