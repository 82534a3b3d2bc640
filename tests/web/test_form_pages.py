"""Issue 14: every page's service errors map the same way. Each page that posts a form goes
through homesafe.web.form_pages (one helper); a service's ValidationError or ApplicationError
comes back as the same form in GOV.UK's error summary, answering 400: never a 500, never a
silent redirect.

`test_every_form_page_shows_a_service_error_in_the_summary` walks every form view of the URL
configuration: the service call behind the helper is made to refuse (the one seam,
`form_pages._call_service`), so each view is held to the mapping whatever its input. Real
refusals, from real input, are in `test_real_refusals_are_form_errors` and each app's view
tests. `test_every_page_is_classified` fails for a new page until it is put in one of the
tables below; tests/web/test_architecture.py fails for a view that catches a service's errors
itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from homesafe.access.errors import ApplicationError
from homesafe.access.times import IN_FUTURE
from homesafe.web import form_pages

FIELD_PROBLEM = "A problem only the service can see"
RULE_BROKEN = "A rule of the practice refuses this"


@dataclass
class Page:
    """How to reach a form page: who posts, the URL's arguments, and any data the view reads
    before its form (not the form's fields: the walk makes any input reach the service)."""

    user: str | None
    args: Callable = lambda world, made: []
    data: Callable = lambda world, made: {}
    get: bool = True  # the form is shown by a GET too (not only a form on another page)
    query: Callable = lambda world, made: ""  # the GET's query string
    needs: tuple[str, ...] = field(default=())


def _duty(world):
    from homesafe.duties.models import Duty
    from homesafe.duties.protocol import protocol_current
    from homesafe.duties.services import duties_replan

    protocol_current()
    child = world.children["a_team1"]
    duties_replan(child_ids=[child.pk])
    return Duty.objects.filter(child=child, state="open").first()


def _interview(world):
    from homesafe.interviews.services import interview_offer
    from tests.interviews.helpers import report_and_return

    episode = report_and_return(world, "a_team2")
    return interview_offer(
        episode=episode,
        offered_at=timezone.now() - dt.timedelta(hours=3),
        offered_by_organisation=world.orgs["rhi"],
        offered_by_name="Robin Worker",
        offer_method="phone",
        actor=world.users["rhi"],
    )


def _returned(world):
    from tests.interviews.helpers import report_and_return

    return report_and_return(world, "a_team3")


def _meeting(world):
    from homesafe.meetings.services import meeting_create

    return meeting_create(
        kind="strategy",
        local_authority=world.orgs["la_a"],
        chair_name="Pat Chair",
        chair_organisation=world.orgs["la_a"],
        children=[world.children["a_team1"]],
        planned_for=timezone.now() + dt.timedelta(days=1),
        actor=world.users["cmo_a"],
    )


def _action(world):
    from homesafe.meetings.services import meeting_add_action

    return meeting_add_action(
        meeting=_meeting(world),
        description="Visit at home",
        owner_organisation=world.orgs["la_a"],
        due_on=timezone.localdate() + dt.timedelta(days=7),
        child=world.children["a_team1"],
        actor=world.users["cmo_a"],
    )


def _difference(world):
    from homesafe.meetings.services import difference_raise

    return difference_raise(
        child=world.children["a_team1"],
        raised_at=timezone.now() - dt.timedelta(days=1),
        raised_by_name="Sam Social",
        raised_by_organisation=world.orgs["la_a"],
        raised_with_organisation=world.orgs["force_a"],
        subject="risk_grading",
        detail="The grading should be high",
        actor=world.users["sw_1"],
    )


def _screening(world):
    from homesafe.screening.services import screening_complete
    from tests.screening.helpers import seraf_answers

    return screening_complete(
        child=world.children["a_team1"],
        tool="seraf",
        answers=seraf_answers(),
        completed_at=timezone.now() - dt.timedelta(hours=2),
        actor=world.users["sw_1"],
    )


def _legal(world):
    from homesafe.concerns.services import legal_action_record

    return legal_action_record(
        child=world.children["a_team1"],
        actor=world.users["sw_1"],
        kind="recovery_order",
        applied_on=timezone.localdate() - dt.timedelta(days=2),
    )


def _term(world):
    from homesafe.interviews.queries import interview_taxonomy

    return interview_taxonomy().terms[0]


def _route(world):
    from homesafe.interviews.choices import RouteAllocated, RouteProvider
    from homesafe.interviews.services_routes import rhi_route_create

    return rhi_route_create(
        local_authority=world.orgs["la_a"],
        order=10,
        provider_kind=RouteProvider.SERVICE,
        provider=world.orgs["rhi"],
        allocated=RouteAllocated.NO,
        actor=world.users["admin"],
    )


def _contact(world):
    from homesafe.access.services_organisations import organisation_contact_add

    return organisation_contact_add(
        organisation=world.orgs["school_1"],
        name="Dee Lead",
        role="DSL",
        phone="0161 000 0000",
        actor=world.users["admin"],
    )


def _token(world):
    from homesafe.access.choices import Role
    from homesafe.administration.services import user_invite

    _, token = user_invite(
        email="ash@la-a.example.org",
        first_name="Ash",
        last_name="Able",
        organisation=world.orgs["la_a"],
        roles=[Role.SOCIAL_WORKER],
        actor=world.users["admin"],
    )
    return token


def _review(world):
    from tests.intake.test_pages import _review as review_with_candidates

    return review_with_candidates(world)[0]


def _education(world):
    from homesafe.people.services_family import education_concern_record

    return education_concern_record(
        child=world.children["a_team1"],
        actor=world.users["cmo_a"],
        kind="persistent_absence",
        started_on=dt.date(2026, 1, 5),
    )


def _locate_action(world):
    from homesafe.locate.services import locate_action_add

    return locate_action_add(
        episode=world.episodes["a_team1"],
        actor=world.users["cmo_a"],
        kind="phone_check",
        description="Ring the phone",
        owner_organisation=world.orgs["la_a"],
    )


def _sighting(world):
    from homesafe.locate.services import sighting_record

    return sighting_record(
        episode=world.episodes["a_team1"],
        actor=world.users["cmo_a"],
        seen_at=timezone.now() - dt.timedelta(hours=1),
        source="public",
        place="The park",
    )


def _unborn(world):
    from homesafe.people.services_family import unborn_child_record

    return unborn_child_record(
        child=world.children["a_team1"],
        actor=world.users["cmo_a"],
        relationship="sibling",
        expected_on=timezone.localdate() + dt.timedelta(days=60),
        plan="assessment",
    )


def _protocol_file(world):
    from homesafe.duties.protocol import protocol_current

    version, _ = protocol_current()
    return SimpleUploadedFile("settings.toml", version.settings_toml.encode(), "application/toml")


MAKERS = {
    "duty": _duty,
    "interview": _interview,
    "returned": _returned,
    "meeting": _meeting,
    "action": _action,
    "difference": _difference,
    "screening": _screening,
    "legal": _legal,
    "term": _term,
    "route": _route,
    "contact": _contact,
    "token": _token,
    "review": _review,
    "protocol_file": _protocol_file,
    "education": _education,
    "unborn": _unborn,
    "locate_action": _locate_action,
    "sighting": _sighting,
}


def _child(world, made):
    return [world.children["a_team1"].pk]


def _episode(world, made):
    return [world.episodes["a_team1"].pk]


def _interview_episode(world, made):
    return [made["interview"].episode_id]


def _one(name, attribute="pk"):
    return lambda world, made: [getattr(made[name], attribute)]


def _org(key):
    return lambda world, made: [world.orgs[key].pk]


CHILD = {"user": "cmo_a", "args": _child}
EPISODE = {"user": "cmo_a", "args": _episode}
INTERVIEW = {"user": "cmo_a", "args": _interview_episode, "needs": ("interview",)}
MEETING = {"user": "cmo_a", "args": _one("meeting"), "needs": ("meeting",)}
DUTY = {"user": "cmo_a", "args": _one("duty"), "needs": ("duty",), "get": False}
ADMIN = {"user": "admin"}

# Every page that posts a form, and how to reach it.
FORM_PAGES: dict[str, Page] = {
    "people:new": Page(user="cmo_a"),
    "people:edit": Page(**CHILD),
    "people:cohort_new": Page(**CHILD),
    "people:care_new": Page(**CHILD),
    "people:placement_new": Page(**CHILD),
    "people:network_new": Page(**CHILD),
    "people:need_new": Page(**CHILD),
    "people:link_new": Page(**CHILD),
    "people:education_new": Page(**CHILD),
    "people:education_end": Page(
        user="cmo_a",
        args=lambda world, made: [made["education"].child_id, made["education"].pk],
        needs=("education",),
    ),
    "people:experience_new": Page(**CHILD),
    "people:unborn_new": Page(**CHILD),
    "people:unborn_end": Page(
        user="cmo_a",
        args=lambda world, made: [made["unborn"].child_id, made["unborn"].pk],
        needs=("unborn",),
    ),
    "safety_plans:edit": Page(**CHILD),
    "episodes:new": Page(**CHILD),
    "episodes:return": Page(**EPISODE),
    "episodes:regrade": Page(**EPISODE),
    "episodes:correct": Page(**EPISODE),
    "episodes:void": Page(**EPISODE),
    "interviews:offer": Page(user="cmo_a", args=_one("returned"), needs=("returned",)),
    "interviews:attempt": Page(**INTERVIEW),
    "interviews:accept": Page(**INTERVIEW),
    "interviews:decline": Page(**INTERVIEW),
    "interviews:unreachable": Page(**INTERVIEW),
    "interviews:factors": Page(**INTERVIEW),
    "interviews:persons": Page(**INTERVIEW),
    "interviews:section": Page(
        user="cmo_a",
        args=lambda world, made: [made["interview"].episode_id, "interview"],
        needs=("interview",),
    ),
    "interviews:check": Page(**INTERVIEW),
    "interviews:term_add": Page(**ADMIN),
    "interviews:term_change": Page(user="admin", args=_one("term"), needs=("term",)),
    "meetings:new": Page(
        user="cmo_a",
        query=lambda world, made: f"?child={world.children['a_team1'].pk}",
        data=lambda world, made: {"children": [world.children["a_team1"].pk]},
    ),
    "meetings:held": Page(**MEETING),
    "meetings:fulfils": Page(**MEETING),
    "meetings:cancel": Page(**MEETING),
    "meetings:invitation": Page(**MEETING),
    "meetings:note": Page(**MEETING),
    "meetings:action": Page(**MEETING),
    "meetings:persons": Page(**MEETING),
    "meetings:action_complete": Page(user="cmo_a", args=_one("action"), needs=("action",)),
    "meetings:difference_new": Page(**CHILD),
    "meetings:difference_escalate": Page(
        user="sw_1", args=_one("difference"), needs=("difference",)
    ),
    "meetings:difference_resolve": Page(
        user="sw_1", args=_one("difference"), needs=("difference",)
    ),
    "screening:new": Page(
        user="cmo_a", args=lambda world, made: [world.children["a_team1"].pk, "seraf"]
    ),
    "screening:override": Page(user="cmo_a", args=_one("screening"), needs=("screening",)),
    "concerns:person_new": Page(**CHILD),
    "concerns:person_link": Page(**CHILD),
    "concerns:location_new": Page(**CHILD),
    "concerns:disruption_new": Page(**CHILD),
    "concerns:legal_new": Page(**CHILD),
    "concerns:legal_decisions": Page(user="cmo_a", args=_one("legal"), needs=("legal",)),
    "concerns:episode_concern_new": Page(**EPISODE),
    "locate:sighting_new": Page(**EPISODE),
    "locate:action_new": Page(**EPISODE),
    "locate:action_outcome": Page(
        user="cmo_a", args=_one("locate_action"), needs=("locate_action",)
    ),
    "locate:sighting_edit": Page(user="cmo_a", args=_one("sighting"), needs=("sighting",)),
    "locate:sighting_remove": Page(user="cmo_a", args=_one("sighting"), needs=("sighting",)),
    "locate:publicity_new": Page(**EPISODE),
    "locate:contact_new": Page(**EPISODE),
    "locate:safe_and_well_new": Page(**EPISODE),
    "profiles:edit": Page(**CHILD),
    "duties:complete": Page(**DUTY),
    "duties:not_needed": Page(**DUTY),
    "duties:reassign": Page(**DUTY),
    "duties:send": Page(**DUTY),
    "duties:told": Page(**DUTY),
    "reminders:preferences": Page(user="cmo_a"),
    "intake:imports": Page(user="cmo_a"),
    "intake:review": Page(user="cmo_a", args=_one("review"), needs=("review",)),
    "intake:merge": Page(
        user="cmo_a",
        # The view reads the two children before its service: a real pair.
        data=lambda world, made: {
            "kept_child": world.children["a_team1"].pk,
            "merged_child": world.children["a_unallocated"].pk,
            "reason": "The same child",
        },
    ),
    "daily_screening:decide": Page(
        user="cmo_a",
        # The row's episode and notification come before the form.
        data=lambda world, made: {
            "episode": world.episodes["a_team1"].pk,
            "notification": "missing",
        },
        get=False,
    ),
    "administration:user_invite": Page(**ADMIN),
    "administration:user_role_add": Page(
        user="admin", args=lambda world, made: [world.users["sw_1"].pk]
    ),
    "administration:user_team": Page(
        user="admin", args=lambda world, made: [world.users["sw_1"].pk]
    ),
    "administration:invitation_accept": Page(
        user=None, args=lambda world, made: [made["token"]], needs=("token",)
    ),
    "administration:organisation_add": Page(**ADMIN),
    "administration:organisation_change": Page(user="admin", args=_org("school_1")),
    "administration:contact_add": Page(user="admin", args=_org("school_1")),
    "administration:contact_change": Page(user="admin", args=_one("contact"), needs=("contact",)),
    "administration:team_add": Page(user="admin", args=_org("la_a")),
    "administration:force_mapping": Page(user="admin", args=_org("force_a")),
    "administration:api_key_add": Page(**ADMIN),
    "administration:protocol": Page(**ADMIN),
    "administration:protocol_upload": Page(
        user="admin",
        # A real settings file: the page reads it before previewing it through the helper.
        data=lambda world, made: {"settings_file": made["protocol_file"]},
        needs=("protocol_file",),
        get=False,
    ),
    "administration:rhi_route_add": Page(**ADMIN),
    "administration:rhi_route_change": Page(user="admin", args=_one("route"), needs=("route",)),
    # Asking for a report pack (homesafe.insight.services_packs.report_pack_request).
    "insight:packs": Page(user="cmo_a"),
}

# Buttons with no fields: homesafe.web.form_pages.action_run (a refusal is an error banner on
# the page the button is on) or a "are you sure?" page (administration.views.confirm_page).
ACTION_PAGES = {
    "administration:user_role_remove",
    "administration:user_reactivate",
    "administration:user_invite_again",
    "administration:user_deactivate",
    "administration:user_mfa_reset",
    "administration:contact_remove",
    "administration:api_key_revoke",
    "administration:rhi_route_remove",
    "interviews:term_move",
    "interviews:term_retire",
    "interviews:term_reinstate",
    "intake:import",  # its POST confirms the checked import
    "duties:reminders_read",  # dismisses one's own reminders: no rule to break
    "duties:notice_acknowledge",  # one's own notice: no rule to break
    "locate:publicity_withdrawn",
}

# Pages that only read (GET; a search or a filter is a GET form, never a service).
READ_PAGES = {
    "web:home",
    "web:healthz",
    "web:session_extend",  # keeps the session alive (JSON), no service
    "web:session_ended",
    "people:search",
    "people:child",
    "safety_plans:detail",
    "safety_plans:print",
    "safety_plans:pdf",
    "safety_plans:version",
    # Insight: read-only pages (their period and filter forms are GET queries).
    "insight:dashboard",
    "insight:dashboard_csv",
    "insight:children",
    "insight:compliance",
    "insight:networks",
    "insight:hotspots",
    "insight:impact",
    "insight:pack_download",  # a kept file; the download is audited
    "people:story",
    "episodes:detail",
    "interviews:detail",
    "interviews:complete",
    "interviews:draft",
    "interviews:caseload",
    "interviews:terms",
    "meetings:child",
    "meetings:choose_children",
    "meetings:detail",
    "meetings:difference",
    "screening:list",
    "screening:detail",
    "concerns:child",
    "concerns:person",
    "profiles:detail",
    "profiles:print",
    "profiles:pdf",
    "profiles:history",
    "profiles:version",
    "profiles:photo",
    "profiles:version_pdf",
    "duties:screening",
    "duties:protocol",
    "duties:overdue",
    "duties:directory",
    "duties:detail",
    "intake:import_report",
    "intake:reviews",
    "daily_screening:list",
    "daily_screening:csv",
    "administration:index",
    "administration:users",
    "administration:user",
    "administration:organisations",
    "administration:organisation",
    "administration:api_keys",
    "administration:protocol_download",
    "administration:rhi_routes",
    "administration:audit",
}


def _page_names() -> set[str]:
    """Every named page of HomeSafe's own (the API answers through its exception handler,
    homesafe.api.errors; allauth's pages are allauth's)."""
    names: set[str] = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace not in (None, "api", "admin"):
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, None)
    return names


def test_every_page_is_classified():
    tables = [set(FORM_PAGES), ACTION_PAGES, READ_PAGES]
    assert not set.intersection(*tables[:2]) and not tables[0] & tables[2]
    unclassified = _page_names() - set().union(*tables)
    assert unclassified == set(), "add each new page to FORM_PAGES, ACTION_PAGES or READ_PAGES"
    assert set().union(*tables) - _page_names() == set()  # no page that is gone


def _refusing(error: Exception):
    def call_service(form, save, *, atomic, validate):
        raise error

    return call_service


def _any_input_checks(form) -> bool:
    form.full_clean()
    return True


@pytest.mark.parametrize("name", sorted(FORM_PAGES))
def test_every_form_page_shows_a_service_error_in_the_summary(world, client, monkeypatch, name):
    page = FORM_PAGES[name]
    made = {need: MAKERS[need](world) for need in page.needs}
    if page.user:
        client.force_login(world.users[page.user])
    url = reverse(name, args=page.args(world, made))
    if page.get:
        assert client.get(url + page.query(world, made)).status_code == 200, "the page opens"
    # Whatever the input, the view's service is reached (its form's checks pass) and refuses.
    monkeypatch.setattr(form_pages, "_form_checks", _any_input_checks)
    refusals = [
        (ValidationError({"a_field_no_form_has": FIELD_PROBLEM}), FIELD_PROBLEM),
        (ApplicationError(RULE_BROKEN, code="a_rule"), RULE_BROKEN),
    ]
    for error, message in refusals:
        monkeypatch.setattr(form_pages, "_call_service", _refusing(error))
        data = {"walk": "1", **page.data(world, made)}  # never empty: a form is bound
        if "settings_file" in data:
            data["settings_file"].seek(0)
        response = client.post(url, data)
        body = response.content.decode()
        assert response.status_code == 400, (name, response.status_code, response.get("Location"))
        assert "govuk-error-summary" in body and message in body, name


# --- Real refusals, from real input ---------------------------------------------------------


def _when(prefix: str, moment: dt.datetime) -> dict:
    local = timezone.localtime(moment)
    return {
        f"{prefix}_0": str(local.day),
        f"{prefix}_1": str(local.month),
        f"{prefix}_2": str(local.year),
        f"{prefix}_3": f"{local:%H:%M}",
    }


TOMORROW = dt.timedelta(days=1)


def test_real_refusals_are_form_errors(world, client):
    """A field refused by the service (ValidationError), a rule broken (ApplicationError) and
    a status change the table refuses: each on the form, 400, nothing written."""
    from homesafe.episodes.models import RiskGrading
    from homesafe.episodes.services import REGRADE_CLOSED, episode_record_return
    from homesafe.interviews.choices import InterviewStatus

    client.force_login(world.users["cmo_a"])
    episode = world.episodes["a_team1"]
    gradings = RiskGrading.objects.count()
    future = client.post(
        reverse("episodes:regrade", args=[episode.pk]),
        {"grade": "high", **_when("graded_at", timezone.now() + TOMORROW)},
    )
    assert future.status_code == 400 and IN_FUTURE in future.content.decode()
    assert 'href="#id_graded_at_0"' in future.content.decode()  # the field, named
    episode_record_return(
        episode=episode, returned_at=timezone.now(), found_by="self", actor=world.users["cmo_a"]
    )
    closed = client.post(
        reverse("episodes:regrade", args=[episode.pk]),
        {"grade": "high", **_when("graded_at", timezone.now())},
    )
    assert closed.status_code == 400 and REGRADE_CLOSED in closed.content.decode()
    assert RiskGrading.objects.count() == gradings
    # A status change the interview's table refuses: declined, then accepted.
    interview = _interview(world)
    client.force_login(world.users["rhi"])
    declined = client.post(
        reverse("interviews:decline", args=[interview.episode_id]),
        {"decline_reason": "Did not want to talk", **_when("declined_at", timezone.now())},
    )
    assert declined.status_code == 302
    accepted = client.post(
        reverse("interviews:accept", args=[interview.episode_id]),
        _when("accepted_at", timezone.now()),
    )
    assert accepted.status_code == 400
    assert "The interview is declined: it cannot now become accepted." in (
        accepted.content.decode()
    )
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.DECLINED
