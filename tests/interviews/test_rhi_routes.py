"""Return interviews reach a provider (issue 13): the partnership's rules (RhiRoute) say who
offers them; a return refers the child to the service the first matching rule names, and the
interview duties go to that service's workers, or to the allocated social worker under the
social worker route, or (no rule) to the missing coordinator's "needs an owner" list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from homesafe.access.choices import AuditVerb, OrganisationType, Role
from homesafe.access.models import AuditEntry
from homesafe.duties.models import Duty, ProtocolVersion
from homesafe.duties.owners import (
    NO_PROVIDER,
    NOT_REFERRED,
    duties_owned_q,
    needs_owner_q,
    owners_of,
    rhi_provider,
)
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.services import episode_record_return, episode_report
from homesafe.interviews.choices import RouteAllocated, RouteProvider
from homesafe.interviews.services_routes import REFERRAL_REASON, rhi_route_create
from homesafe.people.choices import NetworkRole
from homesafe.people.models import CohortPeriod, NetworkMember
from homesafe.protocol.facts import DutyKind as K
from homesafe.story.interview_caseload import rhi_caseload
from tests.factories import OrganisationFactory, UserFactory
from tests.interviews.helpers import report_and_return

RHI_KINDS = (K.RHI_OFFER, K.RHI_COMPLETE)


def _route(world, order, *, provider=None, **rule):
    return rhi_route_create(
        local_authority=world.orgs["la_a"],
        order=order,
        provider_kind=RouteProvider.SERVICE if provider else RouteProvider.SOCIAL_WORKER,
        provider=provider,
        actor=world.users["admin"],
        **rule,
    )


def _rhi_duties(episode) -> dict[str, Duty]:
    return {d.kind: d for d in Duty.objects.filter(episode=episode, kind__in=RHI_KINDS)}


def _referrals(child):
    return NetworkMember.objects.filter(child=child, role=NetworkRole.RHI_REFERRAL)


@pytest.fixture
def second_service(world):
    """Another commissioned service (for children in care), with one worker."""
    service = OrganisationFactory(
        type=OrganisationType.RHI_SERVICE, code="R2", name="Care RHI service"
    )
    worker = UserFactory(organisation=service, roles=[Role.RHI_WORKER])
    return service, worker


def test_a_return_refers_an_unallocated_child_to_the_commissioned_service(world):
    _route(world, 10, provider=world.orgs["rhi"], allocated=RouteAllocated.NO)
    child = world.children["a_unallocated"]
    assert not _referrals(child).exists()

    episode = report_and_return(world, "a_unallocated")

    referral = _referrals(child).get()
    assert referral.organisation == world.orgs["rhi"]
    assert referral.ended_on is None and referral.started_on == timezone.localdate()
    entry = AuditEntry.objects.get(verb=AuditVerb.RHI_REFERRAL_MADE, child_id=child.pk)
    assert entry.payload["episode_id"] == episode.pk
    assert entry.payload["reason"] == REFERRAL_REASON.format(order=10)
    # The interview duties the return set off belong to the service's workers.
    duties = _rhi_duties(episode)
    assert set(duties) == set(RHI_KINDS)
    for duty in duties.values():
        assert duty.owner_organisation == world.orgs["rhi"] and duty.needs_owner == ""
        assert owners_of(duty) == [world.users["rhi"]]
    # ... and they see the return in their caseload, with both due times.
    [row] = rhi_caseload(user=world.users["rhi"])
    assert row.child == child and row.episode == episode
    assert row.offer == duties[K.RHI_OFFER] and row.complete == duties[K.RHI_COMPLETE]
    assert row.next_step == "offer"


def test_social_worker_route_gives_the_duties_to_the_allocated_worker(world):
    _route(world, 10, allocated=RouteAllocated.YES)  # the social worker route
    _route(world, 20, provider=world.orgs["rhi"])
    child = world.children["a_team1"]  # allocated to sw_1, no referral

    episode = report_and_return(world, "a_team1")

    assert not _referrals(child).exists()
    for duty in _rhi_duties(episode).values():
        assert duty.owner_user == world.users["sw_1"] and duty.needs_owner == ""
        assert owners_of(duty) == [world.users["sw_1"]]
        assert Duty.objects.filter(duties_owned_q(world.users["sw_1"]), pk=duty.pk).exists()
        assert not Duty.objects.filter(duties_owned_q(world.users["rhi"]), pk=duty.pk).exists()
    assert rhi_caseload(user=world.users["rhi"]) == []


def test_the_social_worker_route_passes_an_unallocated_child_to_the_next_rule(world):
    _route(world, 10)  # the social worker route, for any child: only allocated ones match
    _route(world, 20, provider=world.orgs["rhi"])
    report_and_return(world, "a_unallocated")
    assert rhi_provider(world.children["a_unallocated"]) == world.orgs["rhi"]


@pytest.mark.parametrize(
    ("cohort", "expected"), [("looked_after", "second"), (None, "rhi"), ("child_in_need", "rhi")]
)
def test_a_rule_by_cohort(world, second_service, cohort, expected):
    service, worker = second_service
    _route(world, 10, provider=service, cohort="looked_after")
    _route(world, 20, provider=world.orgs["rhi"])
    child = world.children["a_unallocated"]
    if cohort:
        CohortPeriod.objects.create(child=child, cohort=cohort, started_on=dt.date(2025, 1, 1))

    episode = report_and_return(world, "a_unallocated")

    provider = service if expected == "second" else world.orgs["rhi"]
    assert _referrals(child).get().organisation == provider
    owners = {tuple(owners_of(d)) for d in _rhi_duties(episode).values()}
    assert owners == {(worker,) if expected == "second" else (world.users["rhi"],)}


def test_a_rule_by_area_follows_the_host_authority_of_the_placement(world, second_service):
    service, _worker = second_service
    _route(world, 10, provider=service, host_authority=world.orgs["la_b"])
    _route(world, 20, provider=world.orgs["rhi"])
    report_and_return(world, "a_placed_in_b")
    report_and_return(world, "a_unallocated")  # no placement: anywhere
    assert rhi_provider(world.children["a_placed_in_b"]) == service
    assert rhi_provider(world.children["a_unallocated"]) == world.orgs["rhi"]


def test_no_rule_leaves_the_duties_on_the_coordinators_needs_an_owner_list(world):
    child = world.children["a_unallocated"]
    episode = report_and_return(world, "a_unallocated")

    assert not _referrals(child).exists()
    duties = _rhi_duties(episode)
    assert set(duties) == set(RHI_KINDS)
    for duty in duties.values():
        assert duty.needs_owner == NO_PROVIDER
        assert duty.owner_organisation == world.orgs["la_a"]
        assert owners_of(duty) == [world.users["cmo_a"]]
    waiting = Duty.objects.filter(needs_owner_q(organisation_id=world.orgs["la_a"].pk))
    assert {d.pk for d in duties.values()} <= set(waiting.values_list("pk", flat=True))
    assert rhi_caseload(user=world.users["rhi"]) == []


def test_an_existing_referral_is_kept_and_not_duplicated(world, second_service):
    service, _worker = second_service
    _route(world, 10, provider=service)
    child = world.children["a_team2"]  # open referral to the world's RHI service
    report_and_return(world, "a_team2")
    now = timezone.now()
    again = episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=now - dt.timedelta(hours=3),
        reported_at=now - dt.timedelta(hours=2),
        reported_by="parent",
        risk="medium",
    )
    episode = episode_record_return(  # a second return: still the one referral
        episode=again, returned_at=now, found_by="self", actor=world.users["cmo_a"]
    )

    open_referrals = _referrals(child).filter(ended_on__isnull=True)
    assert [m.organisation for m in open_referrals] == [world.orgs["rhi"]]
    assert not AuditEntry.objects.filter(verb=AuditVerb.RHI_REFERRAL_MADE).exists()
    assert {d.owner_organisation for d in _rhi_duties(episode).values()} == {world.orgs["rhi"]}


def _return_ten_days_ago(world, key):
    child = world.children[key]
    child.episodes.all().delete()
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    episode = episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=ten_days_ago,
        reported_at=ten_days_ago + dt.timedelta(hours=1),
        reported_by="parent",
        risk="low",
    )
    return episode_record_return(
        episode=episode,
        returned_at=ten_days_ago + dt.timedelta(hours=5),
        found_by="self",
        actor=world.users["cmo_a"],
    )


@pytest.mark.parametrize("whose", ["partnership", "council"])
def test_a_return_from_before_the_protocol_came_in_refers_nobody(world, whose):
    """HomeSafe plans nothing for episodes before `duties_from` (the partnership's, or the
    child's council's own settings'): loading old history refers nobody."""
    _route(world, 10, provider=world.orgs["rhi"])
    version, _settings = protocol_current()
    yesterday = timezone.now() - dt.timedelta(days=1)
    if whose == "partnership":
        ProtocolVersion.objects.update(duties_from=yesterday)
    else:  # the partnership plans from the start; LA A's own settings from yesterday
        ProtocolVersion.objects.create(
            version=f"{version.version}-la-a",
            local_authority=world.orgs["la_a"],
            settings_toml=version.settings_toml,
            duties_from=yesterday,
        )
    _return_ten_days_ago(world, "a_unallocated")
    assert not _referrals(world.children["a_unallocated"]).exists()


def test_an_old_return_refers_when_the_protocol_plans_for_it(world):
    _route(world, 10, provider=world.orgs["rhi"])
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=30))
    _return_ten_days_ago(world, "a_unallocated")
    assert _referrals(world.children["a_unallocated"]).get().organisation == world.orgs["rhi"]


def test_a_rule_naming_a_service_without_a_referral_says_whom_to_refer(world):
    episode = report_and_return(world, "a_unallocated")  # no rule yet: nobody
    _route(world, 10, provider=world.orgs["rhi"])  # the rule comes later: re-planned, no referral
    for duty in _rhi_duties(episode).values():
        duty.refresh_from_db()
        assert duty.needs_owner == NOT_REFERRED.format(provider=world.orgs["rhi"].name)
    assert not _referrals(world.children["a_unallocated"]).exists()


def test_adding_the_social_worker_route_moves_open_duties_to_the_worker(world):
    episode = report_and_return(world, "a_team1")
    assert {d.needs_owner for d in _rhi_duties(episode).values()} == {NO_PROVIDER}
    _route(world, 10, allocated=RouteAllocated.YES)
    assert {d.owner_user for d in _rhi_duties(episode).values()} == {world.users["sw_1"]}
    assert {d.needs_owner for d in _rhi_duties(episode).values()} == {""}
