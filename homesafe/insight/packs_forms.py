"""The form that asks for a report pack: one choice of a period that has ended, each option
naming its kind ("Quarterly: July to September 2026"), so no script is needed to match a kind
with its periods."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from homesafe.insight import packs
from homesafe.insight.models import PackKind

CHOOSE_PERIOD = "Choose the period of the pack"


def period_choices(today: dt.date) -> list[tuple[str, str]]:
    choices = [("", "Choose")]
    for kind in (PackKind.QUARTERLY, PackKind.MONTHLY, PackKind.ANNUAL):
        for period in packs.ended_periods(kind, today):
            choices.append(
                (
                    f"{kind}:{period.start.isoformat()}",
                    f"{kind.label}: {packs.period_label(kind, period)}",
                )
            )
    return choices


class PackRequestForm(forms.Form):
    pack = forms.ChoiceField(
        label="Period",
        help_text="Quarters are calendar quarters; years are financial years, 1 April to 31 March.",
        error_messages={"required": CHOOSE_PERIOD, "invalid_choice": CHOOSE_PERIOD},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pack"].choices = period_choices(timezone.localdate())

    def clean(self):
        data = super().clean()
        if data.get("pack"):
            kind, first = data.pop("pack").split(":")
            data["kind"], data["first_day"] = kind, dt.date.fromisoformat(first)
        return data
