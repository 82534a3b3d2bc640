"""The dashboard's tables: the figures of homesafe.insight.figures* as rows of text, with small
counts suppressed for those who see no names (homesafe.insight.suppression). Every table has a
caption and a label column, so it reads the same to a screen reader as on screen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from markupsafe import Markup

from homesafe.duties.choices import DUTY_LABELS
from homesafe.episodes.choices import FoundBy
from homesafe.episodes.models import MissingEpisode
from homesafe.insight import figures
from homesafe.insight import figures_breakdowns as breakdowns
from homesafe.insight import figures_casework as casework
from homesafe.insight.suppression import percent, shown
from homesafe.interviews.choices import TermKind
from homesafe.people.choices import Cohort
from homesafe.people.models import Child

# The figures of the first tables, in the order of the contract, in groups.
GROUPS = (
    ("Episodes", ("episodes", "episodes_missing", "episodes_away", "children", "children_repeat")),
    ("Returns", ("returned", "returned_within_24h", "still_missing")),
    (
        "Return home interviews",
        ("rhi_offered", "rhi_offered_in_time", "rhi_accepted", "rhi_completed", "rhi_declined"),
    ),
    ("Strategy meetings", ("strategy_meetings_due", "strategy_meetings_in_time")),
    ("Concerns raised by the report", ("exploitation_concern", "trafficking_concern")),
)
LABELS = {
    **figures.FIGURE_LABELS,
    "children": "Children with an episode",
    "children_repeat": "Children with two or more episodes",
}
# The list behind a count of children is the list of their episodes.
BEHIND = {"children": "episodes", "children_repeat": "episodes"}
FOUND_BY_LABELS = {**dict(FoundBy.choices), "not_recorded": "Not recorded"}
WEEKDAY_LABELS = dict(
    zip(
        casework.WEEKDAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
HOUR_LABELS = {
    "00_to_06": "Midnight to 6am",
    "06_to_12": "6am to noon",
    "12_to_18": "Noon to 6pm",
    "18_to_24": "6pm to midnight",
}
REPEAT_LABELS = {
    band: band.replace("_to_", " to ").replace("_and_over", " or more")
    for band in breakdowns.REPEAT_BANDS
}


@dataclass
class Table:
    caption: str
    head: list[str]
    rows: list[list] = field(default_factory=list)  # the first cell a label, then numbers
    id: str = ""


def count_link(href: str | None, text: str, hidden: str) -> Markup:
    """A count, linked to the children behind it when there is a link; the hidden words say
    where the link goes to those who hear the page."""
    if not href:
        return Markup("{}").format(text)
    return Markup(
        '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden">: {}</span></a>'
    ).format(href, text, hidden)


def _counts(caption: str, head: str, counts: dict, labels: dict, *, suppress: bool) -> Table:
    return Table(
        caption,
        [head, "Number"],
        [[labels.get(key, key), shown(n, suppress=suppress)] for key, n in counts.items()],
    )


def figure_tables(
    result: dict, *, suppress: bool, link_for: Callable[[str], str | None]
) -> list[Table]:
    """The contract's figures, grouped; each count links to the children behind it when
    `link_for` gives an address (never for those who see no names)."""
    tables = []
    for caption, keys in GROUPS:
        rows = []
        for key in keys:
            count = result[key]
            href = link_for(BEHIND.get(key, key)) if count else None
            hidden = f"list the children behind {LABELS[key].lower()}"
            rows.append([LABELS[key], count_link(href, shown(count, suppress=suppress), hidden)])
        tables.append(Table(caption, ["Figure", "Number"], rows))
    risk = Table("Episodes by first police risk grading", ["Grading", "Number"])
    for key, count in result["episodes_by_risk"].items():
        figure = f"risk_{key}"
        href = link_for(figure) if count else None
        hidden = f"list the children behind {LABELS[figure].lower()}"
        risk.rows.append(
            [LABELS[figure], count_link(href, shown(count, suppress=suppress), hidden)]
        )
    tables.append(risk)
    return tables


def breakdown_tables(
    episodes: QuerySet[MissingEpisode],
    *,
    period: figures.Period,
    children: QuerySet[Child],
    now: dt.datetime,
    suppress: bool,
) -> list[Table]:
    s = suppress
    returns = casework.returns(episodes)
    when = casework.reported_when(episodes)
    tables = [
        _counts(
            "Episodes by cohort on the day of the report",
            "Cohort",
            breakdowns.episodes_by_cohort(episodes),
            dict(Cohort.choices),
            suppress=s,
        ),
        _counts(
            "Children by their number of episodes",
            "Episodes",
            breakdowns.children_by_repeat_band(episodes),
            REPEAT_LABELS,
            suppress=s,
        ),
        _counts(
            "Returns by time from last seen",
            "Time",
            returns["duration"],
            casework.DURATION_LABELS,
            suppress=s,
        ),
        _counts(
            "Returns by who found the child",
            "Found by",
            returns["found_by"],
            FOUND_BY_LABELS,
            suppress=s,
        ),
        _counts(
            "Episodes by day of the report", "Day", when["weekday"], WEEKDAY_LABELS, suppress=s
        ),
        _counts(
            "Episodes by time of the report", "Time", when["time_of_day"], HOUR_LABELS, suppress=s
        ),
    ]
    duties = Table(
        "Duties met in time, by kind",
        ["Duty", "Due", "Met in time", "In time", "Open and overdue"],
    )
    for t in breakdowns.duties_by(episodes, by="kind", now=now, labels=DUTY_LABELS):
        duties.rows.append(
            [
                t.label,
                shown(t.due, suppress=s),
                shown(t.met_in_time, suppress=s),
                percent(t.met_in_time, t.due, suppress=s),
                shown(t.open_overdue, suppress=s),
            ]
        )
    providers = Table(
        "Return home interviews by who offered them",
        ["Offered by", "Offered", "In time", "Completed", "Declined"],
    )
    for row in breakdowns.rhi_by_provider(episodes):
        providers.rows.append(
            [row["provider"]]
            + [
                shown(row[k], suppress=s)
                for k in ("offered", "offered_in_time", "completed", "declined")
            ]
        )
    terms = {
        kind: Table(
            f"{label}s heard in completed return interviews", [str(label), "Interviews", "Children"]
        )
        for kind, label in TermKind.choices
    }
    for term in casework.interview_terms(episodes):
        terms[term.kind].rows.append(
            [term.label, shown(term.interviews, suppress=s), shown(term.children, suppress=s)]
        )
    attendance = Table(
        "Agencies at strategy and multi-agency meetings held in the period",
        ["Agency", "Invited", "Attended", "Apologies", "No response"],
    )
    for row in casework.meeting_attendance(
        period=period, children=children, kinds=casework.MEETING_KINDS_ATTENDED
    ):
        attendance.rows.append(
            [row["agency"]]
            + [
                shown(row[k], suppress=s)
                for k in ("invited", "attended", "apologies", "no_response")
            ]
        )
    actions = casework.actions_taken(period=period, children=children)
    action_counts = {
        **{f"disruption_{k}": n for k, n in actions["disruption"].items()},
        **actions["legal"],
        "recovery_orders_granted": actions["recovery_orders_granted"],
        **actions["nrm_decisions"],
    }
    action_table = _counts(
        "Actions taken on days of the period", "Action", action_counts, ACTION_LABELS, suppress=s
    )
    return [*tables, duties, providers, *terms.values(), attendance, action_table]


ACTION_LABELS = {
    "disruption_cawn": "Child abduction warning notices served",
    "disruption_arrest": "Arrests",
    "disruption_other": "Other disruption actions",
    "recovery_order": "Recovery orders applied for",
    "nrm_referral": "NRM referrals",
    "mace_referral": "MACE referrals",
    "recovery_orders_granted": "Recovery orders granted",
    "reasonable_grounds_positive": "NRM reasonable grounds: positive",
    "reasonable_grounds_negative": "NRM reasonable grounds: negative",
    "conclusive_grounds_positive": "NRM conclusive grounds: positive",
    "conclusive_grounds_negative": "NRM conclusive grounds: negative",
}
