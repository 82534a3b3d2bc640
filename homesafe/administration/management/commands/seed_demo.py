"""`homesafe seed_demo`: load the reproducible synthetic partnership of homesafe.demo."""

import time
from contextlib import contextmanager
from datetime import date

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.utils import timezone
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from homesafe.demo import (
    DEMO_PASSWORD,
    LONDON,
    MIN_CHILDREN,
    DemoAccount,
    database_has_children,
    demo_accounts,
    plan_demo,
    write_demo,
)

ALREADY_HAS_CHILDREN = (
    "The database already has children, so demo data was not loaded. Use a fresh database "
    "(or pass --if-empty to skip without an error)."
)
SKIPPED = "The database already has children: demo data not loaded."
ANCHOR_IN_FUTURE = "The anchor cannot be after today ({today}): services refuse future times."
TOO_FEW_CHILDREN = f"Choose at least {MIN_CHILDREN} children."


def accounts_table(accounts: list[DemoAccount]) -> str:
    """The sign-in accounts as aligned columns: role, e-mail, organisation."""
    rows = [
        ("Role", "E-mail", "Organisation"),
        *((a.role, a.email, a.organisation) for a in accounts),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"  {role:<{widths[0]}}  {email:<{widths[1]}}  {org}" for role, email, org in rows]
    return "\n".join(lines)


class _BarProgress:
    """The writer's stages as rich progress bars, one line each, on the terminal."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.task = None

    def stage(self, description: str, total: int) -> None:
        self._finish()
        self.task = self.progress.add_task(description, total=max(total, 1))

    def advance(self) -> None:
        self.progress.advance(self.task)

    def _finish(self) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[self.task].total)


@contextmanager
def _progress_on(stdout, *, shown: bool):
    """Progress bars on stdout when it is a terminal (and not asked to be quiet), else none."""
    if not shown:
        yield None
        return
    while isinstance(stdout, OutputWrapper):  # seed_demo called by demo: the terminal itself
        stdout = stdout._out
    console = Console(file=stdout, highlight=False)
    with Progress(
        TextColumn("  {task.description:<34}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        bars = _BarProgress(progress)
        yield bars
        bars._finish()


class Command(BaseCommand):
    help = (
        "Load reproducible synthetic demo data: a fictional partnership, its children and two "
        "years of missing episodes up to the anchor date. Refuses a database that has children."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=800, help="How many (default 800).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--anchor",
            type=date.fromisoformat,
            default=None,
            help="YYYY-MM-DD: the history ends at the start of this day (default today, London).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="If the database already has children, do nothing (and say so) instead of failing.",
        )

    def handle(self, *args, **options):
        if database_has_children():
            if options["if_empty"]:
                self.stdout.write(SKIPPED)
                return
            raise CommandError(ALREADY_HAS_CHILDREN)
        today = timezone.localdate(timezone=LONDON)
        anchor = options["anchor"] or today
        if anchor > today:
            raise CommandError(ANCHOR_IN_FUTURE.format(today=today.isoformat()))
        if options["children"] < MIN_CHILDREN:
            raise CommandError(TOO_FEW_CHILDREN)

        started = time.monotonic()
        shown = options["verbosity"] >= 1 and self.stdout.isatty()
        with _progress_on(self.stdout, shown=shown) as bars:
            if bars:
                bars.stage(f"Planning {options['children']} children", 1)
            plan = plan_demo(children=options["children"], seed=options["seed"], anchor=anchor)
            summary = write_demo(plan, progress=bars)
        seconds = time.monotonic() - started

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded in {seconds:.1f} s (seed {plan.seed}, history to {anchor:%d/%m/%Y})."
            )
        )
        self.stdout.write(
            f"  Children: {summary.children} (in care {summary.in_care}, care leavers "
            f"{summary.care_leavers}). Episodes: {summary.episodes} (still open "
            f"{summary.open_episodes}). Demo users: {summary.users}."
        )
        for line in summary.practice:
            self.stdout.write(f"  {line}")
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        self.stdout.write(accounts_table(demo_accounts()))
