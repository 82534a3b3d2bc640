"""The words, names, places and weights that the synthetic demo data is drawn from."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from homesafe.access.choices import Role
from homesafe.episodes.choices import (
    LocationKind,
    RiskGrade,
)
from homesafe.people.choices import Ethnicity, LegalStatus, Sex

LONDON = ZoneInfo("Europe/London")
DEMO_PASSWORD = "homesafe-demo"
DEMO_EMAIL_DOMAIN = "demo.homesafe.test"
MIN_CHILDREN = 20
HISTORY = timedelta(days=730)
CASELOAD = 18  # children per social worker (England's average is 16 to 18)

# --- The partnership -----------------------------------------------------------------------

HOME_LA = "991"
TRENTMOOR = "992"
ASHFIELD_EDGE = "993"
NEIGHBOURS = (TRENTMOOR, ASHFIELD_EDGE)
POLICE = "SVP"
HEALTH = "SVHS"
RHI_SERVICE = "COMPASS"

# Nottinghamshire's districts, shared out among the fictional authorities (ONS LAD codes).
DISTRICTS = {
    HOME_LA: ("E07000171", "E07000173", "E07000174", "E07000175", "E07000176"),
    TRENTMOOR: ("E07000172",),
    ASHFIELD_EDGE: ("E07000170",),
}
POSTCODE_AREAS = "NSD"  # NG, S and DN/DE: the first letters of those districts' postcodes

TOWNS = ("Oakridge", "Kingsmere", "Eastwell", "Hollinwood", "Redbrook", "Fernley", "Millbeck")
SCHOOL_NAMES = (
    "{town} Academy",
    "{town} High School",
    "{town} Community College",
    "St {saint}'s Catholic Academy, {town}",
    "{town} Church of England Academy",
    "{town} Park School",
    "{town} Special School",
    "{town} Alternative Provision Academy",
)
SAINTS = ("Aidan", "Bede", "Hilda", "Wilfrid", "Chad", "Cuthbert", "Edmund", "Anne")

CHILDREN_IN_CARE = "Children in Care"
FAMILY_SUPPORT = "Safeguarding and Family Support"
TEAMS = (
    ("Children in Care Team North", CHILDREN_IN_CARE),
    ("Children in Care Team South", CHILDREN_IN_CARE),
    ("Family Support Team East", FAMILY_SUPPORT),
    ("Family Support Team West", FAMILY_SUPPORT),
)
CIC_TEAMS = tuple(name for name, service in TEAMS if service == CHILDREN_IN_CARE)
FS_TEAMS = tuple(name for name, service in TEAMS if service == FAMILY_SUPPORT)
SCHOOL_LEAD_SCHOOL = "school"  # stands for the school chosen in planning

# One sign-in account per role: (role, e-mail local part, organisation code, team, job title).
ROLE_ACCOUNTS = (
    (Role.MISSING_COORDINATOR, "cmo", HOME_LA, None, "Children missing officer"),
    (Role.SOCIAL_WORKER, "social.worker", HOME_LA, CIC_TEAMS[0], "Social worker"),
    (Role.TEAM_MANAGER, "team.manager", HOME_LA, CIC_TEAMS[0], "Team manager"),
    (Role.SERVICE_MANAGER, "service.manager", HOME_LA, CIC_TEAMS[0], "Service manager"),
    (Role.SENIOR_LEADER, "senior.leader", HOME_LA, None, "Head of children's social care"),
    (Role.POLICE_COORDINATOR, "police", POLICE, None, "Missing person coordinator"),
    (Role.RHI_WORKER, "rhi.worker", RHI_SERVICE, None, "Return interview worker"),
    (Role.SCHOOL_LEAD, "school.lead", SCHOOL_LEAD_SCHOOL, None, "Designated safeguarding lead"),
    (Role.HEALTH_PRACTITIONER, "health", HEALTH, None, "Safeguarding nurse"),
    (Role.ANALYST, "analyst", HOME_LA, None, "Performance analyst"),
    (Role.AUDITOR, "auditor", HOME_LA, None, "Quality assurance auditor"),
    (Role.ADMINISTRATOR, "admin", HOME_LA, None, "System administrator"),
)
ADMIN_EMAIL = f"admin@{DEMO_EMAIL_DOMAIN}"
DEMO_SOCIAL_WORKER_EMAIL = f"social.worker@{DEMO_EMAIL_DOMAIN}"

HOT_SPOT_TYPES = (
    ("Bus station", LocationKind.STATION),
    ("Railway station", LocationKind.STATION),
    ("Retail park", LocationKind.OTHER),
    ("Market square", LocationKind.TOWN_CENTRE),
    ("Shopping centre", LocationKind.TOWN_CENTRE),
    ("Fast-food restaurant", LocationKind.TOWN_CENTRE),
    ("Skate park", LocationKind.PARK),
    ("Recreation ground", LocationKind.PARK),
    ("Canal towpath", LocationKind.PARK),
    ("Leisure centre", LocationKind.OTHER),
)
HOT_SPOTS = 30
AUDIT_SAMPLE = 12  # children whose records the demo auditor may open (time-limited grants)
AUDIT_REASON = "Quarterly audit of missing-episode practice: sampled case"
ADDRESSES_OF_CONCERN = 6

# --- Proportions (weights, not percentages) ---------------------------------------------------

# Age at the anchor. Young people now 18 (records kept, no open case) carry the episodes they had
# at 16 and 17, without which the history would be younger than DOMAIN.md's (16+ a little more
# than 10-15). Only the "not known" group reaches 18; the others stop at 17.
AGE_WEIGHTS = {9: 1, 10: 2, 11: 3, 12: 6, 13: 9, 14: 12, 15: 16, 16: 20, 17: 22, 18: 7}
AGE_MISSING_FACTOR = {9: 0.3, 10: 0.4, 11: 0.55, 12: 0.7, 13: 0.85, 14: 1, 15: 1.05}
# Faker's en_GB first names span generations ("Dorothy", "Glenn"); children born 2006-2017 get
# names that were popular then (ONS baby names), still chosen by the seeded Faker.
BOYS_NAMES = (  # noqa: SIM905 (a list literal would take one line per name)
    "Oliver Jack Harry Alfie Charlie Thomas William Joshua George James Daniel Jacob Ethan "
    "Samuel Joseph Dylan Mohammed Noah Lewis Max Riley Kai Tyler Callum Liam Mason Logan Jayden "
    "Kian Ryan Leo Archie Oscar Finley Harvey Connor Luke Reece Jake Bradley Louie Freddie"
).split()
GIRLS_NAMES = (  # noqa: SIM905
    "Olivia Sophie Emily Lily Amelia Jessica Ruby Chloe Grace Evie Isabella Ella Mia Ava Holly "
    "Lucy Freya Poppy Ellie Megan Charlotte Millie Summer Isla Phoebe Leah Amber Keira Courtney "
    "Paige Caitlin Lacey Madison Scarlett Abigail Erin Niamh Tia Jade Kayla Maisie Skye"
).split()
SEX_WEIGHTS = {Sex.MALE: 51, Sex.FEMALE: 48.5, Sex.NOT_KNOWN: 0.5}
# An English shire county: mostly White British (2021 census, school-age children).
ETHNICITY_WEIGHTS = {
    Ethnicity.WBRI: 79.5,
    Ethnicity.WOTH: 5,
    Ethnicity.MWBC: 3,
    Ethnicity.MOTH: 2,
    Ethnicity.MWAS: 1.5,
    Ethnicity.MWBA: 1,
    Ethnicity.APKN: 1.5,
    Ethnicity.AIND: 1,
    Ethnicity.AOTH: 0.7,
    Ethnicity.BAFR: 1,
    Ethnicity.BCRB: 0.8,
    Ethnicity.BOTH: 0.3,
    Ethnicity.CHNE: 0.3,
    Ethnicity.WIRI: 0.3,
    Ethnicity.WROM: 0.5,
    Ethnicity.WIRT: 0.2,
    Ethnicity.OOTH: 0.6,
    Ethnicity.REFU: 0.3,
    Ethnicity.NOBT: 0.5,
}
RELIGION_WEIGHTS = {"": 30, "No religion": 36, "Christian": 25, "Muslim": 6, "Sikh": 1, "Hindu": 1}
OTHER_LANGUAGES = ("Polish", "Romanian", "Urdu", "Punjabi", "Lithuanian", "Arabic", "Kurdish")
LEGAL_STATUS_WEIGHTS = {
    LegalStatus.CARE_ORDER: 62,
    LegalStatus.S20: 26,
    LegalStatus.INTERIM_CARE_ORDER: 12,
}
FOSTER_PROVIDERS = (
    "Sherwood Vale Fostering Service",
    "Brightpath Fostering",
    "Hearthstone Family Placements",
)
CHILDRENS_HOMES = ("Willow House", "The Beeches", "Larch Lodge", "Meadow View", "Elm Court")

# Chance of at least one episode in two years, and episodes per missing child, by group.
MISSING_CHANCE = {"in_care": 0.62, "hosted": 0.7, "care_leaver": 0.6, "cp": 0.5, "cin": 0.45}
MISSING_CHANCE_NOT_KNOWN = 0.36
EPISODE_COUNTS = {  # (low, high) count ranges and their weights: a heavy tail
    "in_care": {(1, 1): 16, (2, 2): 12, (3, 5): 22, (6, 10): 23, (11, 20): 16, (21, 30): 11},
    "home_known": {(1, 1): 34, (2, 2): 20, (3, 5): 25, (6, 10): 14, (11, 20): 7},
    "not_known": {(1, 1): 50, (2, 2): 22, (3, 5): 18, (6, 10): 9, (11, 14): 1},
}
HOUR_WEIGHTS = (4, 3, 2, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 7, 8, 8, 9, 9, 9, 8, 7, 5)
WEEKDAY_WEIGHTS = (0.8, 0.8, 0.85, 0.9, 1.2, 1.3, 1.0)  # Monday first
RISK_LADDER = (
    RiskGrade.NO_APPARENT_RISK,
    RiskGrade.VERY_LOW,
    RiskGrade.LOW,
    RiskGrade.MEDIUM,
    RiskGrade.HIGH,
)
RISK_WEIGHTS = (2, 8, 46, 38, 6)
RISK_WEIGHTS_EXPLOITED = (0, 2, 30, 52, 16)
AWAY_SHARE_IN_CARE = 0.3

CIRCUMSTANCES_HOME = (
    "Argument at home about coming in on time.",
    "Did not come home after school.",
    "Left home after a row with a parent.",
    "Went out to meet friends and did not come back at the agreed time.",
    "Left after being told they could not go out.",
    "Not in their bedroom when checked in the morning.",
    "Phone switched off after leaving to see a friend.",
)
CIRCUMSTANCES_CARE = (
    "Did not return to the placement by the agreed time.",
    "Left the placement after a disagreement with carers.",
    "Went towards the family home without agreement.",
    "Left after family contact was cancelled.",
    "Left through a window between staff checks.",
    "Did not return from a school trip.",
    "Left with another young person from the home.",
)
TOPS = ("Black hooded top", "Grey tracksuit top", "Navy puffer jacket", "School uniform")
TOPS += ("Red hoodie", "Khaki jacket", "White T-shirt and black jacket")
BOTTOMS = ("black joggers", "blue jeans", "grey joggers", "school trousers", "black leggings")
SHOES = ("white trainers", "black trainers", "sliders", "black boots")
STAYED_WHERE = (
    "A friend's house",
    "A relative's address",
    "In a park with friends",
    "A boyfriend's or girlfriend's address",
    "Would not say",
    "An address in another town",
    "Travelled by train to a city centre",
)
STAYED_WITH = (
    "A friend of the same age",
    "Older friends",
    "A relative",
    "Would not say",
    "A group of young people",
    "An adult not known to the family",
)
RATIONALE_UP = (
    "Not located after initial enquiries; phone switched off.",
    "Seen with older males not known to the family.",
    "Has missed medication.",
    "Information suggests travel out of the area.",
)
RATIONALE_DOWN = (
    "Contact made by phone; says safe and well.",
    "Seen by a relative and believed safe.",
    "Location known; officers attending.",
)
ASSOCIATE_PLACES = (
    ("Friend's address", LocationKind.FAMILY),
    ("Grandparent's address", LocationKind.FAMILY),
    ("Older sibling's address", LocationKind.FAMILY),
    ("Other parent's address", LocationKind.FAMILY),
)


# --- The plan -------------------------------------------------------------------------------

# Duties are planned for episodes of the last three weeks before the anchor; of those already
# due two days before it, this share were done (the rest show on the overdue view).
DUTIES_HISTORY_DAYS = 21
DUTIES_DONE_ON_TIME = 0.85


# --- The practice: who is told, who acts, what was recorded (homesafe.demo.practice) ----------

# The home council's independent reviewing officers and child protection conference chairs, as
# HomeSafe users: a looked-after child's IRO and a child-protection child's chair are named in
# the child's network, so notify_iro and notify_cp_chair are told in HomeSafe.
INDEPENDENT_REVIEWING = "Independent Reviewing Service"
QUALITY_ASSURANCE = "Quality Assurance and Independent Reviewing"
IRO_ACCOUNTS = ("iro", "iro.02", "iro.03", "iro.04")
CP_CHAIR_ACCOUNTS = ("cp.chair", "cp.chair.02")
IRO_EMAIL = f"iro@{DEMO_EMAIL_DOMAIN}"
CP_CHAIR_EMAIL = f"cp.chair@{DEMO_EMAIL_DOMAIN}"
# A few children with nobody to name, for the coordinator's "needs an owner" list.
WITHOUT_IRO = 2
WITHOUT_CP_CHAIR = 1
# Trentmoor has a missing coordinator on HomeSafe (host-council notifications are told in
# HomeSafe); Ashfield Edge has none, only contacts (its notifications wait for the CMO to send).
TRENTMOOR_CMO_EMAIL = f"cmo.trentmoor@{DEMO_EMAIL_DOMAIN}"
# Accounts for the practice's journeys, printed after the one per role: (e-mail, what they do).
JOURNEY_ACCOUNTS = (
    (IRO_EMAIL, "Independent reviewing officer"),
    (CP_CHAIR_EMAIL, "Child protection conference chair"),
    (TRENTMOOR_CMO_EMAIL, "Missing coordinator, host council"),
)
# Contacts (access.OrganisationContact): (organisation, name, role, e-mail, phone). Phone
# numbers are in Ofcom's range for drama (01632 960000 to 960999): none is anyone's.
HOST_CONTACTS = (
    (
        ASHFIELD_EDGE,
        "Missing children secure mailbox",
        "Missing children notifications",
        f"missing.children@ashfield-edge.{DEMO_EMAIL_DOMAIN}",
        "01632 960101",
    ),
    (ASHFIELD_EDGE, "Emergency duty team", "Out of hours", "", "01632 960102"),
    (
        TRENTMOOR,
        "Missing children secure mailbox",
        "Missing children notifications",
        f"missing.children@trentmoor.{DEMO_EMAIL_DOMAIN}",
        "01632 960201",
    ),
)
SCHOOL_PHONE_FROM = 960300  # each school's safeguarding line: 01632 960300 onwards
DSL_ROLE = "Designated safeguarding lead"

# Seed 004: one council offers the return interview within 24 hours (the partnership's 72).
RHI_24_HOUR_COUNCIL = HOME_LA
RHI_24_HOURS = 24

# Return interviews: most past returns have one recorded; returns of the last few days are
# still being offered (the RHI worker's caseload); some children decline.
RHI_RECORDED = 0.85
RHI_DECLINED = 0.12
RHI_UNREACHABLE_FIRST = 0.1  # could not be reached at first, interviewed later
RHI_SETTLE_DAYS = 3  # no interview recorded yet for returns this close to the anchor
RHI_HELD_WHERE = ("At school", "At home", "At the placement", "A café in town", "Youth centre")
RHI_DECLINE_REASONS = (
    "Said they did not want to talk about it.",
    "Said they had already spoken to their social worker.",
    "Carer says the child refused to meet.",
)
CHILDS_WORDS = (
    "I just needed to get away for a bit. Nobody listens at home.",
    "I was with my mates. I didn't think anyone would worry.",
    "I don't like it where I live. I went to my mum's.",
    "Someone said they'd give me a lift and then we just drove around.",
    "I was scared to come back because I'd be in trouble.",
    "I stayed at a friend's. My phone died.",
)
RHI_WHERE_WENT = ("A friend's house", "Town centre", "The railway station", "A relative's")
RHI_TRAVEL = ("On foot", "By bus", "By train", "Given a lift")

# Meetings and screenings.
STRATEGY_SHARE = 0.7  # of high-risk episodes in the duties window
MULTI_AGENCY_EPISODES = 3  # children with at least this many episodes in 90 days
# Meetings are recorded for the last months: strategy meetings (rarer) for six, multi-agency
# meetings for three.
STRATEGY_SINCE = timedelta(days=182)
MULTI_AGENCY_SINCE = timedelta(days=91)
MEETING_CHAIRS = ("Team manager", "Service manager")
SERAF_REVIEW_MONTHS = 3

# Persons of concern: a few adults, each linked to several exploited children (the networks
# view). Fictional names and nicknames.
PERSONS_OF_CONCERN = (
    ("Dean Marlow", "Deano", 24, "Drives a grey hatchback; seen near the bus station."),
    ("Kyle Brannigan", "KB", 27, "Known to offer lifts and cannabis to young people."),
    ("Shane Albury", "Shaz", 31, "Rents a flat used for parties; associates with older males."),
    ("Tasha Greaves", "", 22, "Recruits girls to parties through social media."),
)
PERSON_LINKS = (3, 5)  # children linked to each person (at least, at most)
