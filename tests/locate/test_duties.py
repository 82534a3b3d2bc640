"""The search's duties, where the settings choose them, stored for a real child: owned by who
must act (the police for Safe and Well) and closed by the records that do them."""

import datetime as dt

from django.utils import timezone

from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty, ProtocolVersion
from homesafe.duties.owners import duties_owned_q
from homesafe.duties.protocol import DEFAULT_TOML, PLAN_FROM_THE_START
from homesafe.episodes.services import episode_record_return, episode_report
from homesafe.locate import services as s
from homesafe.protocol.settings import ProtocolSettings, SearchDuty


def _with_search_duties():
    text = DEFAULT_TOML.read_text(encoding="utf-8").replace(
        "search_duties = []", f"search_duties = {[str(k) for k in SearchDuty]}".replace("'", '"')
    )
    ProtocolVersion.objects.create(
        version=ProtocolSettings.from_toml(text).version,
        settings_toml=text,
        duties_from=PLAN_FROM_THE_START,
    )


def _duty(episode, kind):
    return Duty.objects.get(episode=episode, kind=kind)


def _ago(hours):
    return timezone.now() - dt.timedelta(hours=hours)


def test_the_records_of_the_search_close_its_duties(world):
    _with_search_duties()
    child = world.children["a_team1"]
    child.episodes.all().delete()
    sw, police = world.users["sw_1"], world.users["police_a"]
    episode = episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=_ago(5),
        reported_at=_ago(4),
        reported_by="foster_carer",
        risk="high",
        police_force=world.orgs["force_a"],
    )
    publicity = _duty(episode, "consider_publicity")
    contact = _duty(episode, "contact_missing_people")
    assert publicity.state == contact.state == DutyState.OPEN
    assert publicity.owner_user == sw and contact.owner_user == sw

    approved = s.publicity_record(
        episode=episode,
        actor=sw,
        decided_at=_ago(2),
        decision="approved",
        approved_by="Insp. Grey",
        channels=["press"],
        consent="local_authority",
    )
    s.missing_agency_contact_record(
        episode=episode, actor=sw, agency="missing_people", contacted_at=_ago(2), reference="MP1"
    )
    assert _duty(episode, "consider_publicity").state == DutyState.DONE
    assert _duty(episode, "contact_missing_people").state == DutyState.DONE

    episode = episode_record_return(
        episode=episode, returned_at=_ago(1), found_by="police", actor=police
    )
    withdraw = _duty(episode, "withdraw_publicity")
    check = _duty(episode, "safe_and_well")
    assert withdraw.state == check.state == DutyState.OPEN
    assert check.owner_role == "police" and check.owner_organisation == world.orgs["force_a"]
    assert not check.needs_owner
    assert Duty.objects.filter(duties_owned_q(police), pk=check.pk).exists()
    assert not Duty.objects.filter(duties_owned_q(sw), pk=check.pk).exists()

    s.publicity_withdraw(publicity=approved, actor=sw)
    s.safe_and_well_record(episode=episode, actor=police, held_at=_ago(0.5), findings="Well")
    assert _duty(episode, "withdraw_publicity").state == DutyState.DONE
    assert _duty(episode, "safe_and_well").state == DutyState.DONE


def test_without_the_setting_the_search_plans_no_duty(world):
    child = world.children["a_team1"]
    child.episodes.all().delete()
    episode = episode_report(
        child=child,
        actor=world.users["cmo_a"],
        episode_type="M",
        last_seen_at=_ago(30),
        reported_at=_ago(29),
        reported_by="foster_carer",
        risk="high",
        police_force=world.orgs["force_a"],
    )
    kinds = set(Duty.objects.filter(episode=episode).values_list("kind", flat=True))
    assert kinds and not kinds & set(SearchDuty)
