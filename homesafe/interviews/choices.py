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


class TermKind(models.TextChoices):
    """The three lists of the interview taxonomy (InterviewTerm), one per installation."""

    PUSH_FACTOR = "push_factor", "Push factor"
    PULL_FACTOR = "pull_factor", "Pull factor"
    EXPLOITATION_INDICATOR = "exploitation_indicator", "Exploitation indicator"


# The interview fields that hold codes of each kind (JSON lists of InterviewTerm codes).
TERM_FIELDS: dict[str, str] = {
    "push_factors": TermKind.PUSH_FACTOR,
    "pull_factors": TermKind.PULL_FACTOR,
    "exploitation_indicators": TermKind.EXPLOITATION_INDICATOR,
}

# "None identified" answers the exploitation questions (the North Yorkshire finding), so the
# services and the protocol read it: it can be relabelled but never retired.
NONE_IDENTIFIED = "none_identified"
# "Signs of trafficking" raises a trafficking concern (consider_nrm) as well as the exploitation
# concern every indicator raises: it too can be relabelled but never retired.
TRAFFICKING_INDICATOR = "trafficking"
PROTECTED_TERMS = {
    (TermKind.EXPLOITATION_INDICATOR, NONE_IDENTIFIED),
    (TermKind.EXPLOITATION_INDICATOR, TRAFFICKING_INDICATOR),
}

# The taxonomy HomeSafe ships (DOMAIN.md's push and pull factors), in order. Data migration
# interviews/0003 holds a frozen copy of it; queries.interview_taxonomy() saves it on first use
# when the table is empty (as duties.protocol does with the protocol defaults). Codes are a
# stable contract for reports and the API: administrators add, relabel, reorder and retire
# terms, never recode them.
DEFAULT_TERMS: dict[str, tuple[tuple[str, str], ...]] = {
    TermKind.PUSH_FACTOR: (
        ("conflict", "Conflict at home or in placement"),
        ("abuse", "Abuse or neglect"),
        ("domestic_abuse", "Domestic abuse"),
        ("placement_unhappiness", "Unhappy in placement"),
        ("bullying", "Bullying"),
        ("school_problems", "Problems at school"),
        ("bereavement", "Bereavement or loss"),
        ("mental_health", "Mental health"),
        ("identity", "Identity (sexuality, gender, culture)"),
        ("feeling_unheard", "Feeling unheard"),
    ),
    TermKind.PULL_FACTOR: (
        ("family", "Family"),
        ("friends", "Friends"),
        ("home_area", "Home area"),
        ("older_partner", "Older boyfriend or girlfriend"),
        ("parties", "Parties"),
        ("drugs_alcohol", "Drugs or alcohol"),
        ("money_gifts", "Money or gifts"),
        ("gangs_county_lines", "Gangs or county lines"),
        ("grooming", "Grooming or coercion"),
    ),
    TermKind.EXPLOITATION_INDICATOR: (
        (NONE_IDENTIFIED, "None identified"),
        ("money_gifts", "Unexplained money, gifts or clothes"),
        ("older_associates", "Older associates"),
        ("drugs", "Drugs or alcohol supplied or carried"),
        ("sexual_exploitation", "Signs of sexual exploitation"),
        ("county_lines", "County lines"),
        ("found_far_away", "Went missing to or found at a distance"),
        ("new_phone", "New or extra phone"),
        ("injuries", "Unexplained injuries"),
        ("trafficking", "Signs of trafficking"),
    ),
}


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


# The interview's record in sections (GOV.UK's task list: each section a page of its own,
# saved as a draft with "Save and come back later", then one page to check the answers and
# record). Each is (slug, title, the CompleteForm fields it asks), in order.
RECORD_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "interview",
        "The interview",
        (
            "held_at",
            "held_where",
            "held_by_name",
            "held_by_organisation",
            "independent",
            "not_independent_reason",
        ),
    ),
    ("factors", "Push and pull factors", ("push_factors", "pull_factors")),
    ("while-missing", "While missing", ("where_went", "with_whom", "travel", "harm_disclosed")),
    ("exploitation", "Exploitation", ("exploitation_indicators", "exploitation_note")),
    ("voice", "The child's voice", ("childs_words", "carers_view")),
    ("digital", "Digital lives", ("apps_used", "devices_used", "online_contacts")),
    ("referrals", "Referrals", ("referrals", "referrals_other")),
    (
        "sharing",
        "Sharing",
        (
            "consent_to_share",
            "safeguarding_override",
            "override_reason",
            "shared_with",
            "shareable_summary",
        ),
    ),
)
SECTION_SLUGS = tuple(slug for slug, _, _ in RECORD_SECTIONS)


class RouteAllocated(models.TextChoices):
    """Whether a route (RhiRoute) is for children with an allocated social worker."""

    ANY = "any", "Any child"
    YES = "yes", "Children with an allocated social worker"
    NO = "no", "Children with no allocated social worker"


class RouteProvider(models.TextChoices):
    """Who offers the return interviews of a route: a commissioned service, or the child's own
    social worker (seed 003: "children who have a social worker ... will receive a return
    interview" from them; the independent service for those who do not)."""

    SERVICE = "service", "A return interview service"
    SOCIAL_WORKER = "social_worker", "The allocated social worker"
