"""My reminder e-mails: when I get them. Only ever one's own (no id in the address)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from homesafe.reminders.forms import NO_EMAIL, ReminderPreferenceForm
from homesafe.reminders.queries import reminder_next_digest_at, reminder_preference_for
from homesafe.reminders.services import reminder_preference_set
from homesafe.web.form_pages import form_response, form_save
from homesafe.web.govuk import field_params

SAVED = "Your reminder e-mail settings are saved"


def _times_params(form: ReminderPreferenceForm) -> dict:
    """The times as GOV.UK checkboxes, "No e-mail" set apart by "or" (exclusive where
    JavaScript runs; the form refuses both without it)."""
    params = field_params(form["digest_times"])
    items = params["items"]
    for item in items:
        if item["value"] == NO_EMAIL:
            item["behaviour"] = "exclusive"
    params["items"] = [*items[:-1], {"divider": "or"}, items[-1]]
    return params


def reminder_preferences(request: HttpRequest) -> HttpResponse:
    preference = reminder_preference_for(user=request.user)
    if request.method == "POST":
        form = ReminderPreferenceForm(request.POST)
        saved = form_save(
            form,
            lambda **_: reminder_preference_set(
                user=request.user, actor=request.user, **form.service_arguments()
            ),
        )
        if saved.saved:
            messages.success(request, SAVED)
            return redirect("reminders:preferences")
    else:
        form = ReminderPreferenceForm(
            initial={
                "digest_times": preference.times or [NO_EMAIL],
                "digest_days": preference.digest_days,
            }
        )
    return form_response(
        request,
        "reminders/preferences.html",
        {
            "title": "Reminder e-mails",
            "active_nav": "reminders",
            "form": form,
            "times_params": _times_params(form),
            "preference": preference,
            "next_digest_at": reminder_next_digest_at(preference=preference),
        },
    )
