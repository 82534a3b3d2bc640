"""The demo data: reproducible planning, DOMAIN.md's shape, and the seed_demo and demo commands."""

import io
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from homesafe.access.choices import OrganisationType, Role
from homesafe.access.models import AuditEntry, Organisation, User
from homesafe.administration.management.commands.demo import NOT_DEMO_MODE
from homesafe.administration.management.commands.seed_demo import (
    ALREADY_HAS_CHILDREN,
    ANCHOR_IN_FUTURE,
    SKIPPED,
)
from homesafe.concerns.models import PersonOfConcern
from homesafe.demo import (
    ADMIN_EMAIL,
    DEMO_EMAIL_DOMAIN,
    ROLE_ACCOUNTS,
    anchor_moment,
    plan_demo,
    write_demo,
)
from homesafe.demo.vocabulary import (
    ASHFIELD_EDGE,
    CP_CHAIR_ACCOUNTS,
    DUTIES_HISTORY_DAYS,
    HOME_LA,
    IRO_ACCOUNTS,
    JOURNEY_ACCOUNTS,
    RHI_SERVICE,
    RHI_SETTLE_DAYS,
    TRENTMOOR,
    WITHOUT_CP_CHAIR,
    WITHOUT_IRO,
)
from homesafe.duties.choices import DutyEventKind, DutyState
from homesafe.duties.models import Duty, DutyEvent
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.choices import EpisodeStatus, EpisodeType
from homesafe.episodes.models import MissingEpisode
from homesafe.insight.models import EpisodeFacts
from homesafe.interviews.choices import InterviewStatus
from homesafe.interviews.models import ReturnInterview
from homesafe.meetings.choices import MeetingKind
from homesafe.meetings.models import Meeting
from homesafe.people.choices import Cohort, NetworkRole
from homesafe.people.models import Child, CohortPeriod
from homesafe.people.queries import children_visible_to
from homesafe.people.validators import validate_nhs_number, validate_upn
from homesafe.screening.models import ExploitationScreening
from tests.demo.content import demo_content

ANCHOR = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
EMAILS = [f"{local_part}@{DEMO_EMAIL_DOMAIN}" for _role, local_part, *_ in ROLE_ACCOUNTS]
WINDOW = timedelta(days=DUTIES_HISTORY_DAYS)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture(scope="module")
def full_plan():
    """The default demo (800 children, seed 2026), planned only: no database needed."""
    return plan_demo(children=800, seed=2026, anchor=ANCHOR)


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _was_in_care(child, day: date) -> bool:
    current = None
    for step in child.cohorts:
        if step.started_on <= day:
            current = step.cohort
    return current == Cohort.LOOKED_AFTER


# --- Planning: pure and reproducible -------------------------------------------------------


def test_the_same_seed_and_anchor_plan_the_same_demo():
    first = plan_demo(children=60, seed=7, anchor=ANCHOR)
    second = plan_demo(children=60, seed=7, anchor=ANCHOR)

    assert first == second
    assert [(c.first_name, c.last_name, c.date_of_birth) for c in first.children] == [
        (c.first_name, c.last_name, c.date_of_birth) for c in second.children
    ]


def test_another_seed_plans_other_children():
    first = plan_demo(children=60, seed=7, anchor=ANCHOR)
    other = plan_demo(children=60, seed=8, anchor=ANCHOR)

    assert [c.first_name for c in first.children] != [c.first_name for c in other.children]


def test_nothing_is_planned_after_the_anchor(full_plan):
    end = anchor_moment(ANCHOR)
    for child in full_plan.children:
        assert child.date_of_birth < ANCHOR
        assert all(step.started_on <= ANCHOR for step in child.cohorts)
        assert all(p.started_on <= ANCHOR for p in child.placements)
        assert all(m.started_on <= ANCHOR for m in child.network)
        for episode in child.episodes:
            assert episode.last_seen_at <= episode.reported_at <= end
            assert all(episode.last_seen_at <= g.graded_at <= end for g in episode.regradings)
            if episode.returned_at is not None:
                assert episode.last_seen_at < episode.returned_at <= end


def test_each_childs_episodes_follow_one_another(full_plan):
    for child in full_plan.children:
        for earlier, later in zip(child.episodes, child.episodes[1:], strict=False):
            assert earlier.returned_at is not None
            assert earlier.returned_at < later.last_seen_at


# --- Planning: the shape of DOMAIN.md's "Scale" ----------------------------------------------


def test_about_a_fifth_of_the_children_are_in_care(full_plan):
    in_care = [c for c in full_plan.children if c.care is not None]
    placed_in = [c for c in in_care if c.responsible_la != "991"]
    out_of_area = [c for c in in_care if c.placements[-1].host_la != c.placements[-1].placing_la]

    assert 0.18 <= len(in_care) / 800 <= 0.24
    assert placed_in and out_of_area
    assert any(c.cohorts[-1].cohort == Cohort.CARE_LEAVER for c in full_plan.children)


def test_ages_are_mostly_10_to_17_and_16_plus_a_little_more_than_10_to_15(full_plan):
    ages = Counter(_age_on(c.date_of_birth, ANCHOR) for c in full_plan.children)
    ten_to_fifteen = sum(n for age, n in ages.items() if 10 <= age <= 15)
    sixteen_plus = sum(n for age, n in ages.items() if age >= 16)

    assert sum(n for age, n in ages.items() if 10 <= age <= 17) / 800 >= 0.85
    assert ten_to_fifteen <= sixteen_plus <= 1.4 * ten_to_fifteen


def test_episodes_are_concentrated_short_and_mostly_low_or_medium_risk(full_plan):
    children = full_plan.children
    episodes = [e for c in children for e in c.episodes]
    closed = [e for e in episodes if e.returned_at is not None]
    counts = [len(c.episodes) for c in children if c.episodes]
    risks = Counter(e.risk for e in episodes)

    assert 1500 <= len(episodes) <= 2500
    assert 0.40 <= len(counts) / len(children) <= 0.50
    assert sum(1 for n in counts if n <= 2) / len(counts) > 0.5  # most go missing once or twice
    assert max(counts) >= 20  # and a few very often
    returned_in_two_days = [e for e in closed if e.returned_at - e.last_seen_at <= timedelta(2)]
    assert len(returned_in_two_days) / len(closed) >= 0.88
    assert (risks["low"] + risks["medium"]) / len(episodes) >= 0.7
    assert 0.05 <= risks["high"] / len(episodes) <= 0.11
    assert 5 <= len(episodes) - len(closed) <= 10


def test_away_episodes_are_for_children_in_care_only(full_plan):
    away = 0
    for child in full_plan.children:
        for episode in child.episodes:
            if episode.episode_type == EpisodeType.AWAY:
                away += 1
                assert _was_in_care(child, episode.last_seen_at.date())
    total = sum(len(c.episodes) for c in full_plan.children)

    assert 0.10 <= away / total <= 0.20


def test_identifiers_are_valid_and_unique(full_plan):
    children = full_plan.children
    references = [e.police_reference for c in children for e in c.episodes]

    for child in children:
        validate_nhs_number(child.nhs_number)
        if child.upn:
            validate_upn(child.upn)
    assert len({c.nhs_number for c in children}) == len(children)
    assert len({(c.responsible_la, c.la_child_id) for c in children}) == len(children)
    assert len(set(references)) == len(references)
    assert all(r.startswith("SVP-") for r in references)


def test_the_demo_social_worker_has_a_realistic_caseload(full_plan):
    caseloads = Counter(c.social_worker for c in full_plan.children if c.social_worker)

    assert 15 <= caseloads[f"social.worker@{DEMO_EMAIL_DOMAIN}"] <= 25


# --- Writing through the services ------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_writes_the_plan(clock):
    out = io.StringIO()
    call_command("seed_demo", "--children=60", "--seed=7", f"--anchor={ANCHOR}", stdout=out)
    plan = plan_demo(children=60, seed=7, anchor=ANCHOR)

    written = set(Child.objects.values_list("first_name", "last_name", "date_of_birth"))
    assert written == {(c.first_name, c.last_name, c.date_of_birth) for c in plan.children}
    in_care = CohortPeriod.objects.filter(ended_on__isnull=True, cohort=Cohort.LOOKED_AFTER)
    assert 0.15 <= in_care.count() / 60 <= 0.28
    ages = [child.age_on(ANCHOR) for child in Child.objects.all()]
    assert sum(1 for age in ages if 10 <= age <= 17) / 60 >= 0.8
    assert MissingEpisode.objects.count() == sum(len(c.episodes) for c in plan.children)
    assert MissingEpisode.objects.filter(status=EpisodeStatus.MISSING).exists()
    # The figures' summary rows are there for every episode, the history's included.
    assert set(EpisodeFacts.objects.values_list("episode_id", flat=True)) == set(
        MissingEpisode.objects.exclude(status=EpisodeStatus.VOIDED).values_list("pk", flat=True)
    )
    for episode in MissingEpisode.objects.filter(status=EpisodeStatus.RETURNED):
        assert episode.returned_at >= episode.last_seen_at
        assert episode.found_by
    held = set(User.objects.filter(email__in=EMAILS).values_list("role_grants__role", flat=True))
    assert held == set(Role.values)
    admin = User.objects.get(email=ADMIN_EMAIL)
    assert admin.is_staff and admin.is_superuser and admin.check_password("homesafe-demo")
    # Every fact audited as its service audits it, and duties planned by the protocol for the
    # last three weeks: most of those long due done, some overdue, some no longer needed.
    audited = Counter(AuditEntry.objects.filter(actor=admin).values_list("verb", flat=True))
    episodes = [e for c in plan.children for e in c.episodes]
    assert audited["child.created"] == 60
    assert audited["episode.reported"] == len(episodes)
    assert audited["episode.returned"] == sum(1 for e in episodes if e.returned_at)
    assert audited["child.placement_recorded"] == sum(len(c.placements) for c in plan.children)
    states = Counter(Duty.objects.values_list("state", flat=True))
    assert states[DutyState.DONE] and states[DutyState.OPEN] and states[DutyState.NOT_NEEDED]
    assert not Duty.objects.exclude(episode__reported_at__gte=anchor_moment(ANCHOR) - WINDOW)
    auditor = User.objects.get(email=f"auditor@{DEMO_EMAIL_DOMAIN}")
    assert children_visible_to(user=auditor).count() == len(plan.audit_sample) > 0
    assert "Children: 60 " in out.getvalue()
    # One in three children in care who went missing has a pre-incident profile, as a carer
    # would give it, with the places their episodes show.
    from homesafe.demo.write import PROFILE_EVERY
    from homesafe.profiles.models import ProfileVersion

    missing_in_care = sorted(c.key for c in plan.children if c.care and c.episodes)
    profiles = ProfileVersion.objects.all()
    assert profiles.count() == len(missing_in_care[::PROFILE_EVERY]) > 0
    assert all(p.provided_by == "Foster carer" and p.places_frequented for p in profiles)
    assert all(p.locations.exists() for p in profiles)


@pytest.mark.django_db
def test_the_bulk_path_writes_what_the_services_write():
    """The demo's bulk path (history_writes) and one use case per fact, on the same plan, write
    the same rows, the same audit trail for every child and the same duties.

    The fewest children a demo has, with a seed whose plan has every shape compared below (as
    many episodes in the duties' window as the 60 children of seed 7, four of them with an
    interview): about half the CPU of 60 children, most of it the services' path."""
    plan = plan_demo(children=20, seed=11, anchor=ANCHOR)
    with time_machine.travel(NOW, tick=False):
        with transaction.atomic():
            write_demo(plan, through_services=True)
            by_services = demo_content()
            transaction.set_rollback(True)
        assert not Child.objects.exists()
        write_demo(plan)
        by_bulk = demo_content()

    assert by_services.keys() == by_bulk.keys()
    for key in by_services:
        assert by_bulk[key] == by_services[key], key
    closed = DutyEvent.objects.filter(kind=DutyEventKind.CLOSED_BY_PROTOCOL)
    assert closed.exists() and DutyEvent.objects.filter(kind=DutyEventKind.COMPLETED).exists()
    # Interviews written in bulk (before the window) and through the services (in it) were
    # compared, with the casework the services write on both paths.
    window = anchor_moment(ANCHOR) - WINDOW
    assert ReturnInterview.objects.filter(episode__reported_at__lt=window).exists()
    assert ReturnInterview.objects.filter(episode__reported_at__gte=window).exists()
    assert by_bulk["interviews.contactattempt"] and by_bulk["meetings.meeting"]
    assert by_bulk["screening.exploitationscreening"] and by_bulk["concerns.personlink"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stdout", "verbosity", "bars"),
    [(_Terminal, 1, True), (io.StringIO, 1, False), (_Terminal, 0, False)],
    ids=["terminal", "piped", "terminal-quiet"],
)
def test_seed_demo_shows_progress_bars_on_a_terminal_only(clock, stdout, verbosity, bars):
    out = stdout()

    call_command("seed_demo", "--children=20", f"--verbosity={verbosity}", stdout=out)

    printed = out.getvalue()
    assert "Demo data loaded in" in printed  # the one-line summary, with the time taken
    assert ("Children's records" in printed) is bars
    assert ("20/20" in printed) is bars
    if stdout is io.StringIO:
        assert "\x1b[" not in printed  # no terminal control codes in logs and pipes


@pytest.mark.django_db
def test_seed_demo_refuses_a_database_with_children_unless_if_empty(clock):
    call_command("seed_demo", "--children=20", stdout=io.StringIO())

    with pytest.raises(CommandError, match=re.escape(ALREADY_HAS_CHILDREN)):
        call_command("seed_demo", "--children=20", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", "--children=20", "--if-empty", stdout=out)

    assert SKIPPED in out.getvalue()
    assert Child.objects.count() == 20


@pytest.mark.django_db
def test_seed_demo_refuses_an_anchor_in_the_future(clock):
    refused = ANCHOR_IN_FUTURE.format(today="2026-03-02")

    with pytest.raises(CommandError, match=re.escape(refused)):
        call_command("seed_demo", "--children=20", "--anchor=2026-03-03")


# --- The demo command ------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_without_serving_migrates_seeds_and_prints_every_account(clock, settings):
    settings.DEMO = True
    out = io.StringIO()

    call_command("demo", "--no-serve", "--children", "30", stdout=out)

    printed = out.getvalue()
    assert Child.objects.count() == 30
    for email in [*EMAILS, *(email for email, _ in JOURNEY_ACCOUNTS)]:
        assert email in printed
    # The practice it shows, and which council offers return interviews within 24 hours.
    assert "Sherwood Vale County Council: seed 004: return interviews offered within 24" in printed
    assert "Ashfield Edge Borough Council (contacts only)" in printed
    assert "homesafe-demo" in printed
    assert "http://127.0.0.1:8000" in printed


@pytest.mark.django_db
def test_demo_runs_only_in_demo_mode(settings):
    settings.DEMO = False

    with pytest.raises(CommandError, match=re.escape(NOT_DEMO_MODE)):
        call_command("demo", "--no-serve")


# --- The practice: who acts, who is told, what was recorded (issue 13) ------------------------


def _current_cohort(child) -> str:
    return child.cohorts[-1].cohort


def test_the_practice_is_planned_reproducibly():
    first = plan_demo(children=60, seed=7, anchor=ANCHOR)
    second = plan_demo(children=60, seed=7, anchor=ANCHOR)
    other = plan_demo(children=60, seed=8, anchor=ANCHOR)

    def practice(plan):
        return (
            [e.interview for c in plan.children for e in c.episodes],
            [(c.meetings, c.screenings, c.network) for c in plan.children],
            plan.persons,
            plan.contacts,
            plan.council_settings,
        )

    assert practice(first) == practice(second)
    assert any(e.interview for c in first.children for e in c.episodes)
    assert practice(first)[0] != practice(other)[0]


def test_every_looked_after_and_child_protection_child_but_a_few_has_an_iro_or_chair(full_plan):
    """The home council's IROs and chairs are HomeSafe users named in the child's network;
    a planned few have none (the coordinator's "needs an owner" list); another council's
    child has its own council's IRO, known by e-mail only."""
    iros = {f"{p}@{DEMO_EMAIL_DOMAIN}" for p in IRO_ACCOUNTS}
    chairs = {f"{p}@{DEMO_EMAIL_DOMAIN}" for p in CP_CHAIR_ACCOUNTS}
    for cohort, role, people, few in (
        (Cohort.LOOKED_AFTER, NetworkRole.IRO, iros, WITHOUT_IRO),
        (Cohort.CHILD_PROTECTION, NetworkRole.CP_CHAIR, chairs, WITHOUT_CP_CHAIR),
    ):
        children = [c for c in full_plan.children if _current_cohort(c) == cohort]
        named = {c.key: [m for m in c.network if m.role == role] for c in children}
        home = [c for c in children if c.responsible_la == HOME_LA]
        assert sum(1 for c in home if not named[c.key]) == few
        assert all(m.user in people for c in home for m in named[c.key])
        assert len({m.user for c in home for m in named[c.key]}) == len(people)  # shared out
        for child in children:
            if child.responsible_la != HOME_LA:
                assert [(m.organisation, m.user) for m in named[child.key]] == [
                    (child.responsible_la, None)
                ]
    accounts = {a.email: a for a in full_plan.accounts}
    assert all(accounts[email].team == "Independent Reviewing Service" for email in iros | chairs)


def test_most_past_returns_have_a_return_interview(full_plan):
    end = anchor_moment(ANCHOR)
    settled = end - timedelta(days=RHI_SETTLE_DAYS)
    returned = [e for c in full_plan.children for e in c.episodes if e.returned_at]
    past = [e for e in returned if e.returned_at <= settled]
    interviews = [e.interview for e in past if e.interview]
    declined = [i for i in interviews if i.declined_at]
    completed = [i for i in interviews if i.held_at]

    assert 0.78 <= len(interviews) / len(past) <= 0.92
    assert not any(e.interview for e in returned if e.returned_at > settled)  # still to do
    assert 0.05 <= len(declined) / len(interviews) <= 0.2
    assert len(declined) + len(completed) == len(interviews)
    for episode in past:
        interview = episode.interview
        if interview is None:
            continue
        assert episode.returned_at < interview.offered_at <= end
        assert interview.attempts and interview.attempts[-1].attempted_at <= end
        if interview.held_at:
            assert interview.offered_at < interview.held_at <= end
            assert interview.childs_words and interview.push_factors and interview.pull_factors
            assert interview.exploitation_indicators  # answered, if only "none identified"
    by_provider = [i for i in interviews if i.offered_by == RHI_SERVICE]
    assert 0.1 <= len(by_provider) / len(interviews) <= 0.5  # the commissioned provider's


def test_meetings_screenings_and_persons_of_concern_are_planned(full_plan):
    children = full_plan.children
    kinds = Counter(m.kind for c in children for m in c.meetings)
    exploited = [c for c in children if c.exploited]

    assert kinds[MeetingKind.STRATEGY] >= 10 and kinds[MeetingKind.MULTI_AGENCY] >= 10
    assert exploited and all(c.screenings for c in exploited if c.episodes)
    assert not any(c.screenings for c in children if not c.exploited)
    assert len(full_plan.persons) >= 3
    for person in full_plan.persons:
        linked = {key for key, _ in person.children}
        assert len(linked) >= 3  # the networks view: one adult, several children
    for child in children:
        for meeting in child.meetings:
            episode = child.episodes[meeting.episode]
            assert episode.reported_at < meeting.held_at < anchor_moment(ANCHOR)


@pytest.mark.django_db
def test_the_demo_shows_the_practice_working(clock, mailoutbox):
    """Host councils and schools with and without users, IROs told in HomeSafe, the
    commissioned provider's interviews, meetings, screenings, persons of concern, and the
    home council's 24-hour RHI offer (seed 004); seeding sends no e-mail."""
    plan = plan_demo(children=60, seed=7, anchor=ANCHOR)
    write_demo(plan)

    assert mailoutbox == []  # nothing sent at start: reminders come later, in digests
    trentmoor = Organisation.objects.get(code=TRENTMOOR)
    ashfield = Organisation.objects.get(code=ASHFIELD_EDGE)
    assert trentmoor.users.filter(role_grants__role=Role.MISSING_COORDINATOR).exists()
    assert not ashfield.users.exists()
    assert ashfield.contacts.exclude(email="").exists()
    assert ashfield.contacts.exclude(phone="").exists()
    schools = Organisation.objects.filter(type=OrganisationType.SCHOOL)
    with_users = schools.filter(users__isnull=False).distinct()
    assert with_users.count() == 1 and not with_users.get().contacts.exists()
    assert all(
        s.contacts.filter(role="Designated safeguarding lead").count() == 1
        for s in schools.exclude(pk__in=with_users)
    )
    # Host-council notifications: told in HomeSafe where the council has users, else left
    # open with the coordinator, who sends them.
    host = Duty.objects.filter(kind="notify_host_la")
    told_trentmoor = host.filter(told_organisation=trentmoor)
    assert told_trentmoor.exists()
    assert all(d.told_at and d.notices.exists() for d in told_trentmoor)
    waiting = host.filter(told_organisation=ashfield)
    assert waiting.exists() and not waiting.filter(told_at__isnull=False).exists()
    # Every looked-after child of the home council has an IRO on HomeSafe but the few.
    looked_after = Child.objects.filter(
        responsible_la__code=HOME_LA,
        cohort_periods__ended_on__isnull=True,
        cohort_periods__cohort=Cohort.LOOKED_AFTER,
    )
    with_iro = looked_after.filter(network__role=NetworkRole.IRO, network__user__isnull=False)
    assert looked_after.count() - with_iro.count() == WITHOUT_IRO
    told_iro = Duty.objects.filter(kind="notify_iro", told_user__isnull=False)
    assert told_iro.exists()
    assert all(d.notices.filter(recipient=d.told_user).exists() for d in told_iro if d.told_at)
    # Return interviews for most past returns, some by the commissioned provider.
    settled = anchor_moment(ANCHOR) - timedelta(days=RHI_SETTLE_DAYS)
    past = MissingEpisode.objects.filter(returned_at__lte=settled)
    interviews = ReturnInterview.objects.filter(episode__in=past)
    assert 0.7 <= interviews.count() / past.count() <= 0.95
    assert interviews.filter(status=InterviewStatus.DECLINED).exists()
    assert interviews.filter(offered_by_organisation__code=RHI_SERVICE).exists()
    completed = interviews.filter(status=InterviewStatus.COMPLETED)
    assert completed.exists() and not completed.filter(childs_words="").exists()
    assert Meeting.objects.filter(kind=MeetingKind.STRATEGY).exists()
    assert Meeting.objects.filter(kind=MeetingKind.MULTI_AGENCY).exists()
    assert ExploitationScreening.objects.filter(tool="seraf").exists()
    assert PersonOfConcern.objects.count() == len(plan.persons)
    assert (
        max(p.links.values("child").distinct().count() for p in PersonOfConcern.objects.all()) >= 3
    )
    # Seed 004: the home council offers return interviews within 24 hours, the others 72.
    offers = Duty.objects.filter(kind="rhi_offer").select_related(
        "episode", "child__responsible_la"
    )
    hours = {
        (d.child.responsible_la.code, (d.due_at - d.episode.returned_at) / timedelta(hours=1))
        for d in offers
    }
    assert (HOME_LA, 24) in hours
    assert all(h == (24 if la == HOME_LA else 72) for la, h in hours)
    home = Organisation.objects.get(code=HOME_LA)
    assert protocol_current()[1].rhi_offer_hours == 72  # the partnership's, for the others
    assert protocol_current(local_authority_id=home.pk)[1].rhi_offer_hours == 24


@pytest.mark.django_db
def test_the_demo_s_council_refers_unallocated_children_to_the_commissioned_service(clock):
    """Seed 003: the home council's children with no social worker go to Compass on return."""
    from homesafe.demo.vocabulary import HOME_LA, RHI_SERVICE
    from homesafe.interviews.models import RhiRoute

    call_command("seed_demo", "--children=20", stdout=io.StringIO())
    (route,) = RhiRoute.objects.filter(local_authority__code=HOME_LA)
    assert route.provider.code == RHI_SERVICE and route.allocated == "no"
