"""The child's facts, read from the record for the protocol engine (homesafe.protocol)."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, Subquery

from homesafe.concerns.choices import ConcernKind, LegalActionKind
from homesafe.concerns.facts import concerns_raised, first_raised, screenings_by_episode
from homesafe.concerns.models import EpisodeConcern, LegalAction
from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.episodes.choices import RiskGrade
from homesafe.episodes.models import MissingEpisode, RiskGrading
from homesafe.interviews.choices import Referral
from homesafe.interviews.models import RhiRoute
from homesafe.meetings.facts import episode_meeting_annotations
from homesafe.people.choices import Cohort
from homesafe.people.models import CarePeriod, Child, CohortPeriod, NetworkMember, Placement
from homesafe.profiles.models import ProfileVersion
from homesafe.protocol.facts import (
    CaseFacts,
    ChildFacts,
    ChildStatus,
    EpisodeFacts,
    LegalStatus,
    Risk,
    ScreeningFacts,
)
from homesafe.screening.models import ExploitationScreening

_STATUS = {
    Cohort.NOT_KNOWN: ChildStatus.HOME,
    Cohort.CHILD_IN_NEED: ChildStatus.CHILD_IN_NEED,
    Cohort.CHILD_PROTECTION: ChildStatus.CHILD_PROTECTION,
    Cohort.LOOKED_AFTER: ChildStatus.LOOKED_AFTER,
    Cohort.CARE_LEAVER: ChildStatus.CARE_LEAVER,
}

_LEGAL_DUTY = {
    LegalActionKind.RECOVERY_ORDER: "consider_recovery_order",
    LegalActionKind.NRM_REFERRAL: "consider_nrm",
    LegalActionKind.MACE_REFERRAL: "consider_mace",
}
# A referral ticked in the completed return home interview does what its duty asks.
_RHI_REFERRAL_DUTY = {Referral.MACE: "consider_mace", Referral.NRM: "consider_nrm"}


def children_for_facts(child_ids):
    """Children with everything facts need, in a fixed number of queries."""
    latest = RiskGrading.objects.filter(episode=OuterRef("pk")).order_by("-graded_at", "-id")
    first_high = RiskGrading.objects.filter(episode=OuterRef("pk"), grade=RiskGrade.HIGH).order_by(
        "graded_at", "id"
    )
    episodes = (
        MissingEpisode.objects.annotate(
            current_risk=Subquery(latest.values("grade")[:1]),
            high_risk_at=Subquery(first_high.values("graded_at")[:1]),
            **episode_meeting_annotations(),
        )
        .exclude(status="voided")  # recorded in error (EpisodeStatus.VOIDED): no facts
        .select_related("return_interview")
        .order_by("reported_at", "id")
    )
    # Each relation into its own attribute (to_attr): a list per child, without the queryset
    # Django otherwise builds for every child and relation (most of the cost of a big batch).
    return (
        Child.objects.filter(pk__in=child_ids)
        .select_related("responsible_la", "school", "allocated_social_worker__team")
        .prefetch_related(
            Prefetch(
                "network",
                queryset=NetworkMember.objects.filter(ended_on__isnull=True).select_related(
                    "organisation", "user"
                ),
                to_attr="facts_network",
            ),
            Prefetch(
                "cohort_periods",
                queryset=CohortPeriod.objects.filter(ended_on__isnull=True),
                to_attr="facts_cohorts",
            ),
            Prefetch(
                "care_periods",
                queryset=CarePeriod.objects.filter(ended_on__isnull=True),
                to_attr="facts_care",
            ),
            Prefetch(
                "placements",
                queryset=Placement.objects.filter(ended_on__isnull=True).select_related(
                    "host_la", "placing_la"
                ),
                to_attr="facts_placements",
            ),
            Prefetch("episodes", queryset=episodes, to_attr="facts_episodes"),
            # Who offers return interviews when the child has no referral (duties.owners).
            Prefetch(
                "responsible_la__rhi_routes",
                queryset=RhiRoute.objects.select_related("provider").order_by("order", "id"),
                to_attr="facts_rhi_routes",
            ),
            Prefetch(
                "duties",
                queryset=Duty.objects.exclude(state=DutyState.OPEN),
                to_attr="facts_closed_duties",
            ),
            Prefetch(
                "exploitation_screenings",
                queryset=ExploitationScreening.objects.only(
                    "id",
                    "child_id",
                    "completed_at",
                    "review_on",
                    "tool",
                    "tool_version",
                    "band",
                    "override_band",
                    "group_bands",
                ),
                to_attr="facts_screenings",
            ),
            Prefetch(
                "profile_versions",
                queryset=ProfileVersion.objects.only("id", "child_id", "saved_at").order_by(
                    "saved_at", "id"
                ),
                to_attr="facts_profiles",
            ),
            Prefetch(
                "legal_actions",
                queryset=LegalAction.objects.filter(episode__isnull=False)
                .only("id", "child_id", "episode_id", "kind", "applied_on", "created_at")
                .order_by("created_at", "id"),
                to_attr="facts_legal",
            ),
            Prefetch(
                "episode_concerns",
                queryset=EpisodeConcern.objects.only("id", "episode_id", "kind", "raised_at"),
                to_attr="facts_concerns",
            ),
        )
    )


def case_facts(child: Child, *, now) -> CaseFacts:
    """Build the protocol's facts for a child fetched by children_for_facts()."""
    cohort = next(iter(child.facts_cohorts), None)
    care = next(iter(child.facts_care), None)
    placement = next(iter(child.facts_placements), None)
    closed: dict[int, dict[str, Duty]] = {}
    for duty in child.facts_closed_duties:
        closed.setdefault(duty.episode_id, {})[duty.kind] = duty
    # A legal action for an episode (homesafe.concerns) does what its duty asks.
    legal: dict[int, dict[str, object]] = {}
    for action in child.facts_legal:
        kind = _LEGAL_DUTY[LegalActionKind(action.kind)]
        legal.setdefault(action.episode_id, {}).setdefault(kind, action.created_at)
    saves = [version.saved_at for version in child.facts_profiles]
    # Concerns raised after the report (homesafe.concerns.facts): by a professional, the return
    # interview's indicators, or a screening in the significant band or above.
    records: dict[int, list[EpisodeConcern]] = {}
    for record in child.facts_concerns:
        records.setdefault(record.episode_id, []).append(record)
    screened = screenings_by_episode(child.facts_episodes, child.facts_screenings)
    episodes = []
    for episode in child.facts_episodes:
        mine = closed.get(episode.pk, {})
        # The pre-incident profile (homesafe.profiles): a version saved after the return is
        # the review.
        reviewed_at = next(
            (at for at in saves if episode.returned_at and at >= episode.returned_at), None
        )
        # The return interview (homesafe.interviews): offered, completed, declined, and any
        # exploitation concern it raised for the first time.
        interview = getattr(episode, "return_interview", None)
        rhi = interview.protocol_moments() if interview else {}
        rhi.pop("exploitation_concern_at", None)
        concerns = first_raised(
            concerns_raised(
                episode,
                records=records.get(episode.pk, ()),
                interview=interview,
                screenings=screened.get(episode.pk, ()),
            )
        )
        referred = {
            kind: at
            for code, kind in _RHI_REFERRAL_DUTY.items()
            if interview and (at := interview.referred_at(code)) is not None
        }
        episodes.append(
            EpisodeFacts(
                id=str(episode.pk),
                reported_at=episode.reported_at,
                last_seen_at=episode.last_seen_at,
                risk=Risk(episode.current_risk or RiskGrade.MEDIUM),
                pre_planned=episode.pre_planned,
                exploitation_concern=ConcernKind.EXPLOITATION in concerns,
                exploitation_concern_at=concerns.get(ConcernKind.EXPLOITATION),
                trafficking_concern=ConcernKind.TRAFFICKING in concerns,
                trafficking_concern_at=concerns.get(ConcernKind.TRAFFICKING),
                returned_at=episode.returned_at,
                high_risk_at=episode.high_risk_at,
                **rhi,
                # Meetings (homesafe.meetings): a held strategy meeting about the episode,
                # and a multi-agency meeting after it (closing repeat_meeting).
                strategy_meeting_at=episode.strategy_meeting_at,
                pre_incident_reviewed_at=reviewed_at,
                completed={
                    **referred,
                    **legal.get(episode.pk, {}),
                    **(
                        {"repeat_meeting": episode.repeat_meeting_at}
                        if episode.repeat_meeting_at
                        else {}
                    ),
                    **{k: d.closed_at for k, d in mine.items() if d.state == DutyState.DONE},
                },
                not_needed={
                    k: d.closing_note for k, d in mine.items() if d.state == DutyState.NOT_NEEDED
                },
            )
        )
    return CaseFacts(
        now=now,
        child=ChildFacts(
            date_of_birth=child.date_of_birth,
            status=_STATUS[Cohort(cohort.cohort)] if cohort else ChildStatus.HOME,
            legal_status=LegalStatus(care.legal_status) if care else None,
            allocated=child.allocated_social_worker_id is not None,
            placed_out_of_area=bool(placement and placement.out_of_area),
            attends_school=child.school_id is not None,
            screenings=tuple(
                ScreeningFacts(id=str(s.pk), completed_at=s.completed_at, review_on=s.review_on)
                for s in child.facts_screenings
            ),
        ),
        episodes=tuple(episodes),
    )
