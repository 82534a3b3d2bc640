"""Writes of the search for a missing child: one function per use case, in a transaction,
audited with ids only, and the child's duties re-planned where the protocol reads the record
(publicity considered or withdrawn, Missing People contacted, the Safe and Well check)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb, OrganisationType
from homesafe.access.edits import edit_check, edit_version
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Organisation, User
from homesafe.access.times import not_in_future
from homesafe.episodes.choices import LocationKind
from homesafe.episodes.models import MissingEpisode
from homesafe.episodes.services import location_create
from homesafe.locate.choices import (
    LocateActionKind,
    MissingAgency,
    PublicityChannel,
    PublicityConsent,
    PublicityDecisionKind,
    SightingKind,
    SightingSource,
)
from homesafe.locate.models import (
    LocateAction,
    MissingAgencyContact,
    Publicity,
    SafeAndWellCheck,
    Sighting,
)
from homesafe.people.validators import normalise_postcode
from homesafe.use_cases import facts_changed, use_case

EPISODE_VOIDED = "The episode was recorded in error: nothing more is recorded against it."
EPISODE_NOT_OPEN = "The child has returned: the plan to find them is closed."
EPISODE_NOT_RETURNED = "The Safe and Well check is held after the child returns."
DESCRIPTION_MISSING = "Say what is to be done"
OWNER_MISSING = "Choose the agency that acts"
OUTCOME_MISSING = "Say what came of the action"
ALREADY_DONE = "This action is already done."
BEFORE_LAST_SEEN = "The time cannot be before the child was last seen."
AFTER_RETURN = "The time cannot be after the child returned: record it on the return instead."
BEFORE_RETURN = "The Safe and Well check cannot be before the child returned."
BEFORE_DECISION = "Publicity cannot be withdrawn before it was approved."
APPROVED_BY_MISSING = "Say who approved the publicity (name and role)"
CHANNELS_MISSING = "Choose at least one channel"
CONSENT_MISSING = "Say whose consent the publicity had"
REASONS_MISSING = "Say why publicity was not approved"
NOT_LIVE = "Only approved publicity that has not been withdrawn can be withdrawn."
FINDINGS_MISSING = "Record what the Safe and Well check found"
SAFE_AND_WELL_EXISTS = "A Safe and Well check is already recorded for this episode."
FORCE_NOT_POLICE = "Choose a police force."
SIGHTING_REMOVED = "This sighting was removed: it cannot be changed."
REMOVAL_REASON_MISSING = "Say why the sighting is removed"
CLIENT_KEY_USED = "This idempotency key was used for another record: send a new key."


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _check_not_voided(episode: MissingEpisode) -> None:
    if episode.is_voided:
        raise ApplicationError(EPISODE_VOIDED, code="episode_voided")


def _check_open(episode: MissingEpisode) -> None:
    _check_not_voided(episode)
    if not episode.is_open:
        raise ApplicationError(EPISODE_NOT_OPEN, code="episode_closed")


def _check_while_missing(episode: MissingEpisode, moment: datetime, field: str) -> None:
    """A moment of the search: not in the future, not before last seen, not after the return."""
    not_in_future(moment, field=field)
    if moment < episode.last_seen_at:
        raise ValidationError({field: BEFORE_LAST_SEEN})
    if episode.returned_at is not None and moment > episode.returned_at:
        raise ValidationError({field: AFTER_RETURN})


def _check_client_key(model, client_key: str) -> None:
    """A client's key names one record: the API answers a repeat with the first (queries.
    search_record_for_client_key); a key used for another episode or kind is refused."""
    if client_key and model.objects.filter(client_key=client_key).exists():
        raise ApplicationError(CLIENT_KEY_USED, code="client_key_used")


def _label(actor: Actor) -> str:
    return "" if isinstance(actor, User) else actor.label


def _locked(episode: MissingEpisode) -> MissingEpisode:
    return MissingEpisode.objects.select_for_update().get(pk=episode.pk)


# --- The plan for finding the child ------------------------------------------------------


@use_case
def locate_action_add(
    *,
    episode: MissingEpisode,
    actor: Actor,
    kind: str,
    description: str,
    owner_organisation: Organisation | None,
) -> LocateAction:
    """Add an action to the plan for finding a child still missing, owned by one agency."""
    episode = _locked(episode)
    _check_open(episode)
    errors = {}
    if not description.strip():
        errors["description"] = DESCRIPTION_MISSING
    if owner_organisation is None:
        errors["owner_organisation"] = OWNER_MISSING
    if errors:
        raise ValidationError(errors)
    action = LocateAction(
        episode=episode,
        child_id=episode.child_id,
        kind=LocateActionKind(kind),
        description=description.strip(),
        owner_organisation=owner_organisation,
        created_by=_user(actor),
    )
    action.full_clean()
    action.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.LOCATE_ACTION_ADDED,
        target=action,
        payload={"episode_id": episode.pk, "kind": action.kind, "owner_id": owner_organisation.pk},
    )
    return action


@use_case
def locate_action_record_outcome(
    *, action: LocateAction, actor: Actor, outcome: str, done_at: datetime | None = None
) -> LocateAction:
    """The action is done: what came of it (a place checked and the child not there, say)."""
    action = LocateAction.objects.select_for_update().select_related("episode").get(pk=action.pk)
    _check_not_voided(action.episode)
    if action.is_done:
        raise ApplicationError(ALREADY_DONE, code="action_done")
    if not outcome.strip():
        raise ValidationError({"outcome": OUTCOME_MISSING})
    done_at = done_at or timezone.now()
    not_in_future(done_at, field="done_at")
    if done_at < action.episode.last_seen_at:
        raise ValidationError({"done_at": BEFORE_LAST_SEEN})
    action.done_at, action.done_by, action.outcome = done_at, _user(actor), outcome.strip()
    action.full_clean()
    action.save(update_fields=["done_at", "done_by", "outcome", "updated_at"])
    audit_record(
        actor=actor,
        verb=AuditVerb.LOCATE_ACTION_DONE,
        target=action,
        payload={"episode_id": action.episode_id},
    )
    return action


# --- Sightings and leads -----------------------------------------------------------------


@use_case
def sighting_record(
    *,
    episode: MissingEpisode,
    actor: Actor,
    seen_at: datetime,
    source: str,
    kind: str = SightingKind.SIGHTING,
    place: str = "",
    postcode: str = "",
    place_kind: str = LocationKind.OTHER,
    source_detail: str = "",
    note: str = "",
) -> Sighting:
    """A sighting of, or a lead about, the child while missing, at a place (with coordinates
    from its postcode, homesafe.episodes.postcodes) when one is given. From a person of any
    agency that may see the child, or from a police system (homesafe.intake)."""
    _check_not_voided(episode)
    _check_while_missing(episode, seen_at, "seen_at")
    location = None
    if place.strip() or postcode.strip():
        location = location_create(
            actor=actor,
            kind=place_kind or LocationKind.OTHER,
            description=place,
            postcode=postcode,
            child_id=episode.child_id,
        )
    user = _user(actor)
    sighting = Sighting(
        episode=episode,
        child_id=episode.child_id,
        kind=SightingKind(kind),
        seen_at=seen_at,
        location=location,
        source=SightingSource(source),
        source_detail=source_detail.strip(),
        note=note.strip(),
        recorded_by=user,
        recorded_by_organisation_id=user.organisation_id if user else None,
        recorded_by_label="" if user else actor.label,
    )
    sighting.full_clean()
    sighting.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.SIGHTING_RECORDED,
        target=sighting,
        payload={
            "episode_id": episode.pk,
            "kind": sighting.kind,
            "source": sighting.source,
            "location_id": location.pk if location else None,
        },
    )
    return sighting


def sighting_values(sighting: Sighting) -> dict[str, object]:
    """The sighting's changeable values, as its form spells them: what its version is made of."""
    location = sighting.location
    return {
        "kind": sighting.kind,
        "seen_at": sighting.seen_at,
        "source": sighting.source,
        "source_detail": sighting.source_detail,
        "note": sighting.note,
        "place": location.description if location else "",
        "postcode": location.postcode if location else "",
        "place_kind": location.kind if location else "",
    }


def sighting_edit_version(sighting: Sighting) -> str:
    """The version a change sends back (the form's hidden field)."""
    return edit_version(sighting_values(sighting))


def _sighting_locked(sighting: Sighting) -> Sighting:
    sighting = (
        Sighting.objects.select_for_update(of=("self",))
        .select_related("episode", "location")
        .get(pk=sighting.pk)
    )
    _check_not_voided(sighting.episode)
    if sighting.is_removed:
        raise ApplicationError(SIGHTING_REMOVED, code="sighting_removed")
    return sighting


@use_case
def sighting_change(
    *,
    sighting: Sighting,
    actor: Actor,
    seen_at: datetime,
    source: str,
    kind: str = SightingKind.SIGHTING,
    place: str = "",
    postcode: str = "",
    place_kind: str = "",
    source_detail: str = "",
    note: str = "",
    version: str | None = None,
) -> Sighting:
    """Correct a sighting or lead (the agency that recorded it, or the missing coordinator:
    policy.can_change_sighting). The same rules as recording it; a new place is a new location
    (the old one stays, as places do). With `version` (sighting_edit_version of what the person
    saw), a change made after someone else's is refused with StaleEdit. Audited with the names
    of the fields changed, never their values."""
    sighting = _sighting_locked(sighting)
    before = sighting_values(sighting)
    edit_check(version=version, current=before)
    _check_while_missing(sighting.episode, seen_at, "seen_at")
    after = {
        "kind": SightingKind(kind).value,
        "seen_at": seen_at,
        "source": SightingSource(source).value,
        "source_detail": source_detail.strip(),
        "note": note.strip(),
        "place": place.strip(),
        "postcode": normalise_postcode(postcode) if postcode.strip() else "",
        "place_kind": "",
    }
    if after["place"] or after["postcode"]:
        after["place_kind"] = LocationKind(place_kind or LocationKind.OTHER).value
    changed = sorted(name for name in after if after[name] != before[name])
    if not changed:
        return sighting
    if {"place", "postcode", "place_kind"} & set(changed):
        sighting.location = None
        if after["place"] or after["postcode"]:
            sighting.location = location_create(
                actor=actor,
                kind=after["place_kind"] or LocationKind.OTHER,
                description=after["place"],
                postcode=after["postcode"],
                child_id=sighting.child_id,
            )
    for name in ("kind", "seen_at", "source", "source_detail", "note"):
        setattr(sighting, name, after[name])
    sighting.changed_at, sighting.changed_by = timezone.now(), _user(actor)
    sighting.full_clean()
    sighting.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.SIGHTING_CHANGED,
        target=sighting,
        payload={
            "episode_id": sighting.episode_id,
            "fields": changed,
            "location_id": sighting.location_id,
        },
    )
    return sighting


@use_case
def sighting_remove(*, sighting: Sighting, actor: Actor, reason: str) -> Sighting:
    """Take a sighting or lead out of the search (recorded against the wrong child, say): the
    row is kept with who removed it, when and why, and the audit log names the removal."""
    sighting = _sighting_locked(sighting)
    if not reason.strip():
        raise ValidationError({"reason": REMOVAL_REASON_MISSING})
    sighting.removed_at, sighting.removed_by = timezone.now(), _user(actor)
    sighting.removal_reason = reason.strip()
    sighting.full_clean()
    sighting.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    audit_record(
        actor=actor,
        verb=AuditVerb.SIGHTING_REMOVED,
        target=sighting,
        payload={"episode_id": sighting.episode_id},
    )
    return sighting


# --- Publicity ---------------------------------------------------------------------------


@use_case
def publicity_record(
    *,
    episode: MissingEpisode,
    actor: Actor,
    decided_at: datetime,
    decision: str,
    approved_by: str = "",
    channels: list[str] | None = None,
    consent: str = "",
    reasons: str = "",
    client_key: str = "",
) -> Publicity:
    """Publicity considered while the child is missing: approved (by whom, on which channels,
    with whose consent) or not (why). Either fulfils the duty to consider publicity."""
    episode = _locked(episode)
    _check_client_key(Publicity, client_key)
    _check_open(episode)
    _check_while_missing(episode, decided_at, "decided_at")
    decision = PublicityDecisionKind(decision)
    chosen = [PublicityChannel(c).value for c in channels or []]
    errors = {}
    if decision == PublicityDecisionKind.APPROVED:
        if not approved_by.strip():
            errors["approved_by"] = APPROVED_BY_MISSING
        if not chosen:
            errors["channels"] = CHANNELS_MISSING
        if not consent:
            errors["consent"] = CONSENT_MISSING
    elif not reasons.strip():
        errors["reasons"] = REASONS_MISSING
    if errors:
        raise ValidationError(errors)
    approved = decision == PublicityDecisionKind.APPROVED
    publicity = Publicity(
        episode=episode,
        child_id=episode.child_id,
        decided_at=decided_at,
        decision=decision,
        approved_by=approved_by.strip() if approved else "",
        channels=chosen if approved else [],
        consent=PublicityConsent(consent).value if approved else "",
        reasons=reasons.strip(),
        recorded_by=_user(actor),
        recorded_by_label=_label(actor),
        client_key=client_key,
    )
    publicity.full_clean()
    publicity.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.PUBLICITY_RECORDED,
        target=publicity,
        payload={"episode_id": episode.pk, "decision": decision.value, "channels": chosen},
    )
    facts_changed(child_id=episode.child_id)
    return publicity


@use_case
def publicity_withdraw(
    *, publicity: Publicity, actor: Actor, withdrawn_at: datetime | None = None
) -> Publicity:
    """Approved publicity taken down: due once the child returns (a duty), or earlier."""
    publicity = Publicity.objects.select_for_update().get(pk=publicity.pk)
    if not publicity.is_live:
        raise ApplicationError(NOT_LIVE, code="publicity_not_live")
    withdrawn_at = withdrawn_at or timezone.now()
    not_in_future(withdrawn_at, field="withdrawn_at")
    if withdrawn_at < publicity.decided_at:
        raise ValidationError({"withdrawn_at": BEFORE_DECISION})
    publicity.withdrawn_at, publicity.withdrawn_by = withdrawn_at, _user(actor)
    publicity.full_clean()
    publicity.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_record(
        actor=actor,
        verb=AuditVerb.PUBLICITY_WITHDRAWN,
        target=publicity,
        payload={"episode_id": publicity.episode_id},
    )
    facts_changed(child_id=publicity.child_id)
    return publicity


# --- Missing People and the UK Missing Persons Unit ----------------------------------------


@use_case
def missing_agency_contact_record(
    *,
    episode: MissingEpisode,
    actor: Actor,
    agency: str,
    contacted_at: datetime,
    reference: str = "",
    note: str = "",
    client_key: str = "",
) -> MissingAgencyContact:
    """Missing People (the charity) or the UK Missing Persons Unit contacted: when, their
    reference. Contacting Missing People fulfils the duty to contact them."""
    episode = _locked(episode)
    _check_client_key(MissingAgencyContact, client_key)
    _check_not_voided(episode)
    _check_while_missing(episode, contacted_at, "contacted_at")
    contact = MissingAgencyContact(
        episode=episode,
        child_id=episode.child_id,
        agency=MissingAgency(agency),
        contacted_at=contacted_at,
        reference=reference.strip(),
        note=note.strip(),
        recorded_by=_user(actor),
        recorded_by_label=_label(actor),
        client_key=client_key,
    )
    contact.full_clean()
    contact.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.MISSING_AGENCY_CONTACTED,
        target=contact,
        payload={"episode_id": episode.pk, "agency": contact.agency},
    )
    facts_changed(child_id=episode.child_id)
    return contact


# --- The police Safe and Well check on return --------------------------------------------


@use_case
def safe_and_well_record(
    *,
    episode: MissingEpisode,
    actor: Actor,
    held_at: datetime,
    findings: str,
    officer: str = "",
    police_force: Organisation | None = None,
    harm_disclosed: bool = False,
    exploitation_indicators: bool = False,
    client_key: str = "",
) -> SafeAndWellCheck:
    """The police Safe and Well (prevention) interview after the return, with its findings.
    One per episode; it fulfils the Safe and Well duty."""
    episode = _locked(episode)
    _check_client_key(SafeAndWellCheck, client_key)
    _check_not_voided(episode)
    if episode.is_open:
        raise ApplicationError(EPISODE_NOT_RETURNED, code="episode_open")
    if SafeAndWellCheck.objects.filter(episode=episode).exists():
        raise ApplicationError(SAFE_AND_WELL_EXISTS, code="safe_and_well_recorded")
    not_in_future(held_at, field="held_at")
    errors = {}
    if held_at < episode.returned_at:
        errors["held_at"] = BEFORE_RETURN
    if not findings.strip():
        errors["findings"] = FINDINGS_MISSING
    force = police_force or episode.police_force
    user = _user(actor)
    if force is None and user is not None and user.organisation.type == OrganisationType.POLICE:
        force = user.organisation
    if force is not None and force.type != OrganisationType.POLICE:
        errors["police_force"] = FORCE_NOT_POLICE
    if errors:
        raise ValidationError(errors)
    check = SafeAndWellCheck(
        episode=episode,
        child_id=episode.child_id,
        held_at=held_at,
        police_force=force,
        officer=officer.strip(),
        findings=findings.strip(),
        harm_disclosed=harm_disclosed,
        exploitation_indicators=exploitation_indicators,
        recorded_by=user,
        recorded_by_label=_label(actor),
        client_key=client_key,
    )
    check.full_clean()
    check.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.SAFE_AND_WELL_RECORDED,
        target=check,
        payload={"episode_id": episode.pk},
    )
    facts_changed(child_id=episode.child_id)
    return check
