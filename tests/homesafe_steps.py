"""Several `homesafe` commands run one after the other in one process.

Each start of `homesafe` sets Django up again (about 0.4 s of CPU with compiled modules, more
without). Where a test needs no separate process for consecutive commands (no kill between
them, the same environment), it runs them here instead, each through the same entry point as
on the command line (`homesafe.cli.main`), with every database connection closed after each,
as a process's end closes them:

    python -m tests.homesafe_steps '[["shell", "-c", "..."], ["import_police", "FILE"]]'

Each step's standard output is followed by a line holding SEPARATOR alone. Django's system
checks are skipped (`--skip-checks`, for the commands that run them): they loaded every page's
module for each step, about a third of these processes' CPU, and `homesafe check` has tests of
its own (tests/web/test_first_hour.py, tests/web/test_deploy.py).
"""

import json
import os
import sys

SEPARATOR = "\x1e--- homesafe step done ---"


def split_output(stdout: str, steps: int) -> list[str]:
    """Each step's standard output, from the process's."""
    parts = stdout.split(SEPARATOR + "\n")
    assert len(parts) == steps + 1 and parts[-1] == "", stdout[-3000:]
    return parts[:-1]


def without_checks(argv: list[str]) -> list[str]:
    import django
    from django.core.management import get_commands, load_command_class

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homesafe.settings")
    django.setup()
    command = load_command_class(get_commands()[argv[0]], argv[0])
    return [*argv, "--skip-checks"] if command.requires_system_checks else argv


def main(steps: list[list[str]]) -> None:
    from homesafe.cli import main as homesafe

    for argv in steps:
        homesafe(["homesafe", *without_checks(argv)])
        from django.db import connections

        connections.close_all()
        sys.stdout.flush()
        sys.stdout.write(SEPARATOR + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
