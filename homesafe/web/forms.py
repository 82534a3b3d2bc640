from django import forms

from homesafe.web.fields import GovukDateField


class GovukForm(forms.Form):
    """A form whose 'required' errors say what to do, as GOV.UK's error messages should
    ("Enter the child's date of birth", not "This field is required")."""

    required_messages: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.required_messages.items():
            field = self.fields[name]
            if isinstance(field, GovukDateField):
                field.missing_message = message
            else:
                field.error_messages["required"] = message
