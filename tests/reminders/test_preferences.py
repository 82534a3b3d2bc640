"""The Reminder e-mails page: each person chooses for themselves (GOV.UK checkboxes, no
JavaScript needed); bad choices are refused naming the field; the administration sees it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.reminders.choices import DigestDays
from homesafe.reminders.forms import DAYS_MISSING, TIMES_AND_NO_EMAIL, TIMES_MISSING
from homesafe.reminders.models import ReminderPreference
from homesafe.reminders.queries import reminder_preference_for
from homesafe.reminders.services import NOT_YOURS, TIMES_UNKNOWN, reminder_preference_set

URL = reverse("reminders:preferences")


def test_the_header_links_to_the_page_and_it_shows_the_default(world, client):
    client.force_login(world.users["sw_1"])
    home = client.get(reverse("web:home")).content.decode()
    assert f'href="{URL}"' in home

    page = client.get(URL).content.decode()
    assert "A digest at 08:00 on working days" in page
    assert 'value="08:00" checked' in page
    assert 'data-behaviour="exclusive"' in page  # "No e-mail" unticks the times, with JS
    assert "Your next digest is at 08:00 on Wednesday 25 November" in page


def test_a_person_saves_their_times_audited(world, client):
    sw_1 = world.users["sw_1"]
    client.force_login(sw_1)
    response = client.post(
        URL, {"digest_times": ["08:00", "16:00"], "digest_days": DigestDays.EVERY_DAY}
    )
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(user=sw_1)
    assert (preference.times, preference.digest_days) == (["08:00", "16:00"], "every_day")
    assert preference.describe() == "A digest at 08:00 and 16:00 every day"
    entry = AuditEntry.objects.get(verb=AuditVerb.REMINDER_PREFERENCE_CHANGED)
    assert entry.actor == sw_1 and entry.payload["digest_times"] == ["08:00", "16:00"]


def test_no_email_means_in_app_only(world, client):
    client.force_login(world.users["sw_1"])
    client.post(URL, {"digest_times": ["none"]})
    preference = reminder_preference_for(user=world.users["sw_1"])
    assert not preference.wants_email
    assert "No e-mail" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "digest_times", TIMES_MISSING),
        ({"digest_times": ["none", "08:00"]}, "digest_times", TIMES_AND_NO_EMAIL),
        ({"digest_times": ["08:00"]}, "digest_days", DAYS_MISSING),
        ({"digest_times": ["09:15"], "digest_days": "every_day"}, "digest_times", "09:15"),
    ],
)
def test_bad_choices_are_refused_naming_the_field(world, client, data, field, message):
    client.force_login(world.users["sw_1"])
    response = client.post(URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and f'href="#id_{field}"' in page
    assert escape(message) in page
    assert not ReminderPreference.objects.exists()


def test_only_your_own_choice_can_be_changed(world, client):
    sw_1, sw_2 = world.users["sw_1"], world.users["sw_2"]
    client.force_login(sw_1)
    client.post(URL, {"digest_times": ["12:00"], "digest_days": "working_days", "user": sw_2.pk})
    assert not ReminderPreference.objects.filter(user=sw_2).exists()
    assert ReminderPreference.objects.get(user=sw_1).times == ["12:00"]
    with pytest.raises(ValidationError, match=NOT_YOURS):
        reminder_preference_set(
            user=sw_2,
            digest_times=["08:00"],
            digest_days="working_days",
            actor=world.users["admin"],
        )


def test_the_service_refuses_an_unknown_time(world):
    sw_1 = world.users["sw_1"]
    with pytest.raises(ValidationError) as error:
        reminder_preference_set(
            user=sw_1, digest_times=["03:00"], digest_days="working_days", actor=sw_1
        )
    assert error.value.message_dict == {"digest_times": [TIMES_UNKNOWN]}


def test_the_administration_sees_a_persons_choice(world, client):
    sw_1 = world.users["sw_1"]
    reminder_preference_set(user=sw_1, digest_times=["12:00"], digest_days="every_day", actor=sw_1)
    client.force_login(world.users["admin"])
    page = client.get(reverse("administration:user", args=[sw_1.pk])).content.decode()
    assert "Reminder e-mails" in page and "A digest at 12:00 every day" in page


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
