"""Benchmark: the insight figures on a national-size data set (issue 15), against a polars
computation of the same figures over the same rows, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hs_national \\
        HOMESAFE_MODE=test .venv/bin/python bench/bench_insight.py [--requests 30]

Reads the database bench/gen_national.py filled (it is not changed, but for two bench users
made once). Measures, on the latest full quarter before today and the year ending with it:

1. the dashboard page (`/insight/`, the Django test client, the whole view: figures, breakdowns,
   twelve-month trend and chart, template) as the missing coordinator and as the analyst of the
   authority with the most children: p50 and p95 over `--requests` requests, for the default
   period (month to date) and for the quarter;
2. `homesafe kpis` (homesafe.insight.report.kpis_report, what the command prints) for the
   quarter and the year, for the whole country and for that authority;
3. the figures a quarterly pack needs (the kpis report of the quarter and of the quarter
   before, for the authority and the country);
4. polars: the rows the contract's figures read (one per episode of the year, with its child's
   authority, first grading, return interview and duties) read once from PostgreSQL, then the
   contract's figures computed from them for the quarter and the year; the values are checked
   equal to HomeSafe's (counted from the summary rows, as the pages and the command count) and
   the time ratio is printed.

The summary rows (homesafe.insight.facts) must be there: after gen_national.py, run
`homesafe rebuild_episode_facts` (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HOMESAFE_MODE", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homesafe.settings")
# The bench users sign in by the test client's force_login, with no second factor.
os.environ.setdefault("HOMESAFE_MFA_REQUIRED", "false")


def last_full_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    this_quarter = dt.date(today.year, first_month, 1)
    end = this_quarter - dt.timedelta(days=1)
    start_month = 3 * ((end.month - 1) // 3) + 1
    return dt.date(end.year, start_month, 1), end


def bench_users(la):
    from homesafe.access.choices import Role
    from homesafe.access.models import User, UserRole

    users = {}
    for role in (Role.MISSING_COORDINATOR, Role.ANALYST):
        user, _ = User.objects.get_or_create(
            email=f"bench-{role}@example.org",
            defaults={"organisation": la},
        )
        if user.organisation_id != la.pk:
            user.organisation = la
            user.save(update_fields=["organisation"])
        UserRole.objects.get_or_create(user=user, role=role)
        users[role] = user
    return users


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def time_pages(client, user, params: dict, n: int) -> list[float]:
    from django.urls import reverse

    client.force_login(user)
    url = reverse("insight:dashboard")
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url, params)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return times


ROWS_SQL = """
SELECT e.id, e.child_id, c.responsible_la_id AS la_id, e.episode_type, e.reported_at,
       e.last_seen_at, e.returned_at,
       (SELECT g.grade FROM episodes_riskgrading g WHERE g.episode_id = e.id
        ORDER BY g.graded_at, g.id LIMIT 1) AS first_grade,
       i.status AS rhi_status, i.offered_at AS rhi_offered_at,
       ro.due_at AS rhi_offer_due_at, sm.due_at AS strategy_meeting_due_at,
       (SELECT min(m.held_at) FROM meetings_meetingfulfilment f
          JOIN meetings_meetingchild l ON l.id = f.link_id
          JOIN meetings_meeting m ON m.id = l.meeting_id
        WHERE f.episode_id = e.id AND f.duty = 'strategy_meeting' AND m.status = 'held')
         AS strategy_meeting_held_at
FROM episodes_missingepisode e
JOIN people_child c ON c.id = e.child_id
LEFT JOIN interviews_returninterview i ON i.episode_id = e.id
LEFT JOIN duties_duty ro ON ro.episode_id = e.id AND ro.kind = 'rhi_offer'
     AND ro.state <> 'not_needed'
LEFT JOIN duties_duty sm ON sm.episode_id = e.id AND sm.kind = 'strategy_meeting'
     AND sm.state <> 'not_needed'
WHERE e.status <> 'voided' AND e.reported_at >= %s AND e.reported_at < %s
"""


def polars_rows(period):
    """The year's episode rows, read once (one query, as polars.read_database would)."""
    import polars as pl
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(ROWS_SQL, [period.starts_at, period.ends_before])
        names = [c.name for c in cursor.description]
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)


def polars_kpis(frame, period, la_id=None) -> dict:
    """The `homesafe kpis` contract's figures, computed with polars (docs/insight.md's
    definitions)."""
    import polars as pl

    c = pl.col
    start, end = period.starts_at.astimezone(dt.UTC), period.ends_before.astimezone(dt.UTC)
    rows = frame.filter((c("reported_at") >= start) & (c("reported_at") < end))
    if la_id is not None:
        rows = rows.filter(c("la_id") == la_id)
    within = dt.timedelta(hours=24)
    totals = rows.select(
        episodes=pl.len(),
        episodes_missing=(c("episode_type") == "M").sum(),
        episodes_away=(c("episode_type") == "A").sum(),
        children=c("child_id").n_unique(),
        returned=c("returned_at").is_not_null().sum(),
        returned_within_24h=(c("returned_at") <= c("last_seen_at") + within).sum(),
        still_missing=c("returned_at").is_null().sum(),
        rhi_offered=c("rhi_status").is_not_null().sum(),
        rhi_offered_in_time=(c("rhi_offered_at") <= c("rhi_offer_due_at")).sum(),
        rhi_completed=(c("rhi_status") == "completed").sum(),
        rhi_declined=(c("rhi_status") == "declined").sum(),
        strategy_meetings_due=c("strategy_meeting_due_at").is_not_null().sum(),
        strategy_meetings_in_time=(
            c("strategy_meeting_held_at") <= c("strategy_meeting_due_at")
        ).sum(),
    ).row(0, named=True)
    repeat = rows.group_by("child_id").len().filter(c("len") >= 2).height if rows.height else 0
    risk = dict(rows.group_by("first_grade").len().iter_rows())
    by_risk = {
        key: risk.get(None if key == "not_graded" else key, 0)
        for key in ("no_apparent_risk", "very_low", "low", "medium", "high", "not_graded")
    }
    return {**totals, "children_repeat": repeat, "episodes_by_risk": by_risk}


def timed(fn, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def time_pack(users, quarter, now) -> None:
    """A quarterly pack as the worker builds it (homesafe.insight.services_packs): its figures
    for each user, then the XLSX and the PDF; not stored."""
    from homesafe.insight import packs
    from homesafe.insight.figures import jit_off
    from homesafe.insight.packs_files import pack_pdf, pack_xlsx

    print("\n5. quarterly pack (pack_content + XLSX + PDF), wall s")
    for role, user in users.items():
        start = time.perf_counter()
        with jit_off():
            content = packs.pack_content(kind="quarterly", period=quarter, user=user, now=now)
        figures_done = time.perf_counter()
        xlsx, pdf = pack_xlsx(content), pack_pdf(content)
        end = time.perf_counter()
        print(
            f"   {role:<20} {end - start:7.2f} (figures {figures_done - start:.2f}, files "
            f"{end - figures_done:.2f}; {len(xlsx):,} + {len(pdf):,} bytes)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--no-pages", action="store_true", help="skip the dashboard (part 1)")
    parser.add_argument("--pack-only", action="store_true", help="time the quarterly pack only")
    args = parser.parse_args()

    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host allowed, e-mail kept in memory
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from homesafe.access.choices import OrganisationType
    from homesafe.access.models import Organisation
    from homesafe.episodes.models import MissingEpisode
    from homesafe.insight.figures import KPI_KEYS, Period, jit_off, kpis
    from homesafe.insight.report import kpis_report
    from homesafe.insight.scope import children_of_la

    episodes_total = MissingEpisode.objects.count()
    la = (
        Organisation.objects.filter(type=OrganisationType.LOCAL_AUTHORITY)
        .annotate(n=Count("children_responsible_for"))
        .order_by("-n")
        .first()
    )
    print(
        f"{connection.vendor}: {episodes_total:,} episodes; authority {la.code} ({la.n:,} children)"
    )
    print(f"load average at the start: {os.getloadavg()}")
    today = timezone.localdate()
    q_start, q_end = last_full_quarter(today)
    quarter = Period(q_start, q_end)
    previous = Period(*last_full_quarter(q_start))
    year = Period(q_end.replace(year=q_end.year - 1) + dt.timedelta(days=1), q_end)
    now = timezone.now()
    users = bench_users(la)
    client = Client()

    if args.pack_only:
        time_pack(users, quarter, now)
        return
    print(f"\n1. dashboard, {args.requests} requests each (wall ms: p50 / p95)")
    for role, user in [] if args.no_pages else users.items():
        for label, params in (
            ("month to date", {}),
            ("quarter", {"start": q_start.isoformat(), "end": q_end.isoformat()}),
        ):
            time_pages(client, user, params, 1)  # warm (first request: templates, caches)
            times = time_pages(client, user, params, args.requests)
            print(
                f"   {role:<20} {label:<14} {1000 * statistics.median(times):7.0f} / "
                f"{1000 * p95(times):7.0f}"
            )

    print("\n2. homesafe kpis (kpis_report), wall s / CPU s of this process")
    la_children = children_of_la(la)
    ours = {}
    for name, period in (("quarter", quarter), ("year", year)):
        for scope, children, la_id in (("country", None, None), (la.code, la_children, la.pk)):
            result, wall, cpu = timed(
                kpis_report, period=period, now=now, children=children, la_id=la_id
            )
            ours[(name, scope)] = (result, wall)
            print(
                f"   {name:<8} {scope:<8} {wall:7.2f} / {cpu:5.2f}   {result['episodes']:,} episodes"
            )

    print("\n3. figures of a quarterly pack (this quarter's and the previous one's kpis report)")
    _, wall_now, _ = timed(kpis_report, period=quarter, now=now, children=la_children, la_id=la.pk)
    _, wall_prev, _ = timed(
        kpis_report, period=previous, now=now, children=la_children, la_id=la.pk
    )
    print(f"   {la.code}: {wall_now + wall_prev:.2f} s ({wall_now:.2f} + {wall_prev:.2f})")
    _, wall_now, _ = timed(kpis_report, period=quarter, now=now)
    _, wall_prev, _ = timed(kpis_report, period=previous, now=now)
    print(f"   country: {wall_now + wall_prev:.2f} s ({wall_now:.2f} + {wall_prev:.2f})")

    print("\n4. polars over the same rows (read once), checked equal to HomeSafe's")
    frame, read_wall, _ = timed(polars_rows, year)
    print(f"   read {frame.height:,} rows of the year in {read_wall:.2f} s")
    for name, period in (("quarter", quarter), ("year", year)):
        for scope, la_id in (("country", None), (la.code, la.pk)):
            theirs, wall, _ = timed(polars_kpis, frame, period, la_id)
            # The same figures only (the contract's), as HomeSafe counts them.
            children = la_children if la_id else None
            with jit_off():
                result, our_wall, _ = timed(kpis, period=period, children=children, summary=True)
            mine = {key: result[key] for key in KPI_KEYS}
            theirs = {key: theirs[key] for key in KPI_KEYS}
            same = "equal" if mine == theirs else f"DIFFERENT: {mine} != {theirs}"
            print(
                f"   {name:<8} {scope:<8} polars {wall:6.3f} s; HomeSafe figures.kpis (summary) "
                f"{our_wall:6.2f} s = {our_wall / wall:6.0f}x polars compute, "
                f"{our_wall / (wall + read_wall):5.2f}x polars read + compute; {same}"
            )
    time_pack(users, quarter, now)
    print(f"\nload average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
