"""A told person's notices reach them by e-mail the way reminders do: in their digest, or at
once for a high-risk or senior leadership alert; never naming a child, never twice."""

import datetime as dt

from django.core import mail

from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty, Notice
from homesafe.reminders.models import ReminderEmail
from homesafe.reminders.sweep import reminders_sweep
from tests.reminders.conftest import TUESDAY, london

WEDNESDAY = TUESDAY + dt.timedelta(days=1)


def _told(world, work, kind: str, person: str, *, due_at, created_at) -> Notice:
    """The duty `kind` told in HomeSafe to `person` at `created_at`."""
    duty = work.duties.get(kind) or Duty.objects.get(episode=work.episode, kind=kind)
    Duty.objects.filter(pk=duty.pk).update(
        state=DutyState.DONE, closed_at=created_at, told_at=created_at, due_at=due_at
    )
    return Notice.objects.create(duty=duty, recipient=world.users[person], created_at=created_at)


def _mails_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def test_a_notice_rides_in_the_told_person_s_digest_and_names_no_child(world, work):
    school = world.users["school_1"]
    notice = _told(
        world,
        work,
        "notify_school",
        "school_1",
        due_at=london(TUESDAY, 23, 0),
        created_at=london(TUESDAY, 22, 0),
    )
    reminders_sweep(now=london(TUESDAY, 22, 5))
    assert _mails_to(school) == []  # waits for the 08:00 digest
    reminders_sweep(now=london(WEDNESDAY, 8, 0))
    (sent,) = _mails_to(school)
    assert "1 notice" in sent.subject
    assert "You have been told (1)" in sent.body and "a pupil of your school" in sent.body
    child = work.child
    for text in (child.first_name, child.last_name):
        assert text not in sent.body and text not in sent.subject
    notice.refresh_from_db()
    assert notice.emailed_at == london(WEDNESDAY, 8, 0)
    reminders_sweep(now=london(WEDNESDAY, 8, 5))
    assert len(_mails_to(school)) == 1  # never twice


def test_a_high_risk_notice_is_emailed_at_once(world, work):
    leader = world.users["sl_a"]
    Duty.objects.filter(episode=work.episode).exclude(kind="high_risk_alert").delete()
    _told(
        world,
        work,
        "high_risk_alert",
        "sl_a",
        due_at=london(WEDNESDAY, 10, 0),
        created_at=london(WEDNESDAY, 10, 0),
    )
    reminders_sweep(now=london(WEDNESDAY, 10, 5))
    (sent,) = _mails_to(leader)
    assert "graded high risk by the police" in sent.body
    assert ReminderEmail.objects.get(recipient=leader).kind == "alerts"


def test_a_notice_of_old_history_is_never_emailed(world, work):
    notice = _told(
        world,
        work,
        "notify_school",
        "school_1",
        due_at=london(TUESDAY, 9, 0) - dt.timedelta(days=30),
        created_at=london(TUESDAY, 22, 0),
    )
    reminders_sweep(now=london(WEDNESDAY, 8, 0))
    assert _mails_to(world.users["school_1"]) == []
    notice.refresh_from_db()
    assert notice.emailed_at is not None  # settled: not looked at again
