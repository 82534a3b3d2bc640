"""One transition check for every record's status (STYLE.md 5): each app's table is data, the
check and its error code are one."""

import pytest

from homesafe.access.errors import ApplicationError
from homesafe.access.transitions import INVALID_TRANSITION, check_transition
from homesafe.episodes.choices import ALLOWED_TRANSITIONS as EPISODE_TRANSITIONS
from homesafe.episodes.choices import EpisodeStatus
from homesafe.intake.choices import IMPORT_TRANSITIONS, ImportStatus
from homesafe.interviews.choices import ALLOWED_TRANSITIONS as INTERVIEW_TRANSITIONS
from homesafe.interviews.choices import InterviewStatus
from homesafe.meetings.choices import ALLOWED_TRANSITIONS as MEETING_TRANSITIONS
from homesafe.meetings.choices import MeetingStatus

TABLES = [
    ("episode", EPISODE_TRANSITIONS, EpisodeStatus),
    ("interview", INTERVIEW_TRANSITIONS, InterviewStatus),
    ("meeting", MEETING_TRANSITIONS, MeetingStatus),
    ("import", IMPORT_TRANSITIONS, ImportStatus),
]


@pytest.mark.parametrize(("record", "allowed", "statuses"), TABLES, ids=[t[0] for t in TABLES])
def test_every_table_is_checked_by_the_one_function(record, allowed, statuses):
    assert set(allowed) == set(statuses.values)  # every status has its row
    for current in statuses.values:
        for to in statuses.values:
            check = {
                "allowed": allowed,
                "statuses": statuses,
                "record": record,
                "current": current,
                "to": to,
            }
            if to in allowed[current]:
                check_transition(**check)
                continue
            with pytest.raises(ApplicationError) as refused:
                check_transition(**check)
            assert refused.value.code == INVALID_TRANSITION
            assert refused.value.message == (
                f"The {record} is {statuses(current).label.lower()}: "
                f"it cannot now become {statuses(to).label.lower()}."
            )


def test_no_app_checks_a_transition_its_own_way():
    """The four checkers of old each had their own code; none is left."""
    from pathlib import Path

    homesafe = Path(__file__).resolve().parents[2] / "homesafe"
    old_codes = (
        "transition_not_allowed",
        "meeting_transition",
        "interview_transition",
        "import_transition_not_allowed",
    )
    found = [
        f"{path.relative_to(homesafe)}: {code}"
        for path in homesafe.rglob("*.py")
        for code in old_codes
        if f'"{code}"' in path.read_text()
    ]
    assert found == []
