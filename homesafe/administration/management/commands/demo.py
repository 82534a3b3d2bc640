"""`homesafe demo`: migrate, load the demo data if the database is empty, then serve it locally."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from homesafe.administration.management.commands.seed_demo import accounts_table
from homesafe.demo import DEMO_PASSWORD, database_has_children, demo_accounts

NOT_DEMO_MODE = (
    "The demo runs only in demo mode: set HOMESAFE_MODE=demo in the environment "
    "(for example `HOMESAFE_MODE=demo homesafe demo`, or `make demo`)."
)
WORKER_STOP_SECONDS = 10


def _exit_on_sigterm(signum, frame):
    """Turn SIGTERM into an orderly exit, so that the worker is stopped too."""
    raise SystemExit(0)


def _demo_base_url(url_host: str, port: int) -> str:
    """The address the demo serves at, unless HOMESAFE_BASE_URL was set (say, behind a proxy)."""
    if "HOMESAFE_BASE_URL" in os.environ:
        return settings.HOMESAFE_BASE_URL
    return f"http://{url_host}:{port}"


def _mail_folder() -> str:
    mailer = settings.MAILERS["default"]
    return mailer.get("OPTIONS", {}).get("file_path") or "the console"


class Command(BaseCommand):
    help = (
        "Run the local demo: migrate the database (SQLite under var/), load the synthetic "
        "partnership if the database has no children, print the sign-in accounts, then run the "
        "background worker and serve on http://127.0.0.1:8000 (--port) until Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=800, help="Children to load (800).")
        parser.add_argument("--host", default="127.0.0.1", help="Address to serve on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on.")
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Migrate, load and print the accounts, then exit (for tests and CI).",
        )

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError(NOT_DEMO_MODE)
        call_command("migrate", interactive=False, verbosity=options["verbosity"])
        already_loaded = database_has_children()
        call_command(
            "seed_demo",
            children=options["children"],
            if_empty=True,
            stdout=self.stdout,
            verbosity=options["verbosity"],
        )

        host, port = options["host"], options["port"]
        url_host = f"[{host}]" if ":" in host else host
        base_url = _demo_base_url(url_host, port)
        if already_loaded:  # seed_demo printed the accounts only when it loaded them
            self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
            self.stdout.write(accounts_table(demo_accounts()))
        self.stdout.write(f"\nSign in at {base_url} with any account above.")
        self.stdout.write(f"E-mails the demo sends are written to {_mail_folder()}.")
        if options["no_serve"]:
            return

        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        # The background worker runs queued jobs; the scheduler enqueues the periodic sweeps.
        # Every link HomeSafe writes (reminders sent by the worker included) uses this address.
        settings.HOMESAFE_BASE_URL = base_url
        helper_env = {**os.environ, "HOMESAFE_BASE_URL": base_url}
        helpers = [
            subprocess.Popen(
                [sys.executable, "-m", "homesafe.cli", "db_worker", "--no-reload"], env=helper_env
            ),
            subprocess.Popen([sys.executable, "-m", "homesafe.cli", "crontask"], env=helper_env),
        ]
        try:
            call_command("runserver", f"{url_host}:{port}", use_reloader=False)
        finally:
            for process in helpers:
                process.terminate()
            for process in helpers:
                try:
                    process.wait(timeout=WORKER_STOP_SECONDS)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
