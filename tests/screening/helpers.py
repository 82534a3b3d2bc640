"""Answer sets and form data for the screening tests."""

import datetime as dt

from django.utils import timezone

from homesafe.protocol.screening import COMBINED, SERAF


def seraf_answers(**answers) -> dict[str, str]:
    """Every SERAF indicator answered "no" except those given."""
    return {i.code: "no" for i in SERAF.indicators} | answers


def combined_answers(*present: str) -> dict[str, str]:
    return {i.code: ("yes" if i.code in present else "no") for i in COMBINED.indicators}


def form_data(answers: dict[str, str], *, when=None, **extra) -> dict[str, str]:
    """POST data for the screening form."""
    when = timezone.localtime(when or timezone.now() - dt.timedelta(hours=1))
    data = {f"answer_{code}": value for code, value in answers.items()}
    data |= {
        "completed_at_0": str(when.day),
        "completed_at_1": str(when.month),
        "completed_at_2": str(when.year),
        "completed_at_3": f"{when:%H:%M}",
        "override_band": "",
        "override_reason": "",
    }
    return data | extra
