from django import forms

from homesafe.reminders.choices import DigestDays, DigestTime
from homesafe.web.forms import GovukForm

NO_EMAIL = "none"
TIMES_MISSING = "Select when you want your reminder e-mail, or select no e-mail"
TIMES_AND_NO_EMAIL = "Select times for your reminder e-mail, or no e-mail, not both"
DAYS_MISSING = "Select on which days you want your reminder e-mail"


class ReminderPreferenceForm(GovukForm):
    """When to e-mail my reminders: digest times (any of them), or none (in-app only)."""

    digest_times = forms.MultipleChoiceField(
        label="When do you want your reminder e-mail?",
        help_text="One e-mail at each time you select lists what fell due or overdue since the "
        "last one. Select all that apply.",
        choices=[*DigestTime.choices, (NO_EMAIL, "No e-mail: show reminders in HomeSafe only")],
        widget=forms.CheckboxSelectMultiple,
    )
    digest_days = forms.ChoiceField(
        label="On which days?",
        choices=DigestDays.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    required_messages = {"digest_times": TIMES_MISSING}

    def clean(self):
        data = super().clean()
        times = data.get("digest_times") or []
        if NO_EMAIL in times and len(times) > 1:
            self.add_error("digest_times", TIMES_AND_NO_EMAIL)
        elif NO_EMAIL not in times and times and not data.get("digest_days"):
            self.add_error("digest_days", DAYS_MISSING)
        return data

    def service_arguments(self) -> dict:
        times = [t for t in self.cleaned_data["digest_times"] if t != NO_EMAIL]
        return {
            "digest_times": times,
            # Days do not matter without times (the page always sends the person's current days).
            "digest_days": self.cleaned_data.get("digest_days") or DigestDays.WORKING_DAYS,
        }
