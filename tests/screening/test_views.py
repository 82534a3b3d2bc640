"""Screening pages: wiring, access by role, bad input writes nothing, bounded queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry
from homesafe.screening.models import ExploitationScreening
from homesafe.screening.services import screening_complete
from tests.screening.helpers import combined_answers, form_data, seraf_answers


def _screen(world, child, *, user="sw_2", **answers):
    return screening_complete(
        child=child,
        tool="seraf",
        answers=seraf_answers(**answers),
        completed_at=timezone.now() - dt.timedelta(hours=2),
        actor=world.users[user],
    )


# Child a_team2: LA A, allocated to sw_2, school 2, open referral to the RHI service, and
# reported to Force A (so police A sees the child's identity and episodes).
LIST_ACCESS = [
    ("cmo_a", 200),
    ("sw_2", 200),
    ("sm_cic", 200),
    ("rhi", 200),
    ("police_a", 403),
    ("school_2", 403),
    ("cmo_b", 404),
    ("sw_3", 404),
    ("police_b", 404),
]
FORM_ACCESS = [
    ("cmo_a", 200),
    ("sw_2", 200),
    ("rhi", 200),
    ("police_a", 403),
    ("school_2", 403),
    ("cmo_b", 404),
    ("police_b", 404),
]


@pytest.mark.parametrize(("user_key", "status"), LIST_ACCESS)
def test_list_and_screening_pages_by_role(world, returned, client, user_key, status):
    screening = _screen(world, returned.child, missing_overnight="both")
    client.force_login(world.users[user_key])
    assert client.get(reverse("screening:list", args=[returned.child_id])).status_code == status
    detail = client.get(reverse("screening:detail", args=[screening.pk]))
    assert detail.status_code == status
    if status == 200:
        page = detail.content.decode()
        assert "Mild risk" in page and "Missing overnight or longer" in page


@pytest.mark.parametrize(("user_key", "status"), FORM_ACCESS)
def test_the_form_by_role(world, returned, client, user_key, status):
    client.force_login(world.users[user_key])
    url = reverse("screening:new", args=[returned.child_id, "seraf"])
    assert client.get(url).status_code == status
    response = client.post(url, form_data(seraf_answers()))
    assert response.status_code == (302 if status == 200 else status)
    assert ExploitationScreening.objects.exists() == (status == 200)


def test_read_only_team_mates_may_see_but_not_record(world, client):
    child = world.children["a_team1"]  # allocated to sw_1; sw_1b is a team-mate (read only)
    client.force_login(world.users["sw_1b"])
    assert client.get(reverse("screening:list", args=[child.pk])).status_code == 200
    url = reverse("screening:new", args=[child.pk, "seraf"])
    assert client.get(url).status_code == 403


def test_completing_a_screening_through_the_form(world, returned, client):
    client.force_login(world.users["rhi"])
    url = reverse("screening:new", args=[returned.child_id, "seraf"])
    page = client.get(url).content.decode()
    for label in ("Now or in the last 6 months", "6 to 12 months ago", "Both", "No"):
        assert label in page
    response = client.post(
        url,
        form_data(
            seraf_answers(missing_overnight="both", older_partner="recent", in_care="yes"),
            override_band="significant",
            override_reason="Disclosed more in the interview",
        ),
    )
    screening = ExploitationScreening.objects.get()
    assert response.url == reverse("screening:detail", args=[screening.pk])
    assert (screening.score, screening.band, screening.final_band) == (
        12,
        "moderate",
        "significant",
    )
    assert screening.completed_by == world.users["rhi"]
    listing = client.get(reverse("screening:list", args=[returned.child_id])).content.decode()
    assert "Significant risk (tool: Moderate risk)" in listing


def test_the_categorical_tool_form(world, returned, client):
    client.force_login(world.users["cmo_a"])
    url = reverse("screening:new", args=[returned.child_id, "combined"])
    assert "County lines" in client.get(url).content.decode()
    client.post(url, form_data(combined_answers("county_lines_dealing")))
    screening = ExploitationScreening.objects.get()
    page = client.get(reverse("screening:detail", args=[screening.pk])).content.decode()
    assert "Experiencing exploitation" in page
    assert (
        client.get(reverse("screening:new", args=[returned.child_id, "tarot"])).status_code == 404
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"answer_older_partner": ""}, "answer_older_partner", "Answer “A boyfriend or girlfriend"),
        ({"answer_older_partner": "sometimes"}, "answer_older_partner", "Select a valid choice"),
        ({"override_band": "significant"}, "override_reason", "Enter why you chose a different"),
        ({"completed_at_0": ""}, "completed_at", "must include a day"),
    ],
)
def test_bad_input_shows_the_error_and_writes_nothing(
    world, returned, client, change, field, message
):
    client.force_login(world.users["sw_2"])
    url = reverse("screening:new", args=[returned.child_id, "seraf"])
    before = AuditEntry.objects.filter(verb=AuditVerb.SCREENING_COMPLETED).count()
    response = client.post(url, form_data(seraf_answers(), **change))
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert f'href="#id_{field}' in page
    assert message in page
    assert not ExploitationScreening.objects.exists()
    assert AuditEntry.objects.filter(verb=AuditVerb.SCREENING_COMPLETED).count() == before


def test_changing_the_band_needs_a_reason(world, returned, client):
    screening = _screen(world, returned.child, missing_overnight="both")
    client.force_login(world.users["sw_2"])
    url = reverse("screening:override", args=[screening.pk])
    response = client.post(url, {"override_band": "moderate", "override_reason": ""})
    assert "Enter why you chose a different band" in response.content.decode()
    screening.refresh_from_db()
    assert screening.override_band == ""
    client.post(url, {"override_band": "moderate", "override_reason": "New information"})
    screening.refresh_from_db()
    assert screening.final_band == "moderate"
    client.force_login(world.users["police_a"])
    assert client.get(url).status_code == 403


def test_the_child_page_shows_the_latest_screening(world, returned, client):
    client.force_login(world.users["sw_2"])
    url = reverse("people:child", args=[returned.child_id])
    assert "No screening recorded" in client.get(url).content.decode()
    _screen(
        world, returned.child, missing_overnight="recent", older_partner="recent", in_care="yes"
    )
    page = client.get(url).content.decode()
    assert "Exploitation screening" in page and "Latest: Moderate risk" in page
    assert reverse("screening:list", args=[returned.child_id]) in page
    client.force_login(world.users["police_a"])
    assert "Latest: Moderate risk" not in client.get(url).content.decode()


def test_reads_are_audited(world, returned, client):
    screening = _screen(world, returned.child)
    client.force_login(world.users["cmo_a"])
    client.get(reverse("screening:list", args=[returned.child_id]))
    client.get(reverse("screening:detail", args=[screening.pk]))
    verbs = set(
        AuditEntry.objects.filter(actor=world.users["cmo_a"]).values_list("verb", flat=True)
    )
    assert {AuditVerb.SCREENINGS_VIEWED, AuditVerb.SCREENING_VIEWED} <= verbs


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_and_child_pages_make_a_fixed_number_of_queries(world, returned, client):
    child = returned.child
    client.force_login(world.users["cmo_a"])
    urls = [reverse("screening:list", args=[child.pk]), reverse("people:child", args=[child.pk])]
    _screen(world, child)
    for url in urls:
        _queries(client, url)  # warm up (session, protocol)
    few = [_queries(client, url) for url in urls]
    for user in ("sw_2", "cmo_a", "rhi", "sw_2", "cmo_a"):
        _screen(world, child, user=user, older_partner="recent")
    assert [_queries(client, url) for url in urls] == few
