from django.db import models


class PersonKind(models.TextChoices):
    ADULT = "adult", "Adult"
    PEER = "peer", "Peer (under 18)"
    NOT_KNOWN = "not_known", "Not known"


class LinkKind(models.TextChoices):
    """How a person or place of concern came to be linked to a child."""

    STAYED_WITH = "stayed_with", "Child stayed with them or there"
    FOUND_WITH = "found_with", "Child found with them or there"
    NAMED_IN_INTERVIEW = "named_in_interview", "Named in a return home interview"
    DISCUSSED_AT_MEETING = "discussed_at_meeting", "Discussed at a meeting"
    ASSOCIATE = "associate", "Known associate or place"
    OTHER = "other", "Other"


class DisruptionKind(models.TextChoices):
    CAWN = "cawn", "Child abduction warning notice served"
    ARREST = "arrest", "Arrest"
    OTHER = "other", "Other"


class LegalActionKind(models.TextChoices):
    RECOVERY_ORDER = "recovery_order", "Recovery order (s.50 Children Act 1989)"
    NRM_REFERRAL = "nrm_referral", "National Referral Mechanism (NRM) referral"
    MACE_REFERRAL = "mace_referral", "Referral to MACE (multi-agency child exploitation)"


class NrmDecision(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"


class ConcernKind(models.TextChoices):
    """A concern raised about a missing episode: each starts its own duty to consider a
    referral (consider_mace, consider_nrm)."""

    EXPLOITATION = "exploitation", "Exploitation"
    TRAFFICKING = "trafficking", "Trafficking or modern slavery"
