"""Benchmark: import a police download of N rows, with identity matching, into a database that
already holds M children; compare with a plain bulk insert of the same rows in the same run.

    HOMESAFE_MODE=test uv run --frozen python bench/bench_intake.py [--rows 200000] [--children 1000000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/homesafe_bench_intake ... (PostgreSQL)

The database is created fresh (a SQLite file under var/, or the named PostgreSQL database,
dropped and created again). Children are bulk-inserted, not made through the services. The
rows reference existing children in the mix a police download has: 40% with the police person
ID, 15% with the LA child ID, 10% with the NHS number, 35% with name and date of birth only (a
fifth of those with a typo in the name). `--with-replan` also re-plans duties for every child
(the duties app's cost, reported apart from intake's own).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FORENAMES = [
    "Oliver",
    "George",
    "Harry",
    "Noah",
    "Jack",
    "Leo",
    "Arthur",
    "Muhammad",
    "Oscar",
    "Charlie",
    "Jacob",
    "Thomas",
    "Henry",
    "William",
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Ivy",
    "Freya",
    "Lily",
    "Florence",
    "Mia",
    "Willow",
    "Rosie",
    "Sophia",
    "Isabella",
    "Grace",
    "Daisy",
    "Sienna",
    "Poppy",
    "Elsie",
    "Emily",
    "Ella",
    "Evelyn",
    "Phoebe",
    "Sofia",
    "Evie",
    "Charlotte",
    "Harper",
    "Aisha",
    "Zara",
    "Maryam",
    "Kacper",
    "Jakub",
    "Zuzanna",
    "Amir",
    "Ibrahim",
    "Yusuf",
    "Omar",
    "Ali",
    "Hannah",
    "Chloe",
    "Jessica",
    "Ruby",
    "Ellie",
    "Lucy",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Lewis",
    "James",
    "Phillips",
    "Mason",
    "Mitchell",
    "Rose",
    "Davis",
    "Rodriguez",
    "Cox",
    "Alexander",
    "Morgan",
    "Moore",
    "Hughes",
    "Edwards",
    "Hill",
    "Harris",
    "Clark",
    "Ward",
    "Baker",
    "Turner",
    "Parker",
    "Cook",
    "Shaw",
    "Lee",
    "Young",
    "Allen",
    "King",
    "Scott",
    "Nowak",
    "Kowalski",
    "Begum",
    "Hussain",
    "Ahmed",
    "Ali",
    "Okafor",
    "Mensah",
    "Osei",
    "Nguyen",
    "Chen",
    "Murphy",
    "Kelly",
    "Byrne",
    "Ryan",
    "Walsh",
    "Doyle",
    "Campbell",
    "Stewart",
    "Reid",
]


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def typo(rng: random.Random, name: str) -> str:
    i = rng.randrange(1, len(name)) if len(name) > 1 else 0
    return name[:i] + rng.choice("aeiouy") + name[i + 1 :]


def setup_database(url: str | None) -> None:
    if url and url.startswith("postgres"):
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = url
    else:
        path = ROOT / "var" / "bench_intake.sqlite3"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("HOMESAFE_MODE", "test")
    os.environ["DJANGO_SETTINGS_MODULE"] = "homesafe.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--with-replan", action="store_true")
    args = parser.parse_args()
    if not args.with_replan:
        os.environ["HOMESAFE_INTAKE_SKIP_REPLAN"] = "1"
    setup_database(os.environ.get("DATABASE_URL"))

    from django.db import connection, transaction
    from django.utils import timezone

    from homesafe.access.audit import ClientActor
    from homesafe.access.models import Organisation
    from homesafe.episodes.models import MissingEpisode, RiskGrading
    from homesafe.intake.imports import police_download_import
    from homesafe.people.models import Child, ChildAlias

    rng = random.Random(args.seed)
    force = Organisation.objects.create(type="police", code="BF", name="Bench Force")
    las = [
        Organisation.objects.create(
            type="local_authority", code=f"9{i:02d}", name=f"Bench LA {i}", police_force=force
        )
        for i in range(2)
    ]
    started = time.perf_counter()
    today = dt.date(2026, 11, 1)
    people = []  # (pk-order index) -> identity, for generating rows
    batch = []
    for i in range(args.children):
        born = today - dt.timedelta(days=rng.randint(365 * 8, 365 * 18))
        child = Child(
            first_name=rng.choice(FORENAMES),
            last_name=rng.choice(SURNAMES),
            date_of_birth=born,
            sex=rng.choice("12"),
            responsible_la=las[i % 2],
            la_child_id=f"LA{i:08d}" if i % 2 == 0 else "",
            police_person_id=f"PP{i:08d}" if i % 3 else "",
            nhs_number=nhs_number(rng) if i % 4 == 0 else "",
        )
        batch.append(child)
        if len(batch) == 20_000:
            Child.objects.bulk_create(batch)
            people.extend(batch)
            batch = []
    Child.objects.bulk_create(batch)
    people.extend(batch)
    aliases = [
        ChildAlias(child=c, name=f"{rng.choice(FORENAMES)} {c.last_name}")
        for c in rng.sample(people, k=max(1, args.children // 20))
    ]
    ChildAlias.objects.bulk_create(aliases, batch_size=20_000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{connection.vendor}: {args.children:,} children inserted in {time.perf_counter() - started:.1f} s"
    )

    chosen = rng.sample(people, k=min(args.rows, len(people)))
    out = io.StringIO()
    columns = [
        "police_reference", "person_id", "la_child_id", "nhs_number", "forename", "surname",
        "date_of_birth", "sex", "reported_at", "last_seen_at", "last_seen_location", "risk",
        "pre_planned", "found_at", "found_location", "found_by", "closed_reason",
    ]  # fmt: skip
    writer = csv.writer(out)
    writer.writerow(columns)
    now = timezone.now()
    truth = {}
    for n, child in enumerate(chosen):
        ref = f"BF/{n:07d}"
        last_seen = now - dt.timedelta(minutes=rng.randint(600, 365 * 24 * 60))
        reported = last_seen + dt.timedelta(minutes=rng.randint(0, 240))
        found = (
            reported + dt.timedelta(minutes=rng.randint(30, 4000)) if rng.random() < 0.6 else None
        )
        if found and found > now:
            found = None
        kind = rng.random()
        forename, surname = child.first_name, child.last_name
        person_id = la_id = nhs = ""
        if kind < 0.40 and child.police_person_id:
            person_id = child.police_person_id
        elif kind < 0.55 and child.la_child_id:
            la_id = child.la_child_id
        elif kind < 0.65 and child.nhs_number:
            nhs = child.nhs_number
        elif rng.random() < 0.2:
            surname = typo(rng, surname)
        truth[ref] = child.pk
        writer.writerow(
            [
                ref, person_id, la_id, nhs, forename, surname,
                child.date_of_birth.strftime("%d/%m/%Y"), "M" if child.sex == "1" else "F",
                reported.isoformat(), last_seen.strftime("%d/%m/%Y %H:%M"),
                "Town centre", rng.choice(["low", "medium", "high", "no apparent risk"]),
                rng.choice("YN"), found.isoformat() if found else "",
                "Home" if found else "", "police" if found else "",
                "Found safe" if found and rng.random() < 0.5 else "",
            ]
        )  # fmt: skip
    content = out.getvalue().encode()
    rows = len(chosen)

    started = time.perf_counter()
    result = police_download_import(content=content, force=force, actor=ClientActor("bench"))
    elapsed = time.perf_counter() - started
    rate = rows / elapsed
    linked = dict(
        MissingEpisode.objects.filter(police_force=force).values_list(
            "police_reference", "child_id"
        )
    )
    wrong = sum(1 for ref, child_id in linked.items() if truth.get(ref) != child_id)

    # The same rows by a plain bulk insert: parse the CSV, insert episodes and gradings.
    started = time.perf_counter()
    plain_force = Organisation.objects.create(type="police", code="PF", name="Plain Force")
    reader = csv.DictReader(io.StringIO(content.decode()))
    pending = []
    for row in reader:
        reported = dt.datetime.fromisoformat(row["reported_at"])
        last_seen = dt.datetime.strptime(row["last_seen_at"], "%d/%m/%Y %H:%M").replace(
            tzinfo=dt.UTC
        )
        found = dt.datetime.fromisoformat(row["found_at"]) if row["found_at"] else None
        pending.append(
            (
                MissingEpisode(
                    child_id=truth[row["police_reference"]],
                    episode_type="M",
                    status="returned" if found else "missing",
                    last_seen_at=min(last_seen, reported),
                    reported_at=reported,
                    police_force=plain_force,
                    police_reference=row["police_reference"],
                    reported_by="other",
                    returned_at=found,
                    found_by="police" if found else "",
                ),
                row["risk"].replace(" ", "_"),
            )
        )
        if len(pending) == 1000:
            with transaction.atomic():
                MissingEpisode.objects.bulk_create([e for e, _ in pending])
                RiskGrading.objects.bulk_create(
                    [RiskGrading(episode=e, grade=g, graded_at=e.reported_at) for e, g in pending]
                )
            pending = []
    with transaction.atomic():
        MissingEpisode.objects.bulk_create([e for e, _ in pending])
        RiskGrading.objects.bulk_create(
            [RiskGrading(episode=e, grade=g, graded_at=e.reported_at) for e, g in pending]
        )
    plain = time.perf_counter() - started

    print(f"rows {rows:,} into {args.children:,} children on {connection.vendor}")
    print(f"outcomes: {result.counts}; linked to the wrong child: {wrong}")
    print(f"import with matching: {elapsed:.1f} s = {rate:,.0f} rows/s")
    print(f"plain bulk insert:    {plain:.1f} s = {rows / plain:,.0f} rows/s")
    print(f"ratio import / plain: {elapsed / plain:.1f}x (target >= 5,000 rows/s with matching)")


if __name__ == "__main__":
    main()
