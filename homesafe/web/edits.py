"""Forms that change an existing row carry its version; a stale save is shown, not lost.

`VersionedForm` adds the hidden `version` (homesafe.access.edits); when the service refuses the
save with StaleEdit, `form_show_stale` re-shows the form: the fields changed meanwhile now hold
the saved values, each with an error naming it, the person's other entries are kept, and the
version is the current one, so saving again keeps both people's changes.
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from homesafe.access.edits import StaleEdit

STALE_FIELD = (
    "{label} was changed by someone else while you were editing: it now shows their change"
)


class VersionedForm(forms.Form):
    """A form that changes an existing row: it sends back the version the person saw."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)


def _put(data: QueryDict, form: forms.Form, name: str, value: object) -> None:
    """Write a value into the form's submitted data as its widget would have sent it."""
    field = form.fields[name]
    key = form.add_prefix(name)
    value = field.prepare_value(value)
    widget = field.widget
    if isinstance(widget, forms.MultiWidget):
        for index, part in enumerate(widget.decompress(value)):
            data[f"{key}_{index}"] = "" if part is None else str(part)
    elif isinstance(widget, forms.CheckboxInput):
        data.setlist(key, ["on"] if value else [])
    elif isinstance(value, list | tuple):
        data.setlist(key, [str(v) for v in value])
    else:
        data[key] = "" if value is None else str(value)


def _label(field: forms.Field, name: str) -> str:
    label = str(field.label or name.replace("_", " ").capitalize())
    return label.removesuffix(" (optional)")


def form_show_stale(form: VersionedForm, error: StaleEdit) -> None:
    """Show a refused stale save: the saved values of the fields changed meanwhile, each named."""
    data = form.data.copy()
    changed = [name for name in error.fields if name in form.fields]
    for name in changed:
        _put(data, form, name, error.current[name])
    data[form.add_prefix("version")] = error.version
    form.data = data
    form.full_clean()
    form.add_error(None, error.message)
    for name in changed:
        if name in form.errors:
            del form.errors[name]
        form.add_error(name, STALE_FIELD.format(label=_label(form.fields[name], name)))
