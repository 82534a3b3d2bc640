"""Drafts of the return interview's record ("Save and come back later"): the service keeps
what was typed section by section, audits it and re-plans nothing; only the author and the
people who manage the author's work (among those who may read the confidential record) see a
draft, held for every user of the world on the predicate and the query; the pages save, come
back and record."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from homesafe.access.errors import ApplicationError
from homesafe.access.models import AuditEntry
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.interviews.choices import SECTION_SLUGS, InterviewStatus
from homesafe.interviews.models import InterviewDraft, ReturnInterview
from homesafe.interviews.policy import can_change_interview_draft, can_view_interview_draft
from homesafe.interviews.queries import drafts_visible_to
from homesafe.interviews.services import interview_complete, interview_decline, interview_offer
from homesafe.interviews.services_drafts import (
    DRAFT_TOO_LONG,
    MAX_DRAFT_CHARACTERS,
    interview_draft_save,
)
from tests.interviews.helpers import content, record_through_sections, report_and_return
from tests.interviews.test_views import _parts, good_complete

WORDS = "  Nobody listens at the house.  "
FACTORS = ("push_factors", "pull_factors")


def _save(interview, author, section="voice", answers=None, inputs=None, done=False):
    answers = {"childs_words": [WORDS]} if answers is None else answers
    return interview_draft_save(
        interview=interview,
        author=author,
        section=section,
        inputs=inputs if inputs is not None else list(answers),
        answers=answers,
        done=done,
        actor=author,
    )


# --- the service ----------------------------------------------------------------------------


def test_a_draft_keeps_what_was_typed_exactly_and_audits_only_names(world, offered):
    rhi = world.users["rhi"]
    draft = _save(offered, rhi)
    assert draft.answers == {"childs_words": [WORDS]}  # not even trimmed
    assert draft.sections_done == []
    entry = AuditEntry.objects.get(verb="interview.draft_saved")
    assert entry.actor == rhi and entry.child_id == offered.child_id
    assert entry.payload["inputs"] == ["childs_words"] and entry.payload["section"] == "voice"
    assert "Nobody" not in str(entry.payload)


def test_saving_a_section_again_replaces_only_its_inputs(world, offered):
    rhi = world.users["rhi"]
    _save(offered, rhi)
    _save(offered, rhi, "factors", {"push_factors": ["conflict", "bullying"]}, list(FACTORS))
    # Both boxes unticked: the section's inputs are cleared, the other section kept.
    draft = _save(offered, rhi, "factors", {}, list(FACTORS), done=True)
    assert draft.answers == {"childs_words": [WORDS]}
    assert draft.sections_done == ["factors"]
    assert InterviewDraft.objects.count() == 1


def test_a_draft_ignores_inputs_outside_its_section(world, offered):
    draft = _save(
        offered,
        world.users["rhi"],
        answers={"childs_words": ["a"], "status": ["x"]},
        inputs=["childs_words"],
    )
    assert draft.answers == {"childs_words": ["a"]}


def test_a_draft_too_long_is_refused_and_nothing_is_kept(world, offered):
    with pytest.raises(ValidationError) as error:
        _save(offered, world.users["rhi"], answers={"childs_words": ["x" * MAX_DRAFT_CHARACTERS]})
    assert DRAFT_TOO_LONG in error.value.messages
    assert not InterviewDraft.objects.exists()


def test_saving_a_draft_replans_nothing(world, offered):
    before = list(Duty.objects.filter(child=offered.child).values("kind", "state", "due_at"))
    assert any(d["kind"] == "rhi_complete" and d["state"] != DutyState.DONE for d in before)
    _save(offered, world.users["rhi"], "interview", {"held_where": ["Library"]}, done=True)
    after = list(Duty.objects.filter(child=offered.child).values("kind", "state", "due_at"))
    assert after == before


def test_recording_the_interview_discards_every_draft(world, offered):
    _save(offered, world.users["rhi"])
    _save(offered, world.users["sw_2"])
    interview_complete(interview=offered, actor=world.users["rhi"], **content(world))
    assert not InterviewDraft.objects.exists()
    entry = AuditEntry.objects.get(verb="interview.completed")
    assert len(entry.payload["drafts_discarded"]) == 2


def test_declining_discards_the_drafts_and_a_closed_interview_takes_none(world, offered):
    _save(offered, world.users["rhi"])
    interview_decline(
        interview=offered,
        declined_at=timezone.now() - dt.timedelta(minutes=5),
        decline_reason="Did not want to talk",
        actor=world.users["rhi"],
    )
    assert not InterviewDraft.objects.exists()
    with pytest.raises(ApplicationError):
        _save(offered, world.users["rhi"])
    with pytest.raises(ApplicationError):
        _save(ReturnInterview.objects.get(), world.users["rhi"], section="nowhere")


# --- who sees a draft -----------------------------------------------------------------------

# author -> the users who may see that author's draft of child a_team2's interview (allocated
# to sw_2, team 2, Children in Care; open referral to the RHI service).
DRAFT_VIEWERS = {
    # The RHI worker: nobody manages the RHI service's workers in HomeSafe.
    "rhi": {"rhi"},
    # sw_2's service manager (same service) and the senior leader; not the CMO, not tm_1.
    "sw_2": {"sw_2", "sm_cic", "sl_a"},
    # sw_1 cannot see the child, nor can their team manager: the service manager and the
    # senior leader can, so they see the draft; its author does not.
    "sw_1": {"sm_cic", "sl_a"},
}


@pytest.mark.parametrize("author", sorted(DRAFT_VIEWERS))
def test_a_draft_is_seen_by_its_author_and_their_managers_only(world, offered, author):
    draft = InterviewDraft.objects.create(
        interview=offered, author=world.users[author], answers={"childs_words": [WORDS]}
    )
    for key, user in world.users.items():
        expected = key in DRAFT_VIEWERS[author]
        fresh = InterviewDraft.objects.get(pk=draft.pk)
        assert can_view_interview_draft(user, fresh) is expected, key
        shown = [d.pk for d in drafts_visible_to(user=user, interview=offered)]
        assert shown == ([draft.pk] if expected else []), key


def test_only_the_author_who_may_record_changes_a_draft(world, offered):
    draft = _save(offered, world.users["sw_2"])
    assert can_change_interview_draft(world.users["sw_2"], draft)
    assert not can_change_interview_draft(world.users["sm_cic"], draft)
    assert not can_change_interview_draft(world.users["rhi"], draft)


# --- the pages ------------------------------------------------------------------------------


def _section(episode, slug):
    return reverse("interviews:section", args=[episode.pk, slug])


def test_save_and_come_back_later_keeps_the_section_unchecked(world, offered, client):
    client.force_login(world.users["rhi"])
    episode = offered.episode
    # Not valid yet (no time, no interviewer): kept all the same.
    response = client.post(
        _section(episode, "interview"), {"held_where": "Youth centre", "action": "draft"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("interviews:detail", args=[episode.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Draft saved" in page and "Your draft" in page
    assert "Continue recording the interview" in page
    assert 'value="Youth centre"' in client.get(_section(episode, "interview")).content.decode()
    tasks = client.get(reverse("interviews:complete", args=[episode.pk])).content.decode()
    assert "In progress" in tasks
    assert ReturnInterview.objects.get().status == InterviewStatus.OFFERED


def test_save_and_continue_checks_the_section_and_goes_to_the_next(world, offered, client):
    client.force_login(world.users["rhi"])
    episode = offered.episode
    when = timezone.now() - dt.timedelta(hours=1)
    response = client.post(
        _section(episode, "interview"),
        {
            **_parts("held_at", when),
            "held_where": "Library",
            "held_by_name": "Robin",
            "independent": "yes",
            "action": "continue",
        },
    )
    assert response["Location"] == _section(episode, "factors")
    tasks = client.get(reverse("interviews:complete", args=[episode.pk])).content.decode()
    assert "Completed" in tasks
    last = client.post(_section(episode, SECTION_SLUGS[-1]), {"action": "continue"})
    assert last.status_code == 400  # consent is required: the section is checked
    assert "Select whether the child consented to sharing" in last.content.decode()


def test_check_your_answers_records_the_interview_and_replans(world, offered, client):
    client.force_login(world.users["rhi"])
    episode = offered.episode
    data = good_complete(world, timezone.now() - dt.timedelta(hours=1))
    data["childs_words"] = WORDS
    for slug in SECTION_SLUGS:
        client.post(_section(episode, slug), {**data, "action": "draft"})
    check = client.get(reverse("interviews:check", args=[episode.pk])).content.decode()
    assert "Library" in check and "Bullying" in check and world.orgs["school_2"].name in check
    assert Duty.objects.get(episode=episode, kind="rhi_complete").state != DutyState.DONE
    response = client.post(reverse("interviews:check", args=[episode.pk]))
    assert response.status_code == 302
    interview = ReturnInterview.objects.get()
    assert interview.status == InterviewStatus.COMPLETED
    assert interview.childs_words == WORDS
    assert interview.push_factors == ["conflict", "bullying"]
    assert not InterviewDraft.objects.exists()
    assert Duty.objects.get(episode=episode, kind="rhi_complete").state == DutyState.DONE


def test_check_your_answers_lists_every_problem_linked_to_its_section(world, offered, client):
    client.force_login(world.users["rhi"])
    episode = offered.episode
    client.post(_section(episode, "voice"), {"childs_words": "Hello", "action": "draft"})
    changes = AuditEntry.objects.exclude(verb__endswith=".viewed")
    before = changes.count()
    page = client.post(reverse("interviews:check", args=[episode.pk])).content.decode()
    assert "There is a problem" in page
    assert f'href="{_section(episode, "interview")}?check=1#id_held_at_0"' in page
    assert f'href="{_section(episode, "sharing")}?check=1#id_consent_to_share"' in page
    assert ReturnInterview.objects.get().status == InterviewStatus.OFFERED
    assert changes.count() == before


def test_a_manager_reads_the_draft_and_others_get_404(world, offered, client):
    sw_2 = world.users["sw_2"]
    draft = _save(offered, sw_2)
    url = reverse("interviews:draft", args=[offered.episode.pk, draft.pk])
    client.force_login(world.users["sm_cic"])
    detail = client.get(reverse("interviews:detail", args=[offered.episode.pk])).content.decode()
    assert f"Draft by {sw_2}" in detail
    page = client.get(url).content.decode()
    assert "Nobody listens at the house." in page and "Record the interview" not in page
    assert AuditEntry.objects.filter(verb="interview.draft_viewed", actor=world.users["sm_cic"])
    for key in ("cmo_a", "rhi", "tm_1", "police_a"):
        client.force_login(world.users[key])
        assert client.get(url).status_code == 404, key
        detail = client.get(reverse("interviews:detail", args=[offered.episode.pk]))
        assert "Draft by" not in detail.content.decode()


def test_those_who_may_not_record_get_no_sections(world, offered, client):
    client.force_login(world.users["police_a"])
    for url in (
        reverse("interviews:complete", args=[offered.episode.pk]),
        _section(offered.episode, "voice"),
        reverse("interviews:check", args=[offered.episode.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"childs_words": "x", "action": "draft"}).status_code == 403
    assert not InterviewDraft.objects.exists()


def test_the_whole_record_through_the_sections(world, offered, client):
    client.force_login(world.users["rhi"])
    response = record_through_sections(
        client, offered.episode, good_complete(world, timezone.now() - dt.timedelta(hours=1))
    )
    assert response.status_code == 302
    assert ReturnInterview.objects.get().status == InterviewStatus.COMPLETED


def test_a_section_reached_from_a_problem_shows_it_against_the_field(world, client):
    """A rule of recording (the exploitation questions after a planned episode) is shown on
    the section page as well as on the check-your-answers page, with what the other sections
    lack, all at once."""
    episode = report_and_return(world, pre_planned_indicators=["bag_packed"])
    interview_offer(
        episode=episode,
        offered_at=timezone.now() - dt.timedelta(hours=3),
        offered_by_organisation=world.orgs["rhi"],
        offered_by_name="Robin",
        offer_method="phone",
        actor=world.users["rhi"],
    )
    client.force_login(world.users["rhi"])
    client.post(_section(episode, "voice"), {"childs_words": "Hello", "action": "draft"})
    check = client.post(reverse("interviews:check", args=[episode.pk])).content.decode()
    assert "record the exploitation indicators" in check
    assert "Enter where the interview was held" in check  # the form's, at the same time
    page = client.get(_section(episode, "exploitation") + "?check=1").content.decode()
    assert "There is a problem" in page and 'href="#id_exploitation_indicators"' in page
    assert "record the exploitation indicators" in page
    assert "Enter where the interview was held" not in page  # another section's problem
