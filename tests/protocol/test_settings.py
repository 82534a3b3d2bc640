"""Protocol settings: defaults from DOMAIN.md, TOML loading, validation naming the key, version."""

import datetime as dt
import tomllib
from dataclasses import fields

import pytest

from homesafe.protocol.calendar import Region
from homesafe.protocol.facts import DutyKind
from homesafe.protocol.settings import (
    DEFAULT_TOML,
    ProtocolSettings,
    ProtocolSettingsError,
    RhiOfferOn,
    StrategyMeetingTrigger,
)


def test_default_toml_holds_every_setting_and_equals_the_dataclass_defaults():
    in_file = tomllib.loads(DEFAULT_TOML.read_text(encoding="utf-8"))
    assert sorted(in_file) == sorted(f.name for f in fields(ProtocolSettings))
    assert ProtocolSettings.defaults() == ProtocolSettings()
    assert ProtocolSettings.defaults().version == ProtocolSettings().version


def test_defaults_are_domain_md_table():
    defaults = ProtocolSettings.defaults()
    assert defaults.region == Region.ENG
    assert defaults.rhi_offer_hours == 72
    assert defaults.rhi_offer_on == RhiOfferOn.EVERY_EPISODE
    assert defaults.senior_leader_alert_hours == 24
    assert (
        defaults.escalate_team_manager_hours,
        defaults.escalate_service_manager_hours,
        defaults.escalate_head_of_service_hours,
    ) == (24, 48, 72)
    assert defaults.high_risk_alert_hours == 0
    assert defaults.strategy_meeting_working_days == 3
    assert set(defaults.strategy_meeting_triggers) == set(StrategyMeetingTrigger)
    assert (defaults.repeat_threshold_episodes, defaults.repeat_threshold_days) == (3, 90)
    assert defaults.school_notification_time == dt.time(9, 0)
    assert defaults.placing_la_notification_working_days == 0
    assert defaults.host_la_notification_working_days == 0
    assert defaults.pre_incident_review_working_days == 5
    assert defaults.local_non_working_days == ()
    assert defaults.school_holidays == ()


def test_toml_overrides_only_the_keys_it_has():
    settings = ProtocolSettings.from_toml(
        """
        region = "SCT"
        rhi_offer_hours = 24
        rhi_offer_on = "second_and_later"
        local_non_working_days = [2026-12-29, 2026-12-30]
        school_holidays = [{start = 2026-07-22, end = 2026-09-01}]
        school_notification_time = "08:30"
        strategy_meeting_triggers = ["high_risk"]
        disabled_duties = ["escalate_head_of_service"]
        """
    )
    assert settings.region == Region.SCT
    assert settings.rhi_offer_hours == 24
    assert settings.rhi_offer_on == RhiOfferOn.SECOND_AND_LATER
    assert settings.local_non_working_days == (dt.date(2026, 12, 29), dt.date(2026, 12, 30))
    assert settings.school_holidays == ((dt.date(2026, 7, 22), dt.date(2026, 9, 1)),)
    assert settings.school_notification_time == dt.time(8, 30)
    assert settings.strategy_meeting_triggers == (StrategyMeetingTrigger.HIGH_RISK,)
    assert settings.disabled_duties == (DutyKind.ESCALATE_HEAD_OF_SERVICE,)
    assert settings.rhi_complete_hours == 72  # untouched
    assert settings.calendar.region == Region.SCT
    assert not settings.calendar.is_working_day(dt.date(2026, 12, 29))


def test_json_strings_are_accepted_for_dates_and_round_trip_through_to_mapping():
    settings = ProtocolSettings.from_mapping(
        {
            "local_non_working_days": ["2026-12-29"],
            "school_holidays": [{"start": "2026-07-22", "end": "2026-09-01"}],
        }
    )
    assert settings.local_non_working_days == (dt.date(2026, 12, 29),)
    assert ProtocolSettings.from_mapping(settings.to_mapping()) == settings


@pytest.mark.parametrize(
    ("overrides", "key", "words"),
    [
        ({"rhi_offer_hourz": 72}, "rhi_offer_hourz", "Unknown setting"),
        ({"rhi_offer_hours": 0}, "rhi_offer_hours", "from 1 to 720"),
        ({"rhi_offer_hours": "72"}, "rhi_offer_hours", "whole number"),
        ({"rhi_offer_hours": True}, "rhi_offer_hours", "whole number"),
        ({"strategy_meeting_working_days": -1}, "strategy_meeting_working_days", "from 0 to 30"),
        ({"region": "England"}, "region", "'ENG', 'WLS', 'SCT', 'NIR'"),
        ({"rhi_offer_on": "first"}, "rhi_offer_on", "'every_episode', 'second_and_later'"),
        ({"strategy_meeting_triggers": ["hi"]}, "strategy_meeting_triggers", "'high_risk'"),
        ({"strategy_meeting_triggers": "high_risk"}, "strategy_meeting_triggers", "a list"),
        ({"school_notification_time": "9am"}, "school_notification_time", "HH:MM"),
        ({"local_non_working_days": ["29/12/2026"]}, "local_non_working_days", "YYYY-MM-DD"),
        (
            {"school_holidays": [{"start": "2026-09-01", "end": "2026-07-22"}]},
            "school_holidays",
            "start on or before end",
        ),
        ({"school_holidays": [{"from": "2026-07-22"}]}, "school_holidays", "start and end"),
        ({"disabled_duties": ["notify_everyone"]}, "disabled_duties", "'notify_school'"),
        (
            {"escalate_team_manager_hours": 48, "escalate_service_manager_hours": 24},
            "escalate_service_manager_hours",
            "team manager, then service manager",
        ),
    ],
)
def test_validation_errors_name_the_key_and_what_is_allowed(overrides, key, words):
    with pytest.raises(ProtocolSettingsError) as raised:
        ProtocolSettings.from_mapping(overrides)
    assert raised.value.key == key
    assert repr(key) in str(raised.value)
    assert words in str(raised.value)


def test_bad_toml_is_a_settings_error():
    with pytest.raises(ProtocolSettingsError, match="not valid TOML"):
        ProtocolSettings.from_toml("rhi_offer_hours = ")


def test_version_is_stable_and_changes_with_any_value():
    default = ProtocolSettings()
    assert len(default.version) == 12
    assert ProtocolSettings.from_mapping({}).version == default.version
    changed = ProtocolSettings.from_mapping({"rhi_offer_hours": 24})
    assert changed.version != default.version
    assert ProtocolSettings.from_mapping({"rhi_offer_hours": 72}).version == default.version
    holidays = ProtocolSettings.from_mapping({"local_non_working_days": ["2026-12-29"]})
    assert holidays.version not in {default.version, changed.version}


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        ProtocolSettings().rhi_offer_hours = 24
