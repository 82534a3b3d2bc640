"""The daily screening's forms: the date range (GET) and a decision on one notification."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from homesafe.daily_screening.choices import ScreeningOutcome
from homesafe.daily_screening.queries import ScreeningRange, screening_default_range
from homesafe.daily_screening.services import DECISION_REQUIRED, NOTE_MAX, NOTE_REQUIRED
from homesafe.web.forms import GovukForm

DATE_INVALID = "Enter the {name} date as YYYY-MM-DD, for example 2026-11-23."
FROM_AFTER_TO = "The 'from' date must be the same as or before the 'to' date."
DATE_IN_FUTURE = "The {name} date cannot be in the future."
RANGE_TOO_LONG = "Choose a range of at most 366 days."
MAX_DAYS = 366


class ScreeningRangeForm(GovukForm):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (both optional: the default is since the last working day
    began). The fields are named `from` and `to`, which Python cannot spell as attributes."""

    def __init__(self, *args, now: dt.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        for name, label in (("from", "From"), ("to", "To")):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                input_formats=["%Y-%m-%d"],
                help_text="For example, 2026-11-23",
                error_messages={"invalid": DATE_INVALID.format(name=f"'{name}'")},
                widget=forms.DateInput(format="%Y-%m-%d"),
            )
        self.field_classes = {"from": "govuk-input--width-10", "to": "govuk-input--width-10"}

    def clean(self):
        data = super().clean()
        today = timezone.localdate(self.now)
        for name in ("from", "to"):
            if data.get(name) and data[name] > today:
                self.add_error(name, DATE_IN_FUTURE.format(name=f"'{name}'"))
        first, last = data.get("from"), data.get("to")
        if first and last:
            if first > last:
                self.add_error("from", FROM_AFTER_TO)
            elif (last - first).days >= MAX_DAYS:
                self.add_error("from", RANGE_TOO_LONG)
        return data

    def screening_range(self) -> ScreeningRange:
        default = screening_default_range(self.now)
        first, last = self.cleaned_data.get("from"), self.cleaned_data.get("to")
        if first is None:  # only an end: the default start, or that day if it is earlier
            first = min(default.first_day, last) if last else default.first_day
        return ScreeningRange(first, last or max(first, default.last_day))


class ScreeningDecisionForm(GovukForm):
    """One notification's decision (each row's form has its own prefix, so ids are unique)."""

    required_messages = {"decision": DECISION_REQUIRED}

    decision = forms.ChoiceField(
        label="Screening decision",
        choices=ScreeningOutcome.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note (needed for 'other')",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, about: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if about:  # each row's legend names its notification, for screen readers
            self.fields["decision"].label = f"Screening decision: {about}"
            self.fields["note"].label = f"Note (needed for 'other'): {about}"

    def clean(self):
        data = super().clean()
        if data.get("decision") == ScreeningOutcome.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", NOTE_REQUIRED)
        return data
