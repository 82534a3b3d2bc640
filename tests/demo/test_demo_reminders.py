"""Issue 13's acceptance: starting the demo sends at most one e-mail per user.

The demo seeds three weeks of duties at once, hundreds of them already overdue; the worker's
first sweep must not e-mail each one (it used to send about 400 e-mails on start-up): history
is shown in the app only, each person's routine reminders wait for their digest time, alerts
go in one e-mail a person. The outbox is counted."""

import datetime as dt
import io
import re
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from homesafe.access.models import User
from homesafe.duties.models import Reminder
from homesafe.people.models import Child
from homesafe.reminders.sweep import reminders_sweep
from tests.clock import LONDON

ANCHOR = dt.date(2026, 3, 2)  # a Monday
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
NEXT_DIGEST = dt.datetime(2026, 3, 3, 8, 0, tzinfo=LONDON)
CHILDREN = 240


@pytest.fixture
def seeded_demo():
    with time_machine.travel(NOW, tick=True):
        call_command(
            "seed_demo",
            f"--children={CHILDREN}",
            "--seed=7",
            f"--anchor={ANCHOR}",
            stdout=io.StringIO(),
        )
        yield


def _per_user() -> Counter:
    return Counter(address for message in mail.outbox for address in message.to)


@pytest.mark.django_db
def test_starting_the_demo_sends_at_most_one_email_per_user(seeded_demo):
    mail.outbox.clear()
    first = reminders_sweep(now=timezone.now())  # the worker's first sweep after the start

    # One e-mail per reminder, as before, would have sent several to one person.
    per_person = Counter(Reminder.objects.values_list("recipient_id", flat=True))
    assert first["reserved"] == sum(per_person.values()) > len(mail.outbox)
    assert max(per_person.values()) > 1
    assert max(_per_user().values(), default=0) <= 1
    assert len(mail.outbox) <= User.objects.filter(reminders__isnull=False).distinct().count()

    # The next sweeps, to the next morning's digest: still at most one e-mail a person each.
    start = len(mail.outbox)
    reminders_sweep(now=timezone.now() + dt.timedelta(minutes=5))
    assert len(mail.outbox) == start
    sent_before = len(mail.outbox)
    reminders_sweep(now=NEXT_DIGEST)
    digests = Counter(address for message in mail.outbox[sent_before:] for address in message.to)
    assert max(digests.values(), default=0) <= 1

    names = set()
    for first_name, last_name in Child.objects.values_list("first_name", "last_name"):
        names |= {first_name, last_name}
    for message in mail.outbox:
        assert not names & set(re.findall(r"[\w'-]+", f"{message.subject}\n{message.body}"))
