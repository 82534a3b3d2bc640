"""GOV.UK markup for the Django-template pages (allauth's sign-in pages and the lockout page)."""

import re

from django import template
from django.template import loader
from django.utils.safestring import mark_safe

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


# A capitalised word after the first (in "Two-Factor Authentication": "Factor", "Authentication").
_TITLE_CASE_WORD = re.compile(r"(?<=[\s-])([A-Z])(?=[a-z']+\b)")


@register.filter(is_safe=True)
def sentence_case(text: str) -> str:
    """allauth's "Two-Factor Authentication" as GOV.UK writes it: "Two-factor authentication".
    Words in capitals (TOTP) and words with capitals inside (HomeSafe) are left alone."""
    return _TITLE_CASE_WORD.sub(lambda letter: letter.group(1).lower(), text.strip())


class ServicePageNode(template.Node):
    """A Django-template page shown inside HomeSafe's own layout (`layout.html`, Jinja): the
    same header, navigation, banners, messages and footer as every other page."""

    child_nodelists = ("title_nodelist", "nodelist")

    def __init__(self, title_nodelist, nodelist):
        self.title_nodelist, self.nodelist = title_nodelist, nodelist

    def render(self, context):
        request = context.request
        title = sentence_case(" ".join(self.title_nodelist.render(context).split()))
        form = context.get("form")
        if form is not None and form.is_bound and form.errors:
            title = f"Error: {title}"
        match = request.resolver_match
        page = loader.get_template("web/account_page.html", using="jinja2")
        return page.render(
            {
                "title": title,
                # Rendered by Django templates, which escaped what they put in.
                "account_content": mark_safe(self.nodelist.render(context)),
                "active_nav": "mfa" if match and match.url_name.startswith("mfa_") else None,
            },
            request,
        )


@register.tag
def service_page(parser, token):
    """`{% service_page %}title{% service_page_content %}content{% end_service_page %}`."""
    title_nodelist = parser.parse(("service_page_content",))
    parser.delete_first_token()
    nodelist = parser.parse(("end_service_page",))
    parser.delete_first_token()
    return ServicePageNode(title_nodelist, nodelist)
