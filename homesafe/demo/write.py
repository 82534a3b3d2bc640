"""Synthetic demo data, writing: the plan is written in one transaction, and the accounts and
counts are read back for the demo command.

The children's records and their episodes before the duties window are written in bulk
(homesafe.demo.history_writes: the services' rows and audit entries, without a re-plan that
would do nothing); the episodes in the window, the profiles and the access grants go through
the services, each child re-planned after each of its use cases, so the protocol plans every
duty as it would in use; the duties done are written as duty_complete writes them.
`through_services=True` writes everything through the services, one use case per fact: the
reference the bulk path is held equal to (tests/demo/test_seed_demo.py), about ten times slower.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from typing import Protocol

from django.contrib.auth.hashers import make_password
from django.db import transaction

from homesafe.access.choices import OrganisationType, Role
from homesafe.access.models import Organisation, Team, User
from homesafe.access.services import case_access_grant, user_create
from homesafe.concerns.models import PersonOfConcern
from homesafe.demo.history_writes import HistoryWrites, duties_complete_in_bulk
from homesafe.demo.plan import (
    DemoAccount,
    DemoPlan,
    DemoSummary,
    anchor_moment,
)
from homesafe.demo.practice_writes import (
    casework_write,
    contacts_write,
    council_settings_write,
    rhi_routes_write,
)
from homesafe.demo.service_writes import ServiceWrites, write_window
from homesafe.demo.vocabulary import (
    AUDIT_REASON,
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    DUTIES_DONE_ON_TIME,
    DUTIES_HISTORY_DAYS,
    HOME_LA,
    JOURNEY_ACCOUNTS,
    ROLE_ACCOUNTS,
)
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty, ProtocolVersion
from homesafe.duties.owners import owners_of
from homesafe.duties.protocol import DEFAULT_TOML
from homesafe.duties.services import duties_replan, duty_complete
from homesafe.episodes.choices import (
    EpisodeStatus,
)
from homesafe.episodes.models import MissingEpisode
from homesafe.insight.facts import episode_facts_rebuild
from homesafe.interviews.choices import InterviewStatus
from homesafe.interviews.models import ReturnInterview
from homesafe.meetings.models import Meeting
from homesafe.people.choices import Cohort
from homesafe.people.models import Child, CohortPeriod
from homesafe.profiles.services import profile_save
from homesafe.protocol.settings import ProtocolSettings
from homesafe.screening.models import ExploitationScreening
from homesafe.use_cases import facts_changes_gathered, use_cases_in_callers_transaction

# --- Writing --------------------------------------------------------------------------------


def database_has_children() -> bool:
    return Child.objects.exists()


class DemoProgress(Protocol):
    """What the writer tells about its progress (seed_demo shows it as a progress bar)."""

    def stage(self, description: str, total: int) -> None: ...

    def advance(self) -> None: ...


class _Quiet:
    def stage(self, description: str, total: int) -> None:
        pass

    def advance(self) -> None:
        pass


def write_demo(
    plan: DemoPlan, *, progress: DemoProgress | None = None, through_services: bool = False
) -> DemoSummary:
    """Write the plan as the demo administrator, all or nothing: one transaction, in which each
    service's use case still re-plans its children at its own end (the next one sees them)."""
    with transaction.atomic(), use_cases_in_callers_transaction():
        return _write_demo(plan, progress=progress, through_services=through_services)


def _write_demo(
    plan: DemoPlan, *, progress: DemoProgress | None, through_services: bool
) -> DemoSummary:
    progress = progress or _Quiet()
    organisations: dict[str, Organisation] = {}
    for spec in plan.organisations:
        organisation = Organisation(
            code=spec.code,
            type=spec.type,
            name=spec.name,
            police_force=organisations.get(spec.police_force),
            local_authority=organisations.get(spec.local_authority),
        )
        organisation.full_clean()
        organisation.save()
        organisations[spec.code] = organisation
    teams = {}
    for name, service in plan.teams:
        team = Team(organisation=organisations[HOME_LA], name=name, service=service)
        team.full_clean()
        team.save()
        teams[name] = team

    users: dict[str, User] = {}
    admin = None
    progress.stage("Partnership and accounts", len(plan.accounts))
    for account in plan.accounts:
        user = user_create(
            email=account.email,
            first_name=account.first_name,
            last_name=account.last_name,
            organisation=organisations[account.organisation],
            team=teams.get(account.team),
            roles=[account.role],
            job_title=account.job_title,
            password=DEMO_PASSWORD if through_services else None,
            actor=admin,
        )
        if account.role == Role.ADMINISTRATOR:
            # No service grants Django's staff flags; the administrator needs them for Django's admin
            # where HOMESAFE_DJANGO_ADMIN turns it on (HomeSafe's own pages need none).
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
            admin = user
        users[account.email] = user
        progress.advance()
    if not through_services:
        # One password for every demo account: hashed once (a hash takes about half a second,
        # on purpose), not once per account.
        User.objects.filter(pk__in=[u.pk for u in users.values()]).update(
            password=make_password(DEMO_PASSWORD)
        )

    # Duties are planned for the last few weeks of the history (as if HomeSafe came into use
    # then); most of those already due were done on time, some were not: the overdue view.
    text = DEFAULT_TOML.read_text(encoding="utf-8")
    duties_from = anchor_moment(plan.anchor) - timedelta(days=DUTIES_HISTORY_DAYS)
    ProtocolVersion.objects.create(
        version=ProtocolSettings.from_toml(text).version,
        settings_toml=text,
        note="The defaults (DOMAIN.md)",
        duties_from=duties_from,
    )
    council_settings_write(plan, organisations, duties_from=duties_from)
    rhi_routes_write(organisations, admin)
    contacts_write(plan, organisations, admin)
    writer = ServiceWrites(admin=admin, organisations=organisations, users=users)
    if through_services:
        progress.stage("Children", len(plan.children))
        children = {}
        for child in plan.children:
            children[child.key] = writer.child(child)
            progress.advance()
    else:
        history = HistoryWrites(
            admin=admin,
            organisations=organisations,
            users=users,
            locations=writer.locations,
            before=duties_from,
        )
        children = history.write(plan.children, progress)
        recent = {
            children[child.key]: [e for e in child.episodes if e.reported_at >= duties_from]
            for child in plan.children
        }
        write_window(writer, {c: es for c, es in recent.items() if es}, progress)
    if through_services:
        _write_profiles(plan, children, writer, progress)
        casework_write(plan, children, organisations, users, progress)
    else:  # each profile's or meeting's re-plan touches its own child only: all at once
        with facts_changes_gathered() as replans:
            _write_profiles(plan, children, writer, progress)
            casework_write(plan, children, organisations, users, progress)
        duties_replan(child_ids=sorted(replans))
    _work_old_duties(plan, admin, progress, through_services=through_services)
    # Auditors see only the cases they are given, for a time: a sample, from a week before the
    # anchor for five weeks.
    auditor = users[f"auditor@{DEMO_EMAIL_DOMAIN}"]
    for key in plan.audit_sample:
        case_access_grant(
            user=auditor,
            child=children[key],
            reason=AUDIT_REASON,
            starts_at=anchor_moment(plan.anchor) - timedelta(days=7),
            ends_at=anchor_moment(plan.anchor) + timedelta(days=28),
            actor=admin,
        )
    # The figures' summary rows, for the history written in bulk as well (the worker keeps
    # them for the children re-planned from here on).
    episode_facts_rebuild()
    return demo_summary()


def _work_old_duties(
    plan: DemoPlan, admin: User, progress: DemoProgress, *, through_services: bool
) -> None:
    """Complete most duties that fell due more than two days before the anchor, as their owners.

    Through the services, one duty_complete each (re-planning the child each time); else
    written as duty_complete writes them, in bulk, and the children re-planned once at the end
    (a completed duty changes nothing else in the child's plan; the test holds the two equal).
    """
    rng = random.Random(plan.seed)
    cutoff = anchor_moment(plan.anchor) - timedelta(days=2)
    # In an order of what the duties are, not of when they were stored (which the bulk path
    # and the services' path do differently).
    due = list(
        Duty.objects.filter(state=DutyState.OPEN, due_at__lt=cutoff)
        .select_related("owner_user", "owner_team")
        .order_by("due_at", "child_id", "episode__reported_at", "kind")
    )
    progress.stage("Duties done", len(due))
    done: list[tuple[Duty, User]] = []
    for duty in due:
        if rng.random() < DUTIES_DONE_ON_TIME:
            owners = owners_of(duty)
            done.append((duty, owners[0] if owners else admin))
            if through_services:
                duty_complete(duty=duty, actor=done[-1][1])
        progress.advance()
    if not through_services:
        duties_complete_in_bulk(done)
        duties_replan(child_ids=sorted({duty.child_id for duty, _ in done}))


# One in PROFILE_EVERY children in care who have gone missing has a pre-incident (Philomena)
# profile, written from what their episodes show, so the profile page and its PDF have
# something to show.
PROFILE_EVERY = 3
PROFILE_HEIGHTS = ("1.45 m", "1.52 m", "1.58 m", "1.63 m", "1.70 m", "1.76 m")
PROFILE_HAIR = ("Short dark brown", "Long black, often tied back", "Blonde, shoulder length")
PROFILE_EYES = ("Brown", "Blue", "Green", "Hazel")


def _write_profiles(
    plan: DemoPlan, children: dict[str, Child], writer: ServiceWrites, progress: DemoProgress
) -> None:
    rng = random.Random(plan.seed + 1)
    in_care = sorted(
        (c for c in plan.children if c.care is not None and c.episodes), key=lambda c: c.key
    )
    progress.stage("Pre-incident profiles", len(in_care[::PROFILE_EVERY]))
    for child_plan in in_care[::PROFILE_EVERY]:
        child = children[child_plan.key]
        episodes = child_plan.episodes
        places = list(dict.fromkeys(e.last_seen_place for e in episodes))[:4]
        with_whom = list(dict.fromkeys(e.stayed_with for e in episodes if e.stayed_with))[:3]
        first = episodes[0].last_seen_at
        profile_save(
            child=child,
            actor=writer.admin,
            provided_by="Foster carer",
            height=rng.choice(PROFILE_HEIGHTS),
            build="Slim",
            hair=rng.choice(PROFILE_HAIR),
            eyes=rng.choice(PROFILE_EYES),
            distinguishing_marks=rng.choice(("None known", "Small scar above the left eyebrow")),
            associates="; ".join(with_whom) or "None known",
            places_frequented="; ".join(p.description for p in places),
            locations=[writer.location(p, child) for p in places],
            vulnerabilities="Goes missing after contact with family; trusts older peers easily.",
            medication="None",
            phones="Own mobile phone; number on the child's record",
            social_media="Snapchat and TikTok (usernames on the child's record)",
            transport="Buses and trains; has been found at the railway station",
            missing_history=(
                f"{len(episodes)} episode(s) since {first:%d/%m/%Y}; "
                "usually returns by morning on their own."
            ),
        )
        progress.advance()


# --- Reading back ---------------------------------------------------------------------------


def demo_summary() -> DemoSummary:
    current = CohortPeriod.objects.filter(ended_on__isnull=True)
    return DemoSummary(
        children=Child.objects.count(),
        in_care=current.filter(cohort=Cohort.LOOKED_AFTER).count(),
        care_leavers=current.filter(cohort=Cohort.CARE_LEAVER).count(),
        episodes=MissingEpisode.objects.count(),
        open_episodes=MissingEpisode.objects.filter(status=EpisodeStatus.MISSING).count(),
        users=User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").count(),
        practice=_practice_lines(),
    )


def _practice_lines() -> tuple[str, ...]:
    """What the demo shows of the practice, for the command's summary."""
    interviews = Counter(ReturnInterview.objects.values_list("status", flat=True))
    returned = MissingEpisode.objects.filter(returned_at__isnull=False).count()
    own = ProtocolVersion.objects.filter(local_authority__isnull=False).select_related(
        "local_authority"
    )
    councils = "; ".join(f"{v.local_authority.name}: {v.note.lower()}" for v in own)
    hosts = [
        f"{o.name} ({'on HomeSafe' if o.users.exists() else 'contacts only'})"
        for o in Organisation.objects.filter(type=OrganisationType.LOCAL_AUTHORITY)
        .exclude(code=HOME_LA)
        .order_by("code")
    ]
    return (
        f"Return interviews: {sum(interviews.values())} for {returned} returns "
        f"({interviews[InterviewStatus.DECLINED]} declined).",
        f"Meetings: {Meeting.objects.count()}; exploitation screenings: "
        f"{ExploitationScreening.objects.count()}; persons of concern: "
        f"{PersonOfConcern.objects.count()}.",
        f"Other councils: {', '.join(hosts)}.",
        f"Councils with settings of their own: {councils or 'none'}.",
    )


def demo_accounts() -> list[DemoAccount]:
    """The sign-in accounts, one per role, as they are in the database."""
    emails = {
        f"{local_part}@{DEMO_EMAIL_DOMAIN}": Role(role).label
        for role, local_part, *_ in ROLE_ACCOUNTS
    }
    emails.update(JOURNEY_ACCOUNTS)
    users = User.objects.filter(email__in=emails).select_related("organisation")
    by_email = {user.email: user for user in users}
    return [
        DemoAccount(email, label, by_email[email].organisation.name)
        for email, label in emails.items()
        if email in by_email
    ]
