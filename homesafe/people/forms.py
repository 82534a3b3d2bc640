from django import forms
from django.utils import timezone

from homesafe.access.choices import OrganisationType
from homesafe.access.models import Organisation
from homesafe.people.choices import Cohort, Ethnicity, Sex
from homesafe.people.validators import validate_nhs_number, validate_upn
from homesafe.web.fields import GovukDateField
from homesafe.web.forms import GovukForm

SEARCH_EMPTY = "Enter a name, a date of birth or an identifier"
DOB_IN_FUTURE = "Date of birth must be in the past"
DOB_TOO_OLD = "Date of birth must be within the last 26 years (children and care leavers)"


class ChildSearchForm(forms.Form):
    name = forms.CharField(label="Name or alias", required=False, max_length=200)
    date_of_birth = GovukDateField(label="Date of birth", required=False)
    identifier = forms.CharField(
        label="Identifier",
        required=False,
        max_length=50,
        help_text="LA child ID, NHS number, UPN or police person ID",
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not (
            data.get("name", "").strip()
            or data.get("date_of_birth")
            or data.get("identifier", "").strip()
        ):
            raise forms.ValidationError(SEARCH_EMPTY)
        return data


class ChildForm(GovukForm):
    required_messages = {
        "first_name": "Enter the child's first name",
        "last_name": "Enter the child's last name",
        "date_of_birth": "Enter the child's date of birth",
        "sex": "Select the child's sex",
        "ethnicity": "Select the child's ethnicity, or Information not yet obtained",
        "cohort": "Select the child's social care status",
    }

    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    aliases = forms.CharField(
        label="Other names (optional)",
        required=False,
        max_length=500,
        help_text="Separate names with a semicolon, like Jay; JJ",
    )
    date_of_birth = GovukDateField(label="Date of birth")
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=[("", "")] + Ethnicity.choices)
    cohort = forms.ChoiceField(
        label="Social care status", choices=Cohort.choices, widget=forms.RadioSelect
    )
    la_child_id = forms.CharField(label="LA child ID (optional)", required=False, max_length=30)
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        max_length=12,
        validators=[validate_nhs_number],
    )
    upn = forms.CharField(
        label="UPN (optional)",
        required=False,
        max_length=13,
        validators=[validate_upn],
        help_text="Unique pupil number",
    )
    school = forms.ModelChoiceField(
        label="School (optional)",
        required=False,
        queryset=Organisation.objects.filter(type=OrganisationType.SCHOOL, is_active=True),
    )

    def clean_date_of_birth(self):
        dob = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if dob > today:
            raise forms.ValidationError(DOB_IN_FUTURE)
        if (today - dob).days > 26 * 366:
            raise forms.ValidationError(DOB_TOO_OLD)
        return dob

    def clean_nhs_number(self):
        return self.cleaned_data["nhs_number"].replace(" ", "")

    def clean_upn(self):
        return self.cleaned_data["upn"].upper()
