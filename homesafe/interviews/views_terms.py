"""The interview taxonomy page: administrators list the push factors, pull factors and
exploitation indicators, add a term, change a label or hint, reorder, retire and reinstate.
Each action calls one service (services_terms); anyone else gets 403, as on the protocol page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from homesafe.interviews import forms
from homesafe.interviews.choices import TermKind
from homesafe.interviews.policy import can_manage_interview_terms
from homesafe.interviews.queries import interview_taxonomy, interview_term_get_or_404
from homesafe.interviews.services_terms import (
    interview_term_add,
    interview_term_change,
    interview_term_move,
    interview_term_reinstate,
    interview_term_retire,
)
from homesafe.web.form_pages import action_run, form_page

BACK = "Back to the interview factors and indicators"


def _check_admin(request: HttpRequest) -> None:
    if not can_manage_interview_terms(request.user):
        raise PermissionDenied


def term_list(request: HttpRequest) -> HttpResponse:
    _check_admin(request)
    taxonomy = interview_taxonomy()
    return render(
        request,
        "interviews/terms.html",
        {
            "title": "Interview factors and indicators",
            "active_nav": "terms",
            "lists": [(kind, taxonomy.of_kind(kind)) for kind in TermKind],
        },
    )


def _term_page(request, *, form, save, title: str, done: str, caption: str = "") -> HttpResponse:
    return form_page(
        request,
        form=form,
        save=save,
        title=title,
        done=done,
        next_url=reverse("interviews:terms"),
        caption=caption or "Interview factors and indicators",
        active_nav="terms",
        back_url=reverse("interviews:terms"),
        back_text=BACK,
    )


def term_add(request: HttpRequest) -> HttpResponse:
    _check_admin(request)
    kind = request.GET.get("kind", "")
    form = forms.TermAddForm(
        request.POST if request.method == "POST" else None,
        initial={"kind": kind} if kind in TermKind.values else None,
    )
    return _term_page(
        request,
        form=form,
        save=lambda **data: interview_term_add(actor=request.user, **data),
        title="Add a factor or indicator",
        done="Added: it is now offered on the interview form",
    )


def term_change(request: HttpRequest, term_id: int) -> HttpResponse:
    _check_admin(request)
    term = interview_term_get_or_404(term_id=term_id)
    form = forms.TermChangeForm(request.POST if request.method == "POST" else None, term=term)
    return _term_page(
        request,
        form=form,
        save=lambda **data: interview_term_change(term=term, actor=request.user, **data),
        title=f"Change {TermKind(term.kind).label.lower()}",
        caption=f"Code {term.code} (never changes)",
        done="Saved: interviews show the new wording",
    )


def _post_action(request: HttpRequest, term_id: int, action, done: str) -> HttpResponse:
    _check_admin(request)
    term = interview_term_get_or_404(term_id=term_id)
    return action_run(
        request,
        act=lambda: action(term),
        done=done.format(label=term.label),
        back_url=f"{reverse('interviews:terms')}#{term.kind}",
    )


@require_POST
def term_move(request: HttpRequest, term_id: int) -> HttpResponse:
    up = request.POST.get("direction") != "down"
    return _post_action(
        request,
        term_id,
        lambda term: interview_term_move(term=term, up=up, actor=request.user),
        "Moved {label} " + ("up" if up else "down"),
    )


@require_POST
def term_retire(request: HttpRequest, term_id: int) -> HttpResponse:
    return _post_action(
        request,
        term_id,
        lambda term: interview_term_retire(term=term, actor=request.user),
        "Retired {label}: it is no longer offered, and interviews that hold it keep it",
    )


@require_POST
def term_reinstate(request: HttpRequest, term_id: int) -> HttpResponse:
    return _post_action(
        request,
        term_id,
        lambda term: interview_term_reinstate(term=term, actor=request.user),
        "Reinstated {label}: it is offered on the interview form again",
    )
