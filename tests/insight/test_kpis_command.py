"""`homesafe kpis`: the contract of issue 15, its JSON keys and values, and its errors."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from homesafe.access.choices import OrganisationType
from homesafe.insight.management.commands.kpis import BAD_DATE
from homesafe.insight.scope import UNKNOWN_LA
from tests.factories import OrganisationFactory
from tests.insight.dataset import build

pytestmark = pytest.mark.django_db

# Spelt out here, not imported from figures.KPI_KEYS: the contract is what partners rely on,
# so a change to the code must fail this test.
CONTRACT_KEYS = [
    "episodes",
    "episodes_missing",
    "episodes_away",
    "children",
    "children_repeat",
    "episodes_by_risk",
    "returned",
    "returned_within_24h",
    "still_missing",
    "rhi_offered",
    "rhi_offered_in_time",
    "rhi_completed",
    "rhi_declined",
    "strategy_meetings_due",
    "strategy_meetings_in_time",
]


def kpis(*args: str) -> dict:
    out = StringIO()
    call_command("kpis", *args, stdout=out)
    return json.loads(out.getvalue())


def test_prints_one_json_object_with_the_contracts_keys():
    build()
    result = kpis("--from", "2026-10-01", "--to", "2026-10-31", "--format", "json")
    assert set(CONTRACT_KEYS) <= set(result)
    assert {key: result[key] for key in CONTRACT_KEYS} == {
        "episodes": 4,
        "episodes_missing": 3,
        "episodes_away": 1,
        "children": 3,
        "children_repeat": 1,
        "episodes_by_risk": {
            "no_apparent_risk": 1,
            "very_low": 0,
            "low": 0,
            "medium": 1,
            "high": 1,
            "not_graded": 1,
        },
        "returned": 3,
        "returned_within_24h": 2,
        "still_missing": 1,
        "rhi_offered": 2,
        "rhi_offered_in_time": 1,
        "rhi_completed": 1,
        "rhi_declined": 1,
        "strategy_meetings_due": 2,
        "strategy_meetings_in_time": 1,
    }
    assert (result["from"], result["to"]) == ("2026-10-01", "2026-10-31")


def test_la_limits_to_the_children_it_is_responsible_for():
    build()
    result = kpis("--from", "2026-10-01", "--to", "2026-10-31", "--la", "LA-B", "--format", "json")
    # Only c3's e4: returned after exactly 24 hours, no apparent risk.
    assert result["la"] == "LA-B"
    assert (result["episodes"], result["children"], result["returned_within_24h"]) == (1, 1, 1)
    assert result["episodes_by_risk"]["no_apparent_risk"] == 1
    assert result["rhi_offered"] == result["strategy_meetings_due"] == 0


def test_an_empty_period_counts_zero():
    result = kpis("--from", "2026-01-01", "--to", "2026-01-31", "--format", "json")
    assert result["episodes"] == result["children"] == 0
    assert set(result["episodes_by_risk"].values()) == {0}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--from", "2026-13-01", "--to", "2026-10-31"],
            BAD_DATE.format(option="--from", value="2026-13-01"),
        ),
        (
            ["--from", "2026-10-01", "--to", "31/10/2026"],
            BAD_DATE.format(option="--to", value="31/10/2026"),
        ),
        (["--from", "2026-10-31", "--to", "2026-10-01"], "The period ends before it starts"),
        (
            ["--from", "2026-10-01", "--to", "2026-10-31", "--la", "NOPE"],
            UNKNOWN_LA.format(code="NOPE"),
        ),
    ],
)
def test_clear_one_line_errors(db, args, message):
    with pytest.raises(CommandError) as error:
        call_command("kpis", *args)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_an_organisation_that_is_not_a_local_authority_is_unknown():
    OrganisationFactory(type=OrganisationType.POLICE, code="FORCE1")
    with pytest.raises(CommandError, match="No local authority has the code 'FORCE1'"):
        call_command("kpis", "--from", "2026-10-01", "--to", "2026-10-31", "--la", "FORCE1")


def test_the_breakdowns_after_the_contracts_keys():
    build()
    result = kpis("--from", "2026-10-01", "--to", "2026-10-31", "--la", "LA-A", "--format", "json")
    keys = list(result)
    assert keys.index("strategy_meetings_in_time") < keys.index("episodes_by_cohort")
    # Authority A's children: c1 (looked after: e1, e2), c2 (in need from 15 October: e3).
    assert result["episodes_by_cohort"] == {
        "not_known": 0,
        "child_in_need": 1,
        "child_protection": 0,
        "looked_after": 2,
        "care_leaver": 0,
    }
    # c1 is placed by A in B's area; A has nobody else's children placed with it.
    assert result["episodes_placed"] == {"out_of_area": 2, "placed_here_by_other_las": 0}
    assert result["children_by_repeat_band"]["1"] == 1  # c2
    assert result["children_by_repeat_band"]["2"] == 1  # c1
    assert result["duration_hours_median"] == 35.5  # 23 h and 48 h
    assert result["returned_by_duration"] == {
        "up_to_24h": 1,
        "24h_to_48h": 1,
        "48h_to_7d": 0,
        "over_7d": 0,
    }
    assert result["returned_found_by"]["police"] == result["returned_found_by"]["self"] == 1
    assert result["duties_by_kind"]["rhi_offer"] == {
        "due": 2,
        "met_in_time": 1,
        "met_late": 1,
        "open_overdue": 0,
        "open_not_yet_due": 0,
    }
    assert result["actions"]["legal"]["nrm_referral"] == 1
    assert result["actions"]["recovery_orders_granted"] == 1
