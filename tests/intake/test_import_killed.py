"""An import killed part way (SIGKILL, in the middle of writing a chunk) leaves no half-written
row, and running it again finishes the job with no duplicates.

The import runs in a real subprocess (`homesafe import_police`) against its own database (a
SQLite file, or a scratch PostgreSQL database when DATABASE_URL points at PostgreSQL), a copy
of the run's migrated one (tests/databases.py) given SETUP's children once per session.
tests/held_process.py holds it inside the transaction that writes the chunk passing
PAUSE_AFTER rows, after inserting the episodes and before their gradings and states.
"""

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.databases import copy_database, drop_database
from tests.held_process import held_command
from tests.intake.helpers import (
    csv_bytes,
    homesafe_env,
    run_homesafe,
    run_homesafe_steps,
    xlsx_bytes,
)

ROOT = Path(__file__).resolve().parents[2]
ROWS = 30
CHUNK = 5
PAUSE_AFTER = 12  # rows 1-10 are committed (two chunks); the third chunk is killed half-written

SETUP = """
import datetime as dt
from homesafe.access.models import Organisation
from homesafe.people.models import Child
force = Organisation.objects.create(type="police", code="KF", name="Kill Force")
la = Organisation.objects.create(type="local_authority", code="999", name="Kill LA", police_force=force)
Child.objects.bulk_create([
    Child(first_name=f"Kid{i}", last_name=f"Surname{i}", date_of_birth=dt.date(2010, 1, 1) + dt.timedelta(days=i),
          responsible_la=la, police_person_id=f"P{i}")
    for i in range(ROWS)
])
""".replace("ROWS", str(ROWS))

STATE = """
import json
from homesafe.episodes.models import MissingEpisode, RiskGrading
from homesafe.intake.models import PoliceReport
from homesafe.duties.models import Duty
from django_tasks_db.models import DBTaskResult
episodes = list(MissingEpisode.objects.values_list("police_reference", flat=True))
queued = DBTaskResult.objects.filter(task_path="homesafe.duties.tasks.replan_children")
print(json.dumps({
    "replan_children": sorted(
        pk for task in queued.ready() for pk in task.args_kwargs["kwargs"]["child_ids"]
    ),
    "replan_children_held": sorted(
        pk for task in queued.filter(status="READY").exclude(pk__in=queued.ready())
        for pk in task.args_kwargs["kwargs"]["child_ids"]
    ),
    "children_with_episodes": sorted(set(MissingEpisode.objects.values_list("child_id", flat=True))),
    "children_with_duties": sorted(set(Duty.objects.values_list("child_id", flat=True))),
    "duplicate_duties": Duty.objects.count() - len(set(Duty.objects.values_list("episode_id", "kind"))),
    "episodes": episodes,
    "without_grading": MissingEpisode.objects.filter(gradings__isnull=True).count(),
    "gradings": RiskGrading.objects.count(),
    "states": PoliceReport.objects.count(),
}))
"""


def _scratch_name(suffix: str) -> str:
    """A PostgreSQL database name of this run's own: the test database's, this worker's, then
    `suffix` (so that two runs, or two pytest-xdist workers, never share one)."""
    name = os.environ["DATABASE_URL"].rpartition("/")[2].split("?")[0]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{name}_{worker}_{suffix}"


@pytest.fixture(scope="session")
def prepared_database(tmp_path_factory, migrated_template):
    """A copy of the run's migrated database (tests/databases.py) given SETUP's children,
    made once per session (one subprocess); each test starts from a copy of it. Yields its
    URL."""
    if migrated_template.startswith("sqlite"):
        path = tmp_path_factory.mktemp("intake_kill") / "prepared.sqlite3"
        prepared = copy_database(migrated_template, str(path))
        _homesafe(prepared, "shell", "-c", SETUP)
        yield prepared
        return
    prepared = copy_database(migrated_template, _scratch_name("intake_kill_template"))
    _homesafe(prepared, "shell", "-c", SETUP)
    yield prepared
    drop_database(prepared.rpartition("/")[0] + "/" + _scratch_name("intake_kill"))
    drop_database(prepared)


@pytest.fixture
def database_url(tmp_path, prepared_database):
    """A fresh copy of the prepared database for one test."""
    if prepared_database.startswith("sqlite"):
        copy = tmp_path / "kill.sqlite3"
        with (
            closing(sqlite3.connect(prepared_database.removeprefix("sqlite:///"))) as source,
            closing(sqlite3.connect(copy)) as target,
        ):
            source.backup(target)
        return f"sqlite:///{copy}"
    import psycopg

    base, _, template = prepared_database.rpartition("/")
    name = _scratch_name("intake_kill")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    return f"{base}/{name}"  # dropped by the next test, or at the end with the template


def _env(database_url: str, **extra) -> dict:
    return homesafe_env(database_url, chunk=CHUNK, **extra)


def _homesafe(database_url: str, *args: str, **extra) -> str:
    return run_homesafe(database_url, *args, chunk=CHUNK, **extra)


def _steps(database_url: str, *steps: list[str], **extra) -> list[str]:
    """Consecutive `homesafe` commands in one process (tests/homesafe_steps.py), where no
    step needs a process of its own."""
    return run_homesafe_steps(database_url, *steps, chunk=CHUNK, **extra)


def _printed(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


SHOW_STATE = ["shell", "-c", STATE]


def test_killed_import_leaves_no_half_row_and_a_rerun_finishes_without_duplicates(
    tmp_path, database_url
):
    rows = [
        {
            "police_reference": f"K-{i}",
            "person_id": f"P{i}",
            "reported_at": "01/03/2026 10:30",
            "last_seen_at": f"01/03/2026 09:{i:02d}",
            "risk": "medium",
        }
        for i in range(ROWS)
    ]
    download = tmp_path / "download.csv"
    download.write_bytes(csv_bytes(rows))
    marker = tmp_path / "paused"

    process = subprocess.Popen(
        held_command(
            str(marker), f"rows:{PAUSE_AFTER}", "import_police", str(download), "--force", "KF"
        ),
        cwd=ROOT,
        env=_env(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the import never reached the pause"
            time.sleep(0.1)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL

    report = tmp_path / "report.csv"
    import_again = ["import_police", str(download), "--force", "KF"]
    killed, printed, again, printed_twice, _, worked = _steps(
        database_url,
        SHOW_STATE,
        [*import_again, "--report", str(report)],
        SHOW_STATE,
        import_again,
        ["db_worker", "--batch"],
        SHOW_STATE,
    )
    state = _printed(killed)
    assert len(state["episodes"]) == 10, "two chunks committed, the killed one not at all"
    assert state["without_grading"] == 0
    assert state["gradings"] == state["states"] == 10
    # The re-plan of the committed chunks' children was queued with them, held while the
    # import ran (ReplanQueue); the killed chunk's not. Running the import again lets the
    # worker take them at once, not when their hold runs out.
    assert state["replan_children_held"] == state["children_with_episodes"]
    assert len(state["replan_children_held"]) == 10
    assert state["replan_children"] == []

    assert "created 20" in printed and "unchanged 10" in printed, printed
    state = _printed(again)
    assert sorted(state["episodes"]) == sorted(f"K-{i}" for i in range(ROWS))
    assert state["without_grading"] == 0 and state["gradings"] == state["states"] == ROWS
    assert f"unchanged {ROWS}" in printed_twice

    # The worker re-plans every child once the queue is worked: each has its duties, once.
    state = _printed(worked)
    assert state["replan_children"] == state["replan_children_held"] == []
    assert state["children_with_duties"] == state["children_with_episodes"]
    assert len(state["children_with_duties"]) == ROWS
    assert state["duplicate_duties"] == 0


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_big_file_matched_by_a_second_process_gives_the_same_report(tmp_path, database_url, kind):
    """HOMESAFE_INTAKE_MATCH_AHEAD_MIN_ROWS=1 makes even a small file take a big one's path:
    a second process (with its own connection) matches the rows a chunk ahead while the import
    writes; for a CSV file it is started before the file is parsed and reads the children of
    the file's dates of birth meanwhile, for a spreadsheet once the file is parsed. The
    report, and what is written, are those of the one-process import, and the rows were
    matched by the second process (the import counts them)."""
    rows = []
    for i in range(ROWS):
        row = {
            "police_reference": f"W-{i}",
            "reported_at": "01/03/2026 10:30",
            "last_seen_at": f"01/03/2026 09:{i:02d}",
            "risk": "medium",
            "date_of_birth": (dt.date(2010, 1, 1) + dt.timedelta(days=i)).strftime("%d/%m/%Y"),
        }
        if i % 3 == 0:
            row["person_id"] = f"P{i}"
        else:  # name and date of birth only; some with a typo
            row["forename"], row["surname"] = f"Kid{i}", f"Surname{i}" if i % 5 else f"Surnam{i}"
        rows.append(row)
    rows[7]["date_of_birth"] = "31/02/2010"  # a bad row
    rows[8].update(forename="Nobody", surname="Known")  # a new child
    download = tmp_path / f"download.{kind}"
    download.write_bytes(csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows))

    def import_police(report: Path, *dry_run: str) -> list[str]:
        return [
            "import_police", str(download), "--force", "KF", *dry_run,
            "--report", str(report), "-v", "2",
        ]  # fmt: skip

    # The dry run in one process; then, in another (the setting is the process's), the dry run
    # matched ahead and the import that writes.
    [in_one_process] = _steps(
        database_url,
        import_police(tmp_path / "one process.csv", "--dry-run"),
        HOMESAFE_INTAKE_MATCH_AHEAD_MIN_ROWS="1000000",
    )
    written = tmp_path / "written.csv"
    matched_ahead, printed_written, state = _steps(
        database_url,
        import_police(tmp_path / "ahead.csv", "--dry-run"),
        import_police(written),
        SHOW_STATE,
        HOMESAFE_INTAKE_MATCH_AHEAD_MIN_ROWS="1",
    )
    reports = {}
    for label, printed in (("ahead", matched_ahead), ("one process", in_one_process)):
        reports[label] = (tmp_path / f"{label}.csv").read_text()
        assert "rejected 1" in printed, printed
        ahead = f"{ROWS - 1} rows matched by a second process"  # all but the bad row
        assert (ahead in printed) == (label == "ahead"), printed
        assert ("second process" in printed) == (label == "ahead"), printed
    assert reports["ahead"] == reports["one process"]
    assert reports["ahead"].count(",created,") == ROWS - 1
    assert f"{ROWS - 1} rows matched by a second process" in printed_written, printed_written
    assert written.read_text() == reports["ahead"]
    assert len(_printed(state)["episodes"]) == ROWS - 1
