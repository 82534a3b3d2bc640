"""Synthetic demo data, writing the practice (homesafe.demo.practice) through the services:
the councils' own protocol settings, organisations' contacts, and the casework recorded about
the children besides their episodes and interviews (meetings, screenings, persons of concern).

These are a few hundred use cases in all, so both of write_demo's paths write them through
the services; the bulk path defers the children's re-plans to one at the end, as it does for
profiles (a meeting or a screening changes only its own child's plan).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from homesafe.access.choices import Role
from homesafe.access.models import Organisation, User
from homesafe.access.services_organisations import organisation_contact_add
from homesafe.concerns.choices import LinkKind, PersonKind
from homesafe.concerns.services import person_of_concern_link, person_of_concern_record
from homesafe.demo.plan import DemoPlan
from homesafe.demo.vocabulary import HOME_LA, RHI_SERVICE
from homesafe.duties.models import ProtocolVersion
from homesafe.duties.protocol import DEFAULT_TOML
from homesafe.interviews.choices import RouteAllocated, RouteProvider
from homesafe.interviews.services_routes import rhi_route_create
from homesafe.meetings.choices import Attendance, NoteKind
from homesafe.meetings.services import (
    meeting_create,
    meeting_record_invitation,
    meeting_record_note,
)
from homesafe.people.models import Child
from homesafe.protocol.settings import ProtocolSettings
from homesafe.screening.services import screening_complete

if TYPE_CHECKING:
    from homesafe.demo.write import DemoProgress

COUNCIL_NOTE = "Seed 004: return interviews offered within {hours} hours"


def council_settings_write(
    plan: DemoPlan, organisations: dict[str, Organisation], *, duties_from: datetime
) -> None:
    """Each council with settings of its own: the partnership's, with its own RHI offer."""
    text = DEFAULT_TOML.read_text(encoding="utf-8")
    for own in plan.council_settings:
        toml, replaced = re.subn(
            r"(?m)^rhi_offer_hours = \d+", f"rhi_offer_hours = {own.rhi_offer_hours}", text
        )
        if replaced != 1:
            raise ValueError("The default protocol settings have no rhi_offer_hours.")
        ProtocolVersion.objects.create(
            version=ProtocolSettings.from_toml(toml).version,
            local_authority=organisations[own.local_authority],
            settings_toml=toml,
            note=COUNCIL_NOTE.format(hours=own.rhi_offer_hours),
            duties_from=duties_from,
        )


def rhi_routes_write(organisations: dict[str, Organisation], admin: User) -> None:
    """Seed 003: the home council's children with no social worker are referred, on return, to
    the commissioned independent service (Compass). Written before any child, so it re-plans
    nothing."""
    rhi_route_create(
        local_authority=organisations[HOME_LA],
        order=1,
        provider_kind=RouteProvider.SERVICE,
        provider=organisations[RHI_SERVICE],
        allocated=RouteAllocated.NO,
        actor=admin,
    )


def contacts_write(plan: DemoPlan, organisations: dict[str, Organisation], admin: User) -> None:
    for contact in plan.contacts:
        organisation_contact_add(
            organisation=organisations[contact.organisation],
            name=contact.name,
            role=contact.role,
            email=contact.email,
            email_secure=contact.email_secure,
            phone=contact.phone,
            takes=contact.takes,
            actor=admin,
        )


def casework_write(
    plan: DemoPlan,
    children: dict[str, Child],
    organisations: dict[str, Organisation],
    users: dict[str, User],
    progress: DemoProgress,
) -> None:
    """Meetings, screenings and persons of concern, as the councils' missing coordinators and
    the children's social workers record them."""
    coordinators = {
        user.organisation.code: user
        for user in users.values()
        if user.has_role(Role.MISSING_COORDINATOR)
    }
    with_casework = [c for c in plan.children if c.meetings or c.screenings]
    progress.stage("Meetings and screenings", len(with_casework))
    episodes_of: dict[str, list] = {}

    def episodes(key: str) -> list:
        if key not in episodes_of:
            episodes_of[key] = list(children[key].episodes.order_by("reported_at", "id"))
        return episodes_of[key]

    for child_plan in with_casework:
        child = children[child_plan.key]
        coordinator = coordinators.get(child_plan.responsible_la)
        for meeting_plan in child_plan.meetings:
            if coordinator is None:  # a council with no one on HomeSafe records no meetings
                break
            meeting = meeting_create(
                kind=meeting_plan.kind,
                local_authority=coordinator.organisation,
                chair_name=meeting_plan.chair_name,
                children=[child],
                held_at=meeting_plan.held_at,
                episodes={child.pk: [episodes(child_plan.key)[meeting_plan.episode]]},
                actor=coordinator,
            )
            for code, attendance in meeting_plan.invited:
                meeting_record_invitation(
                    meeting=meeting,
                    organisation=organisations[code],
                    attendance=attendance,
                    attendee_name="Attended" if attendance == Attendance.ATTENDED else "",
                    actor=coordinator,
                )
            meeting_record_note(
                meeting=meeting,
                kind=NoteKind.DECISION,
                text=meeting_plan.decision,
                child=child,
                actor=coordinator,
            )
        for screening in child_plan.screenings:
            screening_complete(
                child=child,
                tool="seraf",
                answers=dict(screening.answers),
                completed_at=screening.completed_at,
                actor=users[screening.completed_by],
            )
        progress.advance()

    progress.stage("Persons of concern", len(plan.persons))
    cmo = coordinators[HOME_LA]
    for person in plan.persons:
        (first_key, first_episode), *others = person.children
        recorded = person_of_concern_record(
            child=children[first_key],
            actor=cmo,
            name=person.name,
            kind=PersonKind.ADULT,
            aliases=person.aliases,
            approximate_age=person.approximate_age,
            description=person.description,
            link_kind=LinkKind.FOUND_WITH,
            episode=episodes(first_key)[first_episode],
        )
        for key, episode in others:
            person_of_concern_link(
                person=recorded,
                child=children[key],
                actor=cmo,
                kind=LinkKind.FOUND_WITH,
                episode=episodes(key)[episode],
            )
        progress.advance()
