"""GOV.UK markup for the Django-template pages (allauth's sign-in pages and the lockout page)."""

from django import template

register = template.Library()


@register.filter
def govuk_widget(bound_field):
    """Render a form field's widget with GOV.UK classes and its hint/error described-by ids."""
    classes = "govuk-input"
    if bound_field.errors:
        classes += " govuk-input--error"
    described = []
    if bound_field.help_text and bound_field.name != "password":
        described.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}-error")
    # GOV.UK asks for labels, not placeholders, which vanish as people type.
    bound_field.field.widget.attrs.pop("placeholder", None)
    attrs = {"class": classes}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if bound_field.name in ("code", "otp_token"):
        attrs.update(
            {
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "class": classes + " govuk-input--width-10",
            }
        )
    return bound_field.as_widget(attrs=attrs)
