from django.db import models


class LocateActionKind(models.TextChoices):
    """What an action of the plan for finding the child is (seed 004: "work with the network
    to make a plan for finding the child", "plan further attempts")."""

    PLACE_TO_CHECK = "place_to_check", "Place to check"
    PERSON_TO_CONTACT = "person_to_contact", "Person to contact"
    PHONE_CHECK = "phone_check", "Phone check"
    SOCIAL_MEDIA_CHECK = "social_media_check", "Social media check"
    FURTHER_ATTEMPT = "further_attempt", "Further attempt to find the child"
    OTHER = "other", "Other"


class SightingKind(models.TextChoices):
    SIGHTING = "sighting", "Sighting (the child was seen)"
    LEAD = "lead", "Lead or information"


class SightingSource(models.TextChoices):
    """Who saw the child or gave the lead."""

    POLICE = "police", "Police"
    SOCIAL_CARE = "social_care", "Children's social care"
    SCHOOL = "school", "School"
    HEALTH = "health", "Health"
    RHI_SERVICE = "rhi_service", "Return interview service"
    FAMILY_OR_CARER = "family_or_carer", "Family or carer"
    FRIEND = "friend", "Friend or peer"
    PUBLIC = "public", "Member of the public"
    THE_CHILD = "the_child", "The child (a call or message)"
    OTHER = "other", "Someone else"


class PublicityDecisionKind(models.TextChoices):
    APPROVED = "approved", "Publicity approved"
    NOT_APPROVED = "not_approved", "Publicity considered, not approved"


class PublicityChannel(models.TextChoices):
    POLICE_SOCIAL_MEDIA = "police_social_media", "Police website and social media"
    PRESS = "press", "Press, radio or television"
    MISSING_PEOPLE_APPEAL = "missing_people_appeal", "Missing People appeal"
    POSTERS = "posters", "Posters or leaflets"
    OTHER = "other", "Other"


class PublicityConsent(models.TextChoices):
    """Whose agreement the publicity had."""

    PARENT_OR_CARER = "parent_or_carer", "Parent or carer with parental responsibility"
    LOCAL_AUTHORITY = "local_authority", "The local authority (child in care)"
    THE_CHILD = "the_child", "The child"
    NOT_SOUGHT = "not_sought", "Not sought: the risk was too high to wait"
    REFUSED = "refused", "Refused, publicity approved over the refusal"


class MissingAgency(models.TextChoices):
    MISSING_PEOPLE = "missing_people", "Missing People (the charity)"
    UK_MISSING_PERSONS_UNIT = "uk_missing_persons_unit", "UK Missing Persons Unit (NCA)"
