"""The simulator: one child's facts as JSON in, the planned duties out, one JSON object a line.

`homesafe protocol simulate FILE.json` (or `-` for standard input) runs it; so does
`python -m homesafe.protocol.simulate FILE.json`. It uses only the pure engine: no database.
The format is issue 4's, documented in docs/protocol.md. Every problem with the input is a
`SimulatorInputError` whose message starts with the field's path, e.g.
`episodes[0].reported_at: ...`.

Exploitation screenings (issue 6) are an optional top-level list, so files written before they
existed are still valid and give the same duties.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from homesafe.protocol.calendar import LONDON, london
from homesafe.protocol.duties import plan_duties, screening_review_on
from homesafe.protocol.facts import (
    CaseFacts,
    ChildFacts,
    ChildStatus,
    DutyKind,
    EpisodeFacts,
    LegalStatus,
    NetworkPartner,
    PlannedDuty,
    Risk,
    ScreeningFacts,
    SearchFacts,
)
from homesafe.protocol.screening import current_tools
from homesafe.protocol.settings import ProtocolSettings, ProtocolSettingsError

UNKNOWN_KEY = "{path}: unknown key; the keys allowed here are {allowed}."
MISSING_KEY = "{path}: required."
NOT_AN_OBJECT = "{path}: must be a JSON object."
NOT_A_LIST = "{path}: must be a JSON list."
NOT_A_STRING = "{path}: must be a string."
NOT_A_BOOLEAN = "{path}: must be true or false, not {value!r}."
NOT_A_COUNT = "{path}: must be a whole number, 0 or more, not {value!r}."
BAD_CHOICE = "{path}: must be one of {choices}, not {value!r}."
BAD_DATETIME = (
    "{path}: {value!r} is not a time in ISO 8601 with a UTC offset, e.g. 2026-11-25T12:00:00+00:00."
)
BAD_DATE = "{path}: {value!r} is not a date written YYYY-MM-DD."
DUPLICATE_EPISODE = "{path}: episode id {value!r} is used twice."
DUPLICATE_SCREENING = "{path}: screening id {value!r} is used twice."
REVIEW_BEFORE_SCREENING = "{path}: {value} must be after the screening's day ({completed})."
REVIEW_TOO_LATE = (
    "{path}: {value} is later than {latest}, the protocol's timescale "
    "(screening_review_months after the screening); leave it out to use the protocol's date."
)
BAD_SETTINGS = "settings.{key}: {message}"
UNREADABLE_FILE = "{path}: cannot read the file ({error})."
BAD_JSON = "{path}: not valid JSON ({error})."
USAGE = "usage: simulate FILE.json (or - for standard input)"

TOP_KEYS = ("now", "settings", "child", "episodes", "screenings")
CHILD_KEYS = (
    "date_of_birth",
    "status",
    "legal_status",
    "allocated",
    "placed_out_of_area",
    "attends_school",
    "earlier_episodes",
    "network",
)
EPISODE_TIMES = (
    "last_seen_at",
    "returned_at",
    "rhi_offered_at",
    "rhi_completed_at",
    "rhi_declined_at",
    "high_risk_at",
    "strategy_meeting_at",
    "pre_incident_reviewed_at",
    "safety_plan_reviewed_at",
    "exploitation_concern_at",
    "trafficking_concern_at",
)
EPISODE_FLAGS = (
    "pre_planned",
    "exploitation_concern",
    "trafficking_concern",
    "safety_plan_in_force",
)
EPISODE_KEYS = (
    "id",
    "reported_at",
    "risk",
    *EPISODE_FLAGS,
    *EPISODE_TIMES,
    "completed",
    "not_needed",
    "search",
)
# An episode's "search" object (issue 16): what the search for the child recorded.
SEARCH_TIMES = ("publicity_considered_at", "missing_people_contacted_at", "safe_and_well_at")
SEARCH_FLAGS = ("publicity_approved", "publicity_live")
SCREENING_KEYS = ("id", "tool", "completed_at", "band", "review_on")


class SimulatorInputError(ValueError):
    """The simulator's input is wrong; the message starts with the field's path."""


def simulate(input_json: Mapping[str, Any]) -> list[dict[str, str | None]]:
    """The duties for the child described by `input_json` (issue 4's format), sorted by due time."""
    facts, settings = parse_input(input_json)
    try:
        planned = plan_duties(facts, settings)
    except ValueError as error:  # e.g. a calendar with no working day in ten years
        raise SimulatorInputError(f"settings: {error}") from None
    return [duty_as_json(duty) for duty in planned]


def duty_as_json(duty: PlannedDuty) -> dict[str, str | None]:
    return {
        "kind": str(duty.kind),
        "episode": duty.episode,
        "due_at": duty.due_at.astimezone(LONDON).isoformat(),
        "status": str(duty.status),
        "owner_role": str(duty.owner_role),
        "rule": duty.rule,
        "reason": duty.reason,
        "tells": str(duty.tells) if duty.tells else None,
    }


def parse_input(input_json: Any) -> tuple[CaseFacts, ProtocolSettings]:
    top = _object(input_json, "input", TOP_KEYS, required=("now", "child", "episodes"))
    settings_json = top.get("settings", {})
    _object(settings_json, "settings")
    try:
        settings = ProtocolSettings.from_mapping(settings_json)
    except ProtocolSettingsError as error:
        raise SimulatorInputError(
            BAD_SETTINGS.format(key=error.key, message=error) if error.key else f"settings: {error}"
        ) from None
    episodes_json = top["episodes"]
    if not isinstance(episodes_json, list):
        raise SimulatorInputError(NOT_A_LIST.format(path="episodes"))
    episodes, seen = [], set()
    for index, episode_json in enumerate(episodes_json):
        path = f"episodes[{index}]"
        episode = _episode(episode_json, path)
        if episode.id in seen:
            raise SimulatorInputError(DUPLICATE_EPISODE.format(path=f"{path}.id", value=episode.id))
        seen.add(episode.id)
        episodes.append(episode)
    child = _child(top["child"], "child")
    screenings = _screenings(top.get("screenings", []), settings)
    facts = CaseFacts(
        now=_datetime(top["now"], "now"),
        child=replace(child, screenings=screenings),
        episodes=tuple(episodes),
    )
    return facts, settings


def _child(value: Any, path: str) -> ChildFacts:
    child = _object(value, path, CHILD_KEYS, required=("date_of_birth", "status"))
    legal_status = child.get("legal_status")
    earlier = child.get("earlier_episodes", 0)
    if isinstance(earlier, bool) or not isinstance(earlier, int) or earlier < 0:
        raise SimulatorInputError(
            NOT_A_COUNT.format(path=f"{path}.earlier_episodes", value=earlier)
        )
    return ChildFacts(
        date_of_birth=_date(child["date_of_birth"], f"{path}.date_of_birth"),
        status=_choice(child["status"], f"{path}.status", ChildStatus),
        legal_status=None
        if legal_status is None
        else _choice(legal_status, f"{path}.legal_status", LegalStatus),
        allocated=_boolean(child, "allocated", path),
        placed_out_of_area=_boolean(child, "placed_out_of_area", path),
        attends_school=_boolean(child, "attends_school", path),
        earlier_episodes=earlier,
        network=frozenset(
            _choice(role, f"{path}.network[{index}]", NetworkPartner)
            for index, role in enumerate(_list(child.get("network", []), f"{path}.network"))
        ),
    )


def _episode(value: Any, path: str) -> EpisodeFacts:
    episode = _object(value, path, EPISODE_KEYS, required=("id", "reported_at", "risk"))
    if not isinstance(episode["id"], str) or not episode["id"]:
        raise SimulatorInputError(NOT_A_STRING.format(path=f"{path}.id"))
    times = {
        key: _datetime(episode[key], f"{path}.{key}")
        for key in EPISODE_TIMES
        if episode.get(key) is not None
    }
    completed = _kind_map(episode.get("completed", {}), f"{path}.completed", _datetime)
    not_needed = _kind_map(episode.get("not_needed", {}), f"{path}.not_needed", _reason)
    search = _object(episode.get("search", {}), f"{path}.search", (*SEARCH_TIMES, *SEARCH_FLAGS))
    return EpisodeFacts(
        id=episode["id"],
        reported_at=_datetime(episode["reported_at"], f"{path}.reported_at"),
        risk=_choice(episode["risk"], f"{path}.risk", Risk),
        completed=completed,
        not_needed=not_needed,
        **{key: _boolean(episode, key, path) for key in EPISODE_FLAGS},
        **times,
        search=SearchFacts(
            **{
                key: _datetime(search[key], f"{path}.search.{key}")
                for key in SEARCH_TIMES
                if search.get(key) is not None
            },
            **{key: _boolean(search, key, f"{path}.search") for key in SEARCH_FLAGS},
        ),
    )


def _screenings(value: Any, settings: ProtocolSettings) -> tuple[ScreeningFacts, ...]:
    if not isinstance(value, list):
        raise SimulatorInputError(NOT_A_LIST.format(path="screenings"))
    screenings, seen = [], set()
    for index, screening_json in enumerate(value):
        path = f"screenings[{index}]"
        screening = _screening(screening_json, path, settings, default_id=f"s{index + 1}")
        if screening.id in seen:
            raise SimulatorInputError(
                DUPLICATE_SCREENING.format(path=f"{path}.id", value=screening.id)
            )
        seen.add(screening.id)
        screenings.append(screening)
    return tuple(screenings)


def _screening(
    value: Any, path: str, settings: ProtocolSettings, *, default_id: str
) -> ScreeningFacts:
    """One completed exploitation screening: the tool and band are checked against the tool's
    current version (the engine plans from the dates alone); an explicit review date follows
    the screening service's rule (after the screening, and no later than the protocol's)."""
    screening = _object(value, path, SCREENING_KEYS, required=("tool", "completed_at"))
    screening_id = screening.get("id", default_id)
    if not isinstance(screening_id, str) or not screening_id:
        raise SimulatorInputError(NOT_A_STRING.format(path=f"{path}.id"))
    tools = current_tools()
    code = screening["tool"]
    if code not in tools:
        raise SimulatorInputError(
            BAD_CHOICE.format(path=f"{path}.tool", choices=", ".join(tools), value=code)
        )
    band = screening.get("band")
    if band is not None and band not in tools[code].band_codes:
        choices = ", ".join(tools[code].band_codes)
        raise SimulatorInputError(
            BAD_CHOICE.format(path=f"{path}.band", choices=choices, value=band)
        )
    completed_at = _datetime(screening["completed_at"], f"{path}.completed_at")
    review_on = screening.get("review_on")
    if review_on is not None:
        review_on = _date(review_on, f"{path}.review_on")
        completed_on = london(completed_at).date()
        latest = screening_review_on(completed_on, settings)
        if review_on <= completed_on:
            raise SimulatorInputError(
                REVIEW_BEFORE_SCREENING.format(
                    path=f"{path}.review_on", value=review_on, completed=completed_on
                )
            )
        if review_on > latest:
            raise SimulatorInputError(
                REVIEW_TOO_LATE.format(path=f"{path}.review_on", value=review_on, latest=latest)
            )
    return ScreeningFacts(id=screening_id, completed_at=completed_at, review_on=review_on)


def _object(
    value: Any, path: str, allowed: Sequence[str] = (), required: Sequence[str] = ()
) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SimulatorInputError(NOT_AN_OBJECT.format(path=path))
    if allowed:
        for key in value:
            if key not in allowed:
                raise SimulatorInputError(
                    UNKNOWN_KEY.format(path=_join(path, key), allowed=", ".join(allowed))
                )
        for key in required:
            if key not in value:
                raise SimulatorInputError(MISSING_KEY.format(path=_join(path, key)))
    return value


def _join(path: str, key: str) -> str:
    return key if path == "input" else f"{path}.{key}"


def _kind_map(value: Any, path: str, parse: Callable[[Any, str], Any]) -> dict[str, Any]:
    mapping = _object(value, path)
    return {
        str(_choice(kind, f"{path}.{kind}", DutyKind)): parse(item, f"{path}.{kind}")
        for kind, item in mapping.items()
    }


def _reason(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise SimulatorInputError(NOT_A_STRING.format(path=path))
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise SimulatorInputError(NOT_A_LIST.format(path=path))
    return value


def _boolean(mapping: Mapping[str, Any], key: str, path: str) -> bool:
    value = mapping.get(key, False)
    if not isinstance(value, bool):
        raise SimulatorInputError(NOT_A_BOOLEAN.format(path=f"{path}.{key}", value=value))
    return value


def _choice[E: StrEnum](value: Any, path: str, enum: type[E]) -> E:
    try:
        return enum(value)
    except (ValueError, TypeError):
        choices = ", ".join(member.value for member in enum)
        raise SimulatorInputError(
            BAD_CHOICE.format(path=path, choices=choices, value=value)
        ) from None


def _datetime(value: Any, path: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) and "T" in value else None
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise SimulatorInputError(BAD_DATETIME.format(path=path, value=value))
    return moment


def _date(value: Any, path: str) -> date:
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise SimulatorInputError(BAD_DATE.format(path=path, value=value))


# -- command line ------------------------------------------------------------------------------


def read_input(source: str, stdin: IO[str]) -> Any:
    """The JSON in file `source`, or on `stdin` when `source` is "-"."""
    name = "standard input" if source == "-" else source
    try:
        text = stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise SimulatorInputError(UNREADABLE_FILE.format(path=name, error=error.strerror)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SimulatorInputError(BAD_JSON.format(path=name, error=error)) from None


def simulate_lines(source: str, stdin: IO[str]) -> list[str]:
    """The simulator's output lines for file `source` ("-": `stdin`)."""
    return [json.dumps(duty, ensure_ascii=False) for duty in simulate(read_input(source, stdin))]


def main(
    argv: Sequence[str],
    *,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the simulator on argv ([FILE]); 0 on success, 2 on bad input (message on stderr)."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    if len(argv) != 1:
        print(USAGE, file=stderr)
        return 2
    try:
        lines = simulate_lines(argv[0], stdin)
    except SimulatorInputError as error:
        print(f"error: {error}", file=stderr)
        return 2
    for line in lines:
        print(line, file=stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
