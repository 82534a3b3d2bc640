"""Recording the interview in sections (GOV.UK's task list): a page per section with "Save and
continue" (the section's own fields checked) and "Save and come back later" (kept as typed,
checked later), both kept in the author's draft; then "Check your answers", which records the
interview through services.interview_complete, checking everything at once. A manager may read
the drafts of the people whose work they manage (read only)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from homesafe.interviews import forms_record
from homesafe.interviews.choices import ALLOWED_TRANSITIONS, InterviewStatus
from homesafe.interviews.queries import (
    InterviewView,
    draft_for_user_or_404,
    draft_of_author,
    interview_page_for_user_or_404,
    interview_taxonomy,
)
from homesafe.interviews.services import interview_complete, interview_complete_problems
from homesafe.interviews.services_drafts import interview_draft_save
from homesafe.web.form_pages import form_response, form_save
from homesafe.web.jinja import london

DRAFT_SAVED = "Draft saved. Only you and your managers can see it until you record the interview"
SECTION_SAVED = "{title}: saved"
RECORDED = "Return interview recorded"
DRAFT = "draft"  # the value of the button "Save and come back later"


def _recordable(request: HttpRequest, episode_id: int) -> InterviewView:
    """The interview, for someone who may record it while it can still be completed."""
    view = interview_page_for_user_or_404(user=request.user, episode_id=episode_id, log_read=False)
    if not view.can_record or view.interview is None:
        raise PermissionDenied
    if InterviewStatus.COMPLETED not in ALLOWED_TRANSITIONS[view.interview.status]:
        raise PermissionDenied
    return view


def _caption(view: InterviewView) -> str:
    episode = view.episode
    if episode.returned_at:
        return f"{episode.child.full_name}, returned {london(episode.returned_at)}"
    return episode.child.full_name


def _initial(request: HttpRequest) -> dict:
    return {"held_by_organisation": request.user.organisation_id}


def _task_items(view: InterviewView, form, draft) -> list[dict]:
    answers = draft.answers if draft else {}
    done = set(draft.sections_done) if draft else set()
    items = []
    for section in forms_record.SECTIONS:
        if section.slug in done:
            status = {"text": "Completed"}
        elif forms_record.section_started(form, section, answers):
            status = {"tag": {"text": "In progress", "classes": "govuk-tag--light-blue"}}
        else:
            status = {"tag": {"text": "Not yet started", "classes": "govuk-tag--blue"}}
        items.append(
            {
                "title": {"text": section.title},
                "href": reverse("interviews:section", args=[view.episode.pk, section.slug]),
                "status": status,
            }
        )
    return items


def record_tasks(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The task list: each section with its state in the author's draft."""
    view = _recordable(request, episode_id)
    draft = draft_of_author(user=request.user, interview=view.interview)
    form = forms_record.complete_form(None, episode=view.episode, taxonomy=interview_taxonomy())
    return render(
        request,
        "interviews/record_tasks.html",
        {
            "title": "Record the return interview",
            "caption": _caption(view),
            "episode": view.episode,
            "draft": draft,
            "items": _task_items(view, form, draft),
        },
    )


def record_section(request: HttpRequest, episode_id: int, section: str) -> HttpResponse:
    """One section's page. Either button keeps what was typed in the author's draft."""
    view = _recordable(request, episode_id)
    current = forms_record.section_get(section)
    if current is None:
        raise Http404("No such section")
    episode, interview = view.episode, view.interview
    draft = draft_of_author(user=request.user, interview=interview)
    answers = draft.answers if draft else {}
    posted = request.POST if request.method == "POST" else None
    # From an error on the check-your-answers page: the section shows its problems.
    checking = posted is None and request.GET.get("check") == "1"
    taxonomy = interview_taxonomy()
    form = forms_record.section_form(
        current,
        posted if not checking else MultiValueDict(answers),
        episode=episode,
        taxonomy=taxonomy,
        answers=answers,
        initial=_initial(request),
    )
    if checking:
        whole = forms_record.form_from_answers(answers, episode=episode, taxonomy=taxonomy)
        problems = _all_problems(whole, interview)
        form.is_valid()
        for name in current.fields:
            for message in problems.get(name, ()):
                if message not in form.errors.get(name, ()):
                    form.add_error(name, message)
    if posted is not None:
        later = posted.get("action") == DRAFT
        outcome = form_save(
            form,
            lambda **_: interview_draft_save(
                interview=interview,
                author=request.user,
                section=current.slug,
                inputs=forms_record.section_inputs(form, current),
                answers=forms_record.answers_from_post(form, current, posted),
                done=not later,
                actor=request.user,
            ),
            validate=not later,  # "Save and come back later" keeps what was typed, unchecked
        )
        if outcome.saved:
            if later:
                messages.success(request, DRAFT_SAVED)
                return redirect("interviews:detail", episode_id=episode.pk)
            following = forms_record.section_after(current)
            if following is None:
                return redirect("interviews:check", episode_id=episode.pk)
            return redirect("interviews:section", episode_id=episode.pk, section=following.slug)
    return form_response(
        request,
        "interviews/record_section.html",
        {
            "title": current.title,
            "caption": _caption(view),
            "form": form,
            "episode": episode,
            "section": current,
            "back_url": reverse("interviews:complete", args=[episode.pk]),
        },
        form=form if posted is not None else None,  # a GET shows the check's problems: 200
    )


def record_check(request: HttpRequest, episode_id: int) -> HttpResponse:
    """Check your answers, then record the interview: every problem is shown at once, each
    linking to its section."""
    view = _recordable(request, episode_id)
    episode, interview = view.episode, view.interview
    draft = draft_of_author(user=request.user, interview=interview)
    answers = draft.answers if draft else {}
    taxonomy = interview_taxonomy()
    form = forms_record.form_from_answers(answers, episode=episode, taxonomy=taxonomy)
    errors: dict = {}
    if request.method == "POST":
        outcome = form_save(
            form, lambda **data: interview_complete(interview=interview, actor=request.user, **data)
        )
        if outcome.saved:
            messages.success(request, RECORDED)
            return redirect("interviews:detail", episode_id=episode.pk)
        # The service's refusal as it stands; else every problem of the answers at once.
        errors = dict(form.errors) if outcome.checked else _all_problems(form, interview)
    return form_response(
        request,
        "interviews/record_check.html",
        {
            "title": "Check your answers before recording the interview",
            "caption": _caption(view),
            "episode": episode,
            "sections": forms_record.answers_by_section(form, answers, errors),
            "problems": _problems(episode, form, errors),
            "editable": True,
        },
        form=form if request.method == "POST" else None,
    )


def _all_problems(form, interview) -> dict[str, list[str]]:
    """Every problem at once: the form's (missing or malformed answers), then the rules of
    recording (services.interview_complete_problems) on the answers that are well formed."""
    form.is_valid()
    errors = {name: [str(m) for m in messages_] for name, messages_ in form.errors.items()}
    problems = interview_complete_problems(interview=interview, **form.cleaned_data)
    for name, message in problems.items():
        errors.setdefault(name, [message])
    return errors


def _problems(episode, form, errors: dict) -> dict | None:
    """The error summary: each problem links to the field on its section's page."""
    if not errors:
        return None
    where = {name: s for s in forms_record.SECTIONS for name in s.fields}
    items = []
    for name, messages_ in errors.items():
        section = where.get(name)
        href = ""
        if section is not None:
            anchor = forms_record.input_names(form, name)[0] if name == "held_at" else name
            href = reverse("interviews:section", args=[episode.pk, section.slug])
            href += f"?check=1#id_{anchor}"
        items += [{"text": str(m), **({"href": href} if href else {})} for m in messages_]
    return {"titleText": "There is a problem", "errorList": items}


def draft_detail(request: HttpRequest, episode_id: int, draft_id: int) -> HttpResponse:
    """A draft as its author or their manager may read it (read only)."""
    view = interview_page_for_user_or_404(user=request.user, episode_id=episode_id, log_read=False)
    if view.interview is None:
        raise Http404("No interview found")
    draft = draft_for_user_or_404(user=request.user, interview=view.interview, draft_id=draft_id)
    form = forms_record.form_from_answers(
        draft.answers, episode=view.episode, taxonomy=interview_taxonomy()
    )
    return render(
        request,
        "interviews/record_check.html",
        {
            "title": f"Draft by {draft.author}",
            "caption": _caption(view),
            "episode": view.episode,
            "draft": draft,
            "sections": forms_record.answers_by_section(form, draft.answers),
            "problems": None,
            "editable": False,
        },
    )
