"""The local protocol's timescales and thresholds: a frozen dataclass loaded from TOML.

The defaults are DOMAIN.md's protocol table; `default.toml` beside this module holds the same
values with their sources (a test keeps the two equal). A local authority overrides any key;
every problem is a `ProtocolSettingsError` naming the key and what is allowed.

`ProtocolSettings.version` is a short hash of the settings' content, so that a stored duty can
record which settings planned it, and a change of any value gives a new version.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, time
from enum import StrEnum
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from homesafe.protocol.calendar import Region, WorkingCalendar
from homesafe.protocol.facts import DutyKind, NetworkPartner, ToldOfReturn

DEFAULT_TOML = Path(__file__).with_name("default.toml")

UNKNOWN_KEY = "Unknown setting {key!r}. The settings are: {known}."
NOT_A_TABLE = "The protocol settings must be a table of key = value pairs, not {type}."
BAD_TOML = "The settings are not valid TOML: {error}."
BAD_INTEGER = "Setting {key!r} must be a whole number from {low} to {high}, not {value!r}."
BAD_CHOICE = "Setting {key!r} must be one of {choices}, not {value!r}."
BAD_TIME = 'Setting {key!r} must be a time of day written HH:MM, e.g. "09:00", not {value!r}.'
BAD_LIST = "Setting {key!r} must be a list, not {value!r}."
BAD_DATE = "Setting {key!r} must be a date written YYYY-MM-DD, not {value!r}."
BAD_RANGE = (
    "Setting {key!r} must be a table with exactly the keys start and end (dates, start on or "
    "before end), e.g. {{start = 2026-07-22, end = 2026-09-01}}, not {value!r}."
)
ESCALATIONS_OUT_OF_ORDER = (
    "Setting {key!r} ({value} hours) must not be earlier than {previous!r} ({previous_value} "
    "hours): escalations go team manager, then service manager, then head of service."
)


class ProtocolSettingsError(ValueError):
    """A settings problem; `key` names the setting (its message says what is allowed)."""

    def __init__(self, message: str, *, key: str | None = None):
        super().__init__(message)
        self.key = key


class RhiOfferOn(StrEnum):
    EVERY_EPISODE = "every_episode"
    SECOND_AND_LATER = "second_and_later"


class StrategyMeetingTrigger(StrEnum):
    HIGH_RISK = "high_risk"
    MISSING_ALLOCATED = "missing_allocated"  # allocated child missing over N hours
    REPEAT_THRESHOLD = "repeat_threshold"
    EXPLOITATION_CONCERN = "exploitation_concern"


class SearchDuty(StrEnum):
    """The duties of the search for a missing child (issue 16) an authority chooses to plan."""

    CONSIDER_PUBLICITY = "consider_publicity"
    CONTACT_MISSING_PEOPLE = "contact_missing_people"
    WITHDRAW_PUBLICITY = "withdraw_publicity"
    SAFE_AND_WELL = "safe_and_well"


def _whole(default: int, low: int, high: int):
    return field(default=default, metadata={"kind": "int", "low": low, "high": high})


def _hours(default: int, low: int = 1, high: int = 720):
    return _whole(default, low, high)


def _working_days(default: int, low: int = 0, high: int = 30):
    return _whole(default, low, high)


@dataclass(frozen=True)
class ProtocolSettings:
    """Every timescale and threshold the protocol uses; defaults = DOMAIN.md's table."""

    region: Region = field(default=Region.ENG, metadata={"kind": "choice", "enum": Region})
    local_non_working_days: tuple[date, ...] = field(default=(), metadata={"kind": "dates"})
    school_holidays: tuple[tuple[date, date], ...] = field(default=(), metadata={"kind": "ranges"})
    rhi_offer_hours: int = _hours(72)
    rhi_offer_on: RhiOfferOn = field(
        default=RhiOfferOn.EVERY_EPISODE, metadata={"kind": "choice", "enum": RhiOfferOn}
    )
    rhi_complete_hours: int = _hours(72)
    senior_leader_alert_hours: int = _hours(24)
    escalate_team_manager_hours: int = _hours(24)
    escalate_service_manager_hours: int = _hours(48)
    escalate_head_of_service_hours: int = _hours(72)
    high_risk_alert_hours: int = _hours(0, low=0, high=24)
    strategy_meeting_working_days: int = _working_days(3)
    strategy_meeting_triggers: tuple[StrategyMeetingTrigger, ...] = field(
        default=tuple(StrategyMeetingTrigger),
        metadata={"kind": "choices", "enum": StrategyMeetingTrigger},
    )
    strategy_meeting_missing_hours: int = _hours(24)
    repeat_threshold_episodes: int = _whole(3, 2, 100)
    repeat_threshold_days: int = _whole(90, 1, 3660)
    repeat_meeting_working_days: int = _working_days(5)
    school_notification_time: time = field(default=time(9, 0), metadata={"kind": "time"})
    placing_la_notification_working_days: int = _working_days(0)
    host_la_notification_working_days: int = _working_days(0)
    social_worker_notification_working_days: int = _working_days(0)
    iro_notification_working_days: int = _working_days(0)
    cp_chair_notification_working_days: int = _working_days(0)
    network_told_of_missing: tuple[NetworkPartner, ...] = field(
        default=tuple(NetworkPartner), metadata={"kind": "choices", "enum": NetworkPartner}
    )
    network_missing_notification_working_days: int = _working_days(1)
    network_told_of_return: tuple[ToldOfReturn, ...] = field(
        default=tuple(ToldOfReturn), metadata={"kind": "choices", "enum": ToldOfReturn}
    )
    network_return_notification_working_days: int = _working_days(1)
    pre_incident_review_working_days: int = _working_days(5)
    safety_plan_review_working_days: int = _working_days(5)
    consider_mace_working_days: int = _working_days(5)
    consider_nrm_working_days: int = _working_days(5)
    consider_recovery_order_hours: int = _hours(24, low=0)
    screening_review_months: int = _whole(3, 1, 24)
    # The search for a missing child (issue 16): planned only where the authority says so.
    search_duties: tuple[SearchDuty, ...] = field(
        default=(), metadata={"kind": "choices", "enum": SearchDuty}
    )
    publicity_consider_hours: int = _hours(6, low=0)
    publicity_withdraw_hours: int = _hours(24, low=0)
    missing_people_contact_hours: int = _hours(24, low=0)
    safe_and_well_hours: int = _hours(72)
    disabled_duties: tuple[DutyKind, ...] = field(
        default=(), metadata={"kind": "choices", "enum": DutyKind}
    )
    reminder_lead_hours: int = _hours(4, low=0, high=168)

    def __post_init__(self):
        previous = None
        for key in (
            "escalate_team_manager_hours",
            "escalate_service_manager_hours",
            "escalate_head_of_service_hours",
        ):
            value = getattr(self, key)
            if previous is not None and value < getattr(self, previous):
                raise ProtocolSettingsError(
                    ESCALATIONS_OUT_OF_ORDER.format(
                        key=key,
                        value=value,
                        previous=previous,
                        previous_value=getattr(self, previous),
                    ),
                    key=key,
                )
            previous = key

    # -- loading ---------------------------------------------------------------------------

    @classmethod
    def defaults(cls) -> ProtocolSettings:
        """The defaults, read from default.toml."""
        return _defaults()

    @classmethod
    def from_toml(cls, text: str, *, base: ProtocolSettings | None = None) -> ProtocolSettings:
        """Settings from TOML text: the keys it has override `base` (the defaults)."""
        try:
            mapping = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ProtocolSettingsError(BAD_TOML.format(error=error)) from error
        return cls.from_mapping(mapping, base=base)

    @classmethod
    def from_mapping(
        cls, overrides: Mapping[str, Any], *, base: ProtocolSettings | None = None
    ) -> ProtocolSettings:
        """Settings from a mapping (parsed TOML or JSON): its keys override `base` (the
        defaults). Dates and times may be `date`/`time` objects or ISO strings."""
        if not isinstance(overrides, Mapping):
            raise ProtocolSettingsError(NOT_A_TABLE.format(type=type(overrides).__name__))
        specs = {f.name: f for f in fields(cls)}
        values = {}
        for key, value in overrides.items():
            spec = specs.get(key)
            if spec is None:
                raise ProtocolSettingsError(
                    UNKNOWN_KEY.format(key=key, known=", ".join(specs)), key=key
                )
            values[key] = _parse(key, value, spec.metadata)
        return (base or cls()).replace(**values)

    def replace(self, **changes: Any) -> ProtocolSettings:
        current = {f.name: getattr(self, f.name) for f in fields(self)}
        return type(self)(**(current | changes))

    # -- derived ---------------------------------------------------------------------------

    def to_mapping(self) -> dict[str, Any]:
        """The settings as plain JSON values (dates and times as ISO strings)."""
        mapping = {f.name: _plain(getattr(self, f.name)) for f in fields(self)}
        mapping["school_holidays"] = [
            {"start": start, "end": end} for start, end in mapping["school_holidays"]
        ]
        return mapping

    @cached_property
    def version(self) -> str:
        """12 hex digits of the SHA-256 of the canonical JSON of every setting."""
        canonical = json.dumps(self.to_mapping(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(
            region=self.region,
            local_non_working_days=frozenset(self.local_non_working_days),
            school_holidays=self.school_holidays,
        )


@cache
def _defaults() -> ProtocolSettings:
    return ProtocolSettings.from_toml(DEFAULT_TOML.read_text(encoding="utf-8"), base=None)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _parse(key: str, value: Any, spec: Mapping[str, Any]) -> Any:
    kind = spec["kind"]
    if kind == "int":
        low, high = spec["low"], spec["high"]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ProtocolSettingsError(
                BAD_INTEGER.format(key=key, low=low, high=high, value=value), key=key
            )
        return value
    if kind == "choice":
        return _choice(key, value, spec["enum"])
    if kind == "choices":
        if not isinstance(value, list | tuple):
            raise ProtocolSettingsError(BAD_LIST.format(key=key, value=value), key=key)
        return tuple(dict.fromkeys(_choice(key, item, spec["enum"]) for item in value))
    if kind == "time":
        return _time(key, value)
    if kind == "dates":
        if not isinstance(value, list | tuple):
            raise ProtocolSettingsError(BAD_LIST.format(key=key, value=value), key=key)
        return tuple(sorted({_date(key, item) for item in value}))
    if kind == "ranges":
        if not isinstance(value, list | tuple):
            raise ProtocolSettingsError(BAD_LIST.format(key=key, value=value), key=key)
        return tuple(sorted(_range(key, item) for item in value))
    raise AssertionError(f"unknown setting kind {kind!r}")  # pragma: no cover


def _choice(key: str, value: Any, enum: type[StrEnum]) -> StrEnum:
    try:
        return enum(value)
    except (ValueError, TypeError):
        choices = ", ".join(repr(member.value) for member in enum)
        raise ProtocolSettingsError(
            BAD_CHOICE.format(key=key, choices=choices, value=value), key=key
        ) from None


def _time(key: str, value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str) and len(value) == 5 and value[2] == ":":
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    raise ProtocolSettingsError(BAD_TIME.format(key=key, value=value), key=key)


def _date(key: str, value: Any) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ProtocolSettingsError(BAD_DATE.format(key=key, value=value), key=key)


def _range(key: str, value: Any) -> tuple[date, date]:
    if isinstance(value, Mapping) and set(value) == {"start", "end"}:
        try:
            start, end = _date(key, value["start"]), _date(key, value["end"])
        except ProtocolSettingsError:
            start = end = None
        if start is not None and start <= end:
            return (start, end)
    raise ProtocolSettingsError(BAD_RANGE.format(key=key, value=value), key=key)
