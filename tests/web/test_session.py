"""The session's time-out: "Stay signed in" keeps the session going (the endpoint the warning
calls), the signed-out page ends what is left of it, and every signed-in page carries the
warning's script with the session's length, from HomeSafe's own static files."""

import datetime as dt

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.module_loading import import_string


def _session_ends(client):
    """When the server ends the session: its stored row's expiry."""
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")
    return store.get_model_class().objects.get(session_key=client.session.session_key).expire_date


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


def test_signed_in_pages_carry_the_warning_script(world, client, settings, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    settings.SESSION_COOKIE_AGE = 900
    client.force_login(world.users["sw_1"])
    page = client.get(reverse("web:home")).content.decode()
    assert 'src="/static/web/session-timeout.js" data-timeout="900"' in page
    assert f'data-extend-url="{reverse("web:session_extend")}"' in page
    signed_out = client.get(reverse("web:session_ended")).content.decode()
    assert "You have been signed out" in signed_out and "session-timeout.js" not in signed_out


def _session_writes(queries) -> int:
    return sum(
        q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
        for q in queries.captured_queries
    )


def test_activity_keeps_the_session_going_writing_it_at_most_once_a_minute(
    world, client, time_machine
):
    """Each request counts as activity, but the session's row is written again only when a
    minute has passed since it last was: the end moves with the person's work, without a
    write for every page."""
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
    client.force_login(world.users["sw_1"])  # signing in starts the session's time
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("web:home")).status_code == 200
    assert _session_writes(queries) == 0
    assert _session_ends(client) == start + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)

    time_machine.shift(50)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("web:home")).status_code == 200
    assert _session_writes(queries) == 0
    assert _session_ends(client) == start + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)

    time_machine.shift(20)  # 70 seconds since the session was last kept
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("web:home")).status_code == 200
    assert _session_writes(queries) == 1
    assert _session_ends(client) == start + dt.timedelta(seconds=70 + settings.SESSION_COOKIE_AGE)


def test_the_page_is_told_the_seconds_really_left(world, client, settings, time_machine):
    """Between two writes the session's end stays put, so a page says how long is left of it,
    not the whole length: the warning comes two minutes before the server's end."""
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    settings.SESSION_COOKIE_AGE = 900
    client.force_login(world.users["sw_1"])
    client.get(reverse("web:home"))
    time_machine.shift(45)
    page = client.get(reverse("web:home")).content.decode()
    assert 'data-timeout="855"' in page
    # "Stay signed in" within the minute, when a page alone would not restart the time: the
    # whole length again.
    time_machine.shift(5)
    assert client.get(reverse("web:session_extend")).json() == {"timeout": 900}
    assert 'data-timeout="900"' in client.get(reverse("web:home")).content.decode()


def test_a_session_left_alone_for_its_length_is_ended_by_the_server(world, client, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    client.force_login(world.users["sw_1"])
    client.get(reverse("web:home"))
    time_machine.shift(50)
    client.get(reverse("web:home"))  # activity within the minute: the end has not moved
    time_machine.shift(settings.SESSION_COOKIE_AGE - 50 + 1)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and "/login/" in response["Location"]
