"""Turn Django bound fields into the parameter dicts that govuk-frontend-jinja macros take.

The macros are ports of GOV.UK Frontend's Nunjucks components and know nothing of Django
forms, so this is the small bridge (it replaces crispy-forms, which has no Frontend 6 pack).
"""

from __future__ import annotations

from django import forms

from homesafe.web.fields import GovukDateField


def _error(bound) -> dict | None:
    return {"text": " ".join(str(e) for e in bound.errors)} if bound.errors else None


def _label(bound, *, is_page_heading: bool = False) -> dict:
    label = {"text": str(bound.label)}
    if is_page_heading:
        label.update({"isPageHeading": True, "classes": "govuk-label--l"})
    return label


def field_params(bound, **extra) -> dict:
    """Parameters for govukInput/Textarea/Select/Radios/Checkboxes/DateInput for one field."""
    field = bound.field
    params: dict = {
        "id": bound.id_for_label or bound.auto_id,
        "name": bound.html_name,
        "errorMessage": _error(bound),
    }
    if bound.help_text:
        params["hint"] = {"text": str(bound.help_text)}
    widget = field.widget
    if isinstance(field, GovukDateField):
        value = bound.value()
        if not isinstance(value, list | tuple):
            value = widget.decompress(value)
        parts = widget.parts
        items = []
        for index, part in enumerate(parts):
            item = {
                "id": f"{bound.auto_id}_{index}",
                "name": f"{bound.html_name}_{index}",
                "label": part.capitalize(),
                "value": "" if value[index] is None else value[index],
                "classes": "govuk-input--width-4"
                if part in ("year", "time")
                else "govuk-input--width-2",
                "attributes": {"inputmode": "numeric"} if part != "time" else {},
            }
            if bound.errors:
                item["classes"] += " govuk-input--error"
            items.append(item)
        params.update(
            {
                "id": bound.auto_id,
                "fieldset": {
                    "legend": {"text": str(bound.label), "classes": "govuk-fieldset__legend--s"}
                },
                "items": items,
            }
        )
        if "hint" not in params:
            params["hint"] = {
                "text": "For example, 27 3 2026" + (" 14:30" if len(parts) == 4 else "")
            }
        params.pop("name")
        params["_kind"] = "date"
    elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        selected = bound.value()
        selected = {
            str(v)
            for v in (selected if isinstance(selected, list | tuple) else [selected])
            if v not in (None, "")
        }
        params.pop("id")
        params["idPrefix"] = bound.auto_id
        params["fieldset"] = {
            "legend": {"text": str(bound.label), "classes": "govuk-fieldset__legend--s"}
        }
        params["items"] = [
            {"value": str(value), "text": str(text), "checked": str(value) in selected}
            for value, text in field.choices
            if value != ""
        ]
        # A hint under an option, where the field gives one (field.item_hints: value -> text).
        for item in params["items"]:
            if hint := getattr(field, "item_hints", {}).get(item["value"]):
                item["hint"] = {"text": hint}
        # CheckboxSelectMultiple is a subclass of RadioSelect in Django: test for it first.
        multiple = isinstance(widget, forms.CheckboxSelectMultiple)
        params["_kind"] = "checkboxes" if multiple else "radios"
        # The widget's classes go on the group (govuk-radios--inline, govuk-radios--small).
        if classes := widget.attrs.get("class"):
            params["classes"] = classes
    elif isinstance(widget, forms.Select):
        current = "" if bound.value() is None else str(bound.value())
        params["label"] = _label(bound)
        params["items"] = [
            {
                "value": str(value),
                "text": str(text) if value != "" else "Choose",
                "selected": str(value) == current,
            }
            for value, text in field.choices
        ]
        params["_kind"] = "select"
    elif isinstance(widget, forms.CheckboxInput):
        params.pop("id")
        params["idPrefix"] = bound.auto_id
        params["items"] = [
            {"value": "on", "text": str(bound.label), "checked": bool(bound.value())}
        ]
        params["_kind"] = "checkboxes"
    else:
        params["label"] = _label(bound)
        value = bound.value()
        params["value"] = "" if value is None else value
        params["_kind"] = "textarea" if isinstance(widget, forms.Textarea) else "input"
        if isinstance(widget, forms.EmailInput):
            params["type"] = "email"
            params["spellcheck"] = False
    form_classes = getattr(bound.form, "field_classes", {}).get(bound.name)
    if form_classes:
        params["classes"] = form_classes
    params.update(extra)
    return params


def error_summary(form) -> dict | None:
    """govukErrorSummary parameters linking each error to its field, or None if the form is clean."""
    if not form.is_bound or not form.errors:
        return None
    errors = []
    for name, messages in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS:
            errors += [{"text": str(m)} for m in messages]
            continue
        bound = form[name]
        anchor = bound.auto_id
        if isinstance(bound.field, GovukDateField):
            anchor = f"{bound.auto_id}_0"
        elif isinstance(
            bound.field.widget,
            forms.CheckboxSelectMultiple | forms.RadioSelect | forms.CheckboxInput,
        ):
            anchor = bound.auto_id
        errors += [{"text": str(m), "href": f"#{anchor}"} for m in messages]
    return {"titleText": "There is a problem", "errorList": errors}
