"""The interview's record in sections (choices.RECORD_SECTIONS): one page per section, built
from CompleteForm's own fields, so that a section checks exactly what the whole form checks.
A draft keeps each section's inputs as typed (by input name, as posted); these functions turn
them back into a form's initial values, into the whole form's data, and into the answers
shown on the check-your-answers page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict

from homesafe.interviews.choices import RECORD_SECTIONS
from homesafe.interviews.forms import CompleteForm
from homesafe.web.fields import GovukDateField
from homesafe.web.jinja import london

NOT_ANSWERED = "Not answered"


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    fields: tuple[str, ...]


SECTIONS = tuple(Section(slug, title, fields) for slug, title, fields in RECORD_SECTIONS)


def section_get(slug: str) -> Section | None:
    return next((s for s in SECTIONS if s.slug == slug), None)


def section_after(section: Section) -> Section | None:
    index = SECTIONS.index(section)
    return SECTIONS[index + 1] if index + 1 < len(SECTIONS) else None


def input_names(form: forms.Form, name: str) -> list[str]:
    """The names of the inputs one field is posted as (a date is four: day, month, year, time)."""
    bound = form[name]
    widget = bound.field.widget
    if isinstance(widget, forms.MultiWidget):
        return [bound.html_name + suffix for suffix in widget.widgets_names]
    return [bound.html_name]


def section_inputs(form: forms.Form, section: Section) -> list[str]:
    return [n for name in section.fields for n in input_names(form, name)]


def answers_from_post(form: forms.Form, section: Section, post) -> dict[str, list[str]]:
    """The section's inputs as posted, exactly as typed (the child's words are not trimmed)."""
    return {n: post.getlist(n) for n in section_inputs(form, section) if n in post}


def _initial_from_answers(form: forms.Form, answers: dict[str, list[str]]) -> dict:
    data = MultiValueDict(answers)
    initial = {}
    for name, field in form.fields.items():
        if any(n in data for n in input_names(form, name)):
            initial[name] = field.widget.value_from_datadict(data, None, form.add_prefix(name))
    return initial


def complete_form(data, *, episode, taxonomy, initial=None) -> CompleteForm:
    return CompleteForm(data, episode=episode, taxonomy=taxonomy, initial=initial or {})


def section_form(
    section: Section, data, *, episode, taxonomy, answers: dict, initial: dict
) -> CompleteForm:
    """The form of one section: CompleteForm with only the section's fields, showing the
    draft's answers (or `data` when posted)."""
    form = complete_form(data, episode=episode, taxonomy=taxonomy, initial=initial)
    form.initial = {**initial, **_initial_from_answers(form, answers)}
    form.fields = {name: form.fields[name] for name in section.fields}
    return form


def form_from_answers(answers: dict, *, episode, taxonomy) -> CompleteForm:
    """The whole form bound to a draft's answers: what recording the interview checks."""
    return complete_form(MultiValueDict(answers), episode=episode, taxonomy=taxonomy)


def section_started(form: forms.Form, section: Section, answers: dict) -> bool:
    return any(any(v.strip() for v in answers.get(n, ())) for n in section_inputs(form, section))


def _label(field: forms.Field) -> str:
    return str(field.label).removesuffix(" (optional)")


def _choice_labels(field: forms.Field, values) -> list[str]:
    labels = {str(value): str(text) for value, text in field.choices}
    return [labels.get(str(v), str(v)) for v in values if str(v) != ""]


def answer_text(form: forms.Form, name: str, answers: dict) -> str:
    """One answer as words: a date and time in Europe/London, the labels of the options chosen."""
    field = form.fields[name]
    value = field.widget.value_from_datadict(MultiValueDict(answers), None, form.add_prefix(name))
    if isinstance(field, GovukDateField):
        if not any(str(v or "").strip() for v in value):
            return NOT_ANSWERED
        try:
            when = field.clean(value)
        except ValidationError:
            return " ".join(str(v or "") for v in value).strip()
        return london(when) if isinstance(when, dt.datetime) else str(when)
    if isinstance(field.widget, forms.CheckboxInput):
        return "Yes" if value else "No"
    if isinstance(field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.Select):
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(_choice_labels(field, [v for v in values if v is not None])) or (
            NOT_ANSWERED
        )
    return value if value and str(value).strip() else NOT_ANSWERED


@dataclass(frozen=True)
class Answer:
    name: str
    label: str
    text: str
    error: str = ""


def answers_by_section(form: forms.Form, answers: dict, errors: dict | None = None) -> list:
    """For the check-your-answers page: each section with its answers (and the error, if
    recording found one on that field)."""
    errors = errors or {}
    return [
        (
            section,
            [
                Answer(
                    name,
                    _label(form.fields[name]),
                    answer_text(form, name, answers),
                    " ".join(str(e) for e in errors.get(name, ())),
                )
                for name in section.fields
            ],
        )
        for section in SECTIONS
    ]
