"""The simulator: issue 4's JSON format, through the function, the command and a subprocess.

None of these tests has database access (pytest-django refuses it): the command must not need it.
"""

import copy
import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from homesafe.protocol.simulate import SimulatorInputError, main, simulate

EXAMPLE = {
    "now": "2026-11-25T12:00:00+00:00",
    "settings": {"region": "ENG", "rhi_offer_hours": 72},
    "child": {
        "date_of_birth": "2011-05-04",
        "status": "looked_after",
        "legal_status": "s20",
        "allocated": True,
        "placed_out_of_area": False,
        "attends_school": True,
    },
    "episodes": [
        {
            "id": "e1",
            "reported_at": "2026-11-20T22:00:00+00:00",
            "risk": "medium",
            "pre_planned": False,
            "exploitation_concern": False,
            "returned_at": "2026-11-23T10:00:00+00:00",
            "rhi_offered_at": None,
            "rhi_completed_at": None,
        }
    ],
}
OUTPUT_KEYS = ["kind", "episode", "due_at", "status", "owner_role", "rule", "reason", "tells"]


def example(**changes):
    facts = copy.deepcopy(EXAMPLE)
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = facts
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return facts


def test_the_issue_example_gives_its_duties_in_the_issue_format():
    lines = simulate(EXAMPLE)
    assert all(list(line) == OUTPUT_KEYS for line in lines)
    assert [line["due_at"] for line in lines] == sorted(line["due_at"] for line in lines)
    by_kind = {line["kind"]: line for line in lines}
    assert set(by_kind) == {
        "notify_social_worker",
        "notify_iro",
        "senior_leader_alert",
        "escalate_team_manager",
        "escalate_service_manager",
        "notify_school",
        "rhi_offer",
        "rhi_complete",
        "pre_incident_review",
        "strategy_meeting",
        "escalation_review",
        # Issue 16: the child attends school and has returned, so the school is told of it.
        "notify_school_of_return",
    }
    assert by_kind["rhi_offer"] == {
        "kind": "rhi_offer",
        "episode": "e1",
        "due_at": "2026-11-26T10:00:00+00:00",
        "status": "open",
        "owner_role": "rhi_service",
        "rule": "rhi_offer_hours",
        "reason": "Returned Mon 23 Nov 2026 10:00; a return home interview is offered "
        "(every return) within 72 hours of the return.",
        "tells": None,
    }
    # Reported Friday 22:00: the school is told before 09:00 on Monday.
    assert by_kind["notify_school"]["due_at"] == "2026-11-23T09:00:00+00:00"
    assert by_kind["notify_school"]["status"] == "overdue"


def test_due_times_are_written_with_the_london_offset():
    summer = example(
        now="2026-07-01T12:00:00Z",
        episodes__0__reported_at="2026-06-30T08:00:00Z",
        episodes__0__returned_at="2026-06-30T20:00:00+00:00",
    )
    due = {line["kind"]: line["due_at"] for line in simulate(summer)}
    assert due["rhi_offer"] == "2026-07-03T21:00:00+01:00"
    assert due["notify_social_worker"] == "2026-06-30T23:59:59+01:00"


def test_settings_change_the_plan():
    lines = simulate(example(settings={"rhi_offer_hours": 24}))
    offer = next(line for line in lines if line["kind"] == "rhi_offer")
    assert offer["due_at"] == "2026-11-24T10:00:00+00:00"
    assert offer["status"] == "overdue"


def test_optional_facts_may_be_left_out():
    minimal = {
        "now": "2026-11-25T12:00:00+00:00",
        "child": {"date_of_birth": "2011-05-04", "status": "home"},
        "episodes": [{"id": "e1", "reported_at": "2026-11-24T10:00:00+00:00", "risk": "low"}],
    }
    due = {line["kind"]: line["due_at"] for line in simulate(minimal)}
    assert set(due) == {
        "escalate_team_manager",
        "escalate_service_manager",
        "escalate_head_of_service",
        "escalation_review",
    }
    # A 15-year-old's 18th birthday is years away: no prompt (issue 13; rule 580's window is
    # the 30 days before the birthday).
    assert "eighteenth_birthday" not in due


def test_completed_and_not_needed_round_trip():
    lines = simulate(
        example(
            episodes__0__completed={"notify_iro": "2026-11-21T09:00:00+00:00"},
            episodes__0__not_needed={"notify_school": "The school was closed for a training day."},
        )
    )
    status = {line["kind"]: line["status"] for line in lines}
    assert status["notify_iro"] == "done"
    assert status["notify_school"] == "not_needed"


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({**EXAMPLE, "childe": {}}, "childe: unknown key"),
        (example(child__colour="blue"), "child.colour: unknown key"),
        (example(episodes__0__found_by="police"), "episodes[0].found_by: unknown key"),
        (example(settings={"rhi_hours": 1}), "settings.rhi_hours"),
        (example(settings={"rhi_offer_hours": 0}), "settings.rhi_offer_hours"),
        (example(now="2026-11-25T12:00:00"), "now: '2026-11-25T12:00:00' is not a time"),
        (example(now="2026-11-25"), "now:"),
        (example(episodes__0__returned_at="yesterday"), "episodes[0].returned_at:"),
        (example(child__status="in_care"), "child.status: must be one of"),
        (example(child__legal_status="s31"), "child.legal_status:"),
        (example(child__allocated="yes"), "child.allocated: must be true or false"),
        (example(child__date_of_birth="04/05/2011"), "child.date_of_birth:"),
        (example(episodes__0__risk="severe"), "episodes[0].risk:"),
        (
            example(episodes__0__completed={"ring_mum": "2026-11-21T09:00:00Z"}),
            "completed.ring_mum",
        ),
        (example(episodes=[EXAMPLE["episodes"][0]] * 2), "episodes[1].id: episode id 'e1'"),
        ({k: v for k, v in EXAMPLE.items() if k != "now"}, "now: required"),
        (example(episodes={"e1": {}}), "episodes: must be a JSON list"),
    ],
)
def test_bad_input_names_the_field(facts, field):
    with pytest.raises(SimulatorInputError) as raised:
        simulate(facts)
    assert field in str(raised.value)


def test_the_command_prints_one_json_object_a_line(tmp_path):
    path = tmp_path / "child.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    out = io.StringIO()
    call_command("protocol", "simulate", str(path), stdout=out)
    printed = [json.loads(line) for line in out.getvalue().splitlines()]
    assert printed == simulate(EXAMPLE)


def test_the_command_refuses_bad_input_with_exit_status_2_naming_the_key(tmp_path):
    path = tmp_path / "child.json"
    path.write_text(json.dumps(example(child__colour="blue")), encoding="utf-8")
    with pytest.raises(CommandError, match=r"child\.colour: unknown key") as raised:
        call_command("protocol", "simulate", str(path))
    assert raised.value.returncode == 2


def test_main_reports_a_missing_file_and_bad_json(tmp_path):
    err = io.StringIO()
    assert main([str(tmp_path / "nowhere.json")], stderr=err) == 2
    assert "nowhere.json: cannot read the file" in err.getvalue()
    err = io.StringIO()
    assert main(["-"], stdin=io.StringIO("{not json"), stderr=err) == 2
    assert "standard input: not valid JSON" in err.getvalue()
    out = io.StringIO()
    assert main(["-"], stdin=io.StringIO(json.dumps(EXAMPLE)), stdout=out) == 0
    assert [json.loads(line) for line in out.getvalue().splitlines()] == simulate(EXAMPLE)


def run_cli(stdin: str) -> subprocess.CompletedProcess:
    env = os.environ | {"HOMESAFE_MODE": "test", "DJANGO_SETTINGS_MODULE": "homesafe.settings"}
    return subprocess.run(
        [sys.executable, "-m", "homesafe.cli", "protocol", "simulate", "-"],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_round_trip_through_the_homesafe_command_on_standard_input():
    result = run_cli(json.dumps(EXAMPLE))
    assert result.returncode == 0, result.stderr
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert printed == simulate(EXAMPLE)


def test_the_homesafe_command_exits_2_without_a_traceback():
    result = run_cli(json.dumps(example(episodes__0__colour="blue")))
    assert result.returncode == 2
    assert "episodes[0].colour: unknown key" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


# -- exploitation screenings (issue 6) ---------------------------------------------------------

SERAF_SCREENING = {
    "id": "seraf-1",
    "tool": "seraf",
    "completed_at": "2026-11-24T15:30:00+00:00",
    "band": "moderate",
}


def _reviews(lines):
    return [line for line in lines if line["kind"] == "screening_review"]


def test_a_screening_plans_its_review_three_months_later_on_the_episode():
    lines = simulate(example(screenings=[SERAF_SCREENING]))
    (review,) = _reviews(lines)
    assert review == {
        "kind": "screening_review",
        "episode": "e1",
        "due_at": "2027-02-24T23:59:59+00:00",
        "status": "open",
        "owner_role": "social_worker",
        "rule": "screening_review_months",
        "reason": "Exploitation screening completed Tue 24 Nov 2026 15:30; reviewed by "
        "24 Feb 2027 (every 3 months).",
        "tells": None,
    }
    # The review takes its place in the time order; the other duties are unchanged.
    assert [line["due_at"] for line in lines] == sorted(line["due_at"] for line in lines)
    assert [line for line in lines if line["kind"] != "screening_review"] == simulate(EXAMPLE)


def test_screening_review_follows_the_settings_an_earlier_date_and_a_later_screening():
    six = simulate(example(settings={"screening_review_months": 6}, screenings=[SERAF_SCREENING]))
    assert _reviews(six)[0]["due_at"] == "2027-05-24T23:59:59+01:00"
    earlier = simulate(example(screenings=[{**SERAF_SCREENING, "review_on": "2027-01-08"}]))
    assert _reviews(earlier)[0]["due_at"] == "2027-01-08T23:59:59+00:00"
    # A second screening on the same episode replaces the first's review.
    second = {"tool": "combined", "completed_at": "2026-11-25T09:00:00Z", "band": "emerging"}
    both = _reviews(simulate(example(screenings=[SERAF_SCREENING, second])))
    assert [(r["episode"], r["due_at"], r["status"]) for r in both] == [
        ("e1", "2027-02-25T23:59:59+00:00", "open")
    ]


def test_a_screening_review_can_be_overdue_done_or_not_needed():
    old = {**SERAF_SCREENING, "completed_at": "2026-05-01T10:00:00+01:00"}
    facts = example(screenings=[old])
    facts["episodes"][0]["reported_at"] = "2026-04-20T22:00:00+01:00"
    assert _reviews(simulate(facts))[0]["status"] == "overdue"
    facts["episodes"][0]["completed"] = {"screening_review": "2026-08-01T10:00:00+01:00"}
    assert _reviews(simulate(facts))[0]["status"] == "done"


def test_screenings_without_an_episode_plan_nothing():
    assert _reviews(simulate(example(episodes=[], screenings=[SERAF_SCREENING]))) == []


def test_old_inputs_are_unchanged_by_an_empty_screening_list():
    assert simulate(example(screenings=[])) == simulate(EXAMPLE)
    assert _reviews(simulate(EXAMPLE)) == []


@pytest.mark.parametrize(
    ("screening", "field"),
    [
        ({"tool": "seraf"}, "screenings[0].completed_at: required"),
        ({"completed_at": "2026-11-24T15:30:00Z"}, "screenings[0].tool: required"),
        (
            {**SERAF_SCREENING, "tool": "asset"},
            "screenings[0].tool: must be one of seraf, combined",
        ),
        ({**SERAF_SCREENING, "band": "high"}, "screenings[0].band: must be one of not_at_risk"),
        ({**SERAF_SCREENING, "completed_at": "2026-11-24"}, "screenings[0].completed_at: '2026"),
        ({**SERAF_SCREENING, "review_on": "24/02/2027"}, "screenings[0].review_on: '24/02/2027'"),
        (
            {**SERAF_SCREENING, "review_on": "2026-11-24"},
            "screenings[0].review_on: 2026-11-24 must",
        ),
        ({**SERAF_SCREENING, "review_on": "2027-03-01"}, "screenings[0].review_on: 2027-03-01 is"),
        ({**SERAF_SCREENING, "score": 12}, "screenings[0].score: unknown key"),
        ({**SERAF_SCREENING, "id": 7}, "screenings[0].id: must be a string"),
        ("seraf", "screenings[0]: must be a JSON object"),
    ],
)
def test_a_bad_screening_names_the_field(screening, field):
    with pytest.raises(SimulatorInputError) as raised:
        simulate(example(screenings=[screening]))
    assert field in str(raised.value)


def test_bad_screening_lists_name_the_field():
    with pytest.raises(SimulatorInputError, match=r"^screenings: must be a JSON list"):
        simulate(example(screenings={"s1": SERAF_SCREENING}))
    with pytest.raises(SimulatorInputError, match=r"^screenings\[1\]\.id: screening id 'seraf-1'"):
        simulate(example(screenings=[SERAF_SCREENING, SERAF_SCREENING]))


def test_the_homesafe_command_prints_the_screening_review():
    result = run_cli(json.dumps(example(screenings=[SERAF_SCREENING])))
    assert result.returncode == 0, result.stderr
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert _reviews(printed) == _reviews(simulate(example(screenings=[SERAF_SCREENING])))
    bad = run_cli(json.dumps(example(screenings=[{**SERAF_SCREENING, "band": "high"}])))
    assert bad.returncode == 2 and "screenings[0].band: must be one of" in bad.stderr
    assert "Traceback" not in bad.stderr
