"""Duties' pages: a duty with its history and three small forms, and the managers' view of
overdue duties. (The CMO's daily screening list is homesafe.daily_screening.)"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from homesafe.access.audit import audit_children_shown
from homesafe.access.choices import AuditVerb, Role
from homesafe.access.policy import can_change_child
from homesafe.duties.actions import duty_page_telling
from homesafe.duties.forms import DutyCompleteForm, DutyNotNeededForm, DutyReassignForm
from homesafe.duties.models import Duty
from homesafe.duties.owners import duties_owned_q
from homesafe.duties.queries import duties_overdue_by_team, duty_get_for_user_or_404
from homesafe.duties.services import duty_complete, duty_mark_not_needed, duty_reassign
from homesafe.meetings.queries import meetings_fulfilling
from homesafe.web.form_pages import form_response, form_save

OVERDUE_LIMIT = 1000
OVERDUE_ROLES = (
    Role.TEAM_MANAGER,
    Role.SERVICE_MANAGER,
    Role.SENIOR_LEADER,
    Role.MISSING_COORDINATOR,
)


def _can_work_on(user, duty: Duty) -> bool:
    """An owner of the duty, or someone who may change the child's record."""
    return Duty.objects.filter(duties_owned_q(user), pk=duty.pk).exists() or can_change_child(
        user, duty.child
    )


def _duty_page(request: HttpRequest, duty: Duty, *, bound=None) -> HttpResponse:
    """The duty's page; `bound` is the one form that was posted and failed, shown with its
    errors (the page then answers 400)."""
    can_work = duty.is_open and _can_work_on(request.user, duty)
    context = {
        "title": f"{duty.label}: {duty.child.full_name}",
        "duty": duty,
        "child": duty.child,
        "episode": duty.episode,
        "now": timezone.now(),
        "events": list(
            duty.events.select_related("actor__organisation", "about_user__organisation")
        ),
        "can_work": can_work,
        "fulfilled_by": meetings_fulfilling(episode_id=duty.episode_id, duty=duty.kind),
    }
    # The button for the action that does the duty, who is told and whether they have read it.
    context.update(duty_page_telling(duty, can_work=can_work, now=context["now"]))
    if bound is not None:
        # The layout shows its error summary (also when the duty closed meanwhile, and the
        # page has no forms any more).
        context["form"] = bound[1]
    if can_work:
        forms = {
            "complete_form": DutyCompleteForm(),
            "not_needed_form": DutyNotNeededForm(),
            "reassign_form": DutyReassignForm(duty=duty),
        }
        if bound is not None:
            name, form = bound
            forms[name] = form
        context.update(forms)
        # A notification told from outside HomeSafe: its contacts, Send, told another way.
        from homesafe.duties.views_send import send_panel

        context.update(send_panel(request, duty, bound=bound))
    return form_response(request, "duties/detail.html", context)


def duty_detail(request: HttpRequest, duty_id: int) -> HttpResponse:
    duty = duty_get_for_user_or_404(user=request.user, duty_id=duty_id)
    return _duty_page(request, duty)


def _duty_action(request: HttpRequest, duty_id: int, *, name: str, form_factory, act, done):
    """Post one of the duty page's forms: gate, permission, form, service, message, redirect."""
    duty = duty_get_for_user_or_404(user=request.user, duty_id=duty_id)
    if not _can_work_on(request.user, duty):
        raise PermissionDenied
    form = form_factory(duty, request.POST)
    outcome = form_save(form, lambda **data: act(duty=duty, actor=request.user, **data))
    if outcome.saved:
        messages.success(request, done(outcome.result, form.cleaned_data))
        return redirect("duties:detail", duty_id=duty.pk)
    duty.refresh_from_db()  # closed meanwhile: the page says why, with no forms
    return _duty_page(request, duty, bound=(name, form))


@require_POST
def duty_complete_view(request: HttpRequest, duty_id: int) -> HttpResponse:
    return _duty_action(
        request,
        duty_id,
        name="complete_form",
        form_factory=lambda duty, data: DutyCompleteForm(data),
        act=duty_complete,
        done=lambda duty, data: "Duty marked as done",
    )


@require_POST
def duty_not_needed_view(request: HttpRequest, duty_id: int) -> HttpResponse:
    return _duty_action(
        request,
        duty_id,
        name="not_needed_form",
        form_factory=lambda duty, data: DutyNotNeededForm(data),
        act=duty_mark_not_needed,
        done=lambda duty, data: "Duty marked as not needed",
    )


@require_POST
def duty_reassign_view(request: HttpRequest, duty_id: int) -> HttpResponse:
    return _duty_action(
        request,
        duty_id,
        name="reassign_form",
        form_factory=lambda duty, data: DutyReassignForm(data, duty=duty),
        act=duty_reassign,
        done=lambda duty, data: f"Duty reassigned to {data['to']}",
    )


def overdue(request: HttpRequest) -> HttpResponse:
    """Managers' view: the overdue duties of the children they can see, by owning team."""
    if not request.user.has_role(*OVERDUE_ROLES):
        raise PermissionDenied
    now = timezone.now()
    duties = duties_overdue_by_team(user=request.user, now=now)
    summary = list(
        duties.order_by()
        .values("owner_organisation", "owner_organisation__name", "owner_team", "owner_team__name")
        .annotate(count=Count("pk"))
        .order_by(
            "owner_organisation__name", "owner_organisation", "owner_team__name", "owner_team"
        )
    )
    counts = {(row["owner_organisation"], row["owner_team"]): row["count"] for row in summary}
    groups: dict[tuple, dict] = {}
    for duty in duties[:OVERDUE_LIMIT]:
        key = (duty.owner_organisation_id, duty.owner_team_id)
        groups.setdefault(
            key,
            {
                "organisation": duty.owner_organisation,
                "team": duty.owner_team,
                "count": counts.get(key, 0),
                "duties": [],
            },
        )["duties"].append(duty)
    total = sum(counts.values())
    audit_children_shown(
        actor=request.user,
        verb=AuditVerb.OVERDUE_VIEWED,
        target_type="duties.duty",
        child_ids=[duty.child_id for group in groups.values() for duty in group["duties"]],
    )
    return render(
        request,
        "duties/overdue.html",
        {
            "title": "Overdue duties",
            "active_nav": "overdue",
            "now": now,
            "summary": summary,
            "groups": list(groups.values()),
            "total": total,
            "more": total > OVERDUE_LIMIT,
        },
    )


@require_POST
def reminders_read(request: HttpRequest) -> HttpResponse:
    """Dismiss my in-app reminders (from My work)."""
    from homesafe.duties.services import reminders_mark_read

    reminders_mark_read(user=request.user)
    return redirect("web:home")


@require_POST
def notice_acknowledge_view(request: HttpRequest, notice_id: int) -> HttpResponse:
    """The told person acknowledges a notice (from My work)."""
    from homesafe.duties.models import Notice
    from homesafe.duties.telling import notice_acknowledge

    notice = Notice.objects.filter(pk=notice_id, recipient=request.user).first()
    if notice is None:
        raise Http404("No notice found")
    notice_acknowledge(notice=notice, actor=request.user)
    messages.success(request, "Notice acknowledged")
    return redirect("web:home")
