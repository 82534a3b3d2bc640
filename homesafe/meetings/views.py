"""Pages for meetings and professional differences: a child's meetings, a meeting as the
viewer may see it, a professional difference, and one form per use case (each calls one
service; bad input writes nothing)."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.concerns.queries import persons_visible_to
from homesafe.episodes.queries import children_missing_now
from homesafe.meetings import forms
from homesafe.meetings.choices import ALLOWED_TRANSITIONS, DifferenceStatus
from homesafe.meetings.policy import (
    can_complete_action,
    can_create_meeting,
    can_raise_difference,
    completes_seen_action,
)
from homesafe.meetings.queries import (
    SEARCH_LIMIT,
    action_get_for_user_or_404,
    actions_for_child,
    actions_overdue,
    child_reference,
    children_chosen,
    children_known_to,
    children_search_for_meeting,
    difference_view_for_user,
    differences_for_child,
    meeting_view_for_user,
    meetings_for_child,
    user_find_by_email,
)
from homesafe.meetings.services import (
    difference_escalate,
    difference_raise,
    difference_resolve,
    meeting_add_action,
    meeting_cancel,
    meeting_change_fulfils,
    meeting_complete_action,
    meeting_create,
    meeting_record_held,
    meeting_record_invitation,
    meeting_record_note,
    meeting_record_persons,
)
from homesafe.people.queries import child_get_for_user_or_404, search_match_reasons
from homesafe.web.form_pages import form_page

SEARCH_INPUTS = ("name", "date_of_birth_0", "date_of_birth_1", "date_of_birth_2", "identifier")


def _now():
    return timezone.now().replace(second=0, microsecond=0)


# --- A child's meetings ------------------------------------------------------------------


def child_meetings(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_get_for_user_or_404(user=request.user, child_id=child_id, log_read=False)
    audit_record(actor=request.user, verb=AuditVerb.MEETINGS_LISTED, target=child)
    actions = list(actions_for_child(child=child))
    return render(
        request,
        "meetings/child_meetings.html",
        {
            "title": f"Meetings: {child.full_name}",
            "child": child,
            "reference": child_reference(child),
            "meetings": list(meetings_for_child(child=child)),
            "actions": actions,
            "overdue": actions_overdue(actions),
            "differences": list(differences_for_child(child=child)),
            "can_create": can_create_meeting(request.user),
            "can_raise": can_raise_difference(request.user, child),
        },
    )


def _chosen_ids(request: HttpRequest) -> list[str]:
    return request.GET.getlist("child")


def meeting_choose_children(request: HttpRequest) -> HttpResponse:
    """Choose the children of a new meeting: those known to the children chosen so far (the
    meeting's subject) first, then a search by name, date of birth or ID. One GET form, so
    that what is ticked is kept when searching; no JavaScript needed."""
    user = request.user
    if not can_create_meeting(user):
        raise PermissionDenied
    chosen = children_chosen(user=user, ids=_chosen_ids(request))
    known = children_known_to(user=user, children=chosen)
    searched = any(request.GET.get(k, "").strip() for k in SEARCH_INPUTS)
    search = forms.ChildrenSearchForm(request.GET if searched else None)
    results, hints = None, {}
    if searched and search.is_valid():
        results = children_search_for_meeting(user=user, known=known, **search.cleaned_data)
        taken = {c.pk for c in chosen}
        results = [c for c in results if c.pk not in taken]
        hints = _result_hints(results[:SEARCH_LIMIT], known, search.cleaned_data)
    return render(
        request,
        "meetings/choose_children.html",
        {
            "title": "Which children were discussed?",
            "caption": str(user.organisation),
            "form": search,
            "chosen": chosen,
            "known": [k for k in known if k.child not in chosen],
            "results": results[:SEARCH_LIMIT] if results is not None else None,
            "more": results is not None and len(results) > SEARCH_LIMIT,
            "hints": hints,
            "label": forms.child_label,
            "back_url": reverse("meetings:child", args=[chosen[0].pk])
            if chosen
            else reverse("web:home"),
        },
    )


def _result_hints(results, known, search: dict) -> dict[int, str]:
    """Under each child found: missing now, known to the meeting's subject, what matched."""
    missing = children_missing_now(child_ids=[c.pk for c in results])
    matched = search_match_reasons(
        children=results, name=search["name"], identifier=search["identifier"]
    )
    known_ids = {k.child.pk for k in known}
    hints = {}
    for child in results:
        words = ["Missing now"] if child.pk in missing else []
        if child.pk in known_ids:
            words.append("Known to the children chosen")
        if matched.get(child.pk):
            words.append("Matched on " + ", ".join(matched[child.pk]))
        if words:
            hints[child.pk] = ". ".join(words)
    return hints


def meeting_new(request: HttpRequest) -> HttpResponse:
    """Record a meeting about the children chosen (meeting_choose_children); without any, go
    and choose them first."""
    user = request.user
    if not can_create_meeting(user):
        raise PermissionDenied
    ids = request.POST.getlist("children") if request.method == "POST" else _chosen_ids(request)
    chosen = children_chosen(user=user, ids=ids + _chosen_ids(request))
    if request.method != "POST" and not chosen:
        return redirect("meetings:choose_children")
    initial = {
        "when": _now(),
        "chair_organisation": user.organisation_id,
        "children": [str(child.pk) for child in chosen],
        # A duty's "Record the meeting" names the kind (strategy, multi-agency).
        "kind": request.GET.get("kind", ""),
    }
    form = forms.MeetingForm(request.POST or None, children=chosen, initial=initial)
    choose_again = (
        reverse("meetings:choose_children")
        + "?"
        + urlencode([("child", child.pk) for child in chosen])
    )

    def save(*, status, when, locations, **data):
        return meeting_create(
            local_authority=user.organisation,
            actor=user,
            held_at=when if status == "held" else None,
            planned_for=when if status == "planned" else None,
            locations=locations,
            **data,
        )

    return form_page(
        request,
        form=form,
        save=save,
        done="Meeting recorded",
        next_url=lambda meeting: reverse("meetings:detail", args=[meeting.pk]),
        title="Record a meeting",
        caption=str(user.organisation),
        back_url=choose_again,
        back_text="Back to choosing the children",
        submit_text="Save meeting",
    )


def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    view = meeting_view_for_user(user=request.user, meeting_id=meeting_id)
    meeting = view.meeting
    actions = [
        (action, completes_seen_action(request.user, action, can_record=view.can_record))
        for action in view.actions
    ]
    return render(
        request,
        "meetings/detail.html",
        {
            "title": meeting.get_kind_display(),
            "view": view,
            "meeting": meeting,
            "actions": actions,
            "allowed": ALLOWED_TRANSITIONS[meeting.status],
        },
    )


def _meeting_form(request, meeting_id, *, build, save, title, done, submit_text="Save"):
    view = meeting_view_for_user(user=request.user, meeting_id=meeting_id, log_read=False)
    if not view.can_record:
        raise PermissionDenied
    meeting = view.meeting
    return form_page(
        request,
        form=build(view, request.POST if request.method == "POST" else None),
        save=lambda **data: save(view=view, **data),
        done=done,
        next_url=lambda _: reverse("meetings:detail", args=[meeting.pk]),
        title=title,
        caption=f"{meeting.get_kind_display()}, {timezone.localtime(meeting.when):%-d %b %Y}",
        back_url=reverse("meetings:detail", args=[meeting.pk]),
        back_text="Back to the meeting",
        submit_text=submit_text,
    )


def meeting_held_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_form(
        request,
        meeting_id,
        build=lambda view, data: forms.HeldForm(data, initial={"held_at": _now()}),
        save=lambda *, view, **data: meeting_record_held(
            meeting=view.meeting, actor=request.user, **data
        ),
        title="Record that the meeting was held",
        done="Meeting recorded as held",
    )


def meeting_fulfils_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    def build(view, data):
        current = sorted({f.duty for link in view.children for f in link.fulfilments.all()}) or [
            forms.FULFILS_NONE
        ]
        return forms.FulfilsForm(data, initial={"fulfils": current})

    return _meeting_form(
        request,
        meeting_id,
        build=build,
        save=lambda *, view, **data: meeting_change_fulfils(
            meeting=view.meeting, actor=request.user, **data
        ),
        title="Change which duties the meeting fulfils",
        done="Duties the meeting fulfils changed",
    )


def meeting_cancel_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_form(
        request,
        meeting_id,
        build=lambda view, data: forms.GovukForm(data),
        save=lambda *, view, **data: meeting_cancel(meeting=view.meeting, actor=request.user),
        title="Cancel the meeting",
        done="Meeting cancelled",
        submit_text="Cancel the meeting",
    )


def meeting_invitation_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_form(
        request,
        meeting_id,
        build=lambda view, data: forms.InvitationForm(data),
        save=lambda *, view, **data: meeting_record_invitation(
            meeting=view.meeting, actor=request.user, **data
        ),
        title="Invite an agency or record its attendance",
        done="Invitation recorded",
    )


def meeting_note_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _meeting_form(
        request,
        meeting_id,
        build=lambda view, data: forms.NoteForm(data, links=view.children),
        save=lambda *, view, **data: meeting_record_note(
            meeting=view.meeting, actor=request.user, **data
        ),
        title="Record a decision or risk",
        done="Decision or risk recorded",
    )


def meeting_action_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    def save(*, view, owner_email, **data):
        return meeting_add_action(
            meeting=view.meeting, actor=request.user, owner_person=owner_email, **data
        )

    return _meeting_form(
        request,
        meeting_id,
        build=lambda view, data: forms.ActionForm(
            data, links=view.children, find_user=user_find_by_email
        ),
        save=save,
        title="Add an action",
        done="Action added",
        submit_text="Add action",
    )


def meeting_persons_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    def build(view, data):
        persons = persons_visible_to(user=request.user).order_by("name", "pk")
        return forms.PersonsDiscussedForm(data, links=view.children, persons=persons)

    return _meeting_form(
        request,
        meeting_id,
        build=build,
        save=lambda *, view, **data: meeting_record_persons(
            meeting=view.meeting, actor=request.user, **data
        ),
        title="Record persons of concern discussed",
        done="Persons of concern recorded",
    )


def action_complete_view(request: HttpRequest, action_id: int) -> HttpResponse:
    action = action_get_for_user_or_404(user=request.user, action_id=action_id)
    if action.completed_at is not None or not can_complete_action(request.user, action):
        raise PermissionDenied
    meeting = action.meeting
    form = forms.CompleteActionForm(
        request.POST if request.method == "POST" else None, initial={"completed_at": _now()}
    )
    return form_page(
        request,
        form=form,
        save=lambda **data: meeting_complete_action(action=action, actor=request.user, **data),
        done="Action completed",
        next_url=lambda _: reverse("meetings:detail", args=[meeting.pk]),
        title="Complete the action",
        caption=action.description[:120],
        back_url=reverse("meetings:detail", args=[meeting.pk]),
        back_text="Back to the meeting",
        submit_text="Complete action",
    )


# --- Professional differences ------------------------------------------------------------


def difference_new(request: HttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    child = child_get_for_user_or_404(user=user, child_id=child_id, log_read=False)
    if not can_raise_difference(user, child):
        raise PermissionDenied
    form = forms.DifferenceForm(
        request.POST or None,
        initial={"raised_at": _now(), "raised_by_name": user.get_full_name()},
    )
    return form_page(
        request,
        form=form,
        save=lambda **data: difference_raise(
            child=child, raised_by_organisation=user.organisation, actor=user, **data
        ),
        done="Professional difference recorded",
        next_url=lambda difference: reverse("meetings:difference", args=[difference.pk]),
        title="Record a professional difference",
        caption=f"{child.full_name}, raised by {user.organisation}",
        back_url=reverse("meetings:child", args=[child.pk]),
        back_text="Back to the child's meetings",
        intro="When agencies disagree about what a child needs (for example whether to hold a "
        "strategy meeting), record the difference and each stage it reaches.",
    )


def difference_detail(request: HttpRequest, difference_id: int) -> HttpResponse:
    view = difference_view_for_user(user=request.user, difference_id=difference_id)
    return render(
        request,
        "meetings/difference.html",
        {
            "title": "Professional difference",
            "view": view,
            "difference": view.difference,
            "child": view.difference.child,
            "is_open": view.difference.status == DifferenceStatus.OPEN,
        },
    )


def _difference_form(request, difference_id, *, form_class, when, save, title, done):
    view = difference_view_for_user(user=request.user, difference_id=difference_id, log_read=False)
    difference = view.difference
    if not view.can_update or difference.status != DifferenceStatus.OPEN:
        raise PermissionDenied
    form = form_class(request.POST if request.method == "POST" else None, initial={when: _now()})
    return form_page(
        request,
        form=form,
        save=lambda **data: save(difference=difference, actor=request.user, **data),
        done=done,
        next_url=lambda _: reverse("meetings:difference", args=[difference.pk]),
        title=title,
        caption=difference.child.full_name,
        back_url=reverse("meetings:difference", args=[difference.pk]),
        back_text="Back to the professional difference",
    )


def difference_escalate_view(request: HttpRequest, difference_id: int) -> HttpResponse:
    return _difference_form(
        request,
        difference_id,
        form_class=forms.EscalateForm,
        when="reached_at",
        save=difference_escalate,
        title="Record the stage reached",
        done="Stage recorded",
    )


def difference_resolve_view(request: HttpRequest, difference_id: int) -> HttpResponse:
    return _difference_form(
        request,
        difference_id,
        form_class=forms.ResolveForm,
        when="resolved_at",
        save=difference_resolve,
        title="Record the outcome",
        done="Outcome recorded",
    )
