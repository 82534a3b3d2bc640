"""Work that closes itself (issue 13): what the return home interview records plans and closes
duties of the child's stored record. Ticking a MACE or NRM referral closes consider_mace /
consider_nrm; "signs of trafficking" raises the trafficking concern (consider_nrm)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.interviews.services import (
    interview_change_factors,
    interview_complete,
    interview_offer,
)
from tests.interviews.helpers import content, report_and_return


def _duty(episode, kind):
    return Duty.objects.get(episode=episode, kind=kind)


def test_rhi_with_mace_referral_ticked_closes_consider_mace(world, offered):
    data = content(world, exploitation_indicators=["older_associates"], referrals=["mace"])
    interview_complete(interview=offered, actor=world.users["rhi"], **data)
    assert _duty(offered.episode, "consider_mace").state == DutyState.DONE


def test_rhi_without_mace_referral_leaves_consider_mace_open(world, offered):
    data = content(world, exploitation_indicators=["older_associates"], referrals=["camhs"])
    interview_complete(interview=offered, actor=world.users["rhi"], **data)
    assert _duty(offered.episode, "consider_mace").state == DutyState.OPEN


def test_nrm_referral_ticked_in_rhi_closes_consider_nrm(world):
    # A trafficking concern known at the report: consider_nrm is open until the interview.
    episode = report_and_return(world, trafficking_concern=True)
    assert _duty(episode, "consider_nrm").state == DutyState.OPEN
    offered = interview_offer(
        episode=episode,
        offered_at=timezone.now() - dt.timedelta(hours=3),
        offered_by_organisation=world.orgs["rhi"],
        offered_by_name="Robin Worker",
        offer_method="phone",
        actor=world.users["rhi"],
    )
    data = content(world, exploitation_indicators=["none_identified"], referrals=["nrm"])
    interview_complete(interview=offered, actor=world.users["rhi"], **data)
    assert _duty(episode, "consider_nrm").state == DutyState.DONE


def test_rhi_trafficking_indicator_raises_the_trafficking_concern(world, offered):
    assert not Duty.objects.filter(episode=offered.episode, kind="consider_nrm").exists()
    data = content(world, exploitation_indicators=["trafficking"], referrals=[])
    interview = interview_complete(interview=offered, actor=world.users["rhi"], **data)
    nrm = _duty(offered.episode, "consider_nrm")
    assert nrm.state == DutyState.OPEN
    assert "Trafficking concern raised" in nrm.reason
    # Planned from when the interview was held, not from the report.
    assert nrm.due_at > interview.held_at
    assert _duty(offered.episode, "consider_mace").state == DutyState.OPEN


def test_rhi_trafficking_indicator_and_nrm_referral_together_leave_nothing_to_consider(
    world, offered
):
    data = content(world, exploitation_indicators=["trafficking"], referrals=["nrm", "mace"])
    interview_complete(interview=offered, actor=world.users["rhi"], **data)
    assert _duty(offered.episode, "consider_nrm").state == DutyState.DONE
    assert _duty(offered.episode, "consider_mace").state == DutyState.DONE


def test_withdrawing_the_trafficking_indicator_withdraws_the_concern(world, offered):
    data = content(world, exploitation_indicators=["trafficking"], referrals=[])
    interview = interview_complete(interview=offered, actor=world.users["rhi"], **data)
    interview_change_factors(
        interview=interview,
        actor=world.users["rhi"],
        push_factors=interview.push_factors,
        pull_factors=interview.pull_factors,
        exploitation_indicators=["older_associates"],
        exploitation_note="Corrected: no signs of trafficking",
    )
    assert _duty(offered.episode, "consider_nrm").state == DutyState.NOT_NEEDED
    assert _duty(offered.episode, "consider_mace").state == DutyState.OPEN


def test_the_episode_page_lists_the_concerns_the_interview_raised(world, offered, client):
    data = content(world, exploitation_indicators=["trafficking"], referrals=[])
    interview_complete(interview=offered, actor=world.users["rhi"], **data)
    client.force_login(world.users["cmo_a"])
    page = client.get(reverse("episodes:detail", args=[offered.episode_id])).text
    section = page[page.index("Exploitation and trafficking concerns") :]
    assert section.count("The return home interview") == 2  # exploitation and trafficking
    assert "Trafficking or modern slavery" in section
