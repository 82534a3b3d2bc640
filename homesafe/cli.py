"""The `homesafe` command: Django's management entry point with HomeSafe's settings.

A setting that is wrong or missing stops the command with one line naming it, not a traceback.
Commands that need no secret (help, `protocol simulate`, and the demo's own commands, which check
their mode themselves) run without one.
"""

import os
import sys

NEEDS_NO_SECRETS = {"help", "version", "protocol", "demo", "seed_demo"}


def _stop(message: str) -> None:
    sys.stderr.write(f"homesafe: {message}\n")
    raise SystemExit(2)


def main(argv: list[str] | None = None) -> None:
    argv = ["homesafe", *(sys.argv if argv is None else argv)[1:]]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homesafe.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        missing = settings.MISSING_SETTINGS
    except ImproperlyConfigured as error:
        _stop(str(error))
    command = argv[1] if len(argv) > 1 else "help"
    wants_help = command.startswith("-") or {"-h", "--help"} & set(argv[2:])
    if missing and command not in NEEDS_NO_SECRETS and not wants_help:
        _stop(next(iter(missing.values())))

    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
