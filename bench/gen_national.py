"""Generate a national-size data set for the insight benchmarks (issue 15): by default
1,000,000 children across 150 local authorities and 40 police forces, and 2,500,000 missing
and away episodes over ten years, with risk gradings, returns, return interviews, strategy
meetings and the duties the figures read.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hs_national_bench \\
        HOMESAFE_MODE=test .venv/bin/python bench/gen_national.py [--children 1000000] \\
        [--episodes 2500000] [--replace]

The database named by DATABASE_URL is migrated and filled (it is kept, for
bench/bench_insight.py to read; `--replace` drops and creates it first). Rows are written by
COPY on PostgreSQL (homesafe.bulk.BulkInsert, as the police import writes), not through the
services: this is a data set to measure reads on, not a test of the writes.

The shape follows DOMAIN.md's "Scale": seven in ten episodes are repeats (30% of the episodes
are a child's first), most of the repeats by a tenth of the children who go missing (about 22
episodes each over their two years, against one or two for the others); 90% of the children
are back within 2 days; ages 10 to 17 at the report; 21% of the children who go missing are
looked after (two in five of them placed outside their authority). A quarter of the children
never go missing (known to HomeSafe through a care period, a school or an earlier import).
Risk gradings: 5% never graded, one in ten graded twice. Returned episodes carry a return
interview duty (5% found not needed) and 88% an interview offer (55% completed, 20%
declined); high-risk episodes and a third of medium-risk ones with an exploitation concern a
strategy meeting duty, 85% of them met by a held meeting.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HOMESAFE_MODE", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homesafe.settings")

UTC = dt.UTC
H = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
YEARS = 10
CHUNK = 20_000  # children written per transaction

# First police grading, in proportions like the forces' (DOMAIN.md: most medium or low).
GRADES = (
    ("no_apparent_risk", 0.10),
    ("very_low", 0.07),
    ("low", 0.33),
    ("medium", 0.40),
    ("high", 0.05),
    (None, 0.05),
)
FOUND_BY = ("self", "self", "self", "police", "police", "family", "carer", "professional", "")
REPORTED_BY = ("parent", "foster_carer", "residential_staff", "social_worker", "police", "other")
INTERVIEW_OUTCOMES = (
    ("completed", 0.55),
    ("declined", 0.20),
    ("accepted", 0.05),
    ("unreachable", 0.10),
    ("offered", 0.10),
)


def pick(rng: random.Random, weighted) -> object:
    r, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if r < total:
            return value
    return weighted[-1][0]


def episode_counts(rng: random.Random, children: int, episodes: int) -> list[int]:
    """Episodes per child (0 for those who never went missing), summing to about `episodes`."""
    missing_children = min(children, round(0.3 * episodes))
    heavy = missing_children // 10
    light = missing_children - heavy
    light_episodes = round(light * 1.2)
    heavy_mean = max(3.0, (episodes - light_episodes) / max(1, heavy))
    counts = [2 if rng.random() < 0.2 else 1 for _ in range(light)]
    counts += [3 + int(rng.expovariate(1 / (heavy_mean - 3))) for _ in range(heavy)]
    counts += [0] * (children - missing_children)
    rng.shuffle(counts)
    return counts


def setup_organisations(rng: random.Random, las: int, forces: int):
    from homesafe.access.choices import OrganisationType
    from homesafe.access.models import Organisation, Team

    force_objs = Organisation.objects.bulk_create(
        Organisation(type=OrganisationType.POLICE, code=f"F{i:02d}", name=f"Police force {i}")
        for i in range(1, forces + 1)
    )
    la_objs = Organisation.objects.bulk_create(
        Organisation(
            type=OrganisationType.LOCAL_AUTHORITY,
            code=f"{800 + i}",
            name=f"Local authority {i}",
            police_force=force_objs[i % forces],
        )
        for i in range(las)
    )
    teams = Team.objects.bulk_create(Team(organisation=la, name="Missing team") for la in la_objs)
    # Authorities differ in size (a county has ten times a small unitary's children).
    weights = [rng.uniform(0.3, 3.0) for _ in la_objs]
    return la_objs, {la.pk: la.police_force_id for la in la_objs}, weights, teams


def recreate_database() -> None:
    """Drop and create DATABASE_URL's database (PostgreSQL), connected to `postgres`."""
    from urllib.parse import urlsplit

    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run(args) -> dict:
    import django

    if args.replace:
        recreate_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from homesafe.bulk import BulkInsert, cycle_collector_paused
    from homesafe.duties.models import Duty
    from homesafe.episodes.models import MissingEpisode, RiskGrading
    from homesafe.interviews.models import InterviewTerm, ReturnInterview
    from homesafe.meetings.models import Meeting, MeetingChild, MeetingFulfilment
    from homesafe.people.models import Child, CohortPeriod, Placement

    timings: dict[str, float] = {}
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings["migrate"] = time.perf_counter() - start
    if MissingEpisode.objects.exists() or Child.objects.exists():
        sys.exit("The database already holds children: use --replace to make it afresh.")

    rng = random.Random(args.seed)
    now = dt.datetime.now(UTC).replace(microsecond=0)
    first_day = (now - dt.timedelta(days=365 * YEARS)).date()
    span_days = 365 * YEARS
    las, force_of, weights, teams = setup_organisations(rng, args.las, args.forces)
    team_of = {t.organisation_id: t.pk for t in teams}
    la_ids = [la.pk for la in las]
    terms = {
        kind: list(InterviewTerm.objects.filter(kind=kind).values_list("code", flat=True))
        for kind in ("push_factor", "pull_factor", "exploitation_indicator")
    }
    counts = episode_counts(rng, args.children, args.episodes)
    responsible = rng.choices(la_ids, weights=weights, k=args.children)

    bulk = BulkInsert()
    written = dict.fromkeys(
        ("children", "episodes", "gradings", "duties", "interviews", "meetings", "placements"), 0
    )
    reference = 0
    gen_start = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A bulk load's settings: no wait for the WAL flush, and no foreign-key triggers
            # (the rows are consistent by construction; a per-row deferred check costs
            # PostgreSQL three times this script's own time).
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET session_replication_role = replica")
    with cycle_collector_paused(collect_at_end=2):
        for base in range(0, args.children, CHUNK):
            n = min(CHUNK, args.children - base)
            plans = []  # per child: (la, window start day, episode count, cohort)
            child_rows = []
            for i in range(base, base + n):
                k = counts[i]
                window = rng.randrange(span_days)
                age_days = rng.randint(10 * 365 + 3, 15 * 365 + 180)
                born = first_day + dt.timedelta(days=window - age_days)
                heavy = k >= 3
                in_care = rng.random() < (0.40 if heavy else 0.19) if k else rng.random() < 0.05
                cohort = (
                    "looked_after"
                    if in_care
                    else pick(
                        rng,
                        (("child_protection", 0.08), ("child_in_need", 0.15), (None, 0.77)),
                    )
                )
                plans.append((responsible[i], window, k, cohort, born))
                child_rows.append(
                    {
                        "first_name": "Child",
                        "last_name": f"N{i:07d}",
                        "date_of_birth": born,
                        "sex": rng.choice("12"),
                        "ethnicity": rng.choice(("WBRI", "WBRI", "WBRI", "MWBC", "ABAN", "BAFR")),
                        "responsible_la_id": responsible[i],
                        "la_child_id": f"N{i:07d}",
                        "created_at": now,
                    }
                )
            with transaction.atomic():
                child_ids = bulk.insert(Child, child_rows, now=now)
                cohort_rows, placement_rows = [], []
                episode_rows, episode_meta = [], []
                for child_id, (la, window, k, cohort, _born) in zip(child_ids, plans, strict=True):
                    if cohort:
                        started = first_day + dt.timedelta(days=max(0, window - 365))
                        cohort_rows.append(
                            {"child_id": child_id, "cohort": cohort, "started_on": started}
                        )
                        if cohort == "looked_after":
                            host = la if rng.random() < 0.6 else rng.choice(la_ids)
                            placement_rows.append(
                                {
                                    "child_id": child_id,
                                    "placement_type": pick(
                                        rng,
                                        (("foster", 0.7), ("residential", 0.25), ("other", 0.05)),
                                    ),
                                    "placing_la_id": la,
                                    "host_la_id": host,
                                    "started_on": started,
                                }
                            )
                    spread = min(730, span_days - window)
                    days = sorted(window + rng.randrange(max(1, spread)) for _ in range(k))
                    for day in days:
                        reported = dt.datetime.combine(
                            first_day + dt.timedelta(days=day), dt.time(), tzinfo=UTC
                        ) + dt.timedelta(minutes=rng.randrange(24 * 60))
                        if reported > now:
                            reported = now - dt.timedelta(minutes=rng.randrange(60, 600))
                        last_seen = (
                            reported
                            if rng.random() < 0.1
                            else reported - dt.timedelta(minutes=rng.randrange(10, 360))
                        )
                        r = rng.random()
                        gone = (
                            dt.timedelta(minutes=rng.randrange(30, 24 * 60))
                            if r < 0.70
                            else dt.timedelta(minutes=rng.randrange(24 * 60, 48 * 60))
                            if r < 0.90
                            else dt.timedelta(hours=rng.randrange(48, 7 * 24))
                            if r < 0.98
                            else dt.timedelta(hours=rng.randrange(7 * 24, 30 * 24))
                        )
                        returned = last_seen + gone
                        if returned > now or rng.random() < 0.001:
                            returned = None
                        voided = rng.random() < 0.003
                        grade = pick(rng, GRADES)
                        exploitation = rng.random() < (0.25 if k >= 3 else 0.08)
                        reference += 1
                        episode_rows.append(
                            {
                                "child_id": child_id,
                                "episode_type": "A"
                                if cohort == "looked_after" and rng.random() < 0.3
                                else "M",
                                "status": "voided"
                                if voided
                                else ("returned" if returned else "missing"),
                                "last_seen_at": last_seen,
                                "reported_at": reported,
                                "police_force_id": force_of[la],
                                "police_reference": f"N{reference:08d}",
                                "reported_by": rng.choice(REPORTED_BY),
                                "exploitation_concern": exploitation,
                                "trafficking_concern": exploitation and rng.random() < 0.1,
                                "returned_at": returned,
                                "found_by": rng.choice(FOUND_BY) if returned else "",
                                "voided_at": reported + DAY if voided else None,
                                "void_reason": "Duplicate of another report" if voided else "",
                                "created_at": reported,
                            }
                        )
                        episode_meta.append((child_id, la, grade, voided, exploitation))
                bulk.insert(CohortPeriod, cohort_rows, now=now, ids=False)
                bulk.insert(Placement, placement_rows, now=now, ids=False)
                episode_ids = bulk.insert(MissingEpisode, episode_rows, now=now)
                grading_rows, duty_rows, interview_rows = [], [], []
                meeting_rows, meeting_of = [], []
                for episode_id, row, (child_id, la, grade, voided, exploitation) in zip(
                    episode_ids, episode_rows, episode_meta, strict=True
                ):
                    reported, returned = row["reported_at"], row["returned_at"]
                    if grade:
                        grading_rows.append(
                            {"episode_id": episode_id, "grade": grade, "graded_at": reported}
                        )
                        if rng.random() < 0.1:
                            grading_rows.append(
                                {
                                    "episode_id": episode_id,
                                    "grade": rng.choice(("low", "medium", "high")),
                                    "graded_at": reported + 12 * H,
                                }
                            )
                    if voided:
                        continue
                    duty = {
                        "child_id": child_id,
                        "episode_id": episode_id,
                        "owner_role": "missing_coordinator",
                        "owner_organisation_id": la,
                        "owner_team_id": team_of[la],
                        "rule": "",
                        "reason": "Generated (bench/gen_national.py)",
                        "protocol_version": "bench",
                        "planned_at": reported,
                    }
                    if grade == "high" or (
                        grade == "medium" and exploitation and rng.random() < 0.33
                    ):
                        due = reported + 72 * H
                        held = (
                            reported + dt.timedelta(hours=rng.randrange(2, 96))
                            if rng.random() < 0.85
                            else None
                        )
                        if held and held > now:
                            held = None
                        duty_rows.append(
                            {
                                **duty,
                                "kind": "strategy_meeting",
                                "rule": "strategy_meeting",
                                "due_at": due,
                                "state": "done" if held else "open",
                                "closed_at": held,
                            }
                        )
                        if held:
                            meeting_rows.append(
                                {
                                    "kind": "strategy",
                                    "status": "held",
                                    "local_authority_id": la,
                                    "planned_for": held,
                                    "held_at": held,
                                    "chair_name": "Chair",
                                    "created_at": held,
                                }
                            )
                            meeting_of.append((child_id, episode_id))
                    if returned is None:
                        continue
                    due = returned + 72 * H
                    if rng.random() < 0.05:
                        duty_rows.append(
                            {
                                **duty,
                                "kind": "rhi_offer",
                                "rule": "rhi_offer",
                                "due_at": due,
                                "state": "not_needed",
                                "closed_at": returned + H,
                            }
                        )
                        continue
                    offered = None
                    if rng.random() < 0.88:
                        offered = returned + dt.timedelta(
                            hours=rng.randrange(1, 72)
                            if rng.random() < 0.8
                            else rng.randrange(72, 240)
                        )
                        if offered > now:
                            offered = None
                    duty_rows.append(
                        {
                            **duty,
                            "kind": "rhi_offer",
                            "rule": "rhi_offer",
                            "due_at": due,
                            "state": "done" if offered else "open",
                            "closed_at": offered,
                        }
                    )
                    if offered is None:
                        continue
                    outcome = pick(rng, INTERVIEW_OUTCOMES)
                    held = offered + dt.timedelta(hours=rng.randrange(24, 120))
                    if outcome == "completed" and held > now:
                        outcome = "accepted"
                    interview = {
                        "episode_id": episode_id,
                        "child_id": child_id,
                        "status": outcome,
                        "offered_at": offered,
                        "offered_by_organisation_id": la,
                        "offered_by_name": "Return interview worker",
                        "offer_method": "phone",
                        "created_at": offered,
                    }
                    if outcome in ("accepted", "completed"):
                        interview["accepted_at"] = offered + H
                    if outcome == "declined":
                        interview["declined_at"] = offered + H
                        interview["decline_reason"] = "Did not want to talk"
                    if outcome == "unreachable":
                        interview["unreachable_at"] = offered + 48 * H
                    if outcome == "completed":
                        interview.update(
                            held_at=held,
                            completed_at=held,
                            independent=True,
                            held_by_organisation_id=la,
                            push_factors=rng.sample(terms["push_factor"], 2)
                            if len(terms["push_factor"]) >= 2
                            else [],
                            pull_factors=rng.sample(terms["pull_factor"], 1)
                            if terms["pull_factor"]
                            else [],
                            exploitation_indicators=rng.sample(terms["exploitation_indicator"], 1)
                            if exploitation and terms["exploitation_indicator"]
                            else [],
                        )
                    interview_rows.append(interview)
                bulk.insert(RiskGrading, grading_rows, now=now, ids=False)
                bulk.insert(Duty, duty_rows, now=now, ids=False)
                bulk.insert(ReturnInterview, interview_rows, now=now, ids=False)
                meeting_ids = bulk.insert(Meeting, meeting_rows, now=now)
                link_ids = bulk.insert(
                    MeetingChild,
                    [
                        {"meeting_id": m, "child_id": c}
                        for m, (c, _) in zip(meeting_ids, meeting_of, strict=True)
                    ],
                    now=now,
                )
                bulk.insert(
                    MeetingFulfilment,
                    [
                        {"link_id": link, "episode_id": e, "duty": "strategy_meeting"}
                        for link, (_, e) in zip(link_ids, meeting_of, strict=True)
                    ],
                    now=now,
                    ids=False,
                )
            written["children"] += n
            written["episodes"] += len(episode_rows)
            written["gradings"] += len(grading_rows)
            written["duties"] += len(duty_rows)
            written["interviews"] += len(interview_rows)
            written["meetings"] += len(meeting_rows)
            written["placements"] += len(placement_rows)
            if args.progress:
                elapsed = time.perf_counter() - gen_start
                print(
                    f"  {written['children']:>9,} children, {written['episodes']:>9,} episodes"
                    f" ({elapsed:.0f} s)",
                    flush=True,
                )
    timings["generate_and_copy"] = time.perf_counter() - gen_start
    start = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - start
    return {"written": written, "timings": timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--episodes", type=int, default=2_500_000)
    parser.add_argument("--las", type=int, default=150)
    parser.add_argument("--forces", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--replace", action="store_true", help="drop and create the database first")
    parser.add_argument("--progress", action="store_true", help="print a line per chunk")
    args = parser.parse_args()
    wall, cpu = time.perf_counter(), time.process_time()
    result = run(args)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    for name, n in result["written"].items():
        print(f"{name:>12}: {n:>10,}")
    for name, seconds in result["timings"].items():
        print(f"{name:>18}: {seconds:8.1f} s")
    print(f"total: {wall:.1f} s wall, {cpu:.1f} s CPU (this process; PostgreSQL's not counted)")


if __name__ == "__main__":
    main()
