"""Benchmark: seeding the demo (issue 11): 800 children with two years of episodes.

    python bench/bench_demo_seed.py [--children 800] [--seed 2026] [--through-services]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/homesafe python bench/bench_demo_seed.py

Seeds a fresh database as `homesafe seed_demo` does (plan, then write), with the demo's own
password hasher, and prints the time of each stage, children per second, and the CPU time (the
machine is shared: wall time depends on what else runs). Two baselines are measured in the same
run: creating the database (every migration), and a plain bulk insert of the same number of
children (no history, no audit, no duties), rolled back. `--through-services` also seeds through
one use case per fact (the reference path, as before issue 11), for the before/after ratio.
"""

from __future__ import annotations

import argparse
import os
import time

from _setup import django_on_scratch_database, peak_rss_mb, timed


class StageTimes:
    """The writer's progress stages, timed: wall and CPU (homesafe.demo.write.DemoProgress)."""

    def __init__(self):
        self.times: dict[str, tuple[float, float]] = {}
        self.current: str | None = None
        self.started = (time.perf_counter(), time.process_time())

    def stage(self, description: str, total: int) -> None:
        self.finish()
        self.current, self.started = f"{description} ({total:,})", self._now()

    def advance(self) -> None:
        pass

    def finish(self) -> None:
        if self.current is not None:
            now = self._now()
            self.times[self.current] = (now[0] - self.started[0], now[1] - self.started[1])
            self.current = None

    @staticmethod
    def _now() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=800)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--through-services", action="store_true")
    args = parser.parse_args()
    results: dict[str, float] = {}
    with timed(results, "baseline: create the database (migrations)"):
        drop = django_on_scratch_database()
    try:
        run(args, results)
    finally:
        drop()


def run(args, results: dict[str, float]) -> None:
    from datetime import date

    from django.conf import global_settings, settings
    from django.db import connection, transaction
    from django.utils import timezone

    from homesafe.access.choices import OrganisationType
    from homesafe.access.models import Organisation
    from homesafe.demo import LONDON, plan_demo, write_demo
    from homesafe.people.models import Child

    # The demo's hasher, not the test settings' fast one: hashing is part of seeding.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    anchor = timezone.localdate(timezone=LONDON)

    bare_key = f"baseline: bulk insert of {args.children} bare children"
    with timed(results, bare_key), transaction.atomic():
        la = Organisation.objects.create(
            type=OrganisationType.LOCAL_AUTHORITY, code="999", name="Bench LA"
        )
        Child.objects.bulk_create(
            [
                Child(
                    first_name="C",
                    last_name=str(i),
                    date_of_birth=date(2010, 1, 1),
                    responsible_la=la,
                )
                for i in range(args.children)
            ]
        )
        transaction.set_rollback(True)

    def seed(key: str, *, through_services: bool) -> StageTimes:
        stages = StageTimes()
        cpu = time.process_time()
        with timed(results, key):
            stages.stage("Planning", args.children)
            plan = plan_demo(children=args.children, seed=args.seed, anchor=anchor)
            write_demo(plan, progress=stages, through_services=through_services)
            stages.finish()
        results[key + " (CPU)"] = time.process_time() - cpu
        return stages

    reference = None
    if args.through_services:  # first, rolled back: the database is fresh again for the seeding
        with transaction.atomic():
            reference = seed("reference: one use case per fact", through_services=True)
            transaction.set_rollback(True)
    stages = seed("seed (bulk history, services for the duties window)", through_services=False)
    counts = written_counts()

    seconds = results["seed (bulk history, services for the duties window)"]
    migrate = results["baseline: create the database (migrations)"]
    bare = results[bare_key]
    print(
        f"database: {connection.vendor}; children {counts['children']:,}, episodes "
        f"{counts['episodes']:,}, duties {counts['duties']:,}, audit entries "
        f"{counts['audit']:,}, return interviews {counts['interviews']:,}, meetings "
        f"{counts['meetings']:,}, screenings {counts['screenings']:,}; load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    for key, value in results.items():
        print(f"{key:62s} {value:8.2f} s")
    print(f"{'  where the seeding goes (wall, CPU):':62s}")
    for key, (wall, cpu) in stages.times.items():
        print(f"    {key:58s} {wall:8.2f} s {cpu:6.2f} s")
    print(f"children per second: {args.children / seconds:,.0f}")
    print(f"seeding / creating the database: {seconds / migrate:.1f}x")
    print(f"seeding / bulk insert of bare children: {seconds / bare:,.0f}x")
    if reference is not None:
        before = results["reference: one use case per fact"]
        print(f"one use case per fact / seeding: {before / seconds:.1f}x")
    print(f"peak memory (RSS): {peak_rss_mb():,.0f} MB")


def written_counts() -> dict[str, int]:
    from homesafe.access.models import AuditEntry
    from homesafe.duties.models import Duty
    from homesafe.episodes.models import MissingEpisode
    from homesafe.interviews.models import ReturnInterview
    from homesafe.meetings.models import Meeting
    from homesafe.people.models import Child
    from homesafe.screening.models import ExploitationScreening

    return {
        "children": Child.objects.count(),
        "episodes": MissingEpisode.objects.count(),
        "duties": Duty.objects.count(),
        "audit": AuditEntry.objects.count(),
        "interviews": ReturnInterview.objects.count(),
        "meetings": Meeting.objects.count(),
        "screenings": ExploitationScreening.objects.count(),
    }


if __name__ == "__main__":
    main()
