"""Issue 16, the wider network, through a real child: the child's network decides who is told
of a missing episode and of the return. A network member who is a HomeSafe user (or whose
organisation's practitioners are) gets a notice and the duty is done; one known only by
organisation is told from outside HomeSafe, from the contact directory, by the missing
coordinator who owns the duty."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from homesafe.access.choices import ContactTakes
from homesafe.access.models import OrganisationContact
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty, Notice, ProtocolVersion
from homesafe.duties.owners import people_told
from homesafe.duties.protocol import protocol_current
from homesafe.duties.sending import duty_record_told, duty_telling_directory, message_render
from homesafe.episodes.services import episode_record_return, episode_report
from homesafe.people.choices import NetworkRole
from homesafe.people.services import network_member_end
from homesafe.protocol.facts import DutyKind as K
from tests.factories import NetworkMemberFactory, OrganisationFactory, UserFactory

NETWORK_KINDS = {
    K.NOTIFY_EARLY_HELP,
    K.NOTIFY_HEALTH,
    K.NOTIFY_YOUTH_JUSTICE,
    K.NOTIFY_EARLY_HELP_OF_RETURN,
    K.NOTIFY_HEALTH_OF_RETURN,
    K.NOTIFY_YOUTH_JUSTICE_OF_RETURN,
    K.NOTIFY_SCHOOL_OF_RETURN,
}
SECURE = "yos.referrals@yjs-a.gov.uk"


@pytest.fixture
def protocol(db):
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=60))


@pytest.fixture
def yjs(world):
    """A youth justice service with no HomeSafe users, in the directory with a secure mailbox."""
    service = OrganisationFactory(code="YJ1", name="Youth Justice Service A")
    contact = OrganisationContact.objects.create(
        organisation=service,
        name="Duty officer",
        role="Youth justice duty officer",
        email=SECURE,
        email_secure=True,
        phone="0100 000 0300",
        takes=ContactTakes.MISSING_NOTIFICATIONS,
    )
    return service, contact


@pytest.fixture
def child(world, protocol, yjs):
    """LA A's unallocated child at home, with an early help worker who uses HomeSafe and a
    youth justice service that does not in their network (the world's a_unallocated has no
    network and no school)."""
    child = world.children["a_unallocated"]
    child.episodes.all().delete()
    world.early_help = UserFactory(organisation=world.orgs["la_a"], roles=["social_worker"])
    NetworkMemberFactory(
        child=child,
        organisation=world.orgs["la_a"],
        role=NetworkRole.EARLY_HELP,
        user=world.early_help,
    )
    NetworkMemberFactory(
        child=child,
        organisation=yjs[0],
        role=NetworkRole.YOUTH_JUSTICE,
        contact_name="R. Okafor",
        contact_email="r.okafor@yjs-a.example.org",
    )
    return child


def _report(world, child, hours_ago=3):
    at = timezone.now() - dt.timedelta(hours=hours_ago)
    return episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=at - dt.timedelta(hours=1),
        reported_at=at,
        reported_by="parent",
        risk="medium",
        police_force=world.orgs["force_a"],
        police_reference="FA-2026-0716",
    )


def _return(world, episode):
    episode_record_return(
        episode=episode,
        returned_at=timezone.now() - dt.timedelta(hours=1),
        found_by="self",
        actor=world.users["cmo_a"],
    )


def _duties(episode):
    return {d.kind: d for d in Duty.objects.filter(episode=episode, kind__in=NETWORK_KINDS)}


def test_only_the_network_s_roles_are_told_and_the_coordinator_tells_them(world, child):
    episode = _report(world, child)
    duties = _duties(episode)
    # Early help and youth justice are in the network; health is not, nor is a school.
    assert set(duties) == {K.NOTIFY_EARLY_HELP, K.NOTIFY_YOUTH_JUSTICE}
    for duty in duties.values():
        assert duty.owner_role == "missing_coordinator"
        assert duty.owner_organisation == world.orgs["la_a"] and duty.owner_user is None
        assert duty.needs_owner == ""
    assert duties[K.NOTIFY_EARLY_HELP].told_user == world.early_help
    assert duties[K.NOTIFY_YOUTH_JUSTICE].told_organisation.name == "Youth Justice Service A"
    assert duties[K.NOTIFY_YOUTH_JUSTICE].told_user is None


def test_a_member_with_an_account_gets_a_notice_of_missing_and_of_return(world, child):
    episode = _report(world, child)
    told = _duties(episode)[K.NOTIFY_EARLY_HELP]
    assert told.state == DutyState.DONE and told.told_at is not None
    assert list(Notice.objects.filter(duty=told).values_list("recipient", flat=True)) == [
        world.early_help.pk
    ]
    assert not _duties(episode).keys() & {K.NOTIFY_EARLY_HELP_OF_RETURN}

    _return(world, episode)

    back = _duties(episode)[K.NOTIFY_EARLY_HELP_OF_RETURN]
    assert back.state == DutyState.DONE
    notice = Notice.objects.get(duty=back)
    assert notice.recipient == world.early_help
    assert notice.text == "returned after being missing: known to you (early help)"


def test_a_health_organisation_s_practitioners_are_told(world, protocol):
    """The world's a_team1 has the health organisation (no named user) in their network: its
    health safeguarding practitioner is told in HomeSafe."""
    child = world.children["a_team1"]
    child.episodes.all().delete()
    episode = _report(world, child)
    health = _duties(episode)[K.NOTIFY_HEALTH]
    assert health.told_organisation == world.orgs["health"] and health.told_user is None
    assert health.state == DutyState.DONE
    assert [n.recipient for n in Notice.objects.filter(duty=health)] == [world.users["health"]]


def test_a_member_without_an_account_is_sent_from_the_directory(client, world, child, yjs):
    service, contact = yjs
    episode = _report(world, child)
    _return(world, episode)
    duty = _duties(episode)[K.NOTIFY_YOUTH_JUSTICE_OF_RETURN]
    assert duty.state == DutyState.OPEN and people_told(duty) == []
    telling = duty_telling_directory(duty)
    assert telling is not None and telling.organisation == service
    assert telling.sendable == [contact]
    assert telling.network_contact is not None
    assert telling.network_contact.name == "R. Okafor"

    client.force_login(world.users["cmo_a"])
    page = client.get(reverse("duties:detail", args=[duty.pk])).content.decode()
    assert 'id="send"' in page and "R. Okafor" in page
    token = re.search(r'name="token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("duties:send", args=[duty.pk]), {"contact": contact.pk, "token": token}
    )

    assert response.status_code == 302
    (email,) = [m for m in mail.outbox if m.to == [SECURE]]
    assert "known to your youth justice service has returned after being reported missing" in (
        email.subject
    )
    assert child.last_name not in email.subject
    episode.refresh_from_db()
    returned = timezone.localtime(episode.returned_at).strftime("%-d %B %Y at %H:%M")
    assert f"Returned: {returned}" in email.body
    assert "FA-2026-0716" in email.body
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE and duty.told_at is not None
    assert duty.closed_by == world.users["cmo_a"]


def test_the_message_of_missing_says_missing_and_no_return(world, child):
    episode = _report(world, child)
    duty = _duties(episode)[K.NOTIFY_YOUTH_JUSTICE]
    subject, body = message_render(duty=duty, sender=world.users["cmo_a"])
    assert "known to your youth justice service has been reported missing" in subject
    assert "Returned:" not in body


def test_a_member_without_an_account_can_be_told_by_phone_and_recorded(world, child):
    episode = _report(world, child)
    duty = _duties(episode)[K.NOTIFY_YOUTH_JUSTICE]
    duty_record_told(
        duty=duty, note="Rang the YOS duty officer, R. Okafor, at 16:10", actor=world.users["cmo_a"]
    )
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE and duty.told_at is not None
    assert duty.closing_note.startswith("Told outside HomeSafe: Rang the YOS duty officer")


def test_the_school_is_told_of_the_return(world, protocol):
    """a_team1 is at school 1, whose safeguarding lead uses HomeSafe."""
    child = world.children["a_team1"]
    child.episodes.all().delete()
    episode = _report(world, child)
    assert K.NOTIFY_SCHOOL_OF_RETURN not in _duties(episode)
    _return(world, episode)
    duty = _duties(episode)[K.NOTIFY_SCHOOL_OF_RETURN]
    assert (
        duty.owner_organisation == world.orgs["la_a"] and duty.owner_role == "missing_coordinator"
    )
    assert duty.told_organisation == world.orgs["school_1"]
    assert duty.state == DutyState.DONE
    assert [n.recipient for n in Notice.objects.filter(duty=duty)] == [world.users["school_1"]]


def test_a_member_who_leaves_the_network_is_no_longer_told(world, child):
    """Ending the membership before the child is told closes the open duty as not needed."""
    episode = _report(world, child)
    duty = _duties(episode)[K.NOTIFY_YOUTH_JUSTICE]
    assert duty.state == DutyState.OPEN
    member = child.network.get(role=NetworkRole.YOUTH_JUSTICE)
    network_member_end(member=member, ended_on=timezone.localdate(), actor=world.users["cmo_a"])
    duty.refresh_from_db()
    assert duty.state == DutyState.NOT_NEEDED
