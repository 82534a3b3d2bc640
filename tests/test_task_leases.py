"""Work survives a killed worker (issue 12, point 4).

Real processes against their own database (a SQLite file, or a scratch PostgreSQL database
when DATABASE_URL points at PostgreSQL), a copy of the run's migrated one: `homesafe db_worker`
killed with SIGKILL while a task is RUNNING, the scheduled sweep (homesafe.task_leases) that queues it again, and the
matching process of `import_police`, which dies with its parent.
tests/held_process.py holds the worker once it has claimed the task (or inside an import's
chunk), so the kill lands with the task RUNNING.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.databases import copy_database, drop_database
from tests.held_process import held_command
from tests.intake.helpers import csv_bytes, homesafe_env, run_homesafe_steps

ROOT = Path(__file__).resolve().parents[1]
ROWS = 30
CHUNK = 5

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
from collections import Counter
from django_tasks_db.models import DBTaskResult
from homesafe.duties.models import Duty
from homesafe.episodes.models import MissingEpisode
from homesafe.intake.models import PoliceImport
tasks = DBTaskResult.objects.filter(task_path="homesafe.duties.tasks.replan_children")
running = [pk for t in tasks.filter(status="RUNNING") for pk in t.args_kwargs["kwargs"]["child_ids"]]
print(json.dumps({
    "statuses": dict(Counter(tasks.values_list("status", flat=True))),
    "running_children": sorted(running),
    "children_with_episodes": sorted(set(MissingEpisode.objects.values_list("child_id", flat=True))),
    "children_with_duties": sorted(set(Duty.objects.values_list("child_id", flat=True))),
    "duplicate_duties": Duty.objects.count() - len(set(Duty.objects.values_list("episode_id", "kind"))),
    "imports": list(PoliceImport.objects.values("status", "error", "counts")),
}))
"""

# A fresh re-plan of every child changes nothing when every child's duties are right.
REPLAN_ALL = """
import json
from homesafe.duties.services import duties_replan
from homesafe.people.models import Child
print(json.dumps(duties_replan(child_ids=list(Child.objects.values_list("pk", flat=True)))))
"""


@pytest.fixture
def database_url(tmp_path, migrated_template):
    """A copy of the run's migrated database (tests/databases.py): a SQLite file, or a
    PostgreSQL database of this worker's and this run's own, dropped afterwards."""
    if migrated_template.startswith("sqlite"):
        yield copy_database(migrated_template, str(tmp_path / "leases.sqlite3"))
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = copy_database(migrated_template, f"homesafe_task_leases_{worker}_{os.getpid()}")
    yield url
    drop_database(url)


def _env(database_url: str, **extra) -> dict:
    return homesafe_env(database_url, chunk=CHUNK, **extra)


def _steps(database_url: str, *steps: list[str], **extra) -> list[str]:
    """Consecutive `homesafe` commands in one process (tests/homesafe_steps.py): each is a
    process of its own where it matters, the one killed and the one after it."""
    return run_homesafe_steps(database_url, *steps, chunk=CHUNK, **extra)


def _printed(output: str):
    return json.loads(output.strip().splitlines()[-1])


SHOW_STATE = ["shell", "-c", STATE]
WORK_THE_QUEUE = ["db_worker", "--batch", "--no-startup-delay", "-v0"]
SWEEP = [
    "shell", "-c",
    "from homesafe.task_leases import retake_stale_tasks; retake_stale_tasks.enqueue()",
]  # fmt: skip


def _kill_when_paused(process: subprocess.Popen, marker: Path) -> None:
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the task never started"
            time.sleep(0.1)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL


def _download(tmp_path: Path) -> Path:
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
    return download


def test_a_task_running_when_its_worker_is_killed_is_taken_again(tmp_path, database_url):
    *_, state = _steps(
        database_url,
        ["shell", "-c", SETUP],
        ["import_police", str(_download(tmp_path)), "--force", "KF"],
        SHOW_STATE,
    )
    assert _printed(state)["statuses"] == {"READY": ROWS // CHUNK}

    marker = tmp_path / "paused"
    worker = subprocess.Popen(
        held_command(str(marker), "task:replan_children", "db_worker", "--no-startup-delay", "-v0"),
        cwd=ROOT,
        env=_env(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _kill_when_paused(worker, marker)

    # Another worker works the queue: the killed task stays RUNNING, its children unplanned.
    state = _printed(_steps(database_url, WORK_THE_QUEUE, SHOW_STATE)[-1])
    assert state["statuses"] == {"RUNNING": 1, "SUCCESSFUL": ROWS // CHUNK - 1}
    stale = state["running_children"]
    assert len(stale) == CHUNK and not set(stale) & set(state["children_with_duties"])

    # The scheduled sweep (lease 0 here: every RUNNING task is past it) queues it again, and
    # the next worker runs it; now every child has its duties, once, and they are right.
    *_, state, replanned = _steps(
        database_url,
        SWEEP,
        WORK_THE_QUEUE,
        SHOW_STATE,
        ["shell", "-c", REPLAN_ALL],
        HOMESAFE_TASK_LEASE_SECONDS="0",
    )
    state = _printed(state)
    assert state["statuses"] == {"SUCCESSFUL": ROWS // CHUNK}
    assert state["children_with_duties"] == state["children_with_episodes"]
    assert len(state["children_with_duties"]) == ROWS
    assert state["duplicate_duties"] == 0
    assert _printed(replanned) == {"created": 0, "updated": 0, "closed": 0, "told": 0}


UPLOAD = """
from homesafe.access.models import Organisation, User
from homesafe.intake.services_imports import police_import_upload
la = Organisation.objects.get(code="999")
user = User.objects.create_user(email="cmo@example.org", password="x" * 20, organisation=la)
police_import_upload(
    force=Organisation.objects.get(code="KF"), file_name="download.csv",
    content=open("DOWNLOAD", "rb").read(), actor=user,
)
"""

CONFIRM = """
from homesafe.access.models import User
from homesafe.intake.models import PoliceImport
from homesafe.intake.services_imports import police_import_confirm
police_import_confirm(police_import=PoliceImport.objects.get(), actor=User.objects.get())
"""


def test_a_web_import_killed_part_way_is_resumed(tmp_path, database_url):
    """The worker is killed inside the transaction of the import's third chunk (the import
    shows 'importing' for ever, before); the sweep queues its task again and the import
    finishes, with every row once."""
    download = _download(tmp_path)
    _steps(
        database_url,
        ["shell", "-c", SETUP],
        ["shell", "-c", UPLOAD.replace("DOWNLOAD", str(download))],
        WORK_THE_QUEUE,  # the check
        ["shell", "-c", CONFIRM],
    )

    marker = tmp_path / "paused"
    worker = subprocess.Popen(
        held_command(str(marker), "rows:12", "db_worker", "--no-startup-delay", "-v0"),
        cwd=ROOT,
        env=_env(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _kill_when_paused(worker, marker)

    killed, *_, state = _steps(
        database_url, SHOW_STATE, SWEEP, WORK_THE_QUEUE, SHOW_STATE,
        HOMESAFE_TASK_LEASE_SECONDS="0",
    )  # fmt: skip
    assert [i["status"] for i in _printed(killed)["imports"]] == ["importing"]
    state = _printed(state)
    [police_import] = state["imports"]
    assert police_import["status"] == "done", police_import
    assert police_import["counts"]["created"] == ROWS - 10  # two chunks were in before the kill
    assert police_import["counts"]["unchanged"] == 10
    assert state["children_with_duties"] == state["children_with_episodes"]
    assert len(state["children_with_episodes"]) == ROWS and state["duplicate_duties"] == 0


MATCHING_PARENT = """
import os, time
from pathlib import Path
from homesafe.access.audit import ClientActor
from homesafe.access.models import Organisation
from homesafe.intake.imports import PoliceDownloadImport
from homesafe.intake.matching_ahead import MatchingAhead
from django.utils import timezone
importer = PoliceDownloadImport(
    force=Organisation.objects.get(code="KF"), actor=ClientActor("cli:test"), dry_run=True, progress=None,
    now=timezone.now(), chunk_size=5,
)
ahead = MatchingAhead(importer)
ahead._fork(None, {})  # as import_police does for a big file; it waits for the chunks
Path("MARKER").write_text(str(ahead.process.pid))
time.sleep(600)
"""


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")  # a zombie has ended; only its exit status is left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and prctl are Linux's")
def test_the_matching_process_dies_with_its_import(tmp_path, database_url):
    marker = tmp_path / "matching"
    parent = subprocess.Popen(
        [
            sys.executable, "-m", "homesafe.cli", "shell", "-c",
            SETUP + MATCHING_PARENT.replace("MARKER", str(marker)),
        ],
        cwd=ROOT,
        env=_env(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not (marker.exists() and marker.read_text()):
        assert parent.poll() is None, parent.stderr.read().decode()
        assert time.monotonic() < deadline, "the matching process never started"
        time.sleep(0.1)
    child = int(marker.read_text())
    assert not _gone(child)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(timeout=30)
    deadline = time.monotonic() + 30
    try:
        while not _gone(child):
            assert time.monotonic() < deadline, "the matching process outlived its parent"
            time.sleep(0.1)
    finally:
        if not _gone(child):
            os.kill(child, signal.SIGKILL)
