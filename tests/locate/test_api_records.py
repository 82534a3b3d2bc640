"""Publicity, contacts with Missing People and the UK Missing Persons Unit, and the Safe and
Well check through the API (issue 16): from police systems (their force's episodes only) and
from people as the policy allows, idempotent by the client's key, audited by the services."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.episodes.services import episode_record_return
from homesafe.intake.models import PoliceApiKey
from homesafe.locate.models import MissingAgencyContact, Publicity, SafeAndWellCheck
from homesafe.locate.services import CLIENT_KEY_USED


def _iso(hours_ago):
    return (timezone.now() - dt.timedelta(hours=hours_ago)).isoformat()


@pytest.fixture
def police(world):
    """A plain client (no session) posting with Force A's key, and one with Force B's."""
    _, key_a = PoliceApiKey.objects.create_key(name="FA", organisation=world.orgs["force_a"])
    _, key_b = PoliceApiKey.objects.create_key(name="FB", organisation=world.orgs["force_b"])

    def post(name, episode, body, *, key=key_a):
        return Client().post(
            reverse(f"api:{name}", args=[episode.pk]),
            body,
            content_type="application/json",
            headers={"Authorization": f"Api-Key {key}"},
        )

    post.key_b = key_b
    return post


def _returned(world, key="a_team1"):
    return episode_record_return(
        episode=world.episodes[key],
        returned_at=timezone.now() - dt.timedelta(hours=1),
        found_by="police",
        actor=world.users["cmo_a"],
    )


CONTACT = {"agency": "uk_missing_persons_unit", "reference": "UKMPU-1"}
PUBLICITY = {
    "decision": "approved",
    "approved_by": "Inspector Grey, duty inspector",
    "channels": ["police_social_media"],
    "consent": "parent_or_carer",
}


def test_a_police_system_records_a_contact_once_per_key(world, police):
    episode = world.episodes["a_team1"]  # reported to Force A
    body = {**CONTACT, "contacted_at": _iso(2), "idempotency_key": "contact-0001"}
    first = police("episode_missing_agency_contacts", episode, body)
    assert first.status_code == 201, first.json()
    again = police("episode_missing_agency_contacts", episode, body)
    assert again.status_code == 200 and again.json() == first.json()
    contact = MissingAgencyContact.objects.get()
    assert contact.recorded_by is None and contact.recorded_by_label.startswith("api:FA:")
    assert contact.client_key == "force:FA:contact-0001"
    entry = AuditEntry.objects.get(verb="locate.agency_contacted")
    assert entry.actor is None and entry.actor_label.startswith("api:FA:")
    assert entry.payload == {"episode_id": episode.pk, "agency": "uk_missing_persons_unit"}


def test_a_police_system_must_send_a_key_and_sees_only_its_forces_episodes(world, police):
    episode = world.episodes["a_team1"]
    body = {**CONTACT, "contacted_at": _iso(2)}
    refused = police("episode_missing_agency_contacts", episode, body)
    assert refused.status_code == 400 and "idempotency_key" in refused.json()["errors"]
    other = police(
        "episode_missing_agency_contacts",
        episode,
        {**body, "idempotency_key": "contact-0002"},
        key=police.key_b,
    )
    assert other.status_code == 404  # Force B's key, Force A's episode
    assert not MissingAgencyContact.objects.exists()


def test_a_key_used_for_another_episode_is_refused(world, police):
    body = {**CONTACT, "contacted_at": _iso(2), "idempotency_key": "contact-0003"}
    assert police("episode_missing_agency_contacts", world.episodes["a_team1"], body).status_code
    second = police("episode_missing_agency_contacts", world.episodes["a_team2"], body)
    assert second.status_code == 409
    assert second.json() == {"code": "client_key_used", "detail": CLIENT_KEY_USED}
    assert MissingAgencyContact.objects.count() == 1


def test_a_police_system_records_publicity_and_the_checks_of_recording_hold(world, police):
    episode = world.episodes["a_team1"]
    missing = police(
        "episode_publicity",
        episode,
        {"decision": "approved", "decided_at": _iso(1), "idempotency_key": "publicity-01"},
    )
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"approved_by", "channels", "consent"}
    body = {**PUBLICITY, "decided_at": _iso(1), "idempotency_key": "publicity-02"}
    made = police("episode_publicity", episode, body)
    assert made.status_code == 201, made.json()
    assert made.json()["episode_id"] == episode.pk and made.json()["channels"] == [
        "police_social_media"
    ]
    assert Publicity.objects.get().recorded_by_label.startswith("api:FA:")
    _returned(world)
    late = police("episode_publicity", episode, {**body, "idempotency_key": "publicity-03"})
    assert late.status_code == 400 and late.json()["code"] == "episode_closed"


def test_the_safe_and_well_check_after_the_return_once(world, police):
    episode = world.episodes["a_team1"]
    body = {"held_at": _iso(0.5), "findings": "Stayed with a friend", "idempotency_key": "sw-00001"}
    early = police("episode_safe_and_well", episode, body)
    assert early.status_code == 400 and early.json()["code"] == "episode_open"
    _returned(world)
    made = police("episode_safe_and_well", episode, body)
    assert made.status_code == 201, made.json()
    assert made.json()["police_force"] == "FA"
    assert police("episode_safe_and_well", episode, body).status_code == 200  # the same key
    twice = police("episode_safe_and_well", episode, {**body, "idempotency_key": "sw-00002"})
    assert twice.status_code == 409 and twice.json()["code"] == "safe_and_well_recorded"
    assert SafeAndWellCheck.objects.count() == 1


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("cmo_a", 201),  # records the child's episodes
        ("sw_1", 201),  # the allocated social worker
        ("police_a", 201),
        ("sw_1b", 403),  # a team-mate: reads, may not change
        ("school_1", 403),
        ("health", 403),
        ("sw_2", 404),  # does not see the child
        ("analyst", 404),
    ],
)
def test_people_record_a_contact_as_the_policy_allows(world, client, user, status):
    client.force_login(world.users[user])
    response = client.post(
        reverse("api:episode_missing_agency_contacts", args=[world.episodes["a_team1"].pk]),
        {**CONTACT, "agency": "missing_people", "contacted_at": _iso(2)},
        content_type="application/json",
    )
    assert response.status_code == status, response.json()
    assert MissingAgencyContact.objects.count() == (1 if status == 201 else 0)


def test_a_person_repeats_a_safe_and_well_check_with_their_key(world, client):
    _returned(world)
    client.force_login(world.users["police_a"])
    url = reverse("api:episode_safe_and_well", args=[world.episodes["a_team1"].pk])
    body = {"held_at": _iso(0.5), "findings": "Well", "idempotency_key": "person-sw-1"}
    first = client.post(url, body, content_type="application/json")
    assert first.status_code == 201
    assert client.post(url, body, content_type="application/json").status_code == 200
    assert SafeAndWellCheck.objects.get().client_key == (
        f"user:{world.users['police_a'].pk}:person-sw-1"
    )


def test_without_a_session_or_a_key_it_is_401(world):
    response = Client().post(
        reverse("api:episode_publicity", args=[world.episodes["a_team1"].pk]),
        {**PUBLICITY, "decided_at": _iso(1)},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not Publicity.objects.exists()


def test_the_schema_names_the_writes(client, world):
    client.force_login(world.users["cmo_a"])
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    for path in ("locate-plan/publicity/", "locate-plan/contacts/", "safe-and-well/"):
        operation = schema["paths"][f"/api/v1/episodes/{{episode_id}}/{path}"]["post"]
        assert {"200", "201", "400", "401", "403", "404", "409"} <= set(operation["responses"])
        assert {"PoliceApiKey", "cookieAuth"} <= {
            name for entry in operation["security"] for name in entry
        }


def _withdraw(publicity, *, headers=None, client=None, body=None):
    return (client or Client()).post(
        reverse("api:publicity_withdrawn", args=[publicity.pk]),
        body or {},
        content_type="application/json",
        headers=headers or {},
    )


def test_publicity_is_withdrawn_by_the_forces_system_and_again_changes_nothing(world, police):
    episode = world.episodes["a_team1"]
    body = {**PUBLICITY, "decided_at": _iso(2), "idempotency_key": "publicity-10"}
    assert police("episode_publicity", episode, body).status_code == 201
    publicity = Publicity.objects.get()
    _returned(world)
    _, key_b = PoliceApiKey.objects.create_key(name="FB2", organisation=world.orgs["force_b"])
    assert _withdraw(publicity, headers={"Authorization": f"Api-Key {key_b}"}).status_code == 404
    _, key_a = PoliceApiKey.objects.create_key(name="FA2", organisation=world.orgs["force_a"])
    headers = {"Authorization": f"Api-Key {key_a}"}
    first = _withdraw(publicity, headers=headers)
    assert first.status_code == 200 and first.json()["withdrawn_at"] is not None
    again = _withdraw(publicity, headers=headers)
    assert again.status_code == 200 and again.json()["withdrawn_at"] == first.json()["withdrawn_at"]
    assert AuditEntry.objects.filter(verb="locate.publicity_withdrawn").count() == 1


def test_publicity_not_approved_is_not_withdrawn_and_a_school_may_not(world, client):
    from homesafe.locate.services import publicity_record

    refused = publicity_record(
        episode=world.episodes["a_team1"],
        actor=world.users["cmo_a"],
        decided_at=timezone.now() - dt.timedelta(hours=1),
        decision="not_approved",
        reasons="Risk managed without it",
    )
    client.force_login(world.users["school_1"])
    assert _withdraw(refused, client=client).status_code == 403
    client.force_login(world.users["cmo_a"])
    answer = _withdraw(refused, client=client)
    assert answer.status_code == 409 and answer.json()["code"] == "publicity_not_live"
