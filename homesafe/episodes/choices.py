from django.db import models


class EpisodeType(models.TextChoices):
    """SSDA903 codes: missing (M) or away from placement without authorisation (A)."""

    MISSING = "M", "Missing"
    AWAY = "A", "Away from placement without authorisation"


class EpisodeStatus(models.TextChoices):
    MISSING = "missing", "Missing"
    RETURNED = "returned", "Returned"
    # Recorded in error (docs/adr/0004): kept for the audit trail, left out of everything else.
    VOIDED = "voided", "Recorded in error"


# Allowed status changes, declared once and checked in one function (services.episode_check_transition).
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    EpisodeStatus.MISSING: {EpisodeStatus.RETURNED, EpisodeStatus.VOIDED},
    EpisodeStatus.RETURNED: {EpisodeStatus.VOIDED},
    EpisodeStatus.VOIDED: set(),
}


class RiskGrade(models.TextChoices):
    """Police risk gradings (College of Policing APP), kept as a dated code list."""

    NO_APPARENT_RISK = "no_apparent_risk", "No apparent risk"
    VERY_LOW = "very_low", "Very low"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class ReportedBy(models.TextChoices):
    PARENT = "parent", "Parent or family member"
    FOSTER_CARER = "foster_carer", "Foster carer"
    RESIDENTIAL_STAFF = "residential_staff", "Children's home staff"
    SOCIAL_WORKER = "social_worker", "Social worker"
    SCHOOL = "school", "School"
    POLICE = "police", "Police"
    OTHER = "other", "Someone else"


class PrePlannedIndicator(models.TextChoices):
    BAG_PACKED = "bag_packed", "Packed a bag or took belongings"
    TOOK_MONEY = "took_money", "Took money or bank cards"
    SAID_INTENDED = "said_intended", "Said they intended to go"
    ARRANGED_TRANSPORT = "arranged_transport", "Arranged transport or a lift"
    LEFT_NOTE = "left_note", "Left a note or message"


class FoundBy(models.TextChoices):
    SELF = "self", "Returned by themselves"
    POLICE = "police", "Found by police"
    FAMILY = "family", "Brought back by family or friends"
    CARER = "carer", "Collected by carer"
    PROFESSIONAL = "professional", "Found by another professional"
    OTHER = "other", "Other"


class LocationKind(models.TextChoices):
    HOME = "home", "Home"
    PLACEMENT = "placement", "Placement"
    FAMILY = "family", "Family or friend's address"
    SCHOOL = "school", "School"
    PARK = "park", "Park or open space"
    STATION = "station", "Station or transport hub"
    TOWN_CENTRE = "town_centre", "Town centre or shops"
    ADDRESS_OF_CONCERN = "address_of_concern", "Address of concern"
    OTHER = "other", "Other"


# The times of day the child's story and the hot spots count last-seen times in (London time).
TIME_OF_DAY_BANDS = (
    ("night (22:00 to 06:00)", (22, 23, 0, 1, 2, 3, 4, 5)),
    ("morning (06:00 to 12:00)", tuple(range(6, 12))),
    ("afternoon (12:00 to 18:00)", tuple(range(12, 18))),
    ("evening (18:00 to 22:00)", tuple(range(18, 22))),
)
_BAND_OF_HOUR = {hour: i for i, (_, hours) in enumerate(TIME_OF_DAY_BANDS) for hour in hours}


def time_of_day_band(hour: int) -> int:
    """The index in TIME_OF_DAY_BANDS of a London hour (0 to 23)."""
    return _BAND_OF_HOUR[hour]
