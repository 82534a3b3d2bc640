"""One way a page records a change (STYLE.md 10): the form's valid data goes to one service, as
one use case (homesafe.use_cases), and whatever the service refuses is shown on the same form
in GOV.UK's error summary, the page answering 400. Every view that posts a form goes through here; no view
catches a service's errors itself (tests/web/test_architecture.py holds this).

- `form_save(form, save)` runs the service and puts its errors on the form:
  `ValidationError` on the fields it names (renamed through `field_map`; a name the form lacks
  goes to the form as a whole), `ApplicationError` on the form (its message), and `StaleEdit`
  as the fields changed meanwhile (homesafe.web.edits).
- `form_page(...)` is a whole page of one form: on success a message and a redirect, otherwise
  the form again (`web/form_page.html` unless said otherwise).
- `form_response(...)` renders a page showing a form: 400 when the form has errors.
- `action_run(...)` is a button without fields (remove, reactivate, move): a broken rule comes
  back as an error banner on the page it returns to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from homesafe.access.edits import StaleEdit
from homesafe.access.errors import ApplicationError
from homesafe.use_cases import use_case
from homesafe.web.edits import VersionedForm, form_show_stale

FORM_PAGE = "web/form_page.html"
FORM_ERROR_STATUS = 400


@dataclass(frozen=True)
class Saved:
    """What `form_save` did: `saved` is False when the form or the service refused the input;
    `checked` says the form's own checks passed (so a refusal was the service's)."""

    saved: bool
    checked: bool = True
    result: Any = None


def _add_service_error(
    form: forms.Form, error: ValidationError | ApplicationError, field_map: Mapping[str, str]
) -> None:
    if isinstance(error, ApplicationError):
        form.add_error(None, error.message)
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            name = field_map.get(field, field)
            target = name if name in form.fields else None
            for item in errors:
                form.add_error(target, item.messages[0])
        return
    for message in error.messages:
        form.add_error(None, message)


def _form_checks(form: forms.Form) -> bool:
    return form.is_valid()


def _call_service(form: forms.Form, save: Callable[..., Any], *, atomic: bool, validate: bool):
    """The page's write as one use case (homesafe.use_cases): one durable transaction, the
    services it calls inside it, their children re-planned once at its end."""
    data = form.cleaned_data if validate else {}
    if not atomic:
        return save(**data)
    return use_case(save)(**data)


def form_save(
    form: forms.Form,
    save: Callable[..., Any],
    *,
    field_map: Mapping[str, str] | None = None,
    atomic: bool = True,
    validate: bool = True,
) -> Saved:
    """Check the form, then `save(**form.cleaned_data)` as one use case (one durable
    transaction; several services called by `save` commit together); a service's error goes on
    the form. `validate=False` calls `save()` without checking the form (a draft kept
    as typed). `atomic=False` for a service that manages its own transactions (it sends an
    e-mail, or reads a file outside any transaction)."""
    if validate and not _form_checks(form):
        return Saved(saved=False, checked=False)
    try:
        result = _call_service(form, save, atomic=atomic, validate=validate)
    except StaleEdit as error:
        if isinstance(form, VersionedForm):
            form_show_stale(form, error)
        else:
            _add_service_error(form, error, {})
        return Saved(saved=False)
    except (ValidationError, ApplicationError) as error:
        _add_service_error(form, error, field_map or {})
        return Saved(saved=False)
    return Saved(saved=True, result=result)


def form_has_errors(form: forms.Form | None) -> bool:
    return form is not None and form.is_bound and bool(form.errors)


_CONTEXT_FORM: Any = object()


def form_response(
    request: HttpRequest, template: str, context: dict, *, form: Any = _CONTEXT_FORM
) -> HttpResponse:
    """Render a page that shows a form (`form`, else `context["form"]`; None: no form posted):
    400 when it has errors, so a refused post never looks like a success."""
    form = context.get("form") if form is _CONTEXT_FORM else form
    status = FORM_ERROR_STATUS if form_has_errors(form) else 200
    return render(request, template, context, status=status)


def form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    save: Callable[..., Any],
    title: str,
    done: str | Callable[[Any], str] | None,
    next_url: str | Callable[[Any], str],
    template: str = FORM_PAGE,
    field_map: Mapping[str, str] | None = None,
    atomic: bool = True,
    **context: Any,
) -> HttpResponse:
    """A page with one form whose valid data goes to one service. On success: the `done`
    message (if any) and a redirect to `next_url` (each may be a function of the service's result);
    otherwise the form with its errors. `context` goes to the template (caption, intro,
    back_url, back_text, submit_text, heading, active_nav, ...)."""
    if request.method == "POST":
        outcome = form_save(form, save, field_map=field_map, atomic=atomic)
        if outcome.saved:
            if done is not None:
                messages.success(request, done(outcome.result) if callable(done) else done)
            return redirect(next_url(outcome.result) if callable(next_url) else next_url)
    return form_response(request, template, {"title": title, "form": form, **context})


def action_run(
    request: HttpRequest, *, act: Callable[[], Any], done: str | None, back_url: str
) -> HttpResponse:
    """A button with no fields: do it, then back to the page it is on, saying what happened
    (a broken rule as an error banner there)."""
    try:
        use_case(act)()
    except (ValidationError, ApplicationError) as error:
        message = error.message if isinstance(error, ApplicationError) else error.messages[0]
        messages.error(request, message)
    else:
        if done is not None:
            messages.success(request, done)
    return redirect(back_url)
