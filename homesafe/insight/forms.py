from django import forms

from homesafe.insight.networks import DEFAULT_MONTHS, PERIODS_MONTHS
from homesafe.web.forms import GovukForm


class NetworksPeriodForm(GovukForm):
    months = forms.TypedChoiceField(
        label="Links recorded in the last",
        choices=[(m, f"{m} months") for m in PERIODS_MONTHS],
        coerce=int,
        initial=DEFAULT_MONTHS,
        error_messages={"invalid_choice": "Choose 3, 6, 12 or 24 months"},
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
    )
