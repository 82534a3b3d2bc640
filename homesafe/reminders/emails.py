"""What a reminder e-mail says: counts and links only, never a child's name or other personal
data (the links lead into HomeSafe, where the access policy applies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from homesafe.duties.choices import DUTY_LABELS, NOTICE_TEXT, DutyState
from homesafe.duties.models import Duty, Notice, Reminder
from homesafe.reminders.choices import IMMEDIATE_KINDS, ReminderEmailKind
from homesafe.reminders.models import ReminderEmail, ReminderPreference

# A long digest lists this many duties of a kind, then says how many more My work has.
LINKS_PER_KIND = 10
KIND_ORDER = {kind: n for n, kind in enumerate(DUTY_LABELS)}


@dataclass(frozen=True)
class ComposedEmail:
    subject: str
    body: str


def _link(name: str, *args) -> str:
    return settings.HOMESAFE_BASE_URL + reverse(name, args=args)


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _state(duty: Duty, now: datetime | None) -> str:
    if now is None:
        return ""
    return "overdue, " if duty.due_at <= now else "due soon, "


def _section(title: str, duties: list[Duty], *, now: datetime | None = None) -> list[str]:
    """A heading with the count, then the duties grouped by kind (label), each with its due time
    and link, at most LINKS_PER_KIND a kind; given `now`, each says whether it is overdue."""
    if not duties:
        return []
    lines = [f"{title}: {len(duties)}", ""]
    by_kind: dict[str, list[Duty]] = {}
    for duty in sorted(duties, key=lambda d: (KIND_ORDER.get(d.kind, 99), d.due_at, d.pk)):
        by_kind.setdefault(duty.kind, []).append(duty)
    for kind, group in by_kind.items():
        lines.append(f"{DUTY_LABELS.get(kind, kind)}: {len(group)}")
        lines += [
            f"- {_state(d, now)}due {_when(d.due_at)}: {_link('duties:detail', d.pk)}"
            for d in group[:LINKS_PER_KIND]
        ]
        if len(group) > LINKS_PER_KIND:
            lines.append(f"- and {len(group) - LINKS_PER_KIND} more in My work")
        lines.append("")
    return lines


def email_compose(
    *,
    email: ReminderEmail,
    reminders: list[Reminder],
    preference: ReminderPreference,
    now: datetime,
    notices: list[Notice] = (),
) -> ComposedEmail | None:
    """The e-mail for these reminders and notices, or None if every duty in it was closed
    meanwhile and it tells of nothing. A duty is listed once, as it stands now (overdue, or due
    soon); notices are counted by what they tell, naming no child."""
    duties = {r.duty_id: r.duty for r in reminders if r.duty.state == DutyState.OPEN}
    if not duties and not notices:
        return None
    alerts = [d for d in duties.values() if d.kind in IMMEDIATE_KINDS]
    rest = [d for d in duties.values() if d.kind not in IMMEDIATE_KINDS]
    overdue = [d for d in rest if d.due_at <= now]
    due_soon = [d for d in rest if d.due_at > now]

    counts = []
    if notices:
        counts.append(_plural(len(notices), "notice", "notices"))
    if alerts:
        counts.append(_plural(len(alerts), "alert to act on now", "alerts to act on now"))
    if overdue:
        counts.append(f"{len(overdue)} overdue")
    if due_soon:
        counts.append(f"{len(due_soon)} due soon")
    subject = "HomeSafe: " + ", ".join(counts)

    if email.kind == ReminderEmailKind.DIGEST:
        intro = (
            f"Your HomeSafe reminders for {timezone.localtime(email.slot_at):%H:%M on %A %d %B %Y}."
        )
    else:
        intro = "HomeSafe alerts that need action now."
    lines = [intro, ""]
    if notices:
        told: dict[str, int] = {}
        for notice in notices:
            text = NOTICE_TEXT.get(notice.duty.kind, DUTY_LABELS.get(notice.duty.kind, ""))
            told[text] = told.get(text, 0) + 1
        lines += [f"You have been told ({len(notices)}): open My work to read and acknowledge."]
        lines += [f"- {n} x a child {text}" for text, n in sorted(told.items())]
        lines += [f"My work: {_link('web:home')}", ""]
    lines += _section("Alerts: act now", alerts, now=now)
    lines += _section("Overdue", overdue)
    lines += _section("Due soon", due_soon)
    lines += [
        "This e-mail names no child: open a link to see who a duty is for.",
        f"All your work: {_link('web:home')}",
        "",
        f"Your choice: {preference.describe()}. High-risk and senior leadership alerts are "
        "e-mailed at once.",
        f"Change when you get these e-mails: {_link('reminders:preferences')}",
    ]
    return ComposedEmail(subject=subject, body="\n".join(lines) + "\n")
