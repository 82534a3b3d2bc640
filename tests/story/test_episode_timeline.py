"""Issue 16: the episode's page shows the whole episode in order, from last seen through the
search and the return to the Safe and Well check, the return interview and the plan's review,
each only to those who may see it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.episodes.services import episode_record_return, episode_report
from homesafe.interviews.services import interview_accept, interview_offer
from homesafe.locate.services import (
    locate_action_add,
    locate_action_record_outcome,
    safe_and_well_record,
    sighting_record,
)
from tests.safety_plans.conftest import plan_save


def _ago(hours: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours)


@pytest.fixture
def episode(world):
    """a_team1, missing 30 hours ago: two sightings (the later one recorded first), a search
    action done, the return, the Safe and Well check, the interview offered and accepted, and
    the safety plan reviewed."""
    child, cmo, police = world.children["a_team1"], world.users["cmo_a"], world.users["police_a"]
    child.episodes.all().delete()
    episode = episode_report(
        child=child,
        actor=cmo,
        episode_type="M",
        last_seen_at=_ago(30),
        reported_at=_ago(29),
        reported_by="foster_carer",
        risk="medium",
        police_force=world.orgs["force_a"],
    )
    sighting_record(episode=episode, actor=police, seen_at=_ago(10), source="police", place="Park")
    sighting_record(
        episode=episode, actor=world.users["sw_1"], seen_at=_ago(20), source="family_or_carer"
    )
    action = locate_action_add(
        episode=episode,
        actor=police,
        kind="place_to_check",
        description="Check the flat on Mill Road",
        owner_organisation=world.orgs["force_a"],
    )
    locate_action_record_outcome(action=action, actor=police, outcome="Not there", done_at=_ago(8))
    episode = episode_record_return(
        episode=episode, returned_at=_ago(6), found_by="police", actor=cmo
    )
    safe_and_well_record(episode=episode, actor=police, held_at=_ago(5), findings="No harm said")
    interview = interview_offer(
        episode=episode,
        offered_at=_ago(4),
        offered_by_organisation=world.orgs["la_a"],
        offered_by_name="A Worker",
        offer_method="phone",
        actor=cmo,
    )
    interview_accept(interview=interview, accepted_at=_ago(3), actor=cmo)
    plan_save(world, child, review_of=episode)
    return episode


def _whats(page: str) -> list[str]:
    table = page.split('id="episode-in-order"', 1)[1].split("</table>", 1)[0]
    return [
        cell.split("</td>")[0].strip()
        for cell in table.split('<td class="govuk-table__cell">')[2::3]
    ]


def test_the_episode_page_shows_the_whole_episode_in_order(world, episode, client):
    client.force_login(world.users["sw_1"])
    page = client.get(reverse("episodes:detail", args=[episode.pk])).text
    assert 'id="episode-in-order"' in page
    whats = _whats(page)
    expected = [
        "Last seen",
        "Reported missing to the police",
        "Police risk graded",
        "Seen",  # 20 hours ago, from the family
        "Seen at Park",  # 10 hours ago, from the police
        "Search action done",
        "Found or returned",
        "Police Safe and Well check held",
        "Return home interview offered",
        "Return home interview accepted",
    ]
    shown = [w for w in whats if w in expected]
    assert shown == expected
    # Recorded just now, after everything else: the review, and the duties done by the records.
    assert whats[-1] == "Safety plan reviewed (version 1)"
    assert "Done: Offer a return home interview" in whats


def test_the_plan_review_is_not_in_order_for_those_who_may_not_see_the_plan(world, episode, client):
    client.force_login(world.users["school_1"])
    response = client.get(reverse("episodes:detail", args=[episode.pk]))
    assert response.status_code == 200
    whats = _whats(response.text)
    assert "Last seen" in whats and not any(w.startswith("Safety plan") for w in whats)
