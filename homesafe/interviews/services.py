"""Writes to return home interviews: one function per use case, in a transaction, audited
(ids and field names only, never what the child said), then the child's duties re-planned
so that rhi_offer and rhi_complete close."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from homesafe.access.audit import Actor, audit_record
from homesafe.access.choices import AuditVerb, OrganisationType
from homesafe.access.edits import edit_check, edit_version
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Organisation, User
from homesafe.access.times import not_in_future
from homesafe.access.transitions import check_transition
from homesafe.concerns.choices import LinkKind, PersonKind
from homesafe.concerns.models import PersonLink, PersonOfConcern
from homesafe.concerns.queries import persons_visible_to
from homesafe.concerns.services import person_of_concern_link, person_of_concern_record
from homesafe.episodes.models import MissingEpisode
from homesafe.interviews.choices import (
    ALLOWED_TRANSITIONS,
    NONE_IDENTIFIED,
    TERM_FIELDS,
    AttemptOutcome,
    ConsentToShare,
    ContactMethod,
    InterviewStatus,
    Referral,
)
from homesafe.interviews.models import ContactAttempt, ReturnInterview
from homesafe.interviews.queries import Taxonomy, interview_taxonomy
from homesafe.use_cases import facts_changed, use_case

EPISODE_OPEN = "The child has not returned yet: a return interview is offered after the return."
ALREADY_OFFERED = "A return interview has already been offered for this episode."
CLOSED_TO_ATTEMPTS = "The interview is {current}: it cannot now be recorded as {target}."
BEFORE_RETURN = "The time cannot be before the child returned ({returned})"
BEFORE_OFFER = "The time cannot be before the interview was offered"
NO_ATTEMPTS = "Record at least one attempt to contact the child first"
REASON_MISSING = "Enter why the child declined"
HELD_WHERE_MISSING = "Enter where the interview was held"
HELD_BY_MISSING = "Enter who held the interview"
INDEPENDENT_MISSING = "Select whether the interviewer was independent of the child's care"
NOT_INDEPENDENT_REASON_MISSING = "Enter why the interviewer was not independent"
UNKNOWN_CHOICE = "Choose from the list: {values} is not one of the options"
RETIRED_TERM = "{labels} is no longer offered: choose from the list"
EXPLOITATION_QUESTIONS = (
    "The episode was planned or exploitation was a concern: record the exploitation indicators "
    "seen, or None identified"
)
EXPLOITATION_NOTE_MISSING = (
    "The episode was planned or exploitation was a concern: enter what was explored about "
    "exploitation"
)
NONE_AND_INDICATORS = "Select None identified or the indicators seen, not both"
OVERRIDE_REASON_MISSING = "Enter the reason for the safeguarding override"
SHARING_NOT_ALLOWED = (
    "The child has not consented to sharing: share only with a safeguarding override"
)
SUMMARY_MISSING = "Enter the summary to share with the agencies chosen"
REFERRAL_OTHER_MISSING = "Enter the other referral made"
ORGANISATION_KIND = "Choose a local authority or return interview service"
NOT_COMPLETED = "The interview has not been recorded as held yet."
PERSONS_MISSING = "Choose a person of concern, or enter the name of a new one"
PERSON_NOT_VISIBLE = "Choose from the persons of concern you can see"
PERSON_KIND_UNKNOWN = "Select adult, peer or not known"

FACTOR_FIELDS = ("push_factors", "pull_factors", "exploitation_indicators", "exploitation_note")


def interview_check_transition(interview: ReturnInterview, *, to: str) -> None:
    check_transition(
        allowed=ALLOWED_TRANSITIONS,
        statuses=InterviewStatus,
        record="interview",
        current=interview.status,
        to=to,
    )


def _check_time(
    field: str,
    value: datetime,
    *,
    episode: MissingEpisode,
    offered_at: datetime | None = None,
) -> None:
    not_in_future(value, field=field)
    if episode.returned_at and value < episode.returned_at:
        returned = timezone.localtime(episode.returned_at).strftime("%-d %b %Y %H:%M")
        raise ValidationError({field: BEFORE_RETURN.format(returned=returned)})
    if offered_at and value < offered_at:
        raise ValidationError({field: BEFORE_OFFER})


def _choices(field: str, values: Iterable[str], allowed: type) -> list[str]:
    values = list(dict.fromkeys(values))  # keep order, drop repeats
    unknown = [v for v in values if v not in allowed.values]
    if unknown:
        raise ValidationError({field: UNKNOWN_CHOICE.format(values=", ".join(unknown))})
    return values


def _terms(
    field: str, values: Iterable[str], *, taxonomy: Taxonomy, held: Iterable[str] = ()
) -> list[str]:
    """Codes of the field's kind that the form offers: active terms, and retired terms the
    record already holds (kept on save). An unknown or newly chosen retired code names the field."""
    kind, held = TERM_FIELDS[field], set(held)
    values = list(dict.fromkeys(values))  # keep order, drop repeats
    terms = {v: taxonomy.get(kind, v) for v in values}
    unknown = [v for v, term in terms.items() if term is None]
    if unknown:
        raise ValidationError({field: UNKNOWN_CHOICE.format(values=", ".join(unknown))})
    retired = [t.label for v, t in terms.items() if t.is_retired and v not in held]
    if retired:
        raise ValidationError({field: RETIRED_TERM.format(labels=", ".join(retired))})
    return values


def _actor_user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _finish(interview: ReturnInterview, verb: AuditVerb, actor: Actor, **payload) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=interview,
        payload={"episode_id": interview.episode_id, **payload},
    )
    facts_changed(child_id=interview.child_id)


@use_case
def interview_offer(
    *,
    episode: MissingEpisode,
    offered_at: datetime,
    offered_by_organisation: Organisation,
    offered_by_name: str,
    offer_method: str,
    actor: Actor,
) -> ReturnInterview:
    """Record that a return home interview was offered to the child after this episode."""
    if episode.returned_at is None:
        raise ApplicationError(EPISODE_OPEN, code="episode_open")
    if ReturnInterview.objects.filter(episode=episode).exists():
        raise ApplicationError(ALREADY_OFFERED, code="interview_exists")
    if offered_by_organisation.type not in (
        OrganisationType.LOCAL_AUTHORITY,
        OrganisationType.RHI_SERVICE,
    ):
        raise ValidationError({"offered_by_organisation": ORGANISATION_KIND})
    _check_time("offered_at", offered_at, episode=episode)
    interview = ReturnInterview(
        episode=episode,
        child_id=episode.child_id,
        offered_at=offered_at,
        offered_by_organisation=offered_by_organisation,
        offered_by_name=offered_by_name.strip(),
        offer_method=ContactMethod(offer_method),
        recorded_by=_actor_user(actor),
    )
    interview.full_clean()
    interview.save()
    _finish(interview, AuditVerb.INTERVIEW_OFFERED, actor, method=offer_method)
    return interview


@use_case
def interview_record_attempt(
    *,
    interview: ReturnInterview,
    attempted_at: datetime,
    method: str,
    outcome: str,
    actor: Actor,
    note: str = "",
) -> ContactAttempt:
    """Record one attempt to reach the child about the interview (status unchanged)."""
    if interview.status in (InterviewStatus.DECLINED, InterviewStatus.COMPLETED):
        raise ApplicationError(
            CLOSED_TO_ATTEMPTS.format(
                current=interview.get_status_display().lower(), target="a contact attempt"
            ),
            code="interview_closed",
        )
    _check_time("attempted_at", attempted_at, episode=interview.episode)
    attempt = ContactAttempt(
        interview=interview,
        attempted_at=attempted_at,
        method=ContactMethod(method),
        outcome=AttemptOutcome(outcome),
        note=note.strip(),
        recorded_by=_actor_user(actor),
    )
    attempt.full_clean()
    attempt.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.INTERVIEW_ATTEMPTED,
        target=attempt,
        child_id=interview.child_id,
        payload={"interview_id": interview.pk, "method": method, "outcome": outcome},
    )
    return attempt


@use_case
def interview_accept(
    *, interview: ReturnInterview, accepted_at: datetime, actor: Actor
) -> ReturnInterview:
    interview_check_transition(interview, to=InterviewStatus.ACCEPTED)
    _check_time("accepted_at", accepted_at, episode=interview.episode)
    interview.status, interview.accepted_at = InterviewStatus.ACCEPTED, accepted_at
    interview.full_clean()
    interview.save(update_fields=["status", "accepted_at", "updated_at"])
    _finish(interview, AuditVerb.INTERVIEW_ACCEPTED, actor)
    return interview


@use_case
def interview_decline(
    *, interview: ReturnInterview, declined_at: datetime, decline_reason: str, actor: Actor
) -> ReturnInterview:
    """The child declined the interview: the rhi_complete duty closes (refusal recorded)."""
    interview_check_transition(interview, to=InterviewStatus.DECLINED)
    _check_time("declined_at", declined_at, episode=interview.episode)
    if not decline_reason.strip():
        raise ValidationError({"decline_reason": REASON_MISSING})
    interview.status = InterviewStatus.DECLINED
    interview.declined_at, interview.decline_reason = declined_at, decline_reason.strip()
    interview.full_clean()
    interview.save(update_fields=["status", "declined_at", "decline_reason", "updated_at"])
    drafts = sorted(interview.drafts.values_list("pk", flat=True))
    interview.drafts.all().delete()  # nothing more will be recorded
    _finish(interview, AuditVerb.INTERVIEW_DECLINED, actor, drafts_discarded=drafts)
    return interview


@use_case
def interview_mark_unreachable(
    *, interview: ReturnInterview, unreachable_at: datetime, actor: Actor, note: str = ""
) -> ReturnInterview:
    """The child could not be reached after the attempts recorded (the duty stays open)."""
    interview_check_transition(interview, to=InterviewStatus.UNREACHABLE)
    _check_time("unreachable_at", unreachable_at, episode=interview.episode)
    if not interview.attempts.exists():
        raise ValidationError({"unreachable_at": NO_ATTEMPTS})
    interview.status = InterviewStatus.UNREACHABLE
    interview.unreachable_at, interview.unreachable_note = unreachable_at, note.strip()
    interview.full_clean()
    interview.save(update_fields=["status", "unreachable_at", "unreachable_note", "updated_at"])
    _finish(interview, AuditVerb.INTERVIEW_UNREACHABLE, actor)
    return interview


def _check_factors(
    errors: dict[str, str],
    interview: ReturnInterview,
    *,
    push_factors: Iterable[str],
    pull_factors: Iterable[str],
    exploitation_indicators: Iterable[str],
    exploitation_note: str,
) -> dict[str, list[str]]:
    """The factors and indicators checked against the taxonomy (a retired term the record
    holds is kept), and the exploitation questions rule. Problems go into `errors`, by field."""
    taxonomy = interview_taxonomy()
    chosen: dict[str, list[str]] = {}
    for field, values in (
        ("push_factors", push_factors),
        ("pull_factors", pull_factors),
        ("exploitation_indicators", exploitation_indicators),
    ):
        try:
            chosen[field] = _terms(
                field, values, taxonomy=taxonomy, held=getattr(interview, field) or ()
            )
        except ValidationError as error:
            errors[field] = error.error_dict[field][0].message
            chosen[field] = []
    indicators = chosen["exploitation_indicators"]
    if NONE_IDENTIFIED in indicators and len(indicators) > 1:
        errors.setdefault("exploitation_indicators", NONE_AND_INDICATORS)
    # The North Yorkshire finding: a planned episode, or one with a known exploitation
    # concern, is not complete until the exploitation questions are answered.
    episode = interview.episode
    if episode.pre_planned or episode.exploitation_concern:
        if not indicators:
            errors.setdefault("exploitation_indicators", EXPLOITATION_QUESTIONS)
        if not exploitation_note.strip():
            errors.setdefault("exploitation_note", EXPLOITATION_NOTE_MISSING)
    return chosen


# The fields interview_complete writes (named in its audit entry, never their values).
CONTENT_FIELDS = (
    "held_at",
    "held_where",
    "held_by_name",
    "held_by_organisation",
    "independent",
    "not_independent_reason",
    "push_factors",
    "pull_factors",
    "where_went",
    "with_whom",
    "travel",
    "harm_disclosed",
    "exploitation_indicators",
    "exploitation_note",
    "childs_words",
    "carers_view",
    "apps_used",
    "devices_used",
    "online_contacts",
    "consent_to_share",
    "safeguarding_override",
    "override_reason",
    "referrals",
    "referrals_other",
    "shareable_summary",
)


def _complete_problems(
    interview: ReturnInterview,
    *,
    held_at: datetime | None = None,
    held_where: str = "",
    held_by_name: str = "",
    independent: bool | None = None,
    not_independent_reason: str = "",
    push_factors: Iterable[str] = (),
    pull_factors: Iterable[str] = (),
    exploitation_indicators: Iterable[str] = (),
    exploitation_note: str = "",
    referrals: Iterable[str] = (),
    referrals_other: str = "",
    consent_to_share: str = ConsentToShare.NOT_ASKED,
    safeguarding_override: bool = False,
    override_reason: str = "",
    shared_with: list[Organisation] = (),
    shareable_summary: str = "",
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The rules of recording an interview: every problem by field, and the codes chosen."""
    episode = interview.episode
    errors: dict[str, str] = {}

    def check(field: str, ok: bool, message: str) -> None:
        if not ok and field not in errors:
            errors[field] = message

    if held_at is not None:  # a missing time is the form's to report
        try:
            _check_time("held_at", held_at, episode=episode, offered_at=interview.offered_at)
        except ValidationError as error:
            errors.update({k: v[0].message for k, v in error.error_dict.items()})
    check("held_where", bool(held_where.strip()), HELD_WHERE_MISSING)
    check("held_by_name", bool(held_by_name.strip()), HELD_BY_MISSING)
    check("independent", independent is not None, INDEPENDENT_MISSING)
    check(
        "not_independent_reason",
        independent is not False or bool(not_independent_reason.strip()),
        NOT_INDEPENDENT_REASON_MISSING,
    )
    chosen = _check_factors(
        errors,
        interview,
        push_factors=push_factors,
        pull_factors=pull_factors,
        exploitation_indicators=exploitation_indicators,
        exploitation_note=exploitation_note,
    )
    try:
        chosen["referrals"] = _choices("referrals", referrals, Referral)
    except ValidationError as error:
        errors["referrals"] = error.error_dict["referrals"][0].message
        chosen["referrals"] = []
    check(
        "referrals_other",
        Referral.OTHER not in chosen["referrals"] or bool(referrals_other.strip()),
        REFERRAL_OTHER_MISSING,
    )
    if consent_to_share not in ConsentToShare.values:
        errors["consent_to_share"] = UNKNOWN_CHOICE.format(values=consent_to_share)
    check(
        "override_reason",
        not safeguarding_override or bool(override_reason.strip()),
        OVERRIDE_REASON_MISSING,
    )
    may_share = consent_to_share == ConsentToShare.YES or safeguarding_override
    check("shared_with", not shared_with or may_share, SHARING_NOT_ALLOWED)
    check("shareable_summary", not shared_with or bool(shareable_summary.strip()), SUMMARY_MISSING)
    return errors, chosen


def interview_complete_problems(*, interview: ReturnInterview, **content) -> dict[str, str]:
    """What interview_complete would refuse in this content, by field, writing nothing: the
    section pages show the problems that checking the answers found."""
    names = set(inspect.signature(_complete_problems).parameters) - {"interview"}
    errors, _ = _complete_problems(interview, **{k: v for k, v in content.items() if k in names})
    return errors


@use_case
def interview_complete(
    *,
    interview: ReturnInterview,
    actor: Actor,
    held_at: datetime,
    held_where: str,
    held_by_name: str,
    independent: bool | None,
    held_by_organisation: Organisation | None = None,
    not_independent_reason: str = "",
    push_factors: Iterable[str] = (),
    pull_factors: Iterable[str] = (),
    where_went: str = "",
    with_whom: str = "",
    travel: str = "",
    harm_disclosed: str = "",
    exploitation_indicators: Iterable[str] = (),
    exploitation_note: str = "",
    childs_words: str = "",
    carers_view: str = "",
    apps_used: str = "",
    devices_used: str = "",
    online_contacts: str = "",
    consent_to_share: str = ConsentToShare.NOT_ASKED,
    safeguarding_override: bool = False,
    override_reason: str = "",
    referrals: Iterable[str] = (),
    referrals_other: str = "",
    shared_with: Iterable[Organisation] = (),
    shareable_summary: str = "",
) -> ReturnInterview:
    """Record the interview as held, with its content. Every problem is collected and raised
    together, by field, so that the form shows them all at once. The child's words are kept
    exactly as written (not even trimmed). Drafts of the record (services_drafts) are
    discarded."""
    interview_check_transition(interview, to=InterviewStatus.COMPLETED)
    shared_with = list(shared_with)
    errors, chosen = _complete_problems(
        interview,
        held_at=held_at,
        held_where=held_where,
        held_by_name=held_by_name,
        independent=independent,
        not_independent_reason=not_independent_reason,
        push_factors=push_factors,
        pull_factors=pull_factors,
        exploitation_indicators=exploitation_indicators,
        exploitation_note=exploitation_note,
        referrals=referrals,
        referrals_other=referrals_other,
        consent_to_share=consent_to_share,
        safeguarding_override=safeguarding_override,
        override_reason=override_reason,
        shared_with=shared_with,
        shareable_summary=shareable_summary,
    )
    indicators = chosen["exploitation_indicators"]
    if errors:
        raise ValidationError(errors)

    interview.status = InterviewStatus.COMPLETED
    interview.held_at = held_at
    interview.held_where = held_where.strip()
    interview.held_by_name = held_by_name.strip()
    interview.held_by_organisation = held_by_organisation
    interview.independent = independent
    interview.not_independent_reason = "" if independent else not_independent_reason.strip()
    interview.push_factors = chosen["push_factors"]
    interview.pull_factors = chosen["pull_factors"]
    interview.exploitation_indicators = indicators
    interview.referrals = chosen["referrals"]
    interview.referrals_other = referrals_other.strip()
    interview.where_went, interview.with_whom, interview.travel = where_went, with_whom, travel
    interview.harm_disclosed = harm_disclosed
    interview.exploitation_note = exploitation_note
    interview.childs_words = childs_words
    interview.carers_view = carers_view
    interview.apps_used, interview.devices_used = apps_used, devices_used
    interview.online_contacts = online_contacts
    interview.consent_to_share = consent_to_share
    interview.safeguarding_override = safeguarding_override
    interview.override_reason = override_reason.strip() if safeguarding_override else ""
    interview.shareable_summary = shareable_summary.strip()
    interview.completed_at = timezone.now()
    interview.recorded_by = _actor_user(actor) or interview.recorded_by
    interview.full_clean()
    interview.save()
    interview.shared_with.set(shared_with)
    filled = [
        name
        for name in CONTENT_FIELDS
        if getattr(interview, name) not in ("", None, [], False) or name == "independent"
    ]
    # The drafts of the record have served their purpose once it is recorded.
    drafts = sorted(interview.drafts.values_list("pk", flat=True))
    interview.drafts.all().delete()
    _finish(
        interview,
        AuditVerb.INTERVIEW_COMPLETED,
        actor,
        fields=filled,
        shared_with=sorted(org.pk for org in shared_with),
        exploitation_identified=interview.exploitation_identified,
        trafficking_identified=interview.trafficking_identified,
        drafts_discarded=drafts,
    )
    return interview


def interview_factors_version(interview: ReturnInterview) -> str:
    """The version of the factors a form sends back with its change (edit_check)."""
    return edit_version({name: getattr(interview, name) for name in FACTOR_FIELDS})


@use_case
def interview_change_factors(
    *,
    interview: ReturnInterview,
    actor: Actor,
    push_factors: Iterable[str] = (),
    pull_factors: Iterable[str] = (),
    exploitation_indicators: Iterable[str] = (),
    exploitation_note: str = "",
    version: str | None = None,
) -> ReturnInterview:
    """Correct the push and pull factors and exploitation indicators of a completed interview.
    A retired term the record holds may be kept; the exploitation questions rule still applies.
    Duties are re-planned: indicators found (or withdrawn) raise (or drop) the concern.

    With `version` (interview_factors_version, what the person saw), a save made after someone
    else's is refused with StaleEdit naming the fields they changed."""
    ReturnInterview.objects.select_for_update().filter(pk=interview.pk).first()
    interview.refresh_from_db(fields=[*FACTOR_FIELDS, "status"])
    edit_check(version=version, current={name: getattr(interview, name) for name in FACTOR_FIELDS})
    if interview.status != InterviewStatus.COMPLETED:
        raise ApplicationError(NOT_COMPLETED, code="interview_not_completed")
    errors: dict[str, str] = {}
    chosen = _check_factors(
        errors,
        interview,
        push_factors=push_factors,
        pull_factors=pull_factors,
        exploitation_indicators=exploitation_indicators,
        exploitation_note=exploitation_note,
    )
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(interview, name) for name in FACTOR_FIELDS}
    interview.push_factors = chosen["push_factors"]
    interview.pull_factors = chosen["pull_factors"]
    interview.exploitation_indicators = chosen["exploitation_indicators"]
    interview.exploitation_note = exploitation_note
    interview.full_clean()
    interview.save(update_fields=[*FACTOR_FIELDS, "updated_at"])
    _finish(
        interview,
        AuditVerb.INTERVIEW_FACTORS_CHANGED,
        actor,
        changed=[name for name in FACTOR_FIELDS if getattr(interview, name) != before[name]],
        exploitation_identified=interview.exploitation_identified,
        trafficking_identified=interview.trafficking_identified,
    )
    return interview


@use_case
def interview_link_persons(
    *,
    interview: ReturnInterview,
    actor: Actor,
    persons: Iterable[PersonOfConcern] = (),
    new_person_name: str = "",
    new_person_kind: str = PersonKind.NOT_KNOWN,
    new_person_aliases: str = "",
    new_person_description: str = "",
    note: str = "",
) -> list[PersonLink]:
    """Link persons of concern named in a held interview to the child: known ones the recorder
    may see, and perhaps a new one. Each link's source is the interview (and its episode).
    Linking a person already linked by this interview again changes nothing."""
    if interview.status != InterviewStatus.COMPLETED:
        raise ApplicationError(NOT_COMPLETED, code="interview_not_completed")
    persons = list(dict.fromkeys(persons))
    user = _actor_user(actor)
    if not persons and not new_person_name.strip():
        raise ValidationError({"persons": PERSONS_MISSING})
    if new_person_name.strip() and new_person_kind and new_person_kind not in PersonKind.values:
        raise ValidationError({"new_person_kind": PERSON_KIND_UNKNOWN})
    if user is not None and persons:
        visible = set(
            persons_visible_to(user=user)
            .filter(pk__in=[p.pk for p in persons])
            .values_list("pk", flat=True)
        )
        if any(p.pk not in visible for p in persons):
            raise ValidationError({"persons": PERSON_NOT_VISIBLE})
    already = set(interview.person_links.values_list("person_id", flat=True))
    child, episode = interview.child, interview.episode
    link_args = {"child": child, "actor": actor, "interview": interview, "note": note}
    links = [
        person_of_concern_link(
            person=person, kind=LinkKind.NAMED_IN_INTERVIEW, episode=episode, **link_args
        )
        for person in persons
        if person.pk not in already
    ]
    if new_person_name.strip():
        try:
            person = person_of_concern_record(
                name=new_person_name,
                kind=new_person_kind or PersonKind.NOT_KNOWN,
                aliases=new_person_aliases,
                description=new_person_description,
                link_kind=LinkKind.NAMED_IN_INTERVIEW,
                episode=episode,
                link_note=note,
                **{k: v for k, v in link_args.items() if k != "note"},
            )
        except ValidationError as error:
            raise ValidationError(
                {f"new_person_{k}": v for k, v in error.message_dict.items()}
            ) from error
        links.append(person.links.get(interview=interview))
    audit_record(
        actor=actor,
        verb=AuditVerb.INTERVIEW_PERSONS_LINKED,
        target=interview,
        payload={
            "episode_id": interview.episode_id,
            "person_ids": sorted(link.person_id for link in links),
            "new_person": bool(new_person_name.strip()),
        },
    )
    return links
