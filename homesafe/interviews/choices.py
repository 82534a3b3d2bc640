from django.db import models


class InterviewStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    UNREACHABLE = "unreachable", "Could not be reached"
    COMPLETED = "completed", "Completed"


# Allowed status changes, declared once and checked in one function
# (services.interview_check_transition). A child who could not be reached may be reached
# later; a child who accepted may still decline. Declined and completed are final.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    InterviewStatus.OFFERED: {
        InterviewStatus.ACCEPTED,
        InterviewStatus.DECLINED,
        InterviewStatus.UNREACHABLE,
        InterviewStatus.COMPLETED,
    },
    InterviewStatus.ACCEPTED: {InterviewStatus.DECLINED, InterviewStatus.COMPLETED},
    InterviewStatus.UNREACHABLE: {
        InterviewStatus.ACCEPTED,
        InterviewStatus.DECLINED,
        InterviewStatus.COMPLETED,
    },
    InterviewStatus.DECLINED: set(),
    InterviewStatus.COMPLETED: set(),
}


class ContactMethod(models.TextChoices):
    """How an interview was offered, or a contact attempted."""

    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone call"
    LETTER = "letter", "Letter"
    TEXT = "text", "Text message"


class AttemptOutcome(models.TextChoices):
    NO_ANSWER = "no_answer", "No answer"
    MESSAGE_LEFT = "message_left", "Left a message"
    SPOKE_TO_CHILD = "spoke_to_child", "Spoke to the child"
    SPOKE_TO_CARER = "spoke_to_carer", "Spoke to a parent or carer"
    NOT_AVAILABLE = "not_available", "Child not available"
    OTHER = "other", "Other"


class PushFactor(models.TextChoices):
    """Reasons away from home or placement (DOMAIN.md's taxonomy)."""

    CONFLICT = "conflict", "Conflict at home or in placement"
    ABUSE = "abuse", "Abuse or neglect"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    PLACEMENT_UNHAPPINESS = "placement_unhappiness", "Unhappy in placement"
    BULLYING = "bullying", "Bullying"
    SCHOOL_PROBLEMS = "school_problems", "Problems at school"
    BEREAVEMENT = "bereavement", "Bereavement or loss"
    MENTAL_HEALTH = "mental_health", "Mental health"
    IDENTITY = "identity", "Identity (sexuality, gender, culture)"
    FEELING_UNHEARD = "feeling_unheard", "Feeling unheard"


class PullFactor(models.TextChoices):
    """Reasons towards people or places (DOMAIN.md's taxonomy)."""

    FAMILY = "family", "Family"
    FRIENDS = "friends", "Friends"
    HOME_AREA = "home_area", "Home area"
    OLDER_PARTNER = "older_partner", "Older boyfriend or girlfriend"
    PARTIES = "parties", "Parties"
    DRUGS_ALCOHOL = "drugs_alcohol", "Drugs or alcohol"
    MONEY_GIFTS = "money_gifts", "Money or gifts"
    GANGS_COUNTY_LINES = "gangs_county_lines", "Gangs or county lines"
    GROOMING = "grooming", "Grooming or coercion"


class ExploitationIndicator(models.TextChoices):
    NONE_IDENTIFIED = "none_identified", "None identified"
    MONEY_GIFTS = "money_gifts", "Unexplained money, gifts or clothes"
    OLDER_ASSOCIATES = "older_associates", "Older associates"
    DRUGS = "drugs", "Drugs or alcohol supplied or carried"
    SEXUAL_EXPLOITATION = "sexual_exploitation", "Signs of sexual exploitation"
    COUNTY_LINES = "county_lines", "County lines"
    FOUND_FAR_AWAY = "found_far_away", "Went missing to or found at a distance"
    NEW_PHONE = "new_phone", "New or extra phone"
    INJURIES = "injuries", "Unexplained injuries"
    TRAFFICKING = "trafficking", "Signs of trafficking"


class ConsentToShare(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_ASKED = "not_asked", "Not asked"


class Referral(models.TextChoices):
    MACE = "mace", "MACE"
    NRM = "nrm", "National Referral Mechanism (NRM)"
    CAMHS = "camhs", "CAMHS"
    SEXUAL_HEALTH = "sexual_health", "Sexual health"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    EARLY_HELP = "early_help", "Early help"
    OTHER = "other", "Other"
