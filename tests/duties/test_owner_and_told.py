"""Issue 13's table, through the stored duties of a real child: for every kind, the person or
organisation who must act owns the duty, and the party told is named as told (and, where it
has HomeSafe users, told by HomeSafe itself). tests/protocol/test_owner_and_told.py checks the
same rows through the simulator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty, ProtocolVersion
from homesafe.duties.owners import NO_IRO, NO_PROVIDER, NO_TEAM
from homesafe.duties.protocol import protocol_current
from homesafe.duties.services import duties_replan
from homesafe.episodes.services import episode_record_return, episode_report
from homesafe.people.choices import NetworkRole
from homesafe.people.models import CarePeriod, CohortPeriod
from homesafe.protocol.facts import DutyKind as K
from homesafe.safety_plans.services import safety_plan_save
from homesafe.screening.services import screening_complete
from tests.factories import NetworkMemberFactory, OrganisationFactory, UserFactory
from tests.screening.helpers import seraf_answers

# kind -> (who owns it, whom it tells). Owners and told parties are keys of the world's users
# ("sw_1"), organisations ("la_a") or "team" (sw_1's team, CiC 1); "iro" and "chair" are the
# child's own IRO and conference chair, HomeSafe users named in the child's network.
STORED: dict[str, tuple[str, str | None]] = {
    K.NOTIFY_SOCIAL_WORKER: ("la_a", "sw_1"),
    K.NOTIFY_SCHOOL: ("la_a", "school_1"),
    K.NOTIFY_PLACING_LA: ("la_a", "la_a"),
    K.NOTIFY_HOST_LA: ("la_a", "la_b"),
    K.NOTIFY_IRO: ("sw_1", "iro"),
    K.NOTIFY_CP_CHAIR: ("sw_1", "chair"),
    K.SENIOR_LEADER_ALERT: ("sw_1", "la_a"),
    K.ESCALATE_TEAM_MANAGER: ("sw_1", "team"),
    K.ESCALATE_SERVICE_MANAGER: ("sw_1", "team"),
    K.ESCALATE_HEAD_OF_SERVICE: ("sw_1", "la_a"),
    K.ESCALATION_REVIEW: ("team", None),
    K.HIGH_RISK_ALERT: ("la_a", "la_a"),
    K.STRATEGY_MEETING: ("sw_1", None),
    K.RHI_OFFER: ("rhi", None),
    K.RHI_COMPLETE: ("rhi", None),
    K.PRE_INCIDENT_REVIEW: ("sw_1", None),
    K.REPEAT_MEETING: ("la_a", None),
    K.CONSIDER_MACE: ("sw_1", None),
    K.CONSIDER_NRM: ("sw_1", None),
    K.CONSIDER_RECOVERY_ORDER: ("sw_1", None),
    K.EIGHTEENTH_BIRTHDAY: ("la_a", None),
    K.SCREENING_REVIEW: ("sw_1", None),
    K.SAFETY_PLAN_REVIEW: ("sw_1", None),
    # Issue 16, the wider network: the missing coordinator tells the child's network member
    # ("early_help": a HomeSafe user; "health": the health organisation, whose practitioner is
    # a HomeSafe user; "yjs": an organisation without users), and the school of the return.
    K.NOTIFY_EARLY_HELP: ("la_a", "early_help"),
    K.NOTIFY_HEALTH: ("la_a", "health"),
    K.NOTIFY_YOUTH_JUSTICE: ("la_a", "yjs"),
    K.NOTIFY_EARLY_HELP_OF_RETURN: ("la_a", "early_help"),
    K.NOTIFY_HEALTH_OF_RETURN: ("la_a", "health"),
    K.NOTIFY_YOUTH_JUSTICE_OF_RETURN: ("la_a", "yjs"),
    K.NOTIFY_SCHOOL_OF_RETURN: ("la_a", "school_1"),
}
RETURNED_KINDS = {
    K.RHI_OFFER,
    K.RHI_COMPLETE,
    K.PRE_INCIDENT_REVIEW,
    K.SAFETY_PLAN_REVIEW,
    K.NOTIFY_EARLY_HELP_OF_RETURN,
    K.NOTIFY_HEALTH_OF_RETURN,
    K.NOTIFY_YOUTH_JUSTICE_OF_RETURN,
    K.NOTIFY_SCHOOL_OF_RETURN,
}


@pytest.fixture
def protocol(db):
    protocol_current()
    ProtocolVersion.objects.update(duties_from=timezone.now() - dt.timedelta(days=400))


def _child(world, kind):
    """LA A's looked-after child placed in LA B, allocated to sw_1, at school 1, with an IRO,
    a conference chair (for a child protection plan), an RHI referral, an early help worker
    (a HomeSafe user), a health organisation and a youth justice service (no users) in their
    network: set up for `kind`."""
    child = world.children["a_placed_in_b"]
    child.episodes.all().delete()
    child.school = world.orgs["school_1"]
    if kind == K.EIGHTEENTH_BIRTHDAY:
        child.date_of_birth = timezone.localdate() - dt.timedelta(days=18 * 365 - 10)
    child.save()
    cohort = "child_protection" if kind == K.NOTIFY_CP_CHAIR else "looked_after"
    CohortPeriod.objects.create(child=child, cohort=cohort, started_on=dt.date(2025, 1, 1))
    CarePeriod.objects.create(
        child=child,
        legal_status="care_order",
        placing_la=world.orgs["la_a"],
        started_on=dt.date(2025, 1, 1),
    )
    la = world.orgs["la_a"]
    world.iro = UserFactory(organisation=la, roles=["social_worker"])
    world.chair = UserFactory(organisation=la, roles=["team_manager"])
    NetworkMemberFactory(child=child, organisation=la, role=NetworkRole.IRO, user=world.iro)
    NetworkMemberFactory(child=child, organisation=la, role=NetworkRole.CP_CHAIR, user=world.chair)
    NetworkMemberFactory(child=child, organisation=world.orgs["rhi"], role=NetworkRole.RHI_REFERRAL)
    world.early_help = UserFactory(organisation=la, roles=["social_worker"])
    world.yjs = OrganisationFactory(name="Youth Justice Service A")
    NetworkMemberFactory(
        child=child, organisation=la, role=NetworkRole.EARLY_HELP, user=world.early_help
    )
    NetworkMemberFactory(child=child, organisation=world.orgs["health"], role=NetworkRole.HEALTH)
    NetworkMemberFactory(child=child, organisation=world.yjs, role=NetworkRole.YOUTH_JUSTICE)
    return child


def _report(world, child, *, hours_ago=2.0, **extra):
    at = timezone.now() - dt.timedelta(hours=hours_ago)
    return episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=at - dt.timedelta(hours=1),
        reported_at=at,
        reported_by="parent",
        **{"risk": "medium", **extra},
    )


def _episode_for(world, child, kind):
    cmo = world.users["cmo_a"]
    if kind == K.REPEAT_MEETING:
        for days in (40, 20):
            earlier = _report(world, child, hours_ago=24 * days)
            episode_record_return(
                episode=earlier,
                returned_at=earlier.reported_at + dt.timedelta(hours=5),
                found_by="self",
                actor=cmo,
            )
    if kind == K.SAFETY_PLAN_REVIEW:
        safety_plan_save(
            child=child,
            actor=world.users["sw_1"],
            indicators=[],
            method="scored",
            risks="Goes to the town centre at night",
            who_does_what="Carer rings at 21:00",
        )
        # In force before this episode: saved three days ago.
        child.safety_plan_versions.update(saved_at=timezone.now() - dt.timedelta(days=3))
    episode = _report(
        world,
        child,
        risk="high" if kind == K.HIGH_RISK_ALERT else "medium",
        exploitation_concern=kind == K.CONSIDER_MACE,
        trafficking_concern=kind == K.CONSIDER_NRM,
    )
    if kind in RETURNED_KINDS:
        episode_record_return(
            episode=episode,
            returned_at=timezone.now() - dt.timedelta(minutes=30),
            found_by="police",
            actor=cmo,
        )
    if kind == K.SCREENING_REVIEW:
        screening_complete(
            child=child,
            tool="seraf",
            answers=seraf_answers(),
            completed_at=timezone.now() - dt.timedelta(minutes=10),
            actor=world.users["sw_1"],
        )
    return episode


def _party(world, key):
    if key == "team":
        return ("team", world.users["sw_1"].team)
    if key in ("iro", "chair", "early_help"):
        return ("user", getattr(world, key))
    if key == "yjs":
        return ("organisation", world.yjs)
    if key in world.orgs:
        return ("organisation", world.orgs[key])
    return ("user", world.users[key])


# The search's duties (planned where the settings choose them) are stored and owned in
# tests/locate/test_duties.py: the police's Safe and Well by the episode's force.
SEARCH = {K.CONSIDER_PUBLICITY, K.CONTACT_MISSING_PEOPLE, K.WITHDRAW_PUBLICITY, K.SAFE_AND_WELL}


def test_every_kind_has_a_row():
    assert set(STORED) | SEARCH == set(K)


@pytest.mark.parametrize("kind", list(STORED))
def test_owner_and_told_of_a_real_child(world, protocol, kind):
    child = _child(world, kind)
    episode = _episode_for(world, child, kind)
    duty = Duty.objects.get(episode=episode, kind=kind)
    owner_key, told_key = STORED[kind]
    what, owner = _party(world, owner_key)
    if what == "user":
        assert duty.owner_user == owner
    elif what == "team":
        assert duty.owner_team == owner and duty.owner_user is None
    else:
        assert duty.owner_organisation == owner and duty.owner_user is None
    assert duty.needs_owner == ""
    if told_key is None:
        assert duty.tells_role == "" and duty.told_organisation is None
        return
    assert duty.tells_role and duty.tells_role != duty.owner_role
    what, told = _party(world, told_key)
    if what == "user":
        assert duty.told_user == told
    elif what == "team":
        assert duty.told_team == told
    else:
        assert duty.told_organisation == told
    # The told party never owns "tell X": none of its people is the duty's owner.
    assert duty.owner_user is None or duty.owner_user != duty.told_user


def test_a_report_s_notifications_are_told_at_once_and_done(world, protocol):
    child = _child(world, K.NOTIFY_IRO)
    episode = _report(world, child)
    duties = {d.kind: d for d in Duty.objects.filter(episode=episode)}
    for kind, person in (
        (K.NOTIFY_SOCIAL_WORKER, world.users["sw_1"]),
        (K.NOTIFY_SCHOOL, world.users["school_1"]),
        (K.NOTIFY_HOST_LA, world.users["cmo_b"]),
        (K.NOTIFY_IRO, world.iro),
    ):
        duty = duties[kind]
        assert duty.state == DutyState.DONE, kind
        assert list(duty.notices.values_list("recipient", flat=True)) == [person.pk], kind
    # The alerts by duration wait until they fall due: no senior leader is told at the report.
    alert = duties[K.SENIOR_LEADER_ALERT]
    assert alert.state == DutyState.OPEN and not alert.notices.exists()


def test_nobody_to_name_goes_to_the_coordinator_with_why(world, protocol):
    child = world.children["a_unallocated"]  # no worker, no IRO, no RHI referral
    child.episodes.all().delete()
    CohortPeriod.objects.create(child=child, cohort="looked_after", started_on=dt.date(2025, 1, 1))
    episode = _report(world, child)
    episode_record_return(
        episode=episode, returned_at=timezone.now(), found_by="self", actor=world.users["cmo_a"]
    )
    duties = {d.kind: d for d in Duty.objects.filter(episode=episode)}
    assert duties[K.NOTIFY_IRO].needs_owner == NO_IRO
    assert duties[K.RHI_OFFER].needs_owner == NO_PROVIDER
    assert duties[K.NOTIFY_IRO].owner_organisation == world.orgs["la_a"]
    from homesafe.duties.owners import duties_owned_q, owners_of

    mine = Duty.objects.filter(duties_owned_q(world.users["cmo_a"]))
    assert {duties[K.NOTIFY_IRO].pk, duties[K.RHI_OFFER].pk} <= set(
        mine.values_list("pk", flat=True)
    )
    assert owners_of(duties[K.RHI_OFFER]) == [world.users["cmo_a"]]
    # The RHI service of the partnership is not handed it: it has no referral.
    theirs = Duty.objects.filter(duties_owned_q(world.users["rhi"]))
    assert duties[K.RHI_OFFER].pk not in set(theirs.values_list("pk", flat=True))


def test_escalations_of_an_unallocated_child_need_an_owner(world, protocol):
    child = world.children["a_unallocated"]
    child.episodes.all().delete()
    episode = _report(world, child)
    review = Duty.objects.get(episode=episode, kind=K.ESCALATION_REVIEW)
    assert review.needs_owner == NO_TEAM


def test_naming_an_iro_later_tells_them(world, protocol):
    child = world.children["a_unallocated"]
    child.episodes.all().delete()
    CohortPeriod.objects.create(child=child, cohort="looked_after", started_on=dt.date(2025, 1, 1))
    episode = _report(world, child)
    duty = Duty.objects.get(episode=episode, kind=K.NOTIFY_IRO)
    assert duty.state == DutyState.OPEN and duty.needs_owner == NO_IRO
    iro = UserFactory(organisation=world.orgs["la_a"], roles=["social_worker"])
    NetworkMemberFactory(child=child, organisation=world.orgs["la_a"], role="iro", user=iro)
    duties_replan(child_ids=[child.pk])
    duty.refresh_from_db()
    assert duty.needs_owner == "" and duty.told_user == iro
    assert duty.state == DutyState.DONE and duty.notices.get().recipient == iro


def test_a_told_party_without_users_stays_with_the_owner(world, protocol):
    child = _child(world, K.NOTIFY_HOST_LA)
    offline = OrganisationFactory(code="999", name="Host council with no users")
    placement = child.placements.get(ended_on__isnull=True)
    placement.host_la = offline
    placement.save()
    episode = _report(world, child)
    duty = Duty.objects.get(episode=episode, kind=K.NOTIFY_HOST_LA)
    assert duty.state == DutyState.OPEN and duty.told_organisation == offline
    assert (
        duty.owner_organisation == world.orgs["la_a"] and duty.owner_role == "missing_coordinator"
    )


def test_the_birthday_prompt_comes_into_the_plan_as_the_day_nears(world, protocol):
    import time_machine

    from homesafe.duties.services import duties_replan_turning_eighteen

    child = world.children["a_unallocated"]
    child.episodes.all().delete()
    today = timezone.localdate()
    child.date_of_birth = today.replace(year=today.year - 18) + dt.timedelta(days=40)
    child.save()
    episode = _report(world, child)
    assert not Duty.objects.filter(episode=episode, kind=K.EIGHTEENTH_BIRTHDAY).exists()
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        assert duties_replan_turning_eighteen() == 1
    prompt = Duty.objects.get(episode=episode, kind=K.EIGHTEENTH_BIRTHDAY)
    assert prompt.owner_role == "missing_coordinator"
