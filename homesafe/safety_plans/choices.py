from django.db import models


class Indicator(models.TextChoices):
    """What might increase the risk of going missing (seed 004), plus the school's record of
    missing education or persistent absence (issue 16)."""

    PREVIOUS_MISSING = "previous_missing", "Has been missing before"
    CURFEW = "curfew", "Comes home after the agreed curfew"
    TRUANCY = "truancy", "Regularly truant from school"
    WANTS_TO_MOVE = "wants_to_move", "Says they want to move or a different type of placement"
    BEHAVIOUR_CHANGE = (
        "behaviour_change",
        "Changes in behaviour: excessive texts, secretive, change in mood",
    )
    WHEREABOUTS_WITHHELD = (
        "whereabouts_withheld",
        "Stopped letting carers know their whereabouts, or refuses an address when "
        "'staying with friends'",
    )
    PHONE_OFF = "phone_off", "Does not answer calls or turns their phone off"
    DISTANCE_FROM_HOME = (
        "distance_from_home",
        "Placed at a distance from home, family and friends",
    )
    MISSING_EDUCATION = (
        "missing_education",
        "Missing education or persistently absent (recorded by the school or the education "
        "welfare service)",
    )


# Indicators the record shows (not ticked by hand): the service adds them from the record.
RECORDED_INDICATORS = (Indicator.PREVIOUS_MISSING, Indicator.MISSING_EDUCATION)


class AssessmentMethod(models.TextChoices):
    SCORED = "scored", "Scored: the level follows from the indicators"
    JUDGEMENT = "judgement", "Professional judgement, with reasons"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
