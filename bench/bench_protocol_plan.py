"""Benchmark: plan duties for 100,000 synthetic children's facts with the pure protocol engine.

    uv run --frozen python bench/bench_protocol_plan.py [--children 100000] [--seed 4]

Prints children per second, total seconds and peak memory (tracemalloc), and the ratio of the
planning time to a baseline measured in the same run (building the same children's facts), so
that figures from different machines can be compared. Nothing is asserted about time.

The synthetic children follow DOMAIN.md's scale notes: most episodes last under two days, about
two thirds of children have repeat episodes, a mix of statuses and police gradings, a few still
missing at `now`.
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta

from homesafe.protocol.duties import plan_duties
from homesafe.protocol.facts import (
    CaseFacts,
    ChildFacts,
    ChildStatus,
    EpisodeFacts,
    LegalStatus,
    Risk,
)
from homesafe.protocol.settings import ProtocolSettings

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
STATUSES = [
    (ChildStatus.HOME, 55),
    (ChildStatus.CHILD_IN_NEED, 12),
    (ChildStatus.CHILD_PROTECTION, 8),
    (ChildStatus.LOOKED_AFTER, 22),
    (ChildStatus.CARE_LEAVER, 3),
]
RISKS = [
    (Risk.NO_APPARENT_RISK, 5),
    (Risk.VERY_LOW, 10),
    (Risk.LOW, 30),
    (Risk.MEDIUM, 45),
    (Risk.HIGH, 10),
]
LOOKED_AFTER_LEGAL = [LegalStatus.S20, LegalStatus.CARE_ORDER, LegalStatus.INTERIM_CARE_ORDER]


def weighted(rng: random.Random, table):
    return rng.choices([value for value, _ in table], weights=[weight for _, weight in table])[0]


def synthetic_children(count: int, seed: int) -> list[tuple]:
    """The raw values for `count` children (drawn before timing, so that timing excludes the
    random number generator)."""
    rng = random.Random(seed)
    children = []
    for _ in range(count):
        status = weighted(rng, STATUSES)
        looked_after = status == ChildStatus.LOOKED_AFTER
        child = (
            date(2026 - rng.randint(10, 17), rng.randint(1, 12), rng.randint(1, 28)),
            status,
            rng.choice(LOOKED_AFTER_LEGAL) if looked_after else None,
            status != ChildStatus.HOME,
            looked_after and rng.random() < 0.4,
            rng.random() < 0.85,
        )
        episodes = []
        reported = NOW - timedelta(days=rng.randint(0, 180), minutes=rng.randint(0, 1440))
        for number in range(1 if rng.random() < 0.33 else rng.randint(2, 7)):
            hours_away = rng.expovariate(1 / 20)
            returned = reported + timedelta(hours=hours_away)
            offered = returned + timedelta(hours=rng.randint(1, 96))
            episodes.append(
                (
                    f"e{number + 1}",
                    reported,
                    weighted(rng, RISKS),
                    rng.random() < 0.1,
                    rng.random() < 0.15,
                    rng.random() < 0.02,
                    None if returned > NOW else returned,
                    offered if offered < NOW and rng.random() < 0.8 else None,
                )
            )
            reported = reported + timedelta(days=rng.randint(2, 40))
            if reported > NOW:
                break
        children.append((child, episodes))
    return children


def build_facts(raw: list[tuple]) -> list[CaseFacts]:
    facts = []
    for child, episodes in raw:
        dob, status, legal_status, allocated, out_of_area, school = child
        facts.append(
            CaseFacts(
                now=NOW,
                child=ChildFacts(
                    date_of_birth=dob,
                    status=status,
                    legal_status=legal_status,
                    allocated=allocated,
                    placed_out_of_area=out_of_area,
                    attends_school=school,
                ),
                episodes=tuple(
                    EpisodeFacts(
                        id=values[0],
                        reported_at=values[1],
                        risk=values[2],
                        pre_planned=values[3],
                        exploitation_concern=values[4],
                        trafficking_concern=values[5],
                        returned_at=values[6],
                        rhi_offered_at=values[7],
                    )
                    for values in episodes
                ),
            )
        )
    return facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    settings = ProtocolSettings.defaults()
    raw = synthetic_children(args.children, args.seed)
    episodes = sum(len(episodes) for _, episodes in raw)

    started = time.perf_counter()
    facts = build_facts(raw)
    baseline = time.perf_counter() - started

    plan_duties(facts[0], settings)  # warm the bank holiday cache
    started = time.perf_counter()
    duties = sum(len(plan_duties(case, settings)) for case in facts)
    planning = time.perf_counter() - started

    tracemalloc.start()
    planned = [plan_duties(case, settings) for case in facts]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del planned

    print(f"children:               {args.children:,}")
    print(f"episodes:               {episodes:,}")
    print(f"duties planned:         {duties:,}")
    print(f"baseline (build facts): {baseline:.2f} s")
    print(f"plan duties:            {planning:.2f} s")
    print(f"children per second:    {args.children / planning:,.0f}")
    print(f"duties per second:      {duties / planning:,.0f}")
    print(f"ratio plan / baseline:  {planning / baseline:.1f}x")
    print(f"peak memory (planning and keeping every child's duties): {peak / 2**20:,.1f} MiB")


if __name__ == "__main__":
    main()
