from django.db import models


class PoliceEventType(models.TextChoices):
    """What a police system tells HomeSafe about one of its missing-person reports."""

    MISSING_REPORTED = "missing_reported", "Missing reported"
    RISK_REGRADED = "risk_regraded", "Risk re-graded"
    SIGHTING = "sighting", "Sighting or update"
    FOUND = "found", "Found or returned"
    CLOSED = "closed", "Report closed"


class EventOutcome(models.TextChoices):
    """What HomeSafe did with a police event."""

    APPLIED = "applied", "Applied to the episode"
    PENDING = "pending", "Kept until the missing report arrives"
    NEEDS_REVIEW = "needs_review", "Waiting for the missing coordinator to confirm the child"
    REJECTED = "rejected", "Refused: it breaks a rule of the record"


class RowOutcome(models.TextChoices):
    """The outcome of one row of a police download (the report's `outcome` column)."""

    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    UNCHANGED = "unchanged", "Unchanged"
    NEEDS_REVIEW = "needs_review", "Needs review"
    REJECTED = "rejected", "Rejected"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Waiting for review"
    LINKED = "linked", "Linked to a child"
    CREATED = "created", "New child created"


class NotificationSource(models.TextChoices):
    API = "api", "Police system (API)"
    DOWNLOAD = "download", "Daily download"


class ImportStatus(models.TextChoices):
    PREVIEWING = "previewing", "Checking the file"
    PREVIEWED = "previewed", "Checked: waiting for confirmation"
    IMPORTING = "importing", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"


# The allowed moves of an import, declared once (services.import_run_check_transition).
IMPORT_TRANSITIONS: dict[str, set[str]] = {
    ImportStatus.PREVIEWING: {ImportStatus.PREVIEWED, ImportStatus.FAILED},
    ImportStatus.PREVIEWED: {ImportStatus.IMPORTING},
    ImportStatus.IMPORTING: {ImportStatus.DONE, ImportStatus.FAILED},
    ImportStatus.DONE: set(),
    ImportStatus.FAILED: {ImportStatus.IMPORTING},  # only after a check (can_import_again)
}


class EpisodeTime(models.TextChoices):
    """The times of an episode that a police record is the authority for."""

    LAST_SEEN = "last_seen_at", "Last seen"
    REPORTED = "reported_at", "Reported to police"
    RETURNED = "returned_at", "Found or returned"
