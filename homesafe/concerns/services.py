"""Writes to persons and places of concern, disruption and legal actions: one function per
use case, in a transaction, audited with ids only (never names or descriptions), then the
child's duties re-planned (a recovery order application, an NRM referral or a MACE referral
for an episode closes its consider_recovery_order / consider_nrm / consider_mace duty).
Concerns raised about an episode are in services_raised."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.edits import edit_check, edit_version
from homesafe.access.models import Organisation, User
from homesafe.concerns.choices import (
    DisruptionKind,
    LegalActionKind,
    LinkKind,
    NrmDecision,
    PersonKind,
)
from homesafe.concerns.models import (
    DisruptionAction,
    LegalAction,
    LocationLink,
    PersonLink,
    PersonOfConcern,
)
from homesafe.episodes.choices import LocationKind
from homesafe.episodes.models import Location, MissingEpisode
from homesafe.episodes.services import location_create
from homesafe.people.models import Child
from homesafe.use_cases import facts_changed, use_case

if TYPE_CHECKING:
    from homesafe.interviews.models import ReturnInterview
    from homesafe.meetings.models import Meeting

NAME_MISSING = "Enter the person's name"
DOB_AND_AGE = "Give a date of birth or an approximate age, not both"
DOB_IN_FUTURE = "The date of birth must be in the past"
AGE_RANGE = "The approximate age must be between 5 and 100"
EPISODE_NOT_CHILDS = "Choose one of this child's episodes"
INTERVIEW_NOT_CHILDS = "Choose one of this child's return interviews"
MEETING_NOT_CHILDS = "Choose a meeting that discussed this child"
ONE_SOURCE = "A link comes from an interview or a meeting, not both"
DATE_IN_FUTURE = "The date cannot be in the future"
PERSON_NEEDED = "A warning notice or an arrest is against a person of concern: choose one"
PERSON_NOT_LINKED = "Choose a person of concern linked to this child"
OTHER_MISSING = "Say what the other action was"
AGENCY_MISSING = "Choose the agency that took the action"
PLACE_MISSING = "Enter a description, an address or a postcode"
GRANTED_BEFORE_APPLIED = "The order cannot be granted before it was applied for"
GRANT_ONLY_ORDERS = "Only a recovery order is granted"
DECISION_ONLY_NRM = "Grounds decisions belong to an NRM referral"
DECISION_DATE_MISSING = "Enter the date of the decision"
DECISION_MISSING = "Select the decision made on that date"
DECISION_BEFORE_REFERRAL = "The decision cannot be before the referral"
CONCLUSIVE_NEEDS_POSITIVE = (
    "A conclusive grounds decision follows a positive reasonable grounds decision"
)
CONCLUSIVE_BEFORE_REASONABLE = (
    "The conclusive grounds decision cannot be before the reasonable grounds decision"
)


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _check_episode(errors: dict, child: Child, episode: MissingEpisode | None) -> None:
    if episode is not None and episode.child_id != child.pk:
        errors["episode"] = EPISODE_NOT_CHILDS


def _check_source(errors: dict, child: Child, interview, meeting) -> None:
    if interview is not None and meeting is not None:
        errors["reference"] = ONE_SOURCE
    elif interview is not None and interview.child_id != child.pk:
        errors["interview"] = INTERVIEW_NOT_CHILDS
    elif meeting is not None and not meeting.child_links.filter(child=child).exists():
        errors["meeting"] = MEETING_NOT_CHILDS


def _check_past(errors: dict, field: str, value: dt.date | None) -> None:
    if value is not None and value > timezone.localdate():
        errors.setdefault(field, DATE_IN_FUTURE)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


@use_case
def person_of_concern_record(
    *,
    child: Child,
    actor: Actor,
    name: str,
    kind: str = PersonKind.ADULT,
    link_kind: str = LinkKind.ASSOCIATE,
    aliases: str = "",
    date_of_birth: dt.date | None = None,
    approximate_age: int | None = None,
    description: str = "",
    notes: str = "",
    episode: MissingEpisode | None = None,
    reference: str = "",
    link_note: str = "",
    interview: ReturnInterview | None = None,
    meeting: Meeting | None = None,
) -> PersonOfConcern:
    """Record a person of concern and link them to the child (the link is how they are seen)."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = NAME_MISSING
    if date_of_birth and approximate_age is not None:
        errors["approximate_age"] = DOB_AND_AGE
    if date_of_birth and date_of_birth >= timezone.localdate():
        errors["date_of_birth"] = DOB_IN_FUTURE
    if approximate_age is not None and not 5 <= approximate_age <= 100:
        errors["approximate_age"] = AGE_RANGE
    _check_episode(errors, child, episode)
    _check_source(errors, child, interview, meeting)
    _raise(errors)
    person = PersonOfConcern(
        name=name.strip(),
        kind=PersonKind(kind),
        aliases=aliases.strip(),
        date_of_birth=date_of_birth,
        approximate_age=approximate_age,
        description=description.strip(),
        notes=notes.strip(),
        recorded_by=_user(actor),
    )
    person.full_clean()
    person.save()
    audit_record(
        actor=actor, verb=AuditVerb.PERSON_OF_CONCERN_RECORDED, target=person, child_id=child.pk
    )
    person_of_concern_link(
        person=person,
        child=child,
        actor=actor,
        kind=link_kind,
        episode=episode,
        reference=reference,
        note=link_note,
        interview=interview,
        meeting=meeting,
    )
    return person


@use_case
def person_of_concern_link(
    *,
    person: PersonOfConcern,
    child: Child,
    actor: Actor,
    kind: str,
    episode: MissingEpisode | None = None,
    reference: str = "",
    note: str = "",
    interview: ReturnInterview | None = None,
    meeting: Meeting | None = None,
) -> PersonLink:
    """Link a person of concern to a child (and perhaps an episode), from a return interview
    or a meeting about the child when given (the link's kind then follows its source)."""
    errors: dict[str, str] = {}
    _check_episode(errors, child, episode)
    _check_source(errors, child, interview, meeting)
    _raise(errors)
    if interview is not None:
        kind, episode = LinkKind.NAMED_IN_INTERVIEW, episode or interview.episode
    elif meeting is not None:
        kind = LinkKind.DISCUSSED_AT_MEETING
    link = PersonLink(
        person=person,
        child=child,
        episode=episode,
        interview=interview,
        meeting=meeting,
        kind=LinkKind(kind),
        reference=reference.strip(),
        note=note.strip(),
        recorded_by=_user(actor),
    )
    link.full_clean()
    link.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.PERSON_OF_CONCERN_LINKED,
        target=link,
        payload={
            "person_id": person.pk,
            "episode_id": link.episode_id,
            "kind": link.kind,
            "interview_id": link.interview_id,
            "meeting_id": link.meeting_id,
        },
    )
    return link


@use_case
def location_of_concern_record(
    *,
    child: Child,
    actor: Actor,
    kind: str = LinkKind.ASSOCIATE,
    location: Location | None = None,
    description: str = "",
    address: str = "",
    postcode: str = "",
    episode: MissingEpisode | None = None,
    reference: str = "",
    note: str = "",
) -> LocationLink:
    """Link a place to the child as a location of concern: an existing location, or a new one
    (an address of concern, its postcode looked up for the map)."""
    errors: dict[str, str] = {}
    _check_episode(errors, child, episode)
    if location is None and not (description.strip() or address.strip() or postcode.strip()):
        errors["description"] = PLACE_MISSING
    _raise(errors)
    if location is None:
        location = location_create(
            actor=actor,
            kind=LocationKind.ADDRESS_OF_CONCERN,
            description=description,
            address=address,
            postcode=postcode,
            child_id=child.pk,
        )
    link = LocationLink(
        location=location,
        child=child,
        episode=episode,
        kind=LinkKind(kind),
        reference=reference.strip(),
        note=note.strip(),
        recorded_by=_user(actor),
    )
    link.full_clean()
    link.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.LOCATION_OF_CONCERN_RECORDED,
        target=link,
        payload={"location_id": location.pk, "episode_id": link.episode_id, "kind": link.kind},
    )
    return link


@use_case
def disruption_record(
    *,
    child: Child,
    actor: Actor,
    kind: str,
    taken_on: dt.date,
    agency: Organisation | None,
    person: PersonOfConcern | None = None,
    kind_other: str = "",
    outcome: str = "",
    episode: MissingEpisode | None = None,
) -> DisruptionAction:
    """Record a disruption action (a CAWN served, an arrest, another action) for a child."""
    errors: dict[str, str] = {}
    _check_episode(errors, child, episode)
    _check_past(errors, "taken_on", taken_on)
    if agency is None:
        errors["agency"] = AGENCY_MISSING
    if kind in (DisruptionKind.CAWN, DisruptionKind.ARREST) and person is None:
        errors["person"] = PERSON_NEEDED
    if person is not None and not person.links.filter(child=child).exists():
        errors["person"] = PERSON_NOT_LINKED
    if kind == DisruptionKind.OTHER and not kind_other.strip():
        errors["kind_other"] = OTHER_MISSING
    _raise(errors)
    action = DisruptionAction(
        child=child,
        episode=episode,
        person=person,
        kind=DisruptionKind(kind),
        kind_other=kind_other.strip() if kind == DisruptionKind.OTHER else "",
        taken_on=taken_on,
        agency=agency,
        outcome=outcome.strip(),
        recorded_by=_user(actor),
    )
    action.full_clean()
    action.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.DISRUPTION_RECORDED,
        target=action,
        payload={
            "kind": action.kind,
            "person_id": action.person_id,
            "episode_id": action.episode_id,
            "agency_id": action.agency_id,
        },
    )
    return action


def _legal_errors(action: LegalAction) -> dict[str, str]:
    errors: dict[str, str] = {}
    _check_past(errors, "applied_on", action.applied_on)
    is_order = action.kind == LegalActionKind.RECOVERY_ORDER
    if action.granted_on is not None:
        _check_past(errors, "granted_on", action.granted_on)
        if not is_order:
            errors["granted_on"] = GRANT_ONLY_ORDERS
        elif action.granted_on < action.applied_on:
            errors["granted_on"] = GRANTED_BEFORE_APPLIED
    for decision, on in (
        ("reasonable_grounds", "reasonable_grounds_on"),
        ("conclusive_grounds", "conclusive_grounds_on"),
    ):
        value, date = getattr(action, decision), getattr(action, on)
        if not (value or date):
            continue
        if action.kind != LegalActionKind.NRM_REFERRAL:
            errors.setdefault(decision, DECISION_ONLY_NRM)
            continue
        if value and value not in NrmDecision.values:
            errors[decision] = DECISION_MISSING
        if value and not date:
            errors[on] = DECISION_DATE_MISSING
        if date and not value:
            errors[decision] = DECISION_MISSING
        if date:
            _check_past(errors, on, date)
            if date < action.applied_on:
                errors.setdefault(on, DECISION_BEFORE_REFERRAL)
    if action.conclusive_grounds and action.reasonable_grounds != NrmDecision.POSITIVE:
        errors.setdefault("conclusive_grounds", CONCLUSIVE_NEEDS_POSITIVE)
    if (
        action.conclusive_grounds_on
        and action.reasonable_grounds_on
        and action.conclusive_grounds_on < action.reasonable_grounds_on
    ):
        errors.setdefault("conclusive_grounds_on", CONCLUSIVE_BEFORE_REASONABLE)
    return errors


LEGAL_DECISION_FIELDS = (
    "granted_on",
    "reasonable_grounds",
    "reasonable_grounds_on",
    "conclusive_grounds",
    "conclusive_grounds_on",
)


@use_case
def legal_action_record(
    *,
    child: Child,
    actor: Actor,
    kind: str,
    applied_on: dt.date,
    episode: MissingEpisode | None = None,
    notes: str = "",
    granted_on: dt.date | None = None,
    reasonable_grounds: str = "",
    reasonable_grounds_on: dt.date | None = None,
    conclusive_grounds: str = "",
    conclusive_grounds_on: dt.date | None = None,
) -> LegalAction:
    """Record a recovery order application, an NRM referral (with any decisions known) or a
    referral to MACE."""
    errors: dict[str, str] = {}
    _check_episode(errors, child, episode)
    if kind not in LegalActionKind.values:
        errors["kind"] = "Select the legal action"
        _raise(errors)
    action = LegalAction(
        child=child,
        episode=episode,
        kind=kind,
        applied_on=applied_on,
        granted_on=granted_on,
        reasonable_grounds=reasonable_grounds,
        reasonable_grounds_on=reasonable_grounds_on,
        conclusive_grounds=conclusive_grounds,
        conclusive_grounds_on=conclusive_grounds_on,
        notes=notes.strip(),
        recorded_by=_user(actor),
    )
    errors.update(_legal_errors(action))
    _raise(errors)
    action.full_clean()
    action.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.LEGAL_ACTION_RECORDED,
        target=action,
        payload={"kind": action.kind, "episode_id": action.episode_id},
    )
    facts_changed(child_id=child.pk)
    return action


def legal_action_decisions_version(action: LegalAction) -> str:
    """The version of the decisions a form or client sends back with its change (edit_check)."""
    return edit_version({name: getattr(action, name) for name in LEGAL_DECISION_FIELDS})


@use_case
def legal_action_record_decisions(
    *,
    action: LegalAction,
    actor: Actor,
    granted_on: dt.date | None = None,
    reasonable_grounds: str = "",
    reasonable_grounds_on: dt.date | None = None,
    conclusive_grounds: str = "",
    conclusive_grounds_on: dt.date | None = None,
    version: str | None = None,
) -> LegalAction:
    """Record what was decided after the application or referral (all decisions, as known now).

    With `version` (legal_action_decisions_version, what the person saw), a save made after
    someone else's is refused with StaleEdit naming the decisions they recorded.
    """
    LegalAction.objects.select_for_update().filter(pk=action.pk).first()  # one change at a time
    action.refresh_from_db(fields=LEGAL_DECISION_FIELDS)
    before = {name: getattr(action, name) for name in LEGAL_DECISION_FIELDS}
    edit_check(version=version, current=before)
    after = {
        "granted_on": granted_on,
        "reasonable_grounds": reasonable_grounds,
        "reasonable_grounds_on": reasonable_grounds_on,
        "conclusive_grounds": conclusive_grounds,
        "conclusive_grounds_on": conclusive_grounds_on,
    }
    for name, value in after.items():
        setattr(action, name, value)
    errors = _legal_errors(action)
    if errors:
        for name, value in before.items():
            setattr(action, name, value)
        raise ValidationError(errors)
    action.full_clean()
    action.save(update_fields=[*LEGAL_DECISION_FIELDS, "updated_at"])
    audit_record(
        actor=actor,
        verb=AuditVerb.LEGAL_ACTION_UPDATED,
        target=action,
        payload={"changed": sorted(k for k in after if before[k] != after[k])},
    )
    facts_changed(child_id=action.child_id)
    return action
