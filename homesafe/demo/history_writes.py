"""Synthetic demo data, the bulk path: the children's records and their episodes from before
the duties window, and the duties done, written by a few bulk statements instead of one use
case per fact.

Each row is built as its service builds it (the same normalising, the same derived fields),
checked by its model's field validators and `clean`, and given the audit entries its service
would write, in the same order; the database holds the constraints. The duties window is left
to the services (homesafe.demo.write): a re-plan of a child with no episode reported since the
protocol came into force and no open duty does nothing, so skipping those re-plans changes
nothing. tests/demo/test_seed_demo.py holds this path equal to the services' path on one plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.utils import timezone

from homesafe.access.choices import AuditVerb
from homesafe.access.models import AuditEntry, Organisation, User
from homesafe.demo.history_interviews import interview_rows
from homesafe.demo.plan import ChildPlan, EpisodePlan, Place
from homesafe.demo.vocabulary import POLICE
from homesafe.duties.choices import DutyEventKind, DutyState
from homesafe.duties.models import Duty, DutyEvent
from homesafe.episodes.choices import (
    EpisodeStatus,
    EpisodeType,
    FoundBy,
    LocationKind,
    PrePlannedIndicator,
    ReportedBy,
    RiskGrade,
)
from homesafe.episodes.models import Location, MissingEpisode, RiskGrading
from homesafe.episodes.postcodes import postcode_lookup
from homesafe.interviews.models import ContactAttempt, ReturnInterview
from homesafe.people.choices import Cohort, LegalStatus, NetworkRole, PlacementType
from homesafe.people.models import (
    CarePeriod,
    Child,
    ChildAlias,
    CohortPeriod,
    NetworkMember,
    Placement,
)
from homesafe.people.validators import normalise_postcode

BATCH = 1000


def _checked(instance: models.Model) -> models.Model:
    """The model's own field checks and `clean`, as full_clean runs them in the services, less
    the queries: related rows are ones just written, and the database holds the constraints."""
    related = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    instance.full_clean(exclude=related, validate_unique=False, validate_constraints=False)
    return instance


def _day_before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


@dataclass
class _Audit:
    """An audit entry waiting for its target's id: (verb, target, child, payload maker)."""

    verb: str
    target: models.Model
    child: Child
    payload: object = field(default=None)  # a dict, or a callable that makes it after the insert
    by_child: bool = True  # audited against the child (False: a public place)


class HistoryWrites:
    """The children's records and their episodes before `before`, written in bulk.

    `write` returns the children by plan key; `locations` is shared with the services' writer,
    so a place named again in the duties window is the same Location.
    """

    def __init__(
        self,
        *,
        admin: User,
        organisations: dict[str, Organisation],
        users: dict[str, User],
        locations: dict[str, Location],
        before: datetime,
    ):
        self.admin = admin
        self.organisations = organisations
        self.users = users
        self.locations = locations
        self.before = before
        self.audits: list[_Audit] = []
        self.new_locations: list[Location] = []
        self.interviews: list[ReturnInterview] = []
        self.attempts: list[ContactAttempt] = []

    def write(self, plans, progress) -> dict[str, Child]:
        """Write every child's record and early episodes (progress: homesafe.demo.write)."""
        progress.stage("Children's records", len(plans))
        children = [_checked(self._child(plan)) for plan in plans]
        Child.objects.bulk_create(children, batch_size=BATCH)
        by_key = {plan.key: child for plan, child in zip(plans, children, strict=True)}
        rows: dict[type, list[models.Model]] = {
            ChildAlias: [],
            CohortPeriod: [],
            CarePeriod: [],
            Placement: [],
            NetworkMember: [],
        }
        episodes: list[MissingEpisode] = []
        gradings: list[RiskGrading] = []
        for plan, child in zip(plans, children, strict=True):
            self.audits.append(_Audit(AuditVerb.CHILD_CREATED, child, child))
            self._record(plan, child, rows)
            for episode_plan in plan.episodes:
                if episode_plan.reported_at >= self.before:
                    break  # the duties window: through the services
                episode, episode_gradings = self._episode(child, episode_plan)
                episodes.append(episode)
                gradings += episode_gradings
            progress.advance()
        progress.stage("Writing the records", len(rows) + 6)
        for model, instances in rows.items():
            model.objects.bulk_create(instances, batch_size=BATCH)
            progress.advance()
        for model, instances in (
            (Location, self.new_locations),
            (MissingEpisode, episodes),
            (RiskGrading, gradings),
            (ReturnInterview, self.interviews),
            (ContactAttempt, self.attempts),
        ):
            model.objects.bulk_create(instances, batch_size=BATCH)
            progress.advance()
        AuditEntry.objects.bulk_create(
            [self._audit_entry(audit) for audit in self.audits], batch_size=BATCH
        )
        progress.advance()
        return by_key

    # --- one child's record: child_create, cohort_record, care_period_start, placement_record,
    # network_member_add ---

    def _child(self, plan: ChildPlan) -> Child:
        organisations = self.organisations
        return Child(
            responsible_la=organisations[plan.responsible_la],
            first_name=plan.first_name,
            last_name=plan.last_name,
            date_of_birth=plan.date_of_birth,
            sex=plan.sex,
            ethnicity=plan.ethnicity,
            religion=plan.religion,
            first_language=plan.first_language,
            la_child_id=plan.la_child_id,
            nhs_number=plan.nhs_number.replace(" ", ""),
            upn=plan.upn.upper(),
            police_person_id=plan.police_person_id,
            school=organisations[plan.school] if plan.school else None,
            allocated_social_worker=self.users.get(plan.social_worker),
        )

    def _record(self, plan: ChildPlan, child: Child, rows: dict) -> None:
        organisations, audits = self.organisations, self.audits
        for name in plan.aliases:
            if name.strip():
                rows[ChildAlias].append(_checked(ChildAlias(child=child, name=name.strip())))
        steps = plan.cohorts
        for n, step in enumerate(steps):
            period = CohortPeriod(
                child=child,
                cohort=Cohort(step.cohort),
                started_on=step.started_on or timezone.localdate(),
                ended_on=_day_before(steps[n + 1].started_on) if n + 1 < len(steps) else None,
            )
            rows[CohortPeriod].append(_checked(period))
            if n:  # the first comes with the child (child_create), unaudited on its own
                payload = {"cohort": step.cohort}
                audits.append(_Audit(AuditVerb.COHORT_RECORDED, period, child, payload))
        if plan.care:
            period = CarePeriod(
                child=child,
                legal_status=LegalStatus(plan.care.legal_status),
                placing_la=organisations[plan.care.placing_la],
                started_on=plan.care.started_on,
            )
            rows[CarePeriod].append(_checked(period))
            payload = {"legal_status": plan.care.legal_status}
            audits.append(_Audit(AuditVerb.CARE_PERIOD_RECORDED, period, child, payload))
        placements = plan.placements
        for n, spec in enumerate(placements):
            placement = Placement(
                child=child,
                placement_type=PlacementType(spec.placement_type),
                placing_la=organisations[spec.placing_la],
                host_la=organisations[spec.host_la],
                started_on=spec.started_on,
                ended_on=(
                    _day_before(placements[n + 1].started_on) if n + 1 < len(placements) else None
                ),
                postcode=normalise_postcode(spec.postcode),
                provider=spec.provider,
            )
            rows[Placement].append(_checked(placement))
            payload = {"placement_type": spec.placement_type, "out_of_area": placement.out_of_area}
            audits.append(_Audit(AuditVerb.PLACEMENT_RECORDED, placement, child, payload))
        for spec in plan.network:
            member = NetworkMember(
                child=child,
                organisation=organisations[spec.organisation],
                role=NetworkRole(spec.role),
                contact_name=spec.contact_name,
                contact_email=spec.contact_email,
                user=self.users.get(spec.user),
            )
            if spec.started_on:
                member.started_on = spec.started_on
            rows[NetworkMember].append(_checked(member))
            organisation_id = organisations[spec.organisation].pk
            payload = {"organisation_id": organisation_id, "role": spec.role}
            if member.user is not None:
                payload["user_id"] = member.user.pk
            audits.append(_Audit(AuditVerb.NETWORK_MEMBER_ADDED, member, child, payload))

    # --- one episode: location_create, episode_report, episode_regrade, episode_record_return ---

    def _location(self, place: Place | None, child: Child) -> Location | None:
        if place is None:
            return None
        location = self.locations.get(place.key)
        if location is None:
            location = Location(
                kind=LocationKind(place.kind),
                description=place.description.strip(),
                postcode=normalise_postcode(place.postcode) if place.postcode else "",
            )
            if location.postcode:
                point = postcode_lookup(location.postcode)
                if point is not None:
                    location.latitude, location.longitude = point.latitude, point.longitude
            self.locations[place.key] = _checked(location)
            self.new_locations.append(location)
            self.audits.append(
                _Audit(AuditVerb.LOCATION_CREATED, location, child, by_child=place.private)
            )
        return location

    def _episode(self, child: Child, plan: EpisodePlan) -> tuple[MissingEpisode, list[RiskGrading]]:
        """The episode as reported, re-graded and returned, with its gradings."""
        admin = self.admin
        indicators = [PrePlannedIndicator(i).value for i in plan.pre_planned_indicators]
        episode = MissingEpisode(
            child=child,
            episode_type=EpisodeType(plan.episode_type),
            last_seen_at=plan.last_seen_at,
            last_seen_location=self._location(plan.last_seen_place, child),
            reported_at=plan.reported_at,
            police_force=self.organisations[POLICE],
            police_reference=plan.police_reference.strip(),
            circumstances=plan.circumstances,
            description_and_clothing=plan.description_and_clothing,
            reported_by=ReportedBy(plan.reported_by),
            pre_planned=bool(indicators),
            pre_planned_indicators=indicators,
            created_by=admin,
        )
        gradings = [
            RiskGrading(
                episode=episode,
                grade=RiskGrade(plan.risk),
                graded_at=plan.reported_at,
                recorded_by=admin,
            )
        ]
        payload = {"episode_type": plan.episode_type, "risk": plan.risk}
        self.audits.append(_Audit(AuditVerb.EPISODE_REPORTED, episode, child, payload))
        for spec in plan.regradings:
            grading = RiskGrading(
                episode=episode,
                grade=RiskGrade(spec.grade),
                graded_at=spec.graded_at,
                rationale=spec.rationale,
                recorded_by=admin,
            )
            gradings.append(grading)
            self.audits.append(
                _Audit(
                    AuditVerb.EPISODE_REGRADED,
                    episode,
                    child,
                    lambda grade=spec.grade, grading=grading: {
                        "grade": grade,
                        "grading_id": grading.pk,
                    },
                )
            )
        if plan.returned_at is not None:
            episode.status = EpisodeStatus.RETURNED
            episode.returned_at = plan.returned_at
            episode.found_by = FoundBy(plan.found_by)
            episode.found_location = self._location(plan.found_place, child)
            episode.stayed_where, episode.stayed_with = plan.stayed_where, plan.stayed_with
            payload = {"found_by": plan.found_by}
            self.audits.append(_Audit(AuditVerb.EPISODE_RETURNED, episode, child, payload))
            if plan.interview is not None:
                interview, attempts = interview_rows(
                    plan.interview,
                    episode,
                    admin=admin,
                    organisations=self.organisations,
                    audit=lambda verb, target, payload: self.audits.append(
                        _Audit(verb, target, child, payload)
                    ),
                )
                self.interviews.append(_checked(interview))
                self.attempts += [_checked(attempt) for attempt in attempts]
        return _checked(episode), [_checked(grading) for grading in gradings]

    def _audit_entry(self, audit: _Audit) -> AuditEntry:
        # As audit_record writes it, now that every target has its id.
        target = audit.target
        payload = audit.payload() if callable(audit.payload) else audit.payload
        return AuditEntry(
            actor=self.admin,
            verb=audit.verb,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            child_id=audit.child.pk if audit.by_child else None,
            payload=payload or {},
        )


def duties_complete_in_bulk(done: list[tuple[Duty, User]]) -> None:
    """Open duties done by these people, written as duty_complete writes each (the state, who
    and when, the duty's event and the audit entry), by three statements; the caller re-plans
    their children."""
    now = timezone.now()
    for duty, actor in done:
        if duty.state != DutyState.OPEN:
            raise ValueError(f"Duty {duty.pk} is not open.")
        duty.state, duty.closed_at, duty.closed_by, duty.closing_note = (
            DutyState.DONE,
            now,
            actor,
            "",
        )
        _checked(duty)
    Duty.objects.bulk_update(
        [duty for duty, _ in done], ["state", "closed_at", "closed_by", "closing_note"], BATCH
    )
    DutyEvent.objects.bulk_create(
        [DutyEvent(duty=duty, kind=DutyEventKind.COMPLETED, actor=actor) for duty, actor in done],
        batch_size=BATCH,
    )
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor,
                verb=AuditVerb.DUTY_COMPLETED,
                target_type=Duty._meta.label_lower,
                target_id=str(duty.pk),
                child_id=duty.child_id,
                payload={"kind": duty.kind},
            )
            for duty, actor in done
        ],
        batch_size=BATCH,
    )
