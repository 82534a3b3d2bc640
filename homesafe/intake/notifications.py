"""A police notification in HomeSafe's standard columns: parsed, validated and normalised.

Both ways in (a row of a daily download and an API `missing_reported` event) become a
`PoliceNotification`, so they are checked by the same rules and applied by the same service.
A value that breaks a rule raises `NotificationError` naming the first bad field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from homesafe.access.times import IN_FUTURE, in_future
from homesafe.episodes.choices import FoundBy, RiskGrade
from homesafe.people.choices import Sex
from homesafe.people.validators import normalise_postcode, validate_nhs_number, validate_postcode

LONDON = ZoneInfo("Europe/London")

# The standard columns, in the order the report checks them (docs/intake.md).
STANDARD_COLUMNS = (
    "police_reference",
    "person_id",
    "la_child_id",
    "nhs_number",
    "forename",
    "surname",
    "aliases",
    "date_of_birth",
    "sex",
    "postcode",
    "reported_at",
    "last_seen_at",
    "last_seen_location",
    "risk",
    "pre_planned",
    "found_at",
    "found_location",
    "found_by",
    "closed_reason",
)
MAX_LENGTHS = {
    "police_reference": 50,
    "person_id": 50,
    "la_child_id": 30,
    "forename": 100,
    "surname": 100,
    "aliases": 1000,
    "last_seen_location": 300,
    "found_location": 300,
    "closed_reason": 200,
}

REFERENCE_REQUIRED = "Enter the police reference."
COLUMN_MISSING = "The file has no {column} column."
TOO_LONG = "Must be {limit} characters or fewer."
DATE_INVALID = "Enter a date as dd/mm/yyyy or yyyy-mm-dd."
DATETIME_INVALID = "Enter a date and time as dd/mm/yyyy HH:MM or ISO 8601."
DATE_TOO_EARLY = "Enter a real date (after 1900)."
BIRTH_IN_FUTURE = "The date of birth cannot be in the future."
REPORTED_REQUIRED = "Enter when the child was reported missing."
RISK_REQUIRED = "Enter the police risk grading."
RISK_INVALID = "Enter a risk grading: no apparent risk, very low, low, medium or high."
SEX_INVALID = "Enter the sex as M, F or U (or the DfE code)."
PRE_PLANNED_INVALID = "Enter Y or N."
FOUND_BY_INVALID = "Enter who found the child: self, police, family, carer, professional or other."
LAST_SEEN_AFTER_REPORT = "The child cannot be last seen after they were reported missing."
FOUND_BEFORE_LAST_SEEN = "The child cannot be found before they were last seen."
FOUND_WITHOUT_TIME = "Enter when the child was found: a closed report needs it."
NO_IDENTITY = (
    "Give an identifier (person ID, LA child ID or NHS number) or the child's surname "
    "and date of birth."
)

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WORDS = re.compile(r"[\s\-]+")

RISK_WORDS = {
    **{grade.value: grade.value for grade in RiskGrade},
    **{grade.label.lower().replace(" ", "_"): grade.value for grade in RiskGrade},
    "absent": RiskGrade.NO_APPARENT_RISK.value,
    "no_risk": RiskGrade.NO_APPARENT_RISK.value,
    "none": RiskGrade.NO_APPARENT_RISK.value,
    "nar": RiskGrade.NO_APPARENT_RISK.value,
    "vl": RiskGrade.VERY_LOW.value,
    "l": RiskGrade.LOW.value,
    "m": RiskGrade.MEDIUM.value,
    "med": RiskGrade.MEDIUM.value,
    "h": RiskGrade.HIGH.value,
}
SEX_WORDS = {
    **{s.value: s.value for s in Sex},
    "m": Sex.MALE.value,
    "male": Sex.MALE.value,
    "f": Sex.FEMALE.value,
    "female": Sex.FEMALE.value,
    "u": Sex.NOT_KNOWN.value,
    "unknown": Sex.NOT_KNOWN.value,
    "not_known": Sex.NOT_KNOWN.value,
    "not_stated": Sex.NOT_STATED.value,
    "": Sex.NOT_KNOWN.value,
}
FOUND_BY_WORDS = {
    **{f.value: f.value for f in FoundBy},
    "self_returned": FoundBy.SELF.value,
    "returned": FoundBy.SELF.value,
    "self_return": FoundBy.SELF.value,
    "found_by_police": FoundBy.POLICE.value,
}
YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0", ""}


class NotificationError(Exception):
    """A notification that breaks a rule: the first bad field and why."""

    def __init__(self, field_name: str, reason: str):
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason


@dataclass(frozen=True)
class PoliceNotification:
    """One police missing report in its latest state, in HomeSafe's standard columns."""

    police_reference: str
    reported_at: dt.datetime | None = None
    person_id: str = ""
    la_child_id: str = ""
    nhs_number: str = ""
    forename: str = ""
    surname: str = ""
    aliases: tuple[str, ...] = ()
    date_of_birth: dt.date | None = None
    sex: str = Sex.NOT_KNOWN.value
    postcode: str = ""
    last_seen_at: dt.datetime | None = None
    last_seen_location: str = ""
    risk: str = ""
    pre_planned: bool = False
    found_at: dt.datetime | None = None
    found_location: str = ""
    found_by: str = ""
    closed_reason: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def has_identifier(self) -> bool:
        return bool(self.person_id or self.la_child_id or self.nhs_number)

    @property
    def last_seen_known(self) -> bool:
        """False when the police gave no last-seen time (last_seen_at is then the report's)."""
        return not self.extra.get("last_seen_unknown", False)

    @property
    def full_name(self) -> str:
        return f"{self.forename} {self.surname}".strip()

    def as_json(self) -> dict:
        """The notification as JSON-safe values (stored in reviews; the state hash is of this)."""
        values = asdict(self)
        values.pop("extra")
        for name, value in values.items():
            if isinstance(value, dt.datetime | dt.date):
                values[name] = value.isoformat()
            elif isinstance(value, tuple):
                values[name] = list(value)
        return values

    @property
    def state_hash(self) -> str:
        canonical = json.dumps(self.as_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    @classmethod
    def from_json(cls, values: dict) -> PoliceNotification:
        return notification_parse(values, codes={}, now=None)


def _text(values: dict, name: str) -> str:
    value = values.get(name)
    if type(value) is str:  # a CSV's cells: most values of a file
        text = value.strip()
        if len(text) <= _SHORTEST_LIMIT:  # within every column's limit
            return text
    elif value is None or value == "":
        return ""
    else:
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a spreadsheet's number cell: 12345.0 is the reference 12345
        text = str(value).strip()
    limit = MAX_LENGTHS.get(name)
    if limit and len(text) > limit:
        raise NotificationError(name, TOO_LONG.format(limit=limit))
    return text


_SHORTEST_LIMIT = min(MAX_LENGTHS.values())


def _word(value: str) -> str:
    return _WORDS.sub("_", value.strip().lower())


def _coded(values: dict, name: str, codes: dict) -> str:
    """The value with the force's own code replaced by ours (mapping in ForceMapping.codes)."""
    text = _text(values, name)
    mapping = codes.get(name)
    if not mapping:  # most forces' files use our codes
        return text
    return str(mapping.get(text, mapping.get(text.upper(), text)))


def parse_date(value, field_name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        match = _DMY.match(text)
        if match:
            day, month, year = (int(match.group(i)) for i in (1, 2, 3))
            parsed = dt.date(year, month, day)
        elif _ISO_DATE.match(text):
            parsed = dt.date.fromisoformat(text)
        else:
            parsed = dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise NotificationError(field_name, DATE_INVALID) from None
    if parsed.year < 1900:
        raise NotificationError(field_name, DATE_TOO_EARLY)
    return parsed


def parse_datetime(value, field_name: str) -> dt.datetime | None:
    """A time in the forms police systems use; a time without an offset is Europe/London."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            match = _DMY.match(text)
            if match:
                day, month, year, hour, minute, second = (int(part or 0) for part in match.groups())
                parsed = dt.datetime(year, month, day, hour, minute, second)
            else:
                parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            raise NotificationError(field_name, DATETIME_INVALID) from None
    if parsed.year < 1900:
        raise NotificationError(field_name, DATE_TOO_EARLY)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LONDON)
    return parsed.astimezone(dt.UTC)


def notification_parse(
    values: dict, *, codes: dict, now: dt.datetime | None = None
) -> PoliceNotification:
    """Check one notification (standard column -> text or typed value); raise on the first bad field.

    `now` is when the notification is checked (times after it are refused); None skips the
    future checks, for notifications already accepted once (a review being resolved).
    """
    reference = _text(values, "police_reference")
    if not reference:
        raise NotificationError("police_reference", REFERENCE_REQUIRED)
    person_id = _text(values, "person_id")
    la_child_id = _text(values, "la_child_id")
    nhs_number = _text(values, "nhs_number").replace(" ", "")
    if nhs_number:
        try:
            validate_nhs_number(nhs_number)
        except ValidationError as error:
            raise NotificationError("nhs_number", error.messages[0]) from None
    forename = _text(values, "forename")
    surname = _text(values, "surname")
    raw_aliases = values.get("aliases") or ""
    aliases: tuple[str, ...] = ()
    if raw_aliases:  # most rows have none
        if isinstance(raw_aliases, list | tuple):
            raw_aliases = ";".join(str(a) for a in raw_aliases)
        aliases = tuple(
            dict.fromkeys(a.strip() for a in _text({"aliases": raw_aliases}, "aliases").split(";"))
        )
        aliases = tuple(a for a in aliases if a)
        if any(len(a) > 200 for a in aliases):
            raise NotificationError("aliases", TOO_LONG.format(limit=200))
    date_of_birth = parse_date(values.get("date_of_birth"), "date_of_birth")
    today = now.astimezone(LONDON).date() if now else None
    if date_of_birth and today and date_of_birth > today:
        raise NotificationError("date_of_birth", BIRTH_IN_FUTURE)
    if not (person_id or la_child_id or nhs_number or (surname and date_of_birth)):
        raise NotificationError("surname" if not surname else "date_of_birth", NO_IDENTITY)
    sex = SEX_WORDS.get(_word(_coded(values, "sex", codes)))
    if sex is None:
        raise NotificationError("sex", SEX_INVALID)
    postcode = _text(values, "postcode")
    if postcode:
        try:
            validate_postcode(postcode)
        except ValidationError as error:
            raise NotificationError("postcode", error.messages[0]) from None
        postcode = normalise_postcode(postcode)

    def when(name: str) -> dt.datetime | None:
        moment = parse_datetime(values.get(name), name)
        if moment and now and in_future(moment, now=now):
            raise NotificationError(name, IN_FUTURE)
        return moment

    reported_at = when("reported_at")
    if reported_at is None:
        raise NotificationError("reported_at", REPORTED_REQUIRED)
    given_last_seen = when("last_seen_at")
    last_seen_at = given_last_seen or reported_at
    if last_seen_at > reported_at:
        raise NotificationError("last_seen_at", LAST_SEEN_AFTER_REPORT)
    last_seen_location = _text(values, "last_seen_location")
    risk_text = _coded(values, "risk", codes)
    risk = RISK_WORDS.get(_word(risk_text)) if risk_text else ""
    if risk is None:
        raise NotificationError("risk", RISK_INVALID)
    if not risk:
        raise NotificationError("risk", RISK_REQUIRED)
    pre_planned_text = _word(_coded(values, "pre_planned", codes))
    if pre_planned_text not in YES | NO:
        raise NotificationError("pre_planned", PRE_PLANNED_INVALID)
    found_at = when("found_at")
    found_location = _text(values, "found_location")
    found_by_text = _coded(values, "found_by", codes)
    found_by = FOUND_BY_WORDS.get(_word(found_by_text)) if found_by_text else ""
    if found_by is None:
        raise NotificationError("found_by", FOUND_BY_INVALID)
    closed_reason = _text(values, "closed_reason")
    if found_at is not None and found_at < last_seen_at:
        raise NotificationError("found_at", FOUND_BEFORE_LAST_SEEN)
    if closed_reason and found_at is None:
        raise NotificationError("found_at", FOUND_WITHOUT_TIME)
    if found_at is not None and not found_by:
        found_by = FoundBy.OTHER.value
    return PoliceNotification(
        police_reference=reference,
        person_id=person_id,
        la_child_id=la_child_id,
        nhs_number=nhs_number,
        forename=forename,
        surname=surname,
        aliases=aliases,
        date_of_birth=date_of_birth,
        sex=sex,
        postcode=postcode,
        reported_at=reported_at,
        last_seen_at=last_seen_at,
        last_seen_location=last_seen_location,
        risk=risk,
        pre_planned=pre_planned_text in YES,
        found_at=found_at,
        found_location=found_location,
        found_by=found_by,
        closed_reason=closed_reason,
        extra={} if given_last_seen else {"last_seen_unknown": True},
    )
