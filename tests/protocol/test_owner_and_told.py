"""Issue 13's table, through the simulator: for every kind of duty, who acts (`owner_role`) and
whom it tells (`tells`), and the told party never owns the duty to tell itself.

The same rows are checked through the stored duties of a real child in
tests/duties/test_owner_and_told.py; docs/protocol.md has the table."""

from __future__ import annotations

import datetime as dt

import pytest

from homesafe.protocol.facts import DutyKind as K
from homesafe.protocol.simulate import simulate

NOW = "2026-11-25T12:00:00+00:00"
REPORTED = "2026-11-24T10:00:00+00:00"
RETURNED = "2026-11-25T08:00:00+00:00"

# kind -> (owner_role, tells) for an allocated child (the case holder is the social worker).
TABLE: dict[str, tuple[str, str | None]] = {
    K.NOTIFY_SOCIAL_WORKER: ("missing_coordinator", "social_worker"),
    K.NOTIFY_SCHOOL: ("missing_coordinator", "school"),
    K.NOTIFY_PLACING_LA: ("missing_coordinator", "placing_la"),
    K.NOTIFY_HOST_LA: ("missing_coordinator", "host_la"),
    K.NOTIFY_IRO: ("social_worker", "iro"),
    K.NOTIFY_CP_CHAIR: ("social_worker", "cp_chair"),
    K.SENIOR_LEADER_ALERT: ("social_worker", "senior_leader"),
    K.ESCALATE_TEAM_MANAGER: ("social_worker", "team_manager"),
    K.ESCALATE_SERVICE_MANAGER: ("social_worker", "service_manager"),
    K.ESCALATE_HEAD_OF_SERVICE: ("social_worker", "head_of_service"),
    K.ESCALATION_REVIEW: ("team_manager", None),
    K.HIGH_RISK_ALERT: ("missing_coordinator", "senior_leader"),
    K.STRATEGY_MEETING: ("social_worker", None),
    K.RHI_OFFER: ("rhi_service", None),
    K.RHI_COMPLETE: ("rhi_service", None),
    K.PRE_INCIDENT_REVIEW: ("social_worker", None),
    K.REPEAT_MEETING: ("missing_coordinator", None),
    K.CONSIDER_MACE: ("social_worker", None),
    K.CONSIDER_NRM: ("social_worker", None),
    K.CONSIDER_RECOVERY_ORDER: ("social_worker", None),
    K.EIGHTEENTH_BIRTHDAY: ("missing_coordinator", None),
    K.SCREENING_REVIEW: ("social_worker", None),
    K.SAFETY_PLAN_REVIEW: ("social_worker", None),
    # The search (issue 16), where the settings choose its duties: the police hold Safe and Well.
    K.CONSIDER_PUBLICITY: ("social_worker", None),
    K.CONTACT_MISSING_PEOPLE: ("social_worker", None),
    K.WITHDRAW_PUBLICITY: ("social_worker", None),
    K.SAFE_AND_WELL: ("police", None),
    # Issue 16: the wider network, told by the missing coordinator.
    K.NOTIFY_EARLY_HELP: ("missing_coordinator", "early_help"),
    K.NOTIFY_HEALTH: ("missing_coordinator", "health"),
    K.NOTIFY_YOUTH_JUSTICE: ("missing_coordinator", "youth_justice"),
    K.NOTIFY_EARLY_HELP_OF_RETURN: ("missing_coordinator", "early_help"),
    K.NOTIFY_HEALTH_OF_RETURN: ("missing_coordinator", "health"),
    K.NOTIFY_YOUTH_JUSTICE_OF_RETURN: ("missing_coordinator", "youth_justice"),
    K.NOTIFY_SCHOOL_OF_RETURN: ("missing_coordinator", "school"),
}
SEARCH_KINDS = {
    K.CONSIDER_PUBLICITY,
    K.CONTACT_MISSING_PEOPLE,
    K.WITHDRAW_PUBLICITY,
    K.SAFE_AND_WELL,
}

TOLD_ROLES = {
    "school",
    "host_la",
    "placing_la",
    "iro",
    "cp_chair",
    "social_worker",
    "senior_leader",
    "team_manager",
    "service_manager",
    "head_of_service",
    "early_help",
    "health",
    "youth_justice",
}

NETWORK_KINDS = {
    K.NOTIFY_EARLY_HELP: "early_help",
    K.NOTIFY_HEALTH: "health",
    K.NOTIFY_YOUTH_JUSTICE: "youth_justice",
    K.NOTIFY_EARLY_HELP_OF_RETURN: "early_help",
    K.NOTIFY_HEALTH_OF_RETURN: "health",
    K.NOTIFY_YOUTH_JUSTICE_OF_RETURN: "youth_justice",
}


def scenario(kind: str) -> dict:
    """The smallest simulator input that plans `kind` for an allocated child."""
    child = {"date_of_birth": "2011-05-04", "status": "looked_after", "allocated": True}
    episode = {"id": "e1", "reported_at": REPORTED, "risk": "medium"}
    earlier: list[dict] = []
    screenings: list[dict] = []
    match kind:
        case K.NOTIFY_SCHOOL:
            child["attends_school"] = True
        case K.NOTIFY_PLACING_LA | K.NOTIFY_HOST_LA:
            child["placed_out_of_area"] = True
        case K.NOTIFY_CP_CHAIR:
            child["status"] = "child_protection"
        case K.HIGH_RISK_ALERT:
            episode["risk"] = "high"
        case K.RHI_OFFER | K.RHI_COMPLETE | K.PRE_INCIDENT_REVIEW:
            episode["returned_at"] = RETURNED
        case K.REPEAT_MEETING:
            earlier = [
                {"id": f"p{n}", "reported_at": at, "returned_at": back, "risk": "low"}
                for n, (at, back) in enumerate(
                    [
                        ("2026-10-01T10:00:00+00:00", "2026-10-01T20:00:00+00:00"),
                        ("2026-11-01T10:00:00+00:00", "2026-11-01T20:00:00+00:00"),
                    ]
                )
            ]
        case K.CONSIDER_MACE:
            episode["exploitation_concern"] = True
        case K.CONSIDER_NRM:
            episode["trafficking_concern"] = True
        case K.CONSIDER_RECOVERY_ORDER:
            child["legal_status"] = "care_order"
        case K.EIGHTEENTH_BIRTHDAY:
            child["date_of_birth"] = "2008-12-10"  # 18 in 15 days: inside the 30-day window
        case K.SAFETY_PLAN_REVIEW:
            episode["returned_at"] = RETURNED
            episode["safety_plan_in_force"] = True
        case K.SCREENING_REVIEW:
            screenings = [{"tool": "seraf", "completed_at": "2026-11-24T15:30:00+00:00"}]
        case K.CONSIDER_PUBLICITY:
            episode["risk"] = "high"
        case K.WITHDRAW_PUBLICITY | K.SAFE_AND_WELL:
            episode["returned_at"] = RETURNED
            episode["search"] = {"publicity_approved": True, "publicity_live": True}
        case K.NOTIFY_SCHOOL_OF_RETURN:
            child["attends_school"] = True
            episode["returned_at"] = RETURNED
    if kind in NETWORK_KINDS:
        child["network"] = [NETWORK_KINDS[kind]]
        if kind.endswith("_of_return"):
            episode["returned_at"] = RETURNED
    settings = {"search_duties": sorted(SEARCH_KINDS)} if kind in SEARCH_KINDS else {}
    return {
        "now": NOW,
        "settings": settings,
        "child": child,
        "episodes": [*earlier, episode],
        "screenings": screenings,
    }


def test_the_table_has_every_kind():
    assert set(TABLE) == set(K)


@pytest.mark.parametrize("kind", list(TABLE))
def test_owner_and_told_through_the_simulator(kind):
    owner_role, tells = TABLE[kind]
    (line,) = [line for line in simulate(scenario(kind)) if line["kind"] == kind][-1:]
    assert (line["owner_role"], line["tells"]) == (owner_role, tells)
    assert line["owner_role"] != line["tells"]
    assert line["tells"] is None or line["tells"] in TOLD_ROLES


@pytest.mark.parametrize(
    "kind", [K.NOTIFY_IRO, K.NOTIFY_CP_CHAIR, K.STRATEGY_MEETING, K.ESCALATE_TEAM_MANAGER]
)
def test_an_unallocated_child_s_case_holder_is_the_missing_coordinator(kind):
    facts = scenario(kind)
    facts["child"]["allocated"] = False
    if kind == K.STRATEGY_MEETING:
        facts["episodes"][-1]["risk"] = "high"
    (line,) = [line for line in simulate(facts) if line["kind"] == kind]
    assert line["owner_role"] == "missing_coordinator"
    assert line["tells"] == TABLE[kind][1]


def test_no_line_is_owned_by_the_party_it_tells():
    for kind in TABLE:
        for line in simulate(scenario(kind)):
            assert line["owner_role"] != line["tells"], line


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_missing_for_hours_counts_from_when_the_child_was_last_seen():
    """Reported 10 hours after the child was last seen: the 24-hour alert and escalations fall
    due 24 hours after the last sighting, not after the report."""
    facts = scenario(K.SENIOR_LEADER_ALERT)
    facts["episodes"][-1]["last_seen_at"] = "2026-11-24T00:00:00+00:00"
    due = {line["kind"]: line["due_at"] for line in simulate(facts)}
    assert _at(due["senior_leader_alert"]) == _at("2026-11-25T00:00:00+00:00")
    assert _at(due["escalate_team_manager"]) == _at("2026-11-25T00:00:00+00:00")
    assert _at(due["escalate_service_manager"]) == _at("2026-11-26T00:00:00+00:00")
    without = {line["kind"]: line["due_at"] for line in simulate(scenario(K.SENIOR_LEADER_ALERT))}
    assert _at(without["senior_leader_alert"]) == _at("2026-11-25T10:00:00+00:00")  # the report
    # The report's own notifications still run from the report.
    assert due["notify_social_worker"] == without["notify_social_worker"]


def test_recovery_order_counts_from_last_seen():
    facts = scenario(K.CONSIDER_RECOVERY_ORDER)
    facts["episodes"][-1]["last_seen_at"] = "2026-11-23T22:00:00+00:00"
    (line,) = [x for x in simulate(facts) if x["kind"] == "consider_recovery_order"]
    assert "after last seen" in line["reason"]


def test_eighteenth_birthday_only_within_thirty_days_of_it():
    near = scenario(K.EIGHTEENTH_BIRTHDAY)
    assert "eighteenth_birthday" in {line["kind"] for line in simulate(near)}
    far = scenario(K.EIGHTEENTH_BIRTHDAY)
    far["child"]["date_of_birth"] = "2009-01-10"  # 18 in 46 days
    assert "eighteenth_birthday" not in {line["kind"] for line in simulate(far)}
    ten = scenario(K.EIGHTEENTH_BIRTHDAY)
    ten["child"]["date_of_birth"] = "2016-01-10"  # a 10-year-old: no prompt for 2034
    assert "eighteenth_birthday" not in {line["kind"] for line in simulate(ten)}
