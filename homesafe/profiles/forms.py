from django import forms

from homesafe.episodes.models import Location
from homesafe.web.edits import VersionedForm
from homesafe.web.forms import GovukForm


def _text(label: str, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=10000, widget=forms.Textarea, **kwargs
    )


def _short(label: str, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=100, **kwargs)


class ProfileForm(VersionedForm, GovukForm):
    """The whole profile: each save is a new version (profiles.services.profile_save)."""

    required_messages = {"provided_by": "Enter who gave the information (the carer)"}
    provided_by = forms.CharField(
        label="Information given by",
        max_length=200,
        help_text="The carer the local authority is recording this for",
    )
    height = _short("Height (optional)", help_text="For example, 5ft 4in or 163 cm")
    build = _short("Build (optional)")
    hair = forms.CharField(label="Hair (optional)", required=False, max_length=200)
    eyes = _short("Eyes (optional)")
    distinguishing_marks = _text("Distinguishing marks: scars, tattoos, piercings (optional)")
    photo = forms.FileField(
        label="Recent photo (optional)",
        required=False,
        help_text="A JPEG or PNG. Leave empty to keep the current photo",
    )
    remove_photo = forms.BooleanField(label="Remove the current photo", required=False)
    associates = _text("Friends and associates (optional)")
    places_frequented = _text("Places the child goes (optional)")
    locations = forms.ModelMultipleChoiceField(
        label="Places already recorded for this child (optional)",
        required=False,
        queryset=Location.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    vulnerabilities = _text("Vulnerabilities (optional)")
    medication = _text("Medication and medical needs (optional)")
    phones = _text("Phone numbers (optional)")
    social_media = _text("Social media accounts (optional)")
    transport = _text("Transport the child uses (optional)")
    missing_history = _text("Missing history (optional)")

    def __init__(self, *args, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locations"].queryset = locations
        if not locations.exists():
            del self.fields["locations"]
