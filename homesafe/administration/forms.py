"""Forms of the administration pages. Field problems that only a service can see (a role in
the wrong kind of organisation, a taken code) come back from the service and are put on the
field by homesafe.web.form_pages.form_save."""

from __future__ import annotations

import json

from django import forms

from homesafe.access.choices import ContactTakes, OrganisationType, Role
from homesafe.access.models import Organisation, Team
from homesafe.web.forms import GovukForm

ROLE_CHOICES = [("", "")] + list(Role.choices)


def _organisations(**filters) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Organisation.objects.filter(is_active=True, **filters).order_by("name"),
        empty_label="",
    )


class InviteForm(GovukForm):
    required_messages = {
        "email": "Enter the person's work e-mail address",
        "first_name": "Enter the person's first name",
        "last_name": "Enter the person's last name",
        "organisation": "Choose the person's organisation",
        "roles": "Choose at least one role",
    }
    email = forms.EmailField(
        label="Work e-mail address",
        help_text="The sign-up link goes here, and the person signs in with it.",
        max_length=254,
        error_messages={"invalid": "Enter an e-mail address like name@example.org"},
    )
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    job_title = forms.CharField(label="Job title (optional)", required=False, max_length=200)
    organisation = _organisations()
    team = forms.ModelChoiceField(
        label="Team (optional)",
        queryset=Team.objects.select_related("organisation").order_by("organisation", "name"),
        required=False,
        empty_label="",
        help_text="Social workers and their managers belong to a team of their local authority.",
    )
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the person does decides which children they see (docs/access.md).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].label = "Organisation"
        self.fields["team"].label_from_instance = lambda t: f"{t.name} ({t.organisation})"


class RoleForm(GovukForm):
    required_messages = {"role": "Choose a role"}
    role = forms.ChoiceField(label="Role", choices=ROLE_CHOICES)


class TeamForm(GovukForm):
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="No team"
    )

    def __init__(self, *args, organisation_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organisation_id=organisation_id)


class OrganisationForm(GovukForm):
    required_messages = {
        "type": "Choose the kind of organisation",
        "code": "Enter the organisation's code",
        "name": "Enter the organisation's name",
    }
    type = forms.ChoiceField(
        label="Kind of organisation",
        choices=OrganisationType.choices,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="Name", max_length=200)
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The DfE code of a local authority, the force code of a police force, the URN "
        "of a school.",
    )
    police_force = forms.ModelChoiceField(
        label="Police force (local authorities only)",
        queryset=Organisation.objects.filter(type=OrganisationType.POLICE).order_by("name"),
        required=False,
        empty_label="",
        help_text="The force whose area covers the local authority.",
    )
    local_authority = forms.ModelChoiceField(
        label="Local authority (schools, health and return interview services)",
        queryset=Organisation.objects.filter(type=OrganisationType.LOCAL_AUTHORITY).order_by(
            "name"
        ),
        required=False,
        empty_label="",
        help_text="The local authority the organisation works with.",
    )


class OrganisationChangeForm(OrganisationForm):
    is_active = forms.BooleanField(
        label="Active: offered in HomeSafe's lists, and a police force's API keys work",
        required=False,
    )


class ContactForm(GovukForm):
    """A contact of the directory (homesafe.access.models.OrganisationContact)."""

    required_messages = {
        "name": "Enter the contact's name",
        "role": "Enter what the contact does",
        "takes": "Choose which notifications the contact takes",
    }
    name = forms.CharField(
        label="Name", max_length=200, help_text="A person's name, or a shared mailbox's name."
    )
    role = forms.CharField(
        label="What they do",
        max_length=200,
        help_text="For example, Designated safeguarding lead, or Missing persons unit.",
    )
    takes = forms.ChoiceField(
        label="Which notifications do they take?",
        choices=ContactTakes.choices,
        initial=ContactTakes.GENERAL,
        widget=forms.RadioSelect,
    )
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an e-mail address like name@example.org"},
    )
    email_secure = forms.BooleanField(
        label="This address is a secure mailbox, fit for a child's personal data",
        required=False,
        help_text="HomeSafe sends a missing child's details only to a secure mailbox.",
    )
    phone = forms.CharField(label="Phone number", required=False, max_length=40)
    out_of_hours_phone = forms.CharField(
        label="Out-of-hours phone number", required=False, max_length=40
    )


class TeamAddForm(GovukForm):
    required_messages = {
        "name": "Enter the team's name",
        "service": "Enter the service the team belongs to",
    }
    name = forms.CharField(label="Team name", max_length=200)
    service = forms.CharField(
        label="Service", max_length=200, help_text="For example, Children in Care."
    )


class ApiKeyForm(GovukForm):
    required_messages = {
        "organisation": "Choose the police force",
        "name": "Enter a name for the key",
    }
    organisation = _organisations(type=OrganisationType.POLICE)
    name = forms.CharField(
        label="Name of the key",
        max_length=50,
        help_text="Which system uses it, for example Niche production.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].label = "Police force"


class InvitationAcceptForm(GovukForm):
    required_messages = {
        "new_password1": "Enter a password",
        "new_password2": "Enter the password again",
    }
    new_password1 = forms.CharField(
        label="Password",
        widget=forms.PasswordInput,
        strip=False,
        help_text="At least 12 characters. A few unrelated words make a strong password.",
    )
    new_password2 = forms.CharField(
        label="Confirm password", widget=forms.PasswordInput, strip=False
    )


class ProtocolUploadForm(GovukForm):
    required_messages = {"settings_file": "Choose a settings file (TOML) to upload"}
    settings_file = forms.FileField(
        label="Upload a settings file",
        help_text="A .toml file, like the one you can download. You see a preview before "
        "anything is saved.",
    )


class JsonObjectField(forms.CharField):
    """A JSON object typed into a text box; an empty box is {}."""

    def __init__(self, *, example: str, **kwargs):
        super().__init__(widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}), **kwargs)
        self.example = example

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return {}
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                f"{self.label} must be JSON, e.g. {self.example} ({error.msg}, line {error.lineno})"
            ) from None
        if not isinstance(parsed, dict):
            raise forms.ValidationError(f"{self.label} must be a JSON object, e.g. {self.example}")
        return parsed

    def prepare_value(self, value):
        return json.dumps(value, indent=2, ensure_ascii=False) if isinstance(value, dict) else value


class ForceMappingForm(GovukForm):
    columns = JsonObjectField(
        label="Columns",
        example='{"Occurrence Ref": "police_reference"}',
        required=False,
        max_length=20_000,
        help_text="The force's column name to HomeSafe's, as JSON. Columns with HomeSafe's own "
        "names need no entry.",
    )
    codes = JsonObjectField(
        label="Codes",
        example='{"risk": {"H": "high"}}',
        required=False,
        max_length=20_000,
        help_text="For each of HomeSafe's columns, the force's codes to ours, as JSON.",
    )
    default_local_authority = forms.ModelChoiceField(
        label="Local authority for children nobody knows (optional)",
        queryset=Organisation.objects.filter(type=OrganisationType.LOCAL_AUTHORITY).order_by(
            "name"
        ),
        required=False,
        empty_label="",
        help_text="Blank: the only local authority in the force's area, if there is exactly one.",
    )
