"""Benchmark: the reminder sweep over 1,000,000 stored duties (issues 4 and 13).

    python bench/bench_duties_sweep.py [--duties 1000000] [--open-share 0.03]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/homesafe python bench/bench_duties_sweep.py

Most stored duties are closed (years of history); a few per cent are open, about half of those
overdue, each planned a few hours to three days before it fell due (so none is history). The
first sweep reserves a reminder for each owner of every duty due soon or overdue (in the app at
once) and e-mails the alerts; the second is the steady state (every five minutes: nothing new);
the third is the next 08:00 digest: one e-mail per person. The baseline, measured in the same
run, is a plain COUNT of the open duties due by the sweep's horizon.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta

from _setup import django_on_scratch_database, peak_rss_mb, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duties", type=int, default=1_000_000)
    parser.add_argument("--open-share", type=float, default=0.03)
    parser.add_argument("--children", type=int, default=50_000)  # x 20 kinds >= duties
    args = parser.parse_args()
    drop = django_on_scratch_database()
    try:
        run(args)
    finally:
        drop()


def run(args) -> None:
    from django.conf import settings
    from django.core import mail
    from django.db import connection
    from django.utils import timezone

    from homesafe.access.choices import OrganisationType, Role
    from homesafe.access.models import Organisation, Team, User, UserRole
    from homesafe.duties.choices import DutyState
    from homesafe.duties.models import Duty
    from homesafe.duties.protocol import protocol_current
    from homesafe.episodes.models import MissingEpisode
    from homesafe.people.models import Child
    from homesafe.protocol.facts import DutyKind, OwnerRole
    from homesafe.reminders.schedule import digest_slot_after
    from homesafe.reminders.sweep import reminders_sweep

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    rng = random.Random(7)
    now = timezone.now()
    results: dict[str, float] = {}
    police = Organisation.objects.create(type=OrganisationType.POLICE, code="BP", name="Police")
    la = Organisation.objects.create(
        type=OrganisationType.LOCAL_AUTHORITY, code="999", name="Bench LA", police_force=police
    )
    teams = [
        Team.objects.create(organisation=la, name=f"Team {i}", service="Service") for i in range(10)
    ]
    workers = []
    for i in range(200):
        user = User.objects.create(email=f"w{i}@bench.test", organisation=la, team=teams[i % 10])
        UserRole.objects.create(user=user, role=Role.SOCIAL_WORKER)
        workers.append(user)
    for i, team in enumerate(teams):  # a manager for each team
        user = User.objects.create(email=f"tm{i}@bench.test", organisation=la, team=team)
        UserRole.objects.create(user=user, role=Role.TEAM_MANAGER)
    protocol_current()

    with timed(results, "insert children and episodes"):
        Child.objects.bulk_create(
            [
                Child(
                    first_name="C",
                    last_name=str(i),
                    date_of_birth=date(2010, 1, 1),
                    responsible_la=la,
                    allocated_social_worker=workers[i % len(workers)],
                )
                for i in range(args.children)
            ],
            batch_size=5000,
        )
        child_ids = list(Child.objects.values_list("pk", flat=True))
        MissingEpisode.objects.bulk_create(
            [
                MissingEpisode(
                    child_id=pk,
                    episode_type="M",
                    status="returned",
                    last_seen_at=now - timedelta(days=30),
                    reported_at=now - timedelta(days=30),
                    returned_at=now - timedelta(days=29),
                    reported_by="parent",
                )
                for pk in child_ids
            ],
            batch_size=5000,
        )
        episodes = list(MissingEpisode.objects.values_list("pk", "child_id"))
    kinds = list(DutyKind)
    with timed(results, "insert duties"):
        batch = []
        for n in range(args.duties):
            episode_id, child_id = episodes[n % len(episodes)]
            kind = kinds[(n // len(episodes)) % len(kinds)]
            is_open = rng.random() < args.open_share
            due = (
                now + timedelta(hours=rng.uniform(-24 * 30, 24 * 30))
                if is_open
                else (now - timedelta(days=rng.uniform(30, 3650)))
            )
            personal = kind in (DutyKind.NOTIFY_SOCIAL_WORKER, DutyKind.RHI_OFFER)
            batch.append(
                Duty(
                    child_id=child_id,
                    episode_id=episode_id,
                    kind=kind,
                    state=DutyState.OPEN if is_open else DutyState.DONE,
                    due_at=due,
                    owner_role=OwnerRole.SOCIAL_WORKER if personal else OwnerRole.TEAM_MANAGER,
                    owner_organisation=la,
                    owner_team=teams[child_id % 10],
                    owner_user=workers[child_id % len(workers)] if personal else None,
                    rule="bench",
                    reason="bench",
                    protocol_version="bench",
                    closed_at=None if is_open else due,
                    planned_at=min(now, due - timedelta(hours=rng.uniform(2, 72))),
                )
            )
            if len(batch) == 10_000:
                Duty.objects.bulk_create(batch)
                batch = []
        Duty.objects.bulk_create(batch)
    horizon = now + timedelta(hours=protocol_current()[1].reminder_lead_hours)
    with timed(results, "baseline: count of open duties due by the horizon"):
        due = Duty.objects.filter(state=DutyState.OPEN, due_at__lte=horizon).count()
    with timed(results, "first sweep (reserve; e-mail the alerts)"):
        first = reminders_sweep(now=now)
    first_emails = len(mail.outbox)
    with timed(results, "steady-state sweep (nothing new)"):
        second = reminders_sweep(now=now + timedelta(minutes=5))
    digest_at = digest_slot_after(
        now + timedelta(minutes=5),
        times=["08:00"],
        working_days_only=True,
        calendar=protocol_current()[1].calendar,
    )
    with timed(results, "digest sweep at the next 08:00"):
        third = reminders_sweep(now=digest_at)
    base = results["baseline: count of open duties due by the horizon"]
    print(
        f"database: {connection.vendor}; stored duties: {Duty.objects.count():,}; "
        f"open and due by the horizon: {due:,}"
    )
    for key, seconds in results.items():
        ratio = f"  ({seconds / base:,.0f}x baseline)" if "sweep" in key else ""
        print(f"{key:55s} {seconds:8.2f} s{ratio}")
    recipients = len({address for message in mail.outbox for address in message.to})
    print(f"first sweep: {first}; e-mails: {first_emails:,}")
    print(f"steady state: {second}")
    print(f"digest sweep: {third}; e-mails: {len(mail.outbox) - first_emails:,}")
    print(f"e-mails in all: {len(mail.outbox):,} to {recipients:,} people")
    print(f"peak memory (RSS): {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
