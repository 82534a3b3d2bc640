"""homesafe rebuild_episode_facts: rewrite every summary row the figures count."""

import time

from django.core.management.base import BaseCommand

from homesafe.insight.facts import episode_facts_rebuild


class Command(BaseCommand):
    help = (
        "Rewrite the figures' summary rows (one per episode) from the records: after a "
        "migration, or to repair them (docs/insight.md, 'At national scale'). The worker keeps "
        "them up to date otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--progress", action="store_true", help="Print each chunk done.")

    def handle(self, *args, progress: bool, **options):
        started = time.monotonic()

        def say(children: int, rows: int) -> None:
            if progress:
                self.stdout.write(
                    f"{children:>10,} children, {rows:>10,} rows "
                    f"({time.monotonic() - started:.0f} s)"
                )

        rows = episode_facts_rebuild(progress=say, compact=True)
        self.stdout.write(f"{rows} summary rows written in {time.monotonic() - started:.0f} s.")
