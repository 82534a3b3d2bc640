"""The sweep e-mails reminders as people chose: one digest per person at their times, alerts at
once, history never; nothing twice, even when a sweep dies part way; no child named in any
e-mail, while the in-app reminders name the child at once."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from homesafe.duties.choices import DutyState, ReminderState
from homesafe.duties.models import Duty, Reminder
from homesafe.people.models import Child
from homesafe.reminders import sweep
from homesafe.reminders.choices import DigestDays, ReminderEmailKind, ReminderEmailState
from homesafe.reminders.emails import LINKS_PER_KIND
from homesafe.reminders.models import ReminderEmail, ReminderEmailItem, ReminderPreference
from homesafe.reminders.sweep import reminders_sweep
from tests.clock import LONDON

# The duties of the `work` fixture were planned on Tuesday 24 November 2026 at 07:30; most
# sweeps below run on the Wednesday, before, at and after the 08:00 digest.
WEDNESDAY = dt.date(2026, 11, 25)


def at(hour: int, minute: int = 0, day: dt.date = WEDNESDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def mails_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def prefer(user, times: list[str], days: str = DigestDays.WORKING_DAYS) -> None:
    ReminderPreference.objects.create(user=user, digest_times=times, digest_days=days)


def test_nothing_is_emailed_before_the_digest_time(world, work):
    sw_1 = world.users["sw_1"]
    reminders_sweep(now=at(7, 0))
    reminders_sweep(now=at(7, 55))

    assert Reminder.objects.filter(recipient=sw_1).exists()  # in the app already
    assert mails_to(sw_1) == []


def test_the_digest_at_the_chosen_time_counts_and_links_each_duty_by_kind(world, work):
    sw_1 = world.users["sw_1"]
    reminders_sweep(now=at(7, 0))
    reminders_sweep(now=at(8, 0, day=WEDNESDAY) + dt.timedelta(seconds=3))

    [digest] = mails_to(sw_1)
    overdue = [work.duties["strategy_meeting"], work.duties["rhi_offer"]]
    assert digest.subject == "HomeSafe: 2 overdue"
    assert "Overdue: 2" in digest.body and "Due soon" not in digest.body
    assert "Consider a MACE referral" not in digest.body  # due on Friday
    for duty in overdue:
        assert f"{duty.label}: 1" in digest.body
        link = f"due {timezone.localtime(duty.due_at):%d/%m/%Y %H:%M}: " + (
            "http://127.0.0.1:8000" + reverse("duties:detail", args=[duty.pk])
        )
        assert link in digest.body
    assert "A digest at 08:00 on working days" in digest.body
    email = ReminderEmail.objects.get(recipient=sw_1)
    assert (email.kind, email.state, email.slot_at) == (
        ReminderEmailKind.DIGEST,
        ReminderEmailState.SENT,
        at(8, 0),
    )
    assert not Reminder.objects.filter(recipient=sw_1, state=ReminderState.PENDING).exists()


def test_one_digest_per_person_whatever_the_number_of_duties(world, work):
    """The school's lead has the school's duty, the team manager the escalation: one each."""
    reminders_sweep(now=at(7, 0))
    reminders_sweep(now=at(8, 0))
    for key in ("sw_1", "tm_1", "school_1"):
        assert len(mails_to(world.users[key])) == 1, key


def test_a_later_time_only_gets_its_own_digest(world, work):
    sw_1 = world.users["sw_1"]
    prefer(sw_1, ["12:00", "16:00"])
    reminders_sweep(now=at(7, 0))
    reminders_sweep(now=at(8, 0))
    assert mails_to(sw_1) == []

    reminders_sweep(now=at(12, 0))
    assert len(mails_to(sw_1)) == 1
    reminders_sweep(now=at(12, 5))
    reminders_sweep(now=at(16, 0))  # nothing new since 12:00: no e-mail
    assert len(mails_to(sw_1)) == 1


def test_a_reminder_after_the_digest_time_waits_for_the_next_one(world, work):
    """On a Saturday (not a working day), the Friday 08:00 digest is not sent late."""
    sw_1 = world.users["sw_1"]
    mace = work.duties["consider_mace"]  # due Friday 23:59
    saturday = dt.date(2026, 11, 28)
    reminders_sweep(now=at(7, 0))  # Wednesday: the social worker's first reminder
    reminders_sweep(now=at(8, 0))
    before = len(mails_to(sw_1))
    reminders_sweep(now=at(10, 0, day=saturday))

    assert Reminder.objects.filter(duty=mace, recipient=sw_1, kind="overdue").exists()
    assert len(mails_to(sw_1)) == before
    reminders_sweep(now=at(8, 0, day=dt.date(2026, 11, 30)))  # Monday
    assert len(mails_to(sw_1)) == before + 1
    assert "Consider a MACE referral: 1" in mails_to(sw_1)[-1].body


def test_every_day_includes_the_weekend(world, work):
    sw_1 = world.users["sw_1"]
    prefer(sw_1, ["08:00"], DigestDays.EVERY_DAY)
    saturday = dt.date(2026, 11, 28)
    reminders_sweep(now=at(9, 0, day=saturday) - dt.timedelta(hours=2))
    reminders_sweep(now=at(8, 0, day=saturday))
    assert len(mails_to(sw_1)) == 1


def test_alerts_are_emailed_at_once_even_to_a_person_who_wants_no_email(world, work):
    sl_a = world.users["sl_a"]
    prefer(sl_a, [])  # in-app only
    reminders_sweep(now=timezone.now())  # Tuesday 09:30: the high-risk alert is overdue

    [alert] = mails_to(sl_a)
    assert alert.subject == "HomeSafe: 1 alert to act on now"
    assert "High risk: tell a senior manager: 1" in alert.body
    email = ReminderEmail.objects.get(recipient=sl_a)
    assert email.kind == ReminderEmailKind.ALERTS
    # The head of service escalation (not an alert) is never e-mailed to them.
    reminders_sweep(now=at(8, 0, day=dt.date(2026, 11, 30)))
    assert all("Escalate" not in m.body for m in mails_to(sl_a))


def test_in_app_only_reminders_are_never_emailed(world, work):
    sw_1 = world.users["sw_1"]
    prefer(sw_1, [])
    reminders_sweep(now=at(7, 0))
    reminders_sweep(now=at(8, 0))

    assert mails_to(sw_1) == []
    reminders = Reminder.objects.filter(recipient=sw_1)
    assert reminders.exists()
    assert all(r.state == ReminderState.SENT and r.sent_at is None for r in reminders)


def test_history_is_shown_in_the_app_but_never_emailed(world, work):
    """A duty already overdue by more than a day when it was planned (records loaded in bulk)."""
    child = work.child
    sw_1 = world.users["sw_1"]
    Duty.objects.filter(child=child).update(planned_at=at(8, 0, day=dt.date(2026, 12, 20)))
    reminders_sweep(now=at(7, 0, day=dt.date(2026, 12, 21)))
    reminders_sweep(now=at(8, 0, day=dt.date(2026, 12, 21)))

    assert mail.outbox == []
    assert Reminder.objects.filter(recipient=sw_1, email_item__isnull=True).exists()
    assert not ReminderEmail.objects.exists()


def test_running_the_sweep_again_sends_nothing_twice(world, work):
    reminders_sweep(now=at(7, 0))
    mail.outbox.clear()
    first = reminders_sweep(now=at(8, 0))
    sent = len(mail.outbox)
    assert first["sent"] == sent > 0

    assert reminders_sweep(now=at(8, 0))["sent"] == 0
    assert reminders_sweep(now=at(8, 5))["sent"] == 0
    assert len(mail.outbox) == sent


def test_a_sweep_that_died_after_reserving_sends_each_email_once(world, work, monkeypatch):
    reminders_sweep(now=at(7, 0))
    mail.outbox.clear()
    monkeypatch.setattr(sweep, "_send_reserved", lambda now, batch: 0)  # dies before sending
    reminders_sweep(now=at(8, 0))
    reserved = ReminderEmail.objects.filter(state=ReminderEmailState.PENDING).count()
    assert reserved > 0 and mail.outbox == []
    monkeypatch.undo()

    result = reminders_sweep(now=at(8, 5))  # the restarted worker
    assert result["emails"] == 0 and result["sent"] == reserved == len(mail.outbox)
    assert len({tuple(m.to) for m in mail.outbox}) == reserved
    assert not ReminderEmail.objects.filter(state=ReminderEmailState.PENDING).exists()
    assert not Reminder.objects.filter(
        state=ReminderState.PENDING, email_item__isnull=False
    ).exists()


def test_a_sweep_that_died_while_sending_finishes_the_rest(world, work, monkeypatch):
    from django.core.mail import EmailMessage

    reminders_sweep(now=at(7, 0))
    mail.outbox.clear()
    real_send, calls = EmailMessage.send, []

    def send_once_then_die(self, *args, **kwargs):
        if calls:
            raise ConnectionError("the mail server went away")
        calls.append(self.to)
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send_once_then_die)
    with pytest.raises(ConnectionError):
        reminders_sweep(now=at(8, 0))
    monkeypatch.undo()
    assert len(mail.outbox) == 1
    reminders_sweep(now=at(8, 5))

    recipients = [tuple(m.to) for m in mail.outbox]
    assert len(recipients) == len(set(recipients))
    assert len(recipients) == ReminderEmail.objects.filter(created_at__gte=at(8, 0)).count()


def test_a_duty_done_before_the_digest_is_left_out(world, work):
    child = work.child
    sw_1 = world.users["sw_1"]
    reminders_sweep(now=at(7, 0))
    Duty.objects.filter(child=child, owner_user=sw_1).update(
        state=DutyState.DONE, closed_at=at(7, 30)
    )
    reminders_sweep(now=at(8, 0))

    assert mails_to(sw_1) == []
    email = ReminderEmail.objects.get(recipient=sw_1)
    assert email.state == ReminderEmailState.NOT_NEEDED and email.sent_at is None


def test_a_long_digest_links_the_first_of_each_kind_and_counts_the_rest(world, work):
    from homesafe.duties.choices import ReminderKind
    from tests.factories import EpisodeFactory

    sw_1 = world.users["sw_1"]
    duty = work.duties["strategy_meeting"]
    # More duties of one kind than a digest links: copies of the duty on other episodes.
    values = {f.attname: getattr(duty, f.attname) for f in Duty._meta.concrete_fields}
    duties = [duty]
    for _ in range(LINKS_PER_KIND + 2):
        episode = EpisodeFactory()
        duties.append(
            Duty.objects.create(
                **{**values, "id": None, "episode_id": episode.pk, "child_id": episode.child_id}
            )
        )
    for d in duties:
        Reminder.objects.create(
            duty=d, recipient=sw_1, kind=ReminderKind.OVERDUE, due_at=d.due_at, created_at=at(7, 0)
        )
    reminders_sweep(now=at(8, 0))

    [digest] = mails_to(sw_1)
    assert f"Overdue: {len(duties) + 1}" in digest.body  # and the interview offer
    assert f"Hold a strategy meeting: {len(duties)}" in digest.body
    assert digest.body.count("/duties/") == LINKS_PER_KIND + 1
    assert f"- and {len(duties) - LINKS_PER_KIND} more in My work" in digest.body


def test_no_email_names_a_child(world, work):
    reminders_sweep(now=timezone.now())
    reminders_sweep(now=at(7, 0))
    reminders_sweep(now=at(8, 0))
    reminders_sweep(now=at(8, 0, day=dt.date(2026, 11, 30)))

    assert len(mail.outbox) >= 4
    names = set()
    for child in Child.objects.all():
        names |= {child.first_name, child.last_name}
    for message in mail.outbox:
        words = set(re.findall(r"[\w'-]+", f"{message.subject}\n{message.body}"))
        assert not names & words, message.body


def test_in_app_reminders_name_the_child_at_once(world, work, client):
    child = work.child
    reminders_sweep(now=at(7, 0))  # before the digest: not e-mailed yet
    assert mails_to(world.users["sw_1"]) == []

    client.force_login(world.users["sw_1"])
    page = client.get(reverse("web:home")).content.decode()
    assert 'id="reminders-title"' in page
    assert f"{child.full_name}:" in page
    assert "Hold a strategy meeting" in page


def test_a_reminder_is_in_one_email_at_most(world, work):
    reminders_sweep(now=at(7, 0))
    reminders_sweep(now=at(8, 0))
    reminders_sweep(now=at(8, 0, day=dt.date(2026, 11, 26)))
    items = ReminderEmailItem.objects.values_list("reminder_id", flat=True)
    assert len(items) == len(set(items)) > 0


def test_alerts_found_at_a_digest_time_come_in_the_digest(world, work):
    """One e-mail a person a sweep: the senior leader's 08:00 digest carries the new alert."""
    from homesafe.duties.choices import ReminderKind

    sl_a = world.users["sl_a"]
    friday = dt.date(2026, 11, 27)
    reminders_sweep(now=at(7, 0, day=friday))  # the head of service escalation is due soon
    mail.outbox.clear()
    alert = work.duties["high_risk_alert"]
    Reminder.objects.create(
        duty=alert,
        recipient=sl_a,
        kind=ReminderKind.DUE_SOON,
        due_at=alert.due_at,
        created_at=at(8, 0, day=friday),
    )
    reminders_sweep(now=at(8, 0, day=friday))

    [email] = mails_to(sl_a)
    assert "Alerts: act now: 1" in email.body
    assert "Escalate to the head of service: 1" in email.body
    assert email.subject == "HomeSafe: 1 alert to act on now, 1 due soon"
    digest = ReminderEmail.objects.get(recipient=sl_a, slot_at=at(8, 0, day=friday))
    assert digest.kind == ReminderEmailKind.DIGEST


def test_a_deactivated_person_is_not_emailed(world, work):
    from homesafe.access.models import User

    sw_1 = world.users["sw_1"]
    reminders_sweep(now=at(7, 0))
    User.objects.filter(pk=sw_1.pk).update(is_active=False)
    reminders_sweep(now=at(8, 0))
    assert mails_to(sw_1) == []
