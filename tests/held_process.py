"""`homesafe ARGS`, held at a checkpoint until it is killed.

The tests that kill a real process part way (tests/test_task_leases.py,
tests/intake/test_import_killed.py) run it instead of `homesafe`, so that the kill lands where
they mean it to. HomeSafe itself carries no pause: this connects to signals it sends anyway.

    python -m tests.held_process MARKER task:replan_children db_worker --no-startup-delay
    python -m tests.held_process MARKER rows:12 import_police FILE --force KF

At the checkpoint it writes MARKER and waits for the test to kill it:
- `task:NAME`: once the worker has claimed a task of that name (Django's `task_started`, sent
  with the task RUNNING);
- `rows:N`: inside the transaction of the import chunk that passes N rows, its episodes
  written (on PostgreSQL perhaps still being sent) and not yet its gradings, report states
  or audit entries (`homesafe.intake.import_writes.import_chunk_writing`).
"""

import os
import sys
import time
from pathlib import Path

HOLD_SECONDS = 600  # the test kills the process long before


def held_command(marker: Path, checkpoint: str, *args: str) -> list[str]:
    """The command line of `homesafe ARGS` held at `checkpoint` (for subprocess.Popen)."""
    return [sys.executable, "-m", "tests.held_process", str(marker), checkpoint, *args]


def main(argv: list[str]) -> None:
    marker, checkpoint, *command = argv
    kind, _, value = checkpoint.partition(":")

    def hold(reached: str) -> None:
        Path(marker).write_text(reached)
        time.sleep(HOLD_SECONDS)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homesafe.settings")
    import django

    django.setup()
    if kind == "task":
        from django.tasks.signals import task_started

        def at_task(sender, task_result, **kwargs) -> None:
            if task_result.task.name == value:
                hold(value)

        task_started.connect(at_task, weak=False)
    elif kind == "rows":
        from homesafe.intake.import_writes import import_chunk_writing

        def at_rows(sender, rows_written: int, **kwargs) -> None:
            if rows_written >= int(value):
                hold(str(rows_written))

        import_chunk_writing.connect(at_rows, weak=False)
    else:
        raise SystemExit(f"held_process: unknown checkpoint {checkpoint!r}")

    from homesafe.cli import main as homesafe
    from tests.homesafe_steps import without_checks  # as there, without the system checks

    homesafe(["homesafe", *without_checks(command)])


if __name__ == "__main__":
    main(sys.argv[1:])
