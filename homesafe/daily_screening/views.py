"""The missing coordinator's daily screening: every new and found police notification since the
last working day began (or in a range asked for), each with a decision to record; and its CSV."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from homesafe.access.choices import AuditVerb
from homesafe.daily_screening.choices import NotificationKind
from homesafe.daily_screening.exports import screening_csv
from homesafe.daily_screening.forms import ScreeningDecisionForm, ScreeningRangeForm
from homesafe.daily_screening.queries import (
    ScreeningRange,
    can_screen,
    screening_default_range,
    screening_episode_for_user_or_404,
    screening_list_for_user,
)
from homesafe.daily_screening.services import screening_decision_record
from homesafe.safety_plans.family import episodes_missing_together, missing_together_groups
from homesafe.web.form_pages import form_response, form_save

PAGE_LIMIT = 500  # notifications on the page; the CSV has them all


def _prefix(episode_id: int, kind: str) -> str:
    return f"n{episode_id}-{kind}"


def _about(n) -> str:
    return f"{n.label}, {n.episode.child.full_name}"


def _range_query(r: ScreeningRange, *, default: ScreeningRange) -> str:
    if r == default:
        return ""
    return "?" + urlencode({"from": r.first_day.isoformat(), "to": r.last_day.isoformat()})


def _page(
    request: HttpRequest,
    *,
    range_form: ScreeningRangeForm,
    r: ScreeningRange,
    bound: tuple[str, ScreeningDecisionForm] | None = None,
) -> HttpResponse:
    now = timezone.now()
    screening = screening_list_for_user(user=request.user, range=r)
    shown = screening.notifications[:PAGE_LIMIT]
    forms = {}
    for n in shown:
        prefix = _prefix(n.episode.pk, n.kind)
        if bound is not None and bound[0] == prefix:
            forms[prefix] = bound[1]
        else:
            initial = (
                {"decision": n.decision.decision, "note": n.decision.note} if n.decision else {}
            )
            forms[prefix] = ScreeningDecisionForm(prefix=prefix, initial=initial, about=_about(n))
    # Brothers, sisters or household members missing at the same time: one event, a group of
    # their notifications of the same kind, each with its own decision.
    together = episodes_missing_together(
        user=request.user, episodes={n.episode.pk: n.episode for n in shown}.values()
    )
    context = {
        "title": "Daily screening",
        "active_nav": "screening",
        "now": now,
        "range": r,
        "is_default": r == screening_default_range(now),
        "range_form": range_form,
        "screening": screening,
        "counts": screening.counts,
        "notifications": shown,
        "total": len(screening.notifications),
        "more": len(screening.notifications) > PAGE_LIMIT,
        "forms": forms,
        "prefix": _prefix,
        "csv_url": reverse("daily_screening:csv")
        + "?"
        + urlencode({"from": r.first_day.isoformat(), "to": r.last_day.isoformat()}),
        "kinds": NotificationKind,
        "groups": missing_together_groups(
            shown, together=together, episode_id=lambda n: n.episode.pk, kind=lambda n: n.kind
        ),
        "together": together,
        "listed": {n.episode.pk for n in shown},
    }
    if bound is not None:
        context["form"] = bound[1]  # the layout shows its error summary
    elif range_form.is_bound and range_form.errors:
        context["form"] = range_form
    return form_response(request, "daily_screening/list.html", context)


def _range_from(request: HttpRequest, data) -> tuple[ScreeningRangeForm, ScreeningRange]:
    now = timezone.now()
    wanted = {k: data[k] for k in ("from", "to") if data.get(k)}
    form = ScreeningRangeForm(wanted or None, now=now)
    if form.is_bound and form.is_valid():
        return form, form.screening_range()
    return form, screening_default_range(now)


@require_GET
def screening_list(request: HttpRequest) -> HttpResponse:
    if not can_screen(request.user):
        raise PermissionDenied
    range_form, r = _range_from(request, request.GET)
    return _page(request, range_form=range_form, r=r)


@require_GET
def screening_download(request: HttpRequest) -> HttpResponse:
    """The same list as CSV; a bad range is the page's error, not a file."""
    if not can_screen(request.user):
        raise PermissionDenied
    range_form, r = _range_from(request, request.GET)
    if range_form.is_bound and range_form.errors:
        return _page(request, range_form=range_form, r=r)  # 400
    screening = screening_list_for_user(
        user=request.user, range=r, verb=AuditVerb.DAILY_SCREENING_DOWNLOADED
    )
    response = HttpResponse(screening_csv(screening), content_type="text/csv; charset=utf-8")
    name = f"screening-{r.first_day.isoformat()}-to-{r.last_day.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def screening_decide(request: HttpRequest) -> HttpResponse:
    """Record the decision posted from one row of the list, then back to the same list."""
    if not can_screen(request.user):
        raise PermissionDenied
    range_form, r = _range_from(request, request.POST)
    back = reverse("daily_screening:list") + _range_query(
        r, default=screening_default_range(timezone.now())
    )
    try:
        episode_id = int(request.POST.get("episode", ""))
    except ValueError:
        return redirect(back)
    kind = request.POST.get("notification", "")
    if kind not in NotificationKind.values:
        return redirect(back)
    episode = screening_episode_for_user_or_404(user=request.user, episode_id=episode_id)
    prefix = _prefix(episode.pk, kind)
    form = ScreeningDecisionForm(
        request.POST,
        prefix=prefix,
        about=f"{NotificationKind(kind).label}, {episode.child.full_name}",
    )
    outcome = form_save(
        form,
        lambda *, decision, note: screening_decision_record(
            episode=episode, notification=kind, decision=decision, note=note, actor=request.user
        ),
    )
    if outcome.saved:
        messages.success(request, f"Screening decision recorded for {episode.child.full_name}")
        return redirect(f"{back}#{prefix}")
    return _page(request, range_form=range_form, r=r, bound=(prefix, form))
