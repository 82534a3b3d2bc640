"""Form fields for GOV.UK's date pattern (separate day, month and year boxes), and date-time
(the same plus a time box). Django has no such field: its SplitDateTimeField wants one date box.
Errors say which part is wrong, as the GOV.UK pattern asks."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError

LONDON = ZoneInfo("Europe/London")

DATE_MISSING = "Enter {label}"
DATE_PART_MISSING = "{label} must include a {parts}"
DATE_NOT_REAL = "{label} must be a real date"
TIME_NOT_REAL = "{label} must include a real time, like 14:30"
TIME_AMBIGUOUS = "{label} falls when the clocks go back; enter the time in GMT ({hint})"


def _and_join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


class DatePartsWidget(forms.MultiWidget):
    template_name = "django/forms/widgets/multiwidget.html"
    parts = ("day", "month", "year")

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput, forms.TextInput, forms.TextInput], attrs)

    def decompress(self, value):
        if isinstance(value, dt.datetime):
            value = value.astimezone(LONDON)
            return [value.day, value.month, value.year, value.strftime("%H:%M")]
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None] * len(self.widgets)


class DateTimePartsWidget(DatePartsWidget):
    parts = ("day", "month", "year", "time")

    def __init__(self, attrs=None):
        forms.MultiWidget.__init__(
            self, [forms.TextInput, forms.TextInput, forms.TextInput, forms.TextInput], attrs
        )


class GovukDateField(forms.MultiValueField):
    widget = DatePartsWidget
    with_time = False

    def __init__(self, *args, missing_message: str = "", **kwargs):
        fields = [forms.CharField(required=False) for _ in self.widget.parts]
        super().__init__(fields, *args, require_all_fields=False, **kwargs)
        self.missing_message = missing_message

    def _label(self) -> str:
        return str(self.label or "the date")

    def clean(self, value):
        values = [str(v or "").strip() for v in (value or [])]
        values += [""] * (len(self.widget.parts) - len(values))
        if not any(values):
            if self.required:
                raise ValidationError(
                    self.missing_message or DATE_MISSING.format(label=self._label().lower()),
                    code="required",
                )
            return None
        missing = [p for p, v in zip(self.widget.parts, values, strict=True) if not v]
        if missing:
            raise ValidationError(
                DATE_PART_MISSING.format(label=self._label(), parts=_and_join(missing)),
                code="incomplete",
            )
        return self.compress(values)

    def compress(self, data_list):
        day, month, year = data_list[:3]
        try:
            if len(year) != 4:
                raise ValueError
            date = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(
                DATE_NOT_REAL.format(label=self._label()), code="invalid"
            ) from None
        return date


class GovukDateTimeField(GovukDateField):
    """A date and a 24-hour time, read in Europe/London and returned aware (UTC-comparable)."""

    widget = DateTimePartsWidget
    with_time = True

    def compress(self, data_list):
        date = super().compress(data_list)
        match = re.fullmatch(r"([01]?\d|2[0-3])[:.]?([0-5]\d)", data_list[3].replace(" ", ""))
        if not match:
            raise ValidationError(TIME_NOT_REAL.format(label=self._label()), code="invalid_time")
        naive = dt.datetime.combine(date, dt.time(int(match[1]), int(match[2])))
        aware = naive.replace(tzinfo=LONDON)
        # A time that does not exist (clocks go forward) moves on by the gap, like a wall clock.
        return aware.astimezone(dt.UTC).astimezone(LONDON)
