from django import forms

from homesafe.insight.impact import DEFAULT_WINDOW, INTERVENTIONS, WINDOWS_MONTHS
from homesafe.insight.networks import DEFAULT_MONTHS, PERIODS_MONTHS
from homesafe.web.forms import GovukForm


def _months_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[(m, f"{m} months") for m in PERIODS_MONTHS],
        coerce=int,
        initial=DEFAULT_MONTHS,
        error_messages={"invalid_choice": "Choose 3, 6, 12 or 24 months"},
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline govuk-radios--small"}),
    )


class NetworksPeriodForm(GovukForm):
    months = _months_field("Links recorded in the last")


class HotspotsPeriodForm(GovukForm):
    months = _months_field("Episodes reported in the last")


class ImpactForm(GovukForm):
    intervention = forms.ChoiceField(
        label="Intervention",
        choices=list(INTERVENTIONS.items()),
        initial="mace",
        error_messages={"invalid_choice": "Choose an intervention from the list"},
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--small"}),
    )
    months = forms.TypedChoiceField(
        label="Months before and after",
        choices=[(m, f"{m} months") for m in WINDOWS_MONTHS],
        coerce=int,
        initial=DEFAULT_WINDOW,
        error_messages={"invalid_choice": "Choose 3, 6 or 12 months"},
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline govuk-radios--small"}),
    )
