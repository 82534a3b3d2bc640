"""The insight pages: the figures' dashboard, the list of children behind a figure, and the
team managers' monthly compliance view. They read only (homesafe.insight.figures); an analyst
sees numbers, never names, with small counts suppressed (homesafe.insight.suppression)."""

from __future__ import annotations

import csv
import datetime as dt
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from markupsafe import Markup

from homesafe.access.audit import audit_children_shown
from homesafe.access.choices import AuditVerb, Role
from homesafe.access.models import User
from homesafe.duties.choices import DUTY_LABELS, DutyState
from homesafe.insight import charts, figures
from homesafe.insight import dashboard as dashboard_tables
from homesafe.insight import figures_breakdowns as breakdowns
from homesafe.insight.dashboard import LABELS, count_link
from homesafe.insight.forms_figures import FILTER_FIELDS, FiguresFilterForm
from homesafe.insight.roles import can_view_patterns, sees_names
from homesafe.insight.scope import children_counted_for, teams_of
from homesafe.insight.suppression import SMALL_COUNT, percent, shown

CHILDREN_LIMIT = 500
COMPLIANCE_MONTHS = 6


def insight_user(request: HttpRequest) -> User:
    if not can_view_patterns(request.user):
        raise PermissionDenied
    return request.user


def _query(form: FiguresFilterForm, period: figures.Period, **extra) -> str:
    values = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    if form.is_valid():
        values.update({k: form.cleaned_data[k] for k in (*FILTER_FIELDS, "team")})
    values.update(extra)
    return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def _dashboard_tables(user: User, form: FiguresFilterForm, children, *, links: bool):
    period, filters = form.period(), form.filters()
    suppress = not sees_names(user)
    episodes = figures.summary_episodes(
        period=period, children=children, filters=filters, once=True
    )
    result = figures.kpis(period=period, episodes=episodes)

    def link_for(figure: str) -> str | None:
        if suppress or not links:
            return None
        return reverse("insight:children") + "?" + _query(form, period, figure=figure)

    tables = [
        *dashboard_tables.figure_tables(result, suppress=suppress, link_for=link_for),
        *dashboard_tables.breakdown_tables(
            episodes, period=period, children=children, now=timezone.now(), suppress=suppress
        ),
    ]
    median = breakdowns.duration_hours_median(episodes)
    return tables, (median if result["returned"] >= 5 or not suppress else None)


TREND_MONTHS = 12


def _trend(
    user: User, form: FiguresFilterForm, children
) -> tuple[dashboard_tables.Table, str | None]:
    """Episodes and children month by month, for the twelve months to the period's end, and
    its chart (none for those who see no names when a bar would show a count under 5)."""
    period, suppress = form.period(), not sees_names(user)
    months = breakdowns.months_before(period.end, TREND_MONTHS)
    parts = figures.summary_parts(
        period=figures.Period(months[0], period.end), children=children, filters=form.filters()
    )
    rows = breakdowns.episodes_by_month(parts, months)
    table = dashboard_tables.Table(
        "Episodes month by month",
        ["Month", "Episodes", "Children"],
        [
            [
                row["month"].strftime("%B %Y"),
                shown(row["episodes"], suppress=suppress),
                shown(row["children"], suppress=suppress),
            ]
            for row in rows
        ],
    )
    small = any(row["episodes"] < SMALL_COUNT for row in rows)
    chart = None
    if any(row["episodes"] for row in rows) and not (suppress and small):
        chart = charts.svg_data_uri(charts.monthly_bars(rows, value="episodes", title="Episodes"))
    return table, chart


def _filter_form(request: HttpRequest, user: User) -> FiguresFilterForm:
    return FiguresFilterForm(request.GET or None, teams=teams_of(user))


@figures.jit_off()
def dashboard(request: HttpRequest) -> HttpResponse:
    user = insight_user(request)
    form = _filter_form(request, user)
    children = children_counted_for(user)  # once per page
    tables, median = _dashboard_tables(user, form, children, links=True)
    trend, trend_chart = _trend(user, form, children)
    return render(
        request,
        "insight/dashboard.html",
        {
            "title": "Figures",
            "active_nav": "insight",
            "form": form,
            "period": form.period(),
            "tables": tables,
            "trend": trend,
            "trend_chart": trend_chart,
            "median_hours": median,
            "suppress": not sees_names(user),
            "csv_query": _query(form, form.period()),
        },
    )


@figures.jit_off()
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    """The dashboard's tables as CSV (table, row, column, value): the same figures, suppressed
    the same way; no names."""
    user = insight_user(request)
    form = _filter_form(request, user)
    period = form.period()
    tables, median = _dashboard_tables(user, form, children_counted_for(user), links=False)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="homesafe-figures-{period.start}-to-{period.end}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["table", "row", "column", "value"])
    writer.writerow(["Period", "From", "", period.start.isoformat()])
    writer.writerow(["Period", "To (included)", "", period.end.isoformat()])
    if median is not None:
        writer.writerow(["Returns", "Median hours from last seen to return", "", median])
    for table in tables:
        for row in table.rows:
            label = str(row[0])
            for head, cell in zip(table.head[1:], row[1:], strict=True):
                value = cell.striptags() if isinstance(cell, Markup) else str(cell)
                writer.writerow([table.caption, label, head, value])
    return response


def _compliance_owners(user: User) -> tuple[Q | None, str]:
    """Whose duties the compliance view counts: a team manager's team's, a service manager's
    service's, else every duty of the children the user's figures count."""
    if user.has_role(Role.TEAM_MANAGER) and user.team_id:
        return Q(owner_team_id=user.team_id), f"owned by {user.team.name}"
    if user.has_role(Role.SERVICE_MANAGER) and user.team_id:
        return (
            Q(owner_organisation_id=user.organisation_id, owner_team__service=user.team.service),
            f"owned by the teams of {user.team.service}",
        )
    return None, "of the children whose figures you see"


def _months(today: dt.date, n: int) -> list[figures.Period]:
    """The last n months, the current one (to today) last."""
    months = []
    first = today.replace(day=1)
    for _ in range(n):
        last = min(today, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))
        months.append(figures.Period(first, last))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return months[::-1]


@figures.jit_off()
def compliance(request: HttpRequest) -> HttpResponse:
    """Duties met in time, by kind, month by month (seed 003: compliance escalated to team
    managers monthly). A month's duties are those of the episodes reported in it."""
    user = insight_user(request)
    suppress, named = not sees_names(user), sees_names(user)
    owners, whose = _compliance_owners(user)
    now = timezone.now()
    months = _months(timezone.localdate(), COMPLIANCE_MONTHS)
    children = children_counted_for(user)
    by_kind: dict[str, dict] = {}
    for index, month in enumerate(months):
        episodes = figures.summary_episodes(period=month, children=children)
        for tally in breakdowns.duties_by(episodes, by="kind", now=now, owners=owners):
            row = by_kind.setdefault(
                tally.key, {"label": DUTY_LABELS.get(tally.key, tally.key), "cells": {}}
            )
            link = None
            if named and tally.due:
                query = {
                    "start": month.start.isoformat(),
                    "end": month.end.isoformat(),
                    "duty": tally.key,
                }
                if owners is not None:
                    query["own"] = "1"
                link = reverse("insight:children") + "?" + urlencode(query)
            text = (
                f"{shown(tally.met_in_time, suppress=suppress)} of "
                f"{shown(tally.due, suppress=suppress)}"
            )
            hidden = f"list the children ({row['label'].lower()}, {month.start:%B %Y})"
            row["cells"][index] = Markup("{} ({})").format(
                count_link(link, text, hidden),
                percent(tally.met_in_time, tally.due, suppress=suppress),
            )
    rows = [by_kind[kind] for kind in sorted(by_kind, key=lambda k: by_kind[k]["label"])]
    return render(
        request,
        "insight/compliance.html",
        {
            "title": "Duties met in time, month by month",
            "active_nav": "insight",
            "months": months,
            "rows": rows,
            "whose": whose,
            "suppress": suppress,
        },
    )


@figures.jit_off()
def children_behind(request: HttpRequest) -> HttpResponse:
    """The episodes (and children) behind a figure: through the access gate, never for an
    analyst."""
    user = insight_user(request)
    if not sees_names(user):
        raise PermissionDenied
    form = FiguresFilterForm(request.GET, teams=teams_of(user))
    period, filters = form.period(), form.filters()
    figure, duty = request.GET.get("figure", ""), request.GET.get("duty", "")
    episodes = figures.period_episodes(
        period=period, children=children_counted_for(user), filters=filters
    )
    if figure:
        if figure not in figures.FIGURES:
            raise Http404("No such figure")
        title = LABELS[figure]
        episodes = figures.figure_children(episodes, figure=figure)
        duties = None
    elif duty in DUTY_LABELS:
        title = DUTY_LABELS[duty]
        owners, _whose = _compliance_owners(user)
        duties = breakdowns.period_duties(episodes).filter(kind=duty)
        if owners is not None and request.GET.get("own"):
            duties = duties.filter(owners)
        duties = {d.episode_id: d for d in duties.select_related("owner_team")}
        episodes = episodes.filter(pk__in=list(duties))
    else:
        raise Http404("No such figure")
    listed = list(episodes.select_related("child").order_by("reported_at", "pk")[:CHILDREN_LIMIT])
    audit_children_shown(
        actor=user,
        verb=AuditVerb.EPISODES_LISTED,
        target_type="episodes.missingepisode",
        child_ids=[episode.child_id for episode in listed],
        payload={"figure": figure or f"duty:{duty}"},
    )
    rows = []
    for episode in listed:
        row = {"episode": episode, "duty": None, "outcome": ""}
        if duties is not None:
            d = duties[episode.pk]
            row["duty"] = d
            if d.state == DutyState.DONE:
                row["outcome"] = "Done in time" if d.closed_at <= d.due_at else "Done late"
            else:
                row["outcome"] = "Overdue" if d.due_at < timezone.now() else "Not yet due"
        rows.append(row)
    return render(
        request,
        "insight/children.html",
        {
            "title": title,
            "active_nav": "insight",
            "period": period,
            "rows": rows,
            "more": len(listed) == CHILDREN_LIMIT,
            "back": reverse("insight:dashboard") + "?" + _query(form, period),
        },
    )
