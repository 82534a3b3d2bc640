"""The Jinja2 environment for HomeSafe's pages: govuk-frontend-jinja macros, Django's
static and url helpers, and filters that show times in Europe/London."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader
from markupsafe import Markup, escape

from homesafe.web.govuk import error_summary, field_params
from homesafe.web.middleware import session_seconds_left


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def london(value: dt.datetime | None, fmt: str = "%-d %b %Y %H:%M") -> str:
    """An aware datetime shown in Europe/London; empty for None."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime(fmt)


def long_date(value: dt.date | None) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def duration(value: dt.timedelta | None) -> str:
    if value is None:
        return ""
    hours = int(value.total_seconds() // 3600)
    if hours < 48:
        minutes = int(value.total_seconds() // 60) % 60
        return f"{hours} h {minutes} min"
    return f"{hours // 24} days {hours % 24} h"


def link(href: str, text: str) -> Markup:
    """An escaped GOV.UK link, for table cells and summary values that take HTML."""
    return Markup('<a class="govuk-link" href="{}">{}</a>').format(href, text)


def lines(*values: str) -> Markup:
    """Several escaped values, one a line."""
    return Markup("<br>").join(escape(v) for v in values)


def person_and_organisation(user) -> str:
    """A person as histories name them: "Sam Lee (Sherwood Vale Police)", never an id."""
    if user is None:
        return ""
    organisation = getattr(user, "organisation", None)
    return f"{user} ({organisation.name})" if organisation else str(user)


def environment(**options) -> Environment:
    loader = options.pop("loader")
    options.pop("undefined", None)
    env = Environment(
        loader=ChoiceLoader(
            [
                loader,
                PrefixLoader(
                    {"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}
                ),
            ]
        ),
        **options,
    )
    env.globals.update(
        {
            "static": static,
            "url": url,
            "link": link,
            "lines": lines,
            "person_and_organisation": person_and_organisation,
            "field": field_params,
            "error_summary": error_summary,
            "get_messages": messages.get_messages,
            "settings": settings,
            "session_seconds_left": session_seconds_left,
        }
    )
    env.filters.update({"london": london, "long_date": long_date, "duration": duration})
    return env
