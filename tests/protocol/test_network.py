"""Issue 16, the wider network: early help, health and youth justice told of a missing episode
and of the return, and the school of the return, according to the settings, only when the
child's network has such a member; the missing coordinator tells them."""

from __future__ import annotations

import datetime as dt

import pytest

from homesafe.protocol.calendar import LONDON, end_of_day
from homesafe.protocol.duties import plan_duties
from homesafe.protocol.facts import (
    CaseFacts,
    ChildFacts,
    ChildStatus,
    DutyKind,
    DutyStatus,
    EpisodeFacts,
    NetworkPartner,
    OwnerRole,
    Risk,
)
from homesafe.protocol.settings import ProtocolSettings, ProtocolSettingsError
from homesafe.protocol.simulate import SimulatorInputError, simulate

K = DutyKind
TUE = dt.date(2026, 11, 24)  # a Tuesday in term (no school holidays by default)
NETWORK_KINDS = {
    K.NOTIFY_EARLY_HELP,
    K.NOTIFY_HEALTH,
    K.NOTIFY_YOUTH_JUSTICE,
    K.NOTIFY_EARLY_HELP_OF_RETURN,
    K.NOTIFY_HEALTH_OF_RETURN,
    K.NOTIFY_YOUTH_JUSTICE_OF_RETURN,
    K.NOTIFY_SCHOOL_OF_RETURN,
}


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def plan(
    *,
    network=(),
    returned_at=None,
    reported_at=None,
    attends_school=False,
    settings=None,
    now=None,
):
    facts = CaseFacts(
        now=now or london(2026, 11, 24, 12),
        child=ChildFacts(
            date_of_birth=dt.date(2011, 5, 4),
            status=ChildStatus.CHILD_IN_NEED,
            attends_school=attends_school,
            network=frozenset(network),
        ),
        episodes=(
            EpisodeFacts(
                id="e1",
                reported_at=reported_at or london(2026, 11, 24, 10),
                risk=Risk.MEDIUM,
                returned_at=returned_at,
            ),
        ),
    )
    duties = plan_duties(facts, settings or ProtocolSettings.defaults())
    return {duty.kind: duty for duty in duties if duty.kind in NETWORK_KINDS}


def test_nothing_is_planned_for_a_child_with_no_such_network_member():
    assert plan(returned_at=london(2026, 11, 24, 18)) == {}


def test_only_the_roles_the_child_s_network_has_are_told_of_missing():
    duties = plan(network=[NetworkPartner.HEALTH])
    assert set(duties) == {K.NOTIFY_HEALTH}
    health = duties[K.NOTIFY_HEALTH]
    assert health.owner_role == OwnerRole.MISSING_COORDINATOR
    assert health.tells == OwnerRole.HEALTH
    assert health.rule == "network_missing_notification_working_days"
    assert health.status == DutyStatus.OPEN
    assert "health professional in the child's network is told within 1 working day" in (
        health.reason
    )


def test_every_partner_is_told_of_missing_within_one_working_day_of_the_report():
    reported = london(2026, 11, 27, 16)  # a Friday: the next working day is Monday
    duties = plan(network=list(NetworkPartner), reported_at=reported, now=reported)
    assert set(duties) == {K.NOTIFY_EARLY_HELP, K.NOTIFY_HEALTH, K.NOTIFY_YOUTH_JUSTICE}
    for duty in duties.values():
        assert duty.due_at == end_of_day(dt.date(2026, 11, 30))


def test_no_return_duty_while_the_child_is_missing():
    duties = plan(network=list(NetworkPartner), attends_school=True)
    assert not {kind for kind in duties if kind.endswith("_of_return")}


def test_the_network_is_told_of_the_return_within_one_working_day_of_it():
    returned = london(2026, 11, 24, 18)
    duties = plan(network=list(NetworkPartner), returned_at=returned)
    for kind, told in (
        (K.NOTIFY_EARLY_HELP_OF_RETURN, OwnerRole.EARLY_HELP),
        (K.NOTIFY_HEALTH_OF_RETURN, OwnerRole.HEALTH),
        (K.NOTIFY_YOUTH_JUSTICE_OF_RETURN, OwnerRole.YOUTH_JUSTICE),
    ):
        duty = duties[kind]
        assert duty.due_at == end_of_day(dt.date(2026, 11, 25))
        assert (duty.owner_role, duty.tells) == (OwnerRole.MISSING_COORDINATOR, told)
        assert duty.rule == "network_return_notification_working_days"
        assert duty.reason.startswith("Returned Tue 24 Nov 2026 18:00;")
    # Told of the missing episode too: the return does not cancel it.
    assert K.NOTIFY_HEALTH in duties


@pytest.mark.parametrize(
    ("returned", "due"),
    [
        (london(2026, 11, 24, 18), london(2026, 11, 25, 9)),  # Tuesday evening: Wednesday 09:00
        (london(2026, 11, 27, 20), london(2026, 11, 30, 9)),  # Friday evening: Monday 09:00
        (london(2026, 11, 25, 7), london(2026, 11, 25, 9)),  # before school: the same morning
    ],
)
def test_the_school_is_told_of_the_return_before_nine_on_the_next_school_day(returned, due):
    duties = plan(attends_school=True, returned_at=returned, now=returned)
    school = duties[K.NOTIFY_SCHOOL_OF_RETURN]
    assert school.due_at == due
    assert (school.owner_role, school.tells) == (OwnerRole.MISSING_COORDINATOR, OwnerRole.SCHOOL)
    assert school.rule == "school_notification_time"


def test_a_child_with_no_school_has_no_school_return_duty():
    assert plan(returned_at=london(2026, 11, 24, 18)) == {}


def test_the_settings_say_who_is_told_and_when():
    settings = ProtocolSettings.from_mapping(
        {
            "network_told_of_missing": ["youth_justice"],
            "network_told_of_return": ["health"],
            "network_missing_notification_working_days": 0,
            "network_return_notification_working_days": 3,
        }
    )
    duties = plan(
        network=list(NetworkPartner),
        attends_school=True,
        returned_at=london(2026, 11, 24, 18),
        settings=settings,
    )
    assert set(duties) == {K.NOTIFY_YOUTH_JUSTICE, K.NOTIFY_HEALTH_OF_RETURN}
    assert duties[K.NOTIFY_YOUTH_JUSTICE].due_at == end_of_day(TUE)
    assert duties[K.NOTIFY_HEALTH_OF_RETURN].due_at == end_of_day(dt.date(2026, 11, 27))
    assert "within 3 working days" in duties[K.NOTIFY_HEALTH_OF_RETURN].reason


def test_empty_lists_tell_nobody():
    settings = ProtocolSettings.from_mapping(
        {"network_told_of_missing": [], "network_told_of_return": []}
    )
    duties = plan(
        network=list(NetworkPartner),
        attends_school=True,
        returned_at=london(2026, 11, 24, 18),
        settings=settings,
    )
    assert duties == {}


def test_a_disabled_kind_is_not_planned():
    settings = ProtocolSettings.from_mapping({"disabled_duties": ["notify_school_of_return"]})
    duties = plan(attends_school=True, returned_at=london(2026, 11, 24, 18), settings=settings)
    assert duties == {}


def test_the_defaults():
    defaults = ProtocolSettings.defaults()
    assert defaults.network_told_of_missing == ("early_help", "health", "youth_justice")
    assert defaults.network_told_of_return == ("early_help", "health", "youth_justice", "school")
    assert defaults.network_missing_notification_working_days == 1
    assert defaults.network_return_notification_working_days == 1


def test_the_school_is_not_a_choice_for_missing_it_has_notify_school():
    with pytest.raises(ProtocolSettingsError) as error:
        ProtocolSettings.from_mapping({"network_told_of_missing": ["school"]})
    assert error.value.key == "network_told_of_missing"
    assert "'early_help', 'health', 'youth_justice'" in str(error.value)


def test_the_simulator_reads_the_child_s_network():
    facts = {
        "now": "2026-11-24T12:00:00+00:00",
        "child": {"date_of_birth": "2011-05-04", "status": "home", "network": ["early_help"]},
        "episodes": [{"id": "e1", "reported_at": "2026-11-24T10:00:00+00:00", "risk": "low"}],
    }
    lines = [line for line in simulate(facts) if line["kind"] == "notify_early_help"]
    assert [(line["owner_role"], line["tells"]) for line in lines] == [
        ("missing_coordinator", "early_help")
    ]
    facts["child"]["network"] = ["carer"]
    with pytest.raises(SimulatorInputError, match=r"child\.network\[0\]"):
        simulate(facts)
    facts["child"]["network"] = "health"
    with pytest.raises(SimulatorInputError, match=r"child\.network"):
        simulate(facts)
