"""Administration: the home page, people (invite, roles, team, deactivate, two-factor reset),
the invitation link and the audit log's ids and verbs.

Every page is for administrators only (others get 403, docs/access.md); each change is one
service call, audited in the same transaction. Organisations and keys are in
views_organisations.py, the protocol settings in views_protocol.py.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from homesafe.access.choices import AuditVerb, Role
from homesafe.access.errors import ApplicationError
from homesafe.access.services_users import (
    user_deactivate,
    user_mfa_reset,
    user_reactivate,
    user_role_grant,
    user_role_remove,
    user_team_set,
)
from homesafe.administration import forms
from homesafe.administration.policy import can_administer
from homesafe.administration.queries import (
    AUDIT_PAGE_SIZE,
    audit_entries_for_administration,
    user_get_for_administration,
    user_invitations,
    users_for_administration,
)
from homesafe.administration.services import (
    invitation_accept,
    invitation_get_usable,
    user_invite,
    user_invite_again,
)
from homesafe.reminders.queries import reminder_preference_for
from homesafe.web.form_pages import action_run, form_page, form_response, form_save

USERS_PAGE_SIZE = 100


def check_administrator(request: HttpRequest) -> None:
    if not can_administer(request.user):
        raise PermissionDenied


def admin_form_page(request: HttpRequest, *, back_url: str, **page) -> HttpResponse:
    """An administration page with one form (homesafe.web.form_pages.form_page): once saved,
    back to `back_url`."""
    return form_page(
        request, next_url=back_url, back_url=back_url, active_nav="administration", **page
    )


def confirm_page(
    request: HttpRequest,
    *,
    act: Callable[[], object],
    title: str,
    warning: str,
    button: str,
    done: str,
    back_url: str,
) -> HttpResponse:
    """GET asks "are you sure?"; POST does it (a rule broken is shown as an error message)."""
    if request.method == "POST":
        return action_run(request, act=act, done=done, back_url=back_url)
    return render(
        request,
        "administration/confirm.html",
        {
            "title": title,
            "active_nav": "administration",
            "warning": warning,
            "button": button,
            "back_url": back_url,
        },
    )


def index(request: HttpRequest) -> HttpResponse:
    check_administrator(request)
    return render(
        request,
        "administration/index.html",
        {"title": "Administration", "active_nav": "administration"},
    )


# -- people ------------------------------------------------------------------------------


def user_list(request: HttpRequest) -> HttpResponse:
    check_administrator(request)
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(users_for_administration(search=search), USERS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "administration/users.html",
        {"title": "Users", "active_nav": "administration", "page": page, "search": search},
    )


def user_invite_view(request: HttpRequest) -> HttpResponse:
    check_administrator(request)
    form = forms.InviteForm(request.POST if request.method == "POST" else None)
    return admin_form_page(
        request,
        form=form,
        save=lambda **data: user_invite(actor=request.user, **data),
        title="Invite a user",
        intro="They get an e-mail with a link to set a password. The link works once, for "
        "7 days. When they first sign in they set up two-factor sign-in.",
        done="Invited: the sign-up link is on its way by e-mail",
        back_url=reverse("administration:users"),
        back_text="Back to users",
        submit_text="Send the invitation",
    )


def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    check_administrator(request)
    person = user_get_for_administration(user_id=user_id)
    return render(
        request,
        "administration/user.html",
        {
            "title": str(person),
            "active_nav": "administration",
            "person": person,
            "roles": [Role(grant.role) for grant in person.role_grants.all()],
            "invitations": user_invitations(user=person),
            "is_self": person.pk == request.user.pk,
            # Each person chooses for themselves; the administration sees it (no child in it).
            "reminder_preference": reminder_preference_for(user=person),
        },
    )


def user_role_add_view(request: HttpRequest, user_id: int) -> HttpResponse:
    check_administrator(request)
    person = user_get_for_administration(user_id=user_id)
    form = forms.RoleForm(request.POST if request.method == "POST" else None)
    return admin_form_page(
        request,
        form=form,
        save=lambda role: user_role_grant(user=person, role=role, actor=request.user),
        title="Give a role",
        caption=str(person),
        done="Role given",
        back_url=reverse("administration:user", args=[person.pk]),
        back_text=f"Back to {person}",
    )


@require_POST
def user_role_remove_view(request: HttpRequest, user_id: int) -> HttpResponse:
    check_administrator(request)
    person = user_get_for_administration(user_id=user_id)
    role = request.POST.get("role", "")
    if role not in Role.values:
        raise Http404
    return action_run(
        request,
        act=lambda: user_role_remove(user=person, role=role, actor=request.user),
        done=f"Removed the role {Role(role).label}",
        back_url=reverse("administration:user", args=[person.pk]),
    )


def user_team_view(request: HttpRequest, user_id: int) -> HttpResponse:
    check_administrator(request)
    person = user_get_for_administration(user_id=user_id)
    form = forms.TeamForm(
        request.POST if request.method == "POST" else None,
        organisation_id=person.organisation_id,
        initial={"team": person.team_id},
    )
    return admin_form_page(
        request,
        form=form,
        save=lambda team: user_team_set(user=person, team=team, actor=request.user),
        title="Change team",
        caption=str(person),
        done="Team changed",
        back_url=reverse("administration:user", args=[person.pk]),
        back_text=f"Back to {person}",
    )


def user_deactivate_view(request: HttpRequest, user_id: int) -> HttpResponse:
    check_administrator(request)
    person = user_get_for_administration(user_id=user_id)
    return confirm_page(
        request,
        act=lambda: user_deactivate(user=person, actor=request.user),
        title=f"Deactivate {person}",
        warning="They can no longer sign in, and see nothing. Their name stays on the record "
        "and in the audit log. You can reactivate them later.",
        button="Deactivate",
        done="Deactivated",
        back_url=reverse("administration:user", args=[person.pk]),
    )


@require_POST
def user_reactivate_view(request: HttpRequest, user_id: int) -> HttpResponse:
    check_administrator(request)
    person = user_get_for_administration(user_id=user_id)
    return action_run(
        request,
        act=lambda: user_reactivate(user=person, actor=request.user),
        done="Reactivated: they can sign in again",
        back_url=reverse("administration:user", args=[person.pk]),
    )


def user_mfa_reset_view(request: HttpRequest, user_id: int) -> HttpResponse:
    check_administrator(request)
    person = user_get_for_administration(user_id=user_id)
    return confirm_page(
        request,
        act=lambda: user_mfa_reset(user=person, actor=request.user),
        title=f"Reset two-factor sign-in for {person}",
        warning="Their authenticator app and recovery codes stop working. The next time they "
        "sign in with their password they must set up an authenticator app again. Do this "
        "only when you are sure who is asking (for example, a lost phone reported by them in "
        "person or by their manager).",
        button="Reset two-factor sign-in",
        done="Two-factor sign-in reset: they set it up again when they next sign in",
        back_url=reverse("administration:user", args=[person.pk]),
    )


@require_POST
def user_invite_again_view(request: HttpRequest, user_id: int) -> HttpResponse:
    check_administrator(request)
    person = user_get_for_administration(user_id=user_id)
    return action_run(
        request,
        act=lambda: user_invite_again(user=person, actor=request.user),
        done="A new sign-up link is on its way; earlier links stop working",
        back_url=reverse("administration:user", args=[person.pk]),
    )


# -- the invitation link (not signed in) -------------------------------------------------


@login_not_required
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_get_usable(token=token)
    except ApplicationError as error:
        return render(
            request,
            "administration/invitation_unusable.html",
            {"title": "This link does not work", "message": error.message},
            status=404,
        )
    form = forms.InvitationAcceptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = form_save(form, lambda **data: invitation_accept(token=token, **data))
        if saved.saved:
            messages.success(request, "Your password is set. Sign in with it now.")
            return redirect("account_login")
    # The token is in the address: SECURE_REFERRER_POLICY (same-origin) keeps it from other
    # sites. ("no-referrer" would make Chromium send "Origin: null", which CSRF refuses.)
    return form_response(
        request,
        "administration/invitation_accept.html",
        {"title": "Set your password", "form": form, "email": invitation.user.email},
    )


# -- the audit log -----------------------------------------------------------------------


def audit_log(request: HttpRequest) -> HttpResponse:
    check_administrator(request)
    verb = request.GET.get("verb", "")
    verb = verb if verb in AuditVerb.values else ""
    actor = request.GET.get("actor", "").strip()
    actor_id = int(actor) if actor.isdigit() and len(actor) < 19 else None
    target_type = request.GET.get("target_type", "").strip()[:50]
    target_id = request.GET.get("target", "").strip()[:50]
    entries = audit_entries_for_administration(
        verb=verb, actor_id=actor_id, target_type=target_type, target_id=target_id
    )
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "administration/audit.html",
        {
            "title": "Audit log",
            "active_nav": "administration",
            "page": page,
            "verb": verb,
            "actor": actor_id or "",
            "target": target_id,
            "target_type": target_type,
            "verbs": AuditVerb.choices,
        },
    )
