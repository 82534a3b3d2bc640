"""Casework reads through the API (interviews, screenings, profile, concerns, professional
differences): by role, what each sees, the confidential interview content only where the
interviews policy allows, audit entries for reads, and lists in a bounded number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from homesafe.access.models import AuditEntry
from homesafe.interviews.policy import can_view_rhi_content, can_view_rhi_summary
from homesafe.interviews.queries import interview_for_episode
from tests.api.conftest import interview_for

USERS = [
    "cmo_a", "cmo_b", "sw_1", "sw_1b", "sw_2", "sw_3", "tm_1", "sm_cic", "sl_a", "police_a",
    "police_b", "rhi", "school_1", "school_2", "health", "analyst", "auditor", "admin",
    "inactive_cmo",
]  # fmt: skip
SEE_A_TEAM1 = {"cmo_a", "sw_1", "sw_1b", "tm_1", "sm_cic", "sl_a", "police_a", "school_1", "health"}
# Of those, who sees the casework (screenings): not the police, not schools.
CASEWORK_A_TEAM1 = SEE_A_TEAM1 - {"police_a", "school_1"}
# The pre-incident profile is for the police too.
PROFILE_A_TEAM1 = CASEWORK_A_TEAM1 | {"police_a"}

# (content, summary) of each interview, by role: the LA's case roles and the RHI service with
# the open referral read the record; agencies it was shared with (with consent) the summary.
INTERVIEW_TABLE = {
    "a_team2": {
        "cmo_a": (True, True),
        "sw_2": (True, True),
        "sm_cic": (True, True),
        "sl_a": (True, True),
        "rhi": (True, True),
        "police_a": (False, True),
        "school_2": (False, True),
    },
    "a_team1": {
        "cmo_a": (True, True),
        "sw_1": (True, True),
        "sw_1b": (True, True),
        "tm_1": (True, True),
        "sm_cic": (True, True),
        "sl_a": (True, True),
        "health": (True, True),
        "police_a": (False, False),
        "school_1": (False, False),
    },
}


def _get(client, name, *args, **params):
    return client.get(reverse(f"api:{name}", args=args), params)


def _results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("who", USERS)
def test_casework_reads_by_role(world, casework, client, who):
    """Each role sees exactly the records of the children it may see, and no more."""
    client.force_login(world.users[who])
    if who == "inactive_cmo":  # cannot be signed in at all
        assert _get(client, "interviews").status_code == 403
        return
    sees = world.expected[who]
    child_key = {child.pk: key for key, child in world.children.items()}

    interviews = {child_key[i["child_id"]]: i for i in _results(_get(client, "interviews"))}
    assert set(interviews) == set(INTERVIEW_TABLE) & sees
    for key, body in interviews.items():
        content, summary = INTERVIEW_TABLE[key][who]
        assert (body["content_visible"], body["summary_visible"]) == (content, summary)
        assert (body["content"] is not None, body["shareable_summary"] is not None) == (
            content,
            summary,
        )

    differences = _results(_get(client, "differences"))
    assert [d["id"] for d in differences] == ([casework.difference.pk] if "a_team1" in sees else [])

    a_team1 = world.children["a_team1"].pk
    screenings = _get(client, "child_screenings", a_team1)
    expected = 200 if who in CASEWORK_A_TEAM1 else 403 if who in SEE_A_TEAM1 else 404
    assert screenings.status_code == expected
    if expected == 200:
        assert [s["id"] for s in screenings.json()["results"]] == [casework.screening.pk]

    profile = _get(client, "child_profile", a_team1)
    expected = 200 if who in PROFILE_A_TEAM1 else 403 if who in SEE_A_TEAM1 else 404
    assert profile.status_code == expected

    concerns = _get(client, "child_concerns", a_team1)
    assert concerns.status_code == (200 if who in SEE_A_TEAM1 else 404)

    person = _get(client, "person_of_concern", casework.person.pk)
    sees_a_link = sees & {"a_team1", "b_only"}
    assert person.status_code == (200 if sees_a_link else 404)
    if sees_a_link:
        linked = {child_key[link["child_id"]] for link in person.json()["links"]}
        assert linked == sees_a_link


def test_anonymous_gets_403_everywhere(world, casework, client):
    a_team1 = world.children["a_team1"].pk
    for name, args in [
        ("interviews", ()),
        ("interview", (casework.interviews["a_team1"].pk,)),
        ("child_screenings", (a_team1,)),
        ("child_profile", (a_team1,)),
        ("child_concerns", (a_team1,)),
        ("differences", ()),
        ("difference", (casework.difference.pk,)),
    ]:
        response = _get(client, name, *args)
        assert response.status_code == 403, name
        assert response.json()["code"] == "not_authenticated"


# --- Return home interviews --------------------------------------------------------------------


def test_interview_detail_gives_content_only_where_allowed(world, casework, client):
    interview = casework.interviews["a_team2"]
    client.force_login(world.users["rhi"])
    body = _get(client, "interview", interview.pk).json()
    assert body["content"]["childs_words"].strip() == "I just wanted to see my mates."
    assert body["content"]["push_factors"] == ["conflict", "placement_unhappiness"]
    assert body["content"]["exploitation_indicators"] == ["older_associates", "new_phone"]
    assert set(body["content"]["shared_with"]) == {"FA", "100002"}
    assert [(a["outcome"], a["note"]) for a in body["attempts"]] == [
        ("message_left", "Left a message for a_team2")
    ]

    client.force_login(world.users["police_a"])
    body = _get(client, "interview", interview.pk).json()
    assert body["content"] is None and body["content_visible"] is False
    assert body["shareable_summary"] == "Went to friends; concerns about older associates."
    assert "I just wanted" not in str(body) and "older_associates" not in str(body)
    assert [(a["outcome"], a["note"]) for a in body["attempts"]] == [("message_left", None)]
    assert body["status"] == "completed" and body["offered_by_organisation"] == "R1"

    client.force_login(world.users["police_b"])  # does not see a_team2
    assert _get(client, "interview", interview.pk).status_code == 404


def test_interview_detail_for_an_unshared_agency_has_neither_content_nor_summary(
    world, casework, client
):
    client.force_login(world.users["school_1"])
    body = _get(client, "interview", casework.interviews["a_team1"].pk).json()
    assert body["content"] is None and body["shareable_summary"] is None
    assert "Words for a_team1" not in str(body) and "Summary for a_team1" not in str(body)
    assert body["held_at"] is not None  # the outcome is theirs to see


def test_interview_list_matches_the_interviews_policy_for_every_user(world, casework, client):
    """The list's per-page visibility agrees with can_view_rhi_content/summary, user by user."""
    for who in USERS[:-1]:  # not inactive_cmo, who cannot sign in
        client.force_login(world.users[who])
        for body in _results(_get(client, "interviews")):
            interview = interview_for_episode(episode=casework_episode(casework, body["id"]))
            user = world.users[who]
            assert body["content_visible"] == bool(can_view_rhi_content(user, interview)), who
            assert body["summary_visible"] == bool(can_view_rhi_summary(user, interview)), who


def casework_episode(casework, interview_id):
    return next(i.episode for i in casework.interviews.values() if i.pk == interview_id)


def test_summary_is_shared_without_consent_only_under_a_safeguarding_override(
    world, casework, client
):
    overridden = interview_for(
        world,
        "a_team3",
        actor="sw_3",
        consent_to_share="no",
        safeguarding_override=True,
        override_reason="Risk of exploitation",
        shared_with=[world.orgs["force_a"]],
    )
    withheld = interview_for(
        world, "a_unallocated", actor="cmo_a", consent_to_share="no", shared_with=[]
    )
    client.force_login(world.users["police_a"])
    listed = {i["id"]: i["shareable_summary"] for i in _results(_get(client, "interviews"))}
    assert listed[overridden.pk] == "Went to friends; concerns about older associates."
    assert listed[withheld.pk] is None


def test_interview_list_filters(world, casework, client):
    client.force_login(world.users["cmo_a"])
    a_team1 = world.children["a_team1"].pk
    assert [i["child_id"] for i in _results(_get(client, "interviews", child=a_team1))] == [a_team1]
    assert _results(_get(client, "interviews", status="declined")) == []
    assert len(_results(_get(client, "interviews", status="completed"))) == 2
    assert _results(_get(client, "interviews", offered_from="2999-01-01")) == []
    bad = _get(client, "interviews", status="lost")
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


def test_interview_reads_are_audited(world, casework, client):
    user = world.users["police_a"]
    client.force_login(user)
    _get(client, "interviews", child=world.children["a_team2"].pk)
    listed = AuditEntry.objects.get(actor=user, verb="interviews.listed")
    shown = [world.children["a_team2"].pk]  # the child the answer named (issue 12 point 7)
    assert listed.payload == {"api": True, "filters": ["child"], "children": shown}
    interview = casework.interviews["a_team2"]
    _get(client, "interview", interview.pk)
    viewed = AuditEntry.objects.get(actor=user, verb="interview.viewed")
    assert viewed.target_id == str(interview.pk) and viewed.child_id == interview.child_id
    assert viewed.payload == {"api": True, "content": False, "summary": True}


def test_interview_list_queries_do_not_grow_with_interviews(
    world, casework, client, django_assert_max_num_queries
):
    client.force_login(world.users["cmo_a"])
    _get(client, "interviews")  # warm the session
    with django_assert_max_num_queries(12) as two:
        assert len(_results(_get(client, "interviews"))) == 2
    interview_for(world, "a_team3", actor="sw_3")
    interview_for(world, "a_unallocated", actor="cmo_a")
    with django_assert_max_num_queries(len(two.captured_queries)):
        assert len(_results(_get(client, "interviews"))) == 4


def test_interview_list_for_an_auditor_does_not_grow_with_the_children_sampled(
    world, casework, client, django_assert_max_num_queries
):
    """The content rule's grounds (here an auditor's grants) are read once for the page, not
    once per child."""
    from homesafe.access.models import CaseAccessGrant

    auditor = world.users["auditor"]

    def sample(key):
        CaseAccessGrant.objects.create(
            user=auditor,
            child=world.children[key],
            reason="Learning audit",
            starts_at=timezone.now() - dt.timedelta(days=1),
            ends_at=timezone.now() + dt.timedelta(days=1),
        )

    sample("a_team1")
    sample("a_team2")
    client.force_login(auditor)
    _get(client, "interviews")  # warm the session
    with django_assert_max_num_queries(14) as two:
        body = _results(_get(client, "interviews"))
    assert len(body) == 2
    sample("a_team3")
    interview_for(world, "a_team3", actor="sw_3")
    interview_for(world, "a_unallocated", actor="cmo_a")
    with django_assert_max_num_queries(len(two.captured_queries)):
        body = _results(_get(client, "interviews"))
    assert len(body) == 4


# --- Screenings, profile, concerns -------------------------------------------------------------


def test_screenings_give_tool_score_band_and_review(world, casework, client):
    client.force_login(world.users["health"])
    response = _get(client, "child_screenings", world.children["a_team1"].pk)
    (body,) = response.json()["results"]
    screening = casework.screening
    assert (body["tool"], body["score"], body["band"], body["final_band"]) == (
        "seraf",
        screening.score,
        screening.band,
        screening.final_band,
    )
    assert body["review_on"] == screening.review_on.isoformat()
    assert body["completed_by_organisation"] == "901"
    entry = AuditEntry.objects.get(actor=world.users["health"], verb="screening.listed")
    assert entry.child_id == world.children["a_team1"].pk


def test_profile_is_the_latest_version_with_a_photo_link(world, casework, client):
    from homesafe.profiles.services import profile_save

    child = world.children["a_team1"]
    profile_save(
        child=child,
        actor=world.users["sw_1"],
        provided_by="Sam Carer",
        height="165 cm",
        hair="Black",
    )
    client.force_login(world.users["police_a"])
    body = _get(client, "child_profile", child.pk).json()
    assert (body["version"], body["height"], body["hair"]) == (2, "165 cm", "Black")
    photo = reverse("profiles:photo", args=[child.pk, 2])
    assert body["photo_url"] == f"http://testserver{photo}"
    assert client.get(body["photo_url"]).status_code == 200  # the access-checked photo page
    entry = AuditEntry.objects.filter(actor=world.users["police_a"], verb="profile.viewed").first()
    assert entry.child_id == child.pk and entry.payload == {"version": 2}


def test_no_profile_yet_is_a_404(world, casework, client):
    client.force_login(world.users["cmo_a"])
    response = _get(client, "child_profile", world.children["a_team2"].pk)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_concerns_of_a_child(world, casework, client):
    client.force_login(world.users["school_1"])
    body = _get(client, "child_concerns", world.children["a_team1"].pk).json()
    mace = casework.meetings["mace"].pk
    assert sorted((p["person"]["name"], p["kind"], p["meeting_id"]) for p in body["persons"]) == [
        ("Dee Harbourer", "discussed_at_meeting", mace),
        ("Dee Harbourer", "found_with", None),
    ]
    assert [(d["kind"], d["agency"], d["person_id"]) for d in body["disruption_actions"]] == [
        ("cawn", "FA", casework.person.pk)
    ]
    assert [a["kind"] for a in body["legal_actions"]] == ["recovery_order"]
    assert AuditEntry.objects.filter(
        actor=world.users["school_1"], verb="concerns.viewed", child_id=world.children["a_team1"].pk
    ).exists()


def test_person_of_concern_shows_only_links_to_visible_children(world, casework, client):
    client.force_login(world.users["cmo_b"])  # sees b_only, not a_team1
    body = _get(client, "person_of_concern", casework.person.pk).json()
    assert [link["child_id"] for link in body["links"]] == [world.children["b_only"].pk]
    assert body["disruption_actions"] == []  # the CAWN was for a_team1
    assert AuditEntry.objects.filter(
        actor=world.users["cmo_b"], verb="concern.person_viewed"
    ).exists()


# --- Professional differences -----------------------------------------------------------------


def test_difference_detail_and_filters(world, casework, client):
    client.force_login(world.users["police_a"])
    body = _get(client, "difference", casework.difference.pk).json()
    assert (body["raised_by_organisation"], body["raised_with_organisation"]) == ("901", "FA")
    assert (body["subject"], body["status"]) == ("risk_grading", "open")
    assert AuditEntry.objects.filter(
        actor=world.users["police_a"], verb="difference.viewed"
    ).exists()
    assert len(_results(_get(client, "differences", status="open"))) == 1
    assert _results(_get(client, "differences", status="resolved")) == []
    assert _results(_get(client, "differences", child=world.children["a_team2"].pk)) == []
    entry = AuditEntry.objects.filter(actor=world.users["police_a"], verb="differences.listed")
    assert entry.count() == 3
    client.force_login(world.users["police_b"])
    assert _get(client, "difference", casework.difference.pk).status_code == 404


@pytest.mark.parametrize("name", ["casework.py", "interviews.py", "meetings.py"])
def test_api_modules_read_through_the_gate_and_write_through_services(name):
    from tests.web.test_architecture import HOMESAFE, _direct_manager_uses

    path = HOMESAFE / "api" / name
    source = path.read_text()
    assert _direct_manager_uses(path) == []
    assert ".save(" not in source and ".objects.create(" not in source


def test_huge_limits_and_offsets_are_bounded_not_server_errors(world, casework, client):
    client.force_login(world.users["cmo_a"])
    huge = "32589158477190044730"
    for name in ("interviews", "differences", "meetings", "meeting_actions", "children"):
        response = client.get(reverse(f"api:{name}"), {"limit": huge})
        assert response.status_code == 200, name
        assert response.json()["next"] is None or "limit=1000" in response.json()["next"]
        response = client.get(reverse(f"api:{name}"), {"offset": huge})
        assert response.status_code == 200 and response.json()["results"] == [], name
