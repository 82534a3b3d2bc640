"""The whole `homesafe kpis` object: the contract's keys (homesafe.insight.figures.kpis) first,
then the breakdowns and the figures around the episodes, under keys of their own
(docs/insight.md lists them)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from homesafe.insight import figures_breakdowns as breakdowns
from homesafe.insight import figures_casework as casework
from homesafe.insight.figures import Period, jit_off, kpis, period_episodes, summary_episodes
from homesafe.people.models import Child


@jit_off()
def kpis_report(
    *,
    period: Period,
    now: dt.datetime,
    children: QuerySet[Child] | None = None,
    la_id=None,
    summary: bool = True,
) -> dict:
    """Counted from the summary rows (homesafe.insight.facts), or with `summary=False` from
    the records (the same figures: tests/insight/test_facts.py)."""
    if summary:
        episodes = summary_episodes(period=period, children=children, once=True)
    else:
        episodes = period_episodes(period=period, children=children)
    returns = casework.returns(episodes)
    return {
        **kpis(period=period, episodes=episodes),
        "episodes_by_cohort": breakdowns.episodes_by_cohort(episodes),
        "episodes_placed": breakdowns.episodes_by_placement(episodes, la_id=la_id),
        "children_by_repeat_band": breakdowns.children_by_repeat_band(episodes),
        "duration_hours_median": breakdowns.duration_hours_median(episodes),
        "returned_by_duration": returns["duration"],
        "returned_found_by": returns["found_by"],
        "duties_by_kind": {
            tally.key: {
                "due": tally.due,
                "met_in_time": tally.met_in_time,
                "met_late": tally.met_late,
                "open_overdue": tally.open_overdue,
                "open_not_yet_due": tally.open_not_yet_due,
            }
            for tally in breakdowns.duties_by(episodes, by="kind", now=now)
        },
        "actions": casework.actions_taken(period=period, children=children),
    }
