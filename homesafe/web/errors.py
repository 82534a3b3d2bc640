"""Turn a service's errors into form errors, so pages show them in the GOV.UK error summary."""

from django import forms
from django.core.exceptions import ValidationError

from homesafe.access.errors import ApplicationError


def form_add_service_error(
    form: forms.Form,
    error: ValidationError | ApplicationError,
    field_map: dict[str, str] | None = None,
) -> None:
    """Attach a service's error to the named form field (renamed through field_map), or to the form."""
    if isinstance(error, ApplicationError):
        form.add_error(None, error.message)
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            name = (field_map or {}).get(field, field)
            target = name if name in form.fields else None
            for item in errors:
                form.add_error(target, item.messages[0] if hasattr(item, "messages") else str(item))
    else:
        for message in error.messages:
            form.add_error(None, message)
