"""Several `homesafe` commands run one after the other in one process.

Each start of `homesafe` sets Django up again (about 0.4 s of CPU with compiled modules, more
without). Where a test needs no separate process for consecutive commands (no kill between
them, the same environment), it runs them here instead, each through the same entry point as
on the command line (`homesafe.cli.main`), with every database connection closed after each,
as a process's end closes them:

    python -m tests.homesafe_steps '[["shell", "-c", "..."], ["import_police", "FILE"]]'

Each step's standard output is followed by a line holding SEPARATOR alone.
"""

import json
import sys

SEPARATOR = "\x1e--- homesafe step done ---"


def split_output(stdout: str, steps: int) -> list[str]:
    """Each step's standard output, from the process's."""
    parts = stdout.split(SEPARATOR + "\n")
    assert len(parts) == steps + 1 and parts[-1] == "", stdout[-3000:]
    return parts[:-1]


def main(steps: list[list[str]]) -> None:
    from homesafe.cli import main as homesafe

    for argv in steps:
        homesafe(["homesafe", *argv])
        from django.db import connections

        connections.close_all()
        sys.stdout.flush()
        sys.stdout.write(SEPARATOR + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
