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
