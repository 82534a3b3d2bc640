"""Report missing, record a return, re-grade: the pages work, and bad input gives a field-level
GOV.UK error and writes nothing (no episode, location, grading or audit entry)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.episodes.models import Location, MissingEpisode, RiskGrading
from homesafe.episodes.services import REGRADE_CLOSED, episode_record_return


def _parts(prefix: str, when: dt.datetime) -> dict:
    local = timezone.localtime(when)
    return {
        f"{prefix}_0": local.day,
        f"{prefix}_1": local.month,
        f"{prefix}_2": local.year,
        f"{prefix}_3": local.strftime("%H:%M"),
    }


def good_report(world) -> dict:
    now = timezone.now()
    return {
        "episode_type": "M",
        **_parts("last_seen_at", now - dt.timedelta(hours=3)),
        "last_seen_place": "Bus station",
        "last_seen_postcode": "NG1 2DT",
        **_parts("reported_at", now - dt.timedelta(hours=2)),
        "reported_by": "foster_carer",
        "police_force": world.orgs["force_a"].pk,
        "police_reference": "FA-123",
        "risk": "high",
        "pre_planned_indicators": ["bag_packed", "took_money"],
        "circumstances": "Argument about phone",
        "description_and_clothing": "Grey hoodie",
    }


def _counts():
    return (
        MissingEpisode.objects.count(),
        Location.objects.count(),
        RiskGrading.objects.count(),
        AuditEntry.objects.exclude(verb__in=["child.viewed", "episode.viewed"]).count(),
    )


@pytest.fixture
def cmo(world, client):
    client.force_login(world.users["cmo_a"])
    return client


def test_report_missing_then_record_return(world, cmo):
    child = world.children["a_unallocated"]
    MissingEpisode.objects.filter(child=child).delete()
    response = cmo.post(reverse("episodes:new", args=[child.pk]), good_report(world))
    episode = MissingEpisode.objects.get(child=child)
    assert response.status_code == 302
    assert response["Location"] == reverse("episodes:detail", args=[episode.pk])
    assert episode.last_seen_location.latitude is not None
    assert episode.pre_planned_indicators == ["bag_packed", "took_money"]
    page = cmo.get(response["Location"]).content.decode()
    assert "Missing episode recorded" in page and "FA-123" in page and "High" in page

    now = timezone.now()
    response = cmo.post(
        reverse("episodes:return", args=[episode.pk]),
        {
            **_parts("returned_at", now - dt.timedelta(minutes=10)),
            "found_by": "police",
            "found_place": "Friend's flat",
            "found_postcode": "",
            "found_place_kind": "family",
            "stayed_where": "Friend's flat",
            "stayed_with": "Older friend",
        },
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.status == "returned" and episode.found_location.kind == "family"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"episode_type": ""}, "episode_type", "Select whether the child is missing or away"),
        ({"last_seen_at_3": "25:99"}, "last_seen_at", "must include a real time"),
        ({"last_seen_at_1": ""}, "last_seen_at", "must include a month"),
        ({"last_seen_postcode": "NOTAPC"}, "last_seen_postcode", "Enter a full UK postcode"),
        ({"risk": "extreme"}, "risk", "Select a valid choice"),
        ({"police_force": ""}, "police_force", "Choose the police force"),
        (
            {"pre_planned_indicators": ["flew_away"]},
            "pre_planned_indicators",
            "Select a valid choice",
        ),
        # Caught by the service, after the form: still named on the field, nothing written.
        ("reported_before_seen", "reported_at", "cannot be before the child was last seen"),
        ("future", "last_seen_at", "cannot be in the future"),
        ("duplicate_reference", "police_reference", "police reference already exists"),
    ],
)
def test_bad_report_names_the_field_and_writes_nothing(world, cmo, changes, field, message):
    child = world.children["a_unallocated"]
    MissingEpisode.objects.filter(child=child).delete()
    data = good_report(world)
    now = timezone.now()
    if changes == "reported_before_seen":
        data.update(_parts("reported_at", now - dt.timedelta(hours=5)))
    elif changes == "future":
        data.update(_parts("last_seen_at", now + dt.timedelta(days=2)))
        data.update(_parts("reported_at", now + dt.timedelta(days=2, hours=1)))
    elif changes == "duplicate_reference":
        data["police_reference"] = "REF-a_team1"
    else:
        data.update(changes)
    before = _counts()
    response = cmo.post(reverse("episodes:new", args=[child.pk]), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body and message in body
    anchor = {"last_seen_at": "#id_last_seen_at_0", "reported_at": "#id_reported_at_0"}.get(
        field, f"#id_{field}"
    )
    assert f'href="{anchor}"' in body
    assert _counts() == before


def test_report_for_a_child_already_missing_is_refused(world, cmo):
    child = world.children["a_team1"]
    before = _counts()
    response = cmo.post(reverse("episodes:new", args=[child.pk]), good_report(world))
    assert response.status_code == 400
    assert "already has an open missing episode" in response.content.decode()
    assert _counts() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"found_by": "self"}, "Enter the date and time the child was found or returned"),
        (
            {
                "found_by": "teleport",
                "returned_at_0": "1",
                "returned_at_1": "1",
                "returned_at_2": "2020",
                "returned_at_3": "10:00",
            },
            "Select a valid choice",
        ),
        (
            {
                "found_by": "self",
                "returned_at_0": "1",
                "returned_at_1": "1",
                "returned_at_2": "2020",
                "returned_at_3": "10:00",
            },
            "The return cannot be before the child was last seen",
        ),
        ({"found_by": "self", "found_postcode": "X1", "returned_at_0": "1"}, "Enter a full UK"),
    ],
)
def test_bad_return_names_the_field_and_writes_nothing(world, cmo, data, message):
    episode = world.episodes["a_team1"]
    before = _counts()
    response = cmo.post(reverse("episodes:return", args=[episode.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _counts() == before
    episode.refresh_from_db()
    assert episode.status == "missing"


def test_regrade_and_bad_regrade(world, cmo):
    episode = world.episodes["a_team1"]
    before = _counts()
    response = cmo.post(reverse("episodes:regrade", args=[episode.pk]), {"grade": "high"})
    assert response.status_code == 400
    assert "Enter the date and time of the new grading" in response.content.decode()
    assert _counts() == before
    response = cmo.post(
        reverse("episodes:regrade", args=[episode.pk]),
        {"grade": "high", **_parts("graded_at", timezone.now()), "rationale": "Seen with adults"},
    )
    assert response.status_code == 302
    assert episode.gradings.first().grade == "high"


def test_a_regrade_of_a_returned_episode_is_a_form_error_not_a_server_error(world, cmo):
    """Issue 14: the service refuses (ApplicationError, a rule); the page shows it in the
    error summary, keeps what was typed and answers 400, writing nothing."""
    episode = world.episodes["a_team1"]
    episode_record_return(
        episode=episode, returned_at=timezone.now(), found_by="self", actor=world.users["cmo_a"]
    )
    before = _counts()
    response = cmo.post(
        reverse("episodes:regrade", args=[episode.pk]),
        {"grade": "high", **_parts("graded_at", timezone.now()), "rationale": "Seen with adults"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in body and REGRADE_CLOSED in body
    assert "Seen with adults" in body  # the form again, as typed
    assert _counts() == before


def test_a_school_lead_can_see_but_not_record(world, client):
    client.force_login(world.users["school_1"])
    episode = world.episodes["a_team1"]
    assert client.get(reverse("episodes:detail", args=[episode.pk])).status_code == 200
    assert client.get(reverse("episodes:return", args=[episode.pk])).status_code == 403
    assert client.post(reverse("episodes:regrade", args=[episode.pk]), {}).status_code == 403
