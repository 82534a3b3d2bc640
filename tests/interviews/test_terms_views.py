"""The interview taxonomy page (administrators only), the page that corrects an interview's
factors (retired terms it holds shown and kept), and the page that links persons of concern
named in an interview: wiring, field errors, and refusals."""

import pytest
from django.urls import reverse

from homesafe.access.models import AuditEntry
from homesafe.concerns.models import PersonLink, PersonOfConcern
from homesafe.concerns.services import person_of_concern_record
from homesafe.interviews import services_terms
from homesafe.interviews.choices import TermKind
from homesafe.interviews.models import InterviewTerm
from homesafe.interviews.services import (
    interview_change_factors,
    interview_complete,
    interview_factors_version,
)
from homesafe.interviews.services_terms import interview_term_retire
from tests.interviews.helpers import content
from tests.snapshots import built_once


def _term(kind, code) -> InterviewTerm:
    return InterviewTerm.objects.get(kind=kind, code=code)


def _terms_state():
    return list(InterviewTerm.objects.order_by("pk").values()), AuditEntry.objects.filter(
        verb__startswith="interview_term."
    ).count()


@pytest.fixture
def admin(world, client):
    client.force_login(world.users["admin"])
    return client


@pytest.fixture
def completed(request, world, offered):
    return built_once(
        request,
        "interviews-completed",
        lambda: interview_complete(interview=offered, actor=world.users["rhi"], **content(world)),
    )


# --- the taxonomy page -------------------------------------------------------------------------


def test_only_administrators_may_manage_the_taxonomy(world, client):
    term = _term(TermKind.PULL_FACTOR, "parties")
    before = _terms_state()
    for key, user in world.users.items():
        client.force_login(user)
        expected = 200 if key == "admin" else (302 if key == "inactive_cmo" else 403)
        assert client.get(reverse("interviews:terms")).status_code == expected, key
        if key == "admin":
            continue
        assert client.get(reverse("interviews:term_add")).status_code == expected, key
        assert client.post(
            reverse("interviews:term_add"), {"kind": "pull_factor", "label": "Sneaky"}
        ).status_code in (302, 403)
        assert client.post(reverse("interviews:term_retire", args=[term.pk])).status_code in (
            302,
            403,
        )
        client.logout()
    assert _terms_state() == before


def test_the_page_lists_each_kind_in_order_with_retired_terms_marked(world, admin):
    interview_term_retire(term=_term(TermKind.PUSH_FACTOR, "bullying"), actor=world.users["admin"])
    page = admin.get(reverse("interviews:terms")).content.decode()
    for heading in ("Push factors", "Pull factors", "Exploitation indicators"):
        assert f">{heading}</h2>" in page
    assert page.index("Conflict at home or in placement") < page.index("Abuse or neglect")
    assert "<code>bullying</code>" in page and "Retired" in page and "Reinstate" in page
    assert 'href="/interviews/terms/new?kind=pull_factor"' in page
    assert 'Move up<span class="govuk-visually-hidden"> Abuse or neglect</span>' in page
    # "None identified" answers the exploitation questions: no retire button for it
    none_row = page[page.index("<code>none_identified</code>") :]
    assert "Retire" not in none_row[: none_row.index("</tr>")]


def test_adding_a_term_on_the_page(world, admin):
    response = admin.post(
        reverse("interviews:term_add"),
        {"kind": "pull_factor", "label": "Online friends", "hint": "Met through games"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("interviews:terms")
    term = _term(TermKind.PULL_FACTOR, "online_friends")
    assert term.hint == "Met through games"
    assert AuditEntry.objects.filter(
        verb="interview_term.added", actor=world.users["admin"]
    ).exists()


def test_bad_input_on_the_page_names_the_field_and_writes_nothing(world, admin):
    before = _terms_state()
    response = admin.post(
        reverse("interviews:term_add"),
        {"kind": "push_factor", "label": "Exam stress", "code": "Exam Stress!"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_code"' in page
    assert services_terms.CODE_FORMAT in page
    assert _terms_state() == before
    response = admin.post(reverse("interviews:term_add"), {"kind": "push_factor", "label": ""})
    assert 'href="#id_label"' in response.content.decode()
    assert _terms_state() == before


def test_changing_a_label_on_the_page(world, admin):
    term = _term(TermKind.PUSH_FACTOR, "bullying")
    url = reverse("interviews:term_change", args=[term.pk])
    assert "Code bullying (never changes)" in admin.get(url).content.decode()
    duplicate = admin.post(url, {"label": "Abuse or neglect"})
    assert 'href="#id_label"' in duplicate.content.decode()
    assert admin.post(url, {"label": "Bullied", "hint": ""}).status_code == 302
    term.refresh_from_db()
    assert (term.code, term.label) == ("bullying", "Bullied")


def test_moving_retiring_and_reinstating_on_the_page(world, admin):
    term = _term(TermKind.PUSH_FACTOR, "abuse")
    assert admin.get(reverse("interviews:term_move", args=[term.pk])).status_code == 405
    admin.post(reverse("interviews:term_move", args=[term.pk]), {"direction": "up"})
    first = InterviewTerm.objects.filter(kind=TermKind.PUSH_FACTOR).order_by("position").first()
    assert first.code == "abuse"
    # at the top already: the rule is reported, nothing changes
    response = admin.post(
        reverse("interviews:term_move", args=[term.pk]), {"direction": "up"}, follow=True
    )
    assert "already at the top" in response.content.decode()
    admin.post(reverse("interviews:term_retire", args=[term.pk]))
    assert _term(TermKind.PUSH_FACTOR, "abuse").is_retired
    admin.post(reverse("interviews:term_reinstate", args=[term.pk]))
    assert not _term(TermKind.PUSH_FACTOR, "abuse").is_retired


def test_the_interview_form_offers_active_terms_only(world, offered, client):
    interview_term_retire(term=_term(TermKind.PUSH_FACTOR, "bullying"), actor=world.users["admin"])
    client.force_login(world.users["rhi"])
    page = client.get(
        reverse("interviews:section", args=[offered.episode.pk, "factors"])
    ).content.decode()
    assert 'value="conflict"' in page and 'value="bullying"' not in page


# --- correcting the factors of a held interview -----------------------------------------------


def test_the_factors_page_shows_and_keeps_a_retired_term(world, completed, client):
    interview_term_retire(
        term=_term(TermKind.PULL_FACTOR, "older_partner"), actor=world.users["admin"]
    )
    client.force_login(world.users["rhi"])
    url = reverse("interviews:factors", args=[completed.episode.pk])
    page = client.get(url).content.decode()
    assert "Older boyfriend or girlfriend (retired)" in page
    response = client.post(
        url,
        {
            "version": interview_factors_version(completed),
            "push_factors": ["conflict"],
            "pull_factors": ["friends", "older_partner"],
            "exploitation_indicators": ["older_associates"],
            "exploitation_note": "Asked again",
        },
    )
    assert response.status_code == 302
    completed.refresh_from_db()
    assert completed.pull_factors == ["friends", "older_partner"]
    detail = client.get(reverse("interviews:detail", args=[completed.episode.pk])).content.decode()
    assert "Older boyfriend or girlfriend" in detail


def test_an_unknown_code_on_the_factors_page_names_the_field(world, completed, client):
    client.force_login(world.users["cmo_a"])
    response = client.post(
        reverse("interviews:factors", args=[completed.episode.pk]),
        {
            "version": interview_factors_version(completed),
            "push_factors": ["boredom"],
            "exploitation_indicators": ["none_identified"],
        },
    )
    assert response.status_code == 400
    assert 'href="#id_push_factors"' in response.content.decode()
    completed.refresh_from_db()
    assert completed.push_factors == ["conflict", "placement_unhappiness"]


def test_factors_changed_meanwhile_are_not_reverted(world, completed, client):
    """Issue 12 point 6 on the interview's factors: the second save on the version both saw
    is refused naming the field the first changed, which now shows their change."""
    url = reverse("interviews:factors", args=[completed.episode.pk])
    seen = interview_factors_version(completed)
    interview_change_factors(
        interview=completed,
        actor=world.users["cmo_a"],
        push_factors=["conflict"],
        pull_factors=completed.pull_factors,
        exploitation_indicators=completed.exploitation_indicators,
        exploitation_note=completed.exploitation_note,
        version=seen,
    )
    client.force_login(world.users["rhi"])
    response = client.post(
        url,
        {
            "version": seen,
            "push_factors": ["conflict", "placement_unhappiness"],
            "pull_factors": completed.pull_factors,
            "exploitation_indicators": completed.exploitation_indicators,
            "exploitation_note": "Asked again",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in body
    assert 'href="#id_push_factors"' in body and "was changed by someone else" in body
    completed.refresh_from_db()
    assert completed.push_factors == ["conflict"] and completed.exploitation_note != "Asked again"


@pytest.mark.parametrize("key", ["police_a", "school_2"])
def test_partners_may_not_change_factors_or_link_persons(world, completed, client, key):
    client.force_login(world.users[key])
    for name in ("factors", "persons"):
        url = reverse(f"interviews:{name}", args=[completed.episode.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"new_person_name": "X"}).status_code == 403
    assert not PersonLink.objects.exists()


# --- persons of concern named in the interview ------------------------------------------------


def test_the_persons_page_links_known_and_new_persons(world, completed, client):
    known = person_of_concern_record(
        child=world.children["a_team2"], actor=world.users["cmo_a"], name="Kay Known"
    )
    hidden = person_of_concern_record(
        child=world.children["b_only"], actor=world.users["cmo_b"], name="Hidden Person"
    )
    client.force_login(world.users["rhi"])
    url = reverse("interviews:persons", args=[completed.episode.pk])
    page = client.get(url).content.decode()
    assert "Kay Known" in page and "Hidden Person" not in page
    response = client.post(
        url, {"persons": [known.pk], "new_person_name": "Zed New", "new_person_kind": "adult"}
    )
    assert response.status_code == 302
    links = PersonLink.objects.filter(interview=completed)
    assert sorted(link.person.name for link in links) == ["Kay Known", "Zed New"]
    assert {link.kind for link in links} == {"named_in_interview"}
    assert all(link.episode_id == completed.episode_id for link in links)
    # a person the RHI worker cannot see is refused as a field error
    response = client.post(url, {"persons": [hidden.pk]})
    assert 'href="#id_persons"' in response.content.decode()
    assert not PersonLink.objects.filter(person=hidden, child=completed.child).exists()
    detail = client.get(reverse("interviews:detail", args=[completed.episode.pk])).content.decode()
    assert "Zed New" in detail and "Kay Known" in detail
    assert PersonOfConcern.objects.filter(name="Zed New", kind="adult").exists()
