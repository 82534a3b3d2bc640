"""The session's time-out: "Stay signed in" keeps the session going (the endpoint the warning
calls), the signed-out page ends what is left of it, and every signed-in page carries the
warning's script with the session's length, from HomeSafe's own static files."""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string


def _session_ends(client):
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")
    return store(session_key=client.session.session_key).get_expiry_date()


def test_stay_signed_in_keeps_the_session_going(world, client, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    client.force_login(world.users["sw_1"])
    first = _session_ends(client)
    time_machine.shift(600)
    response = client.get(reverse("web:session_extend"))
    assert response.status_code == 200
    assert response.json() == {"timeout": settings.SESSION_COOKIE_AGE}
    assert "no-store" in response["Cache-Control"]
    assert _session_ends(client) > first


def test_a_signed_out_caller_cannot_extend_anything(client, db):
    response = client.get(reverse("web:session_extend"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_signed_out_page_ends_the_session(world, client):
    client.force_login(world.users["sw_1"])
    response = client.get(reverse("web:session_ended") + "?draft=saved")
    assert response.status_code == 200
    page = response.content.decode()
    assert "You have been signed out" in page and "saved as a draft" in page
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("web:home")).status_code == 302


def test_signed_in_pages_carry_the_warning_script(world, client, settings):
    settings.SESSION_COOKIE_AGE = 900
    client.force_login(world.users["sw_1"])
    page = client.get(reverse("web:home")).content.decode()
    assert 'src="/static/web/session-timeout.js" data-timeout="900"' in page
    assert f'data-extend-url="{reverse("web:session_extend")}"' in page
    signed_out = client.get(reverse("web:session_ended")).content.decode()
    assert "You have been signed out" in signed_out and "session-timeout.js" not in signed_out
