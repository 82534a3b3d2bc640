from django import forms
from django.utils import timezone

from homesafe.access.choices import OrganisationType, Role
from homesafe.access.models import Organisation, User
from homesafe.people.choices import (
    Cohort,
    Ethnicity,
    LegalStatus,
    NeedKind,
    NeedStatus,
    NetworkRole,
    PlacementType,
    Sex,
)
from homesafe.people.validators import validate_nhs_number, validate_postcode, validate_upn
from homesafe.web.edits import VersionedForm
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


class NamesField(forms.CharField):
    """Names separated by semicolons, cleaned to a list (and a list shown as it was typed)."""

    def prepare_value(self, value):
        return "; ".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value):
        return [name.strip() for name in super().clean(value).split(";") if name.strip()]


class ChildDetailsForm(GovukForm):
    """The child's identity and identifiers; the allocated worker is one of the LA's social workers."""

    required_messages = {
        "first_name": "Enter the child's first name",
        "last_name": "Enter the child's last name",
        "date_of_birth": "Enter the child's date of birth",
        "sex": "Select the child's sex",
        "ethnicity": "Select the child's ethnicity, or Information not yet obtained",
    }
    field_classes = {
        "la_child_id": "govuk-input--width-10",
        "nhs_number": "govuk-input--width-10",
        "upn": "govuk-input--width-20",
        "police_person_id": "govuk-input--width-20",
    }

    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    aliases = NamesField(
        label="Other names (optional)",
        required=False,
        max_length=500,
        help_text="Separate names with a semicolon, like Jay; JJ",
    )
    date_of_birth = GovukDateField(label="Date of birth")
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=[("", "")] + Ethnicity.choices)
    religion = forms.CharField(label="Religion (optional)", required=False, max_length=100)
    first_language = forms.CharField(
        label="First language (optional)", required=False, max_length=100
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
    police_person_id = forms.CharField(
        label="Police person ID (optional)", required=False, max_length=50
    )
    school = forms.ModelChoiceField(
        label="School (optional)",
        required=False,
        queryset=Organisation.objects.filter(type=OrganisationType.SCHOOL, is_active=True),
    )
    allocated_social_worker = forms.ModelChoiceField(
        label="Allocated social worker (optional)", required=False, queryset=User.objects.none()
    )

    def __init__(self, *args, local_authority: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allocated_social_worker"].queryset = User.objects.filter(
            organisation=local_authority, is_active=True, role_grants__role=Role.SOCIAL_WORKER
        ).order_by("last_name", "first_name")

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


class ChildChangeForm(VersionedForm, ChildDetailsForm):
    """A change to the child's details, made on the version the person saw."""


class ChildForm(ChildDetailsForm):
    """A new child: their details and the social care cohort they start in."""

    required_messages = {
        **ChildDetailsForm.required_messages,
        "cohort": "Select the child's social care status",
    }
    cohort = forms.ChoiceField(
        label="Social care status", choices=Cohort.choices, widget=forms.RadioSelect
    )
    field_order = [
        "first_name",
        "last_name",
        "aliases",
        "date_of_birth",
        "sex",
        "ethnicity",
        "cohort",
    ]


class CohortForm(GovukForm):
    required_messages = {
        "cohort": "Select the child's social care status",
        "started_on": "Enter the date the status started",
    }
    cohort = forms.ChoiceField(
        label="New social care status", choices=Cohort.choices, widget=forms.RadioSelect
    )
    uasc = forms.BooleanField(label="Unaccompanied asylum-seeking child", required=False)
    started_on = GovukDateField(label="From")


class CareStartForm(GovukForm):
    required_messages = {
        "legal_status": "Select the legal status",
        "started_on": "Enter the date the child became looked after",
    }
    legal_status = forms.ChoiceField(
        label="Legal status", choices=LegalStatus.choices, widget=forms.RadioSelect
    )
    started_on = GovukDateField(label="Looked after from")


class PlacementForm(GovukForm):
    required_messages = {
        "placement_type": "Select where the child lives",
        "host_la": "Select the local authority area the child lives in",
        "started_on": "Enter the date the placement started",
    }
    field_classes = {"postcode": "govuk-input--width-10"}
    placement_type = forms.ChoiceField(
        label="Where does the child live?",
        choices=PlacementType.choices,
        widget=forms.RadioSelect,
    )
    host_la = forms.ModelChoiceField(
        label="Local authority area the child lives in",
        queryset=Organisation.objects.filter(type=OrganisationType.LOCAL_AUTHORITY, is_active=True),
    )
    postcode = forms.CharField(
        label="Postcode (optional)", required=False, max_length=8, validators=[validate_postcode]
    )
    provider = forms.CharField(label="Carer or provider (optional)", required=False, max_length=200)
    started_on = GovukDateField(label="From")


class NetworkMemberForm(GovukForm):
    required_messages = {
        "organisation": "Select the organisation",
        "role": "Select what they do for the child",
    }
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.filter(is_active=True)
    )
    role = forms.ChoiceField(
        label="What they do for the child", choices=[("", "")] + NetworkRole.choices
    )
    contact_name = forms.CharField(label="Contact name (optional)", required=False, max_length=200)
    contact_email = forms.EmailField(label="Contact e-mail (optional)", required=False)
    started_on = GovukDateField(label="Involved from (optional)", required=False)


class NeedForm(GovukForm):
    required_messages = {
        "kind": "Select disability or neurodiversity",
        "description": "Enter the need, like autism or hearing impairment",
        "status": "Select whether it is diagnosed or awaiting assessment",
    }
    kind = forms.ChoiceField(label="Kind", choices=NeedKind.choices, widget=forms.RadioSelect)
    description = forms.CharField(label="Need", max_length=200)
    status = forms.ChoiceField(label="Status", choices=NeedStatus.choices, widget=forms.RadioSelect)
