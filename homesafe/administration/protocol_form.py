"""The protocol settings as a form: one field a setting, built from ProtocolSettings' own field
specs, with default.toml's comments as hints; checked by ProtocolSettings itself, so an error
names the setting's field. The saved settings are TOML (default.toml with the values replaced),
which is also what administrators download and upload."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import fields
from functools import cache
from typing import Any

from django import forms

from homesafe.protocol.settings import DEFAULT_TOML, ProtocolSettings, ProtocolSettingsError
from homesafe.web.forms import GovukForm

BAD_DATE_LINE = "Write each date as YYYY-MM-DD on a line of its own, not {line!r}."
BAD_RANGE_LINE = (
    "Write each holiday as YYYY-MM-DD to YYYY-MM-DD on a line of its own, not {line!r}."
)
RANGE_SEPARATOR = " to "
_KEY_LINE = re.compile(r"^(?P<key>[a-z_]+)\s*=")


@cache
def default_hints() -> dict[str, str]:
    """Each setting's comment in default.toml (its meaning and source), by key."""
    hints, comment = {}, []
    for line in DEFAULT_TOML.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            comment.append(line.lstrip("# ").strip())
        elif match := _KEY_LINE.match(line):
            hints[match["key"]] = " ".join(comment)
            comment = []
        else:
            comment = []
    return hints


_WORDS = {
    "rhi": "return interview",
    "la": "local authority",
    "iro": "IRO",
    "cp": "child protection",
    "nrm": "NRM",
    "mace": "MACE",
}


def _label(key: str) -> str:
    words = " ".join(_WORDS.get(word, word) for word in key.split("_"))
    return words[0].upper() + words[1:]


def _choices(enum) -> list[tuple[str, str]]:
    return [(member.value, member.value.replace("_", " ")) for member in enum]


class ProtocolSettingsForm(GovukForm):
    """Every setting of ProtocolSettings, in its order; clean() builds and checks the settings."""

    note = forms.CharField(label="What changed and why (optional)", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hints = default_hints()
        built = {}
        for spec in fields(ProtocolSettings):
            kind, key = spec.metadata["kind"], spec.name
            common = {"label": _label(key), "help_text": hints.get(key, "")}
            if kind == "int":
                low, high = spec.metadata["low"], spec.metadata["high"]
                field = forms.IntegerField(
                    min_value=low,
                    max_value=high,
                    widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                    error_messages={
                        "required": f"Enter {common['label'].lower()}",
                        "invalid": f"{common['label']} must be a whole number",
                        "min_value": f"{common['label']} must be {low} or more",
                        "max_value": f"{common['label']} must be {high} or less",
                    },
                    **common,
                )
            elif kind == "choice":
                field = forms.ChoiceField(
                    choices=_choices(spec.metadata["enum"]), widget=forms.RadioSelect, **common
                )
                field.error_messages["required"] = f"Choose {common['label'].lower()}"
            elif kind == "choices":
                field = forms.MultipleChoiceField(
                    choices=_choices(spec.metadata["enum"]),
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                    **common,
                )
            elif kind == "time":
                field = forms.CharField(
                    max_length=5,
                    error_messages={"required": f"Enter {common['label'].lower()}, e.g. 09:00"},
                    **common,
                )
            else:  # dates, ranges: one a line
                field = forms.CharField(
                    required=False, widget=forms.Textarea(attrs={"rows": 3}), **common
                )
            field.setting_kind = kind
            built[key] = field
        built["note"] = self.fields.pop("note")
        self.fields = built
        self.settings: ProtocolSettings | None = None

    @classmethod
    def initial_from(cls, settings: ProtocolSettings) -> dict[str, Any]:
        mapping = settings.to_mapping()
        initial = {}
        for spec in fields(ProtocolSettings):
            value, kind = mapping[spec.name], spec.metadata["kind"]
            if kind == "dates":
                value = "\n".join(value)
            elif kind == "ranges":
                value = "\n".join(f"{r['start']}{RANGE_SEPARATOR}{r['end']}" for r in value)
            initial[spec.name] = value
        return initial

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        mapping = {}
        for name, field in self.fields.items():
            kind = getattr(field, "setting_kind", None)
            if kind is None:
                continue
            value = data.get(name)
            try:
                if kind == "dates":
                    value = [_date_line(line) for line in _lines(value)]
                elif kind == "ranges":
                    value = [_range_line(line) for line in _lines(value)]
            except ValueError as error:
                self.add_error(name, str(error))
                continue
            mapping[name] = value
        if self.errors:
            return data
        try:
            self.settings = ProtocolSettings.from_mapping(mapping)
        except ProtocolSettingsError as error:
            self.add_error(error.key if error.key in self.fields else None, str(error))
        return data

    def settings_toml(self) -> str:
        """The checked settings as TOML (call after is_valid())."""
        assert self.settings is not None
        return settings_to_toml(self.settings)


def _lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _date_line(line: str) -> dt.date:
    try:
        return dt.date.fromisoformat(line)
    except ValueError:
        raise ValueError(BAD_DATE_LINE.format(line=line)) from None


def _range_line(line: str) -> dict[str, dt.date]:
    start, separator, end = line.partition(RANGE_SEPARATOR)
    if not separator:
        raise ValueError(BAD_RANGE_LINE.format(line=line))
    try:
        return {
            "start": dt.date.fromisoformat(start.strip()),
            "end": dt.date.fromisoformat(end.strip()),
        }
    except ValueError:
        raise ValueError(BAD_RANGE_LINE.format(line=line)) from None


def _toml_value(kind: str, value: Any) -> str:
    if kind == "dates":
        return "[" + ", ".join(value) + "]"
    if kind == "ranges":
        return "[" + ", ".join(f"{{start = {r['start']}, end = {r['end']}}}" for r in value) + "]"
    return json.dumps(value)  # numbers, strings and lists of strings are the same in TOML


def settings_to_toml(settings: ProtocolSettings) -> str:
    """default.toml, comments and all, with each setting's value replaced by these settings'."""
    mapping = settings.to_mapping()
    kinds = {spec.name: spec.metadata["kind"] for spec in fields(ProtocolSettings)}
    lines, written = [], set()
    for line in DEFAULT_TOML.read_text(encoding="utf-8").splitlines():
        match = _KEY_LINE.match(line)
        if match and match["key"] in mapping:
            key = match["key"]
            line = f"{key} = {_toml_value(kinds[key], mapping[key])}"
            written.add(key)
        lines.append(line)
    lines += [f"{k} = {_toml_value(kinds[k], v)}" for k, v in mapping.items() if k not in written]
    return "\n".join(lines) + "\n"
