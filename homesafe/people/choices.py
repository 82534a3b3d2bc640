from django.db import models


class Sex(models.TextChoices):
    """DfE census codes for sex."""

    MALE = "1", "Male"
    FEMALE = "2", "Female"
    NOT_KNOWN = "0", "Not known"
    NOT_STATED = "9", "Not stated"


class Ethnicity(models.TextChoices):
    """DfE ethnicity codes (CIN census and SSDA903)."""

    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WOTH = "WOTH", "Any other White background"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Caribbean"
    BAFR = "BAFR", "African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class Cohort(models.TextChoices):
    NOT_KNOWN = "not_known", "Not known to social care"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    CHILD_PROTECTION = "child_protection", "Child protection plan"
    LOOKED_AFTER = "looked_after", "Looked after"
    CARE_LEAVER = "care_leaver", "Care leaver"


class LegalStatus(models.TextChoices):
    S20 = "s20", "Accommodated (section 20)"
    CARE_ORDER = "care_order", "Care order"
    INTERIM_CARE_ORDER = "interim_care_order", "Interim care order"
    EPO = "epo", "Emergency protection order"
    POLICE_PROTECTION = "police_protection", "Police protection"


class PlacementType(models.TextChoices):
    HOME = "home", "Living at home"
    FOSTER = "foster", "Foster care"
    RESIDENTIAL = "residential", "Children's home (residential)"
    OTHER = "other", "Other"


class NeedKind(models.TextChoices):
    DISABILITY = "disability", "Disability"
    NEURODIVERSITY = "neurodiversity", "Neurodiversity"


class NeedStatus(models.TextChoices):
    DIAGNOSED = "diagnosed", "Diagnosed"
    AWAITING = "awaiting", "Awaiting assessment"


class NetworkRole(models.TextChoices):
    """What an organisation or person does for the child."""

    SCHOOL = "school", "School"
    HEALTH = "health", "Health"
    RHI_REFERRAL = "rhi_referral", "Return interview referral"
    EARLY_HELP = "early_help", "Early help"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    IRO = "iro", "Independent reviewing officer"
    CP_CHAIR = "cp_chair", "Child protection chair"
    CARER = "carer", "Carer or parent"
    OTHER = "other", "Other"


class RelationshipKind(models.TextChoices):
    """How two children are linked (issue 16: family and household)."""

    SIBLING = "sibling", "Brother or sister"
    HALF_SIBLING = "half_sibling", "Half-brother or half-sister"
    HOUSEHOLD = "household", "Lives in the same household"


class EducationConcernKind(models.TextChoices):
    """What the school or the education welfare service records (issue 16; seed 003: "the link
    between running away and absence")."""

    MISSING_EDUCATION = "missing_education", "Missing education (not on a school roll)"
    PERSISTENT_ABSENCE = "persistent_absence", "Persistently absent (10% or more of sessions)"
    SEVERE_ABSENCE = "severe_absence", "Severely absent (50% or more of sessions)"


class AdverseExperienceKind(models.TextChoices):
    """Trauma and adverse childhood experiences, recorded beside needs (seed 000: a "both/and"
    stance): the ten of the ACE study, and other trauma."""

    PHYSICAL_ABUSE = "physical_abuse", "Physical abuse"
    EMOTIONAL_ABUSE = "emotional_abuse", "Emotional abuse"
    SEXUAL_ABUSE = "sexual_abuse", "Sexual abuse"
    PHYSICAL_NEGLECT = "physical_neglect", "Physical neglect"
    EMOTIONAL_NEGLECT = "emotional_neglect", "Emotional neglect"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse in the home"
    SUBSTANCE_MISUSE = "substance_misuse", "A parent or carer misusing drugs or alcohol"
    MENTAL_ILLNESS = "mental_illness", "A parent or carer with mental illness"
    PARENTAL_SEPARATION = "parental_separation", "Parents separated or divorced"
    IMPRISONMENT = "imprisonment", "A household member in prison"
    BEREAVEMENT = "bereavement", "Bereavement"
    OTHER_TRAUMA = "other_trauma", "Other trauma"


class UnbornRelationship(models.TextChoices):
    """Whose expected baby is in the child's household (issue 16: "an unborn child on a
    pre-birth plan as a member of the household")."""

    CHILD_EXPECTING = "child_expecting", "The child is expecting the baby"
    SIBLING = "sibling", "A brother or sister is expected"
    HOUSEHOLD = "household", "Someone else in the household is expecting"


class PreBirthPlan(models.TextChoices):
    """Where the unborn child's pre-birth work stands."""

    ASSESSMENT = "assessment", "Pre-birth assessment under way"
    CHILD_IN_NEED = "child_in_need", "Child in need plan (pre-birth)"
    CHILD_PROTECTION = "child_protection", "Child protection plan (pre-birth)"
    NONE = "none", "No pre-birth plan"
