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

from homesafe.access.choices import Role
from homesafe.access.models import AuditEntry, User
from homesafe.demo import (
    ADMIN_EMAIL,
    DEMO_EMAIL_DOMAIN,
    ROLE_ACCOUNTS,
    anchor_moment,
    plan_demo,
    write_demo,
)
from homesafe.demo.vocabulary import DUTIES_HISTORY_DAYS
from homesafe.duties.choices import DutyEventKind, DutyState
from homesafe.duties.models import Duty, DutyEvent
from homesafe.episodes.choices import EpisodeStatus, EpisodeType
from homesafe.episodes.models import MissingEpisode
from homesafe.people.choices import Cohort
from homesafe.people.models import Child, CohortPeriod
from homesafe.people.queries import children_visible_to
from homesafe.people.validators import validate_nhs_number, validate_upn
from homesafe.web.management.commands.demo import NOT_DEMO_MODE
from homesafe.web.management.commands.seed_demo import (
    ALREADY_HAS_CHILDREN,
    ANCHOR_IN_FUTURE,
    SKIPPED,
)
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
    the same rows, the same audit trail for every child and the same duties."""
    plan = plan_demo(children=60, seed=7, anchor=ANCHOR)
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
    for email in EMAILS:
        assert email in printed
    assert "homesafe-demo" in printed
    assert "http://127.0.0.1:8000" in printed


@pytest.mark.django_db
def test_demo_runs_only_in_demo_mode(settings):
    settings.DEMO = False

    with pytest.raises(CommandError, match=re.escape(NOT_DEMO_MODE)):
        call_command("demo", "--no-serve")
