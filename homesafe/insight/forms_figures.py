"""The insight pages' filters: a GET form, so a filtered page has an address to share."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from homesafe.insight.figures import AGE_BAND_LABELS, Filters, Period
from homesafe.people.choices import Cohort, Ethnicity, PlacementType, Sex

DATE_FORMAT = "Enter a date as YYYY-MM-DD, like 2026-10-01"
PERIOD_BACKWARDS = "The last day must be on or after the first day"


def month_to_date(today: dt.date | None = None) -> Period:
    """The default period: the current month in London, to today."""
    today = today or timezone.localdate()
    return Period(today.replace(day=1), today)


# The form's fields that are figures.Filters' fields of the same name.
FILTER_FIELDS = ("cohort", "age_band", "sex", "ethnicity", "placement_type", "out_of_area")


class FiguresFilterForm(forms.Form):
    start = forms.DateField(
        label="From",
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="For example, 2026-10-01",
        error_messages={"invalid": DATE_FORMAT},
    )
    end = forms.DateField(
        label="To (included)",
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="For example, 2026-10-31",
        error_messages={"invalid": DATE_FORMAT},
    )
    cohort = forms.ChoiceField(
        label="Cohort on the day of the report",
        required=False,
        choices=[("", "Any"), *Cohort.choices],
    )
    age_band = forms.ChoiceField(
        label="Age on the day of the report",
        required=False,
        choices=[("", "Any"), *AGE_BAND_LABELS.items()],
    )
    sex = forms.ChoiceField(label="Sex", required=False, choices=[("", "Any"), *Sex.choices])
    ethnicity = forms.ChoiceField(
        label="Ethnicity", required=False, choices=[("", "Any"), *Ethnicity.choices]
    )
    placement_type = forms.ChoiceField(
        label="Placement on the day of the report",
        required=False,
        choices=[("", "Any"), *PlacementType.choices],
    )
    out_of_area = forms.ChoiceField(
        label="Placed out of the placing authority's area",
        required=False,
        choices=[("", "Either"), ("yes", "Out of area"), ("no", "In area")],
    )

    team = forms.TypedChoiceField(
        label="Team of the allocated social worker", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, teams: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "Any"), *teams]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", PERIOD_BACKWARDS)
        return data

    def period(self) -> Period:
        default = month_to_date()
        if not self.is_valid():
            return default
        start = self.cleaned_data.get("start") or default.start
        end = self.cleaned_data.get("end") or max(start, default.end)
        return Period(start, end) if end >= start else default

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(team_id=data["team"], **{name: data[name] for name in FILTER_FIELDS})
