"""Reads of persons and places of concern and of disruption and legal actions, always through
the access gate: a person of concern is seen through the children linked to them, and only the
links to children the user may see are shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import User
from homesafe.concerns.models import (
    DisruptionAction,
    LegalAction,
    LocationLink,
    PersonLink,
    PersonOfConcern,
)
from homesafe.concerns.policy import can_record_concerns, can_view_concerns
from homesafe.episodes.models import MissingEpisode
from homesafe.episodes.queries import episode_get_for_user_or_404, place_key
from homesafe.people.models import Child
from homesafe.people.queries import child_get_for_user_or_404, children_visible_to


@dataclass(frozen=True)
class ChildConcerns:
    """Everything of concern around one child, as its page shows it."""

    child: Child
    person_links: list[PersonLink]
    location_links: list[LocationLink]
    disruptions: list[DisruptionAction]
    legal_actions: list[LegalAction]
    can_record: bool


def concerns_child_for_user_or_404(*, user: User, child_id: int, log_read: bool = True) -> Child:
    child = child_get_for_user_or_404(user=user, child_id=child_id, log_read=log_read)
    if not can_view_concerns(user, child):
        raise Http404("No child found")
    return child


def child_concerns_for_user_or_404(*, user: User, child_id: int) -> ChildConcerns:
    child = concerns_child_for_user_or_404(user=user, child_id=child_id)
    audit_record(actor=user, verb=AuditVerb.CONCERNS_VIEWED, target=child)
    return ChildConcerns(
        child=child,
        person_links=list(
            PersonLink.objects.filter(child=child).select_related(
                "person", "episode", "interview", "meeting"
            )
        ),
        location_links=list(
            LocationLink.objects.filter(child=child).select_related("location", "episode")
        ),
        disruptions=list(
            DisruptionAction.objects.filter(child=child).select_related(
                "person", "agency", "episode"
            )
        ),
        legal_actions=list(LegalAction.objects.filter(child=child).select_related("episode")),
        can_record=can_record_concerns(user, child),
    )


def persons_visible_to(*, user: User) -> QuerySet[PersonOfConcern]:
    """Persons of concern linked to at least one child the user may see."""
    visible = children_visible_to(user=user).values("pk")
    return PersonOfConcern.objects.filter(
        Exists(PersonLink.objects.filter(person=OuterRef("pk"), child__in=visible))
    )


def person_get_for_user_or_404(*, user: User, person_id: int) -> PersonOfConcern:
    """The person with only the links and actions about children the user may see."""
    visible = children_visible_to(user=user).values("pk")
    person = (
        persons_visible_to(user=user)
        .prefetch_related(
            Prefetch(
                "links",
                queryset=PersonLink.objects.filter(child__in=visible).select_related(
                    "child", "episode", "interview", "meeting"
                ),
                to_attr="visible_links",
            ),
            Prefetch(
                "disruption_actions",
                queryset=DisruptionAction.objects.filter(child__in=visible).select_related(
                    "child", "agency"
                ),
                to_attr="visible_disruptions",
            ),
        )
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise Http404("No person found")
    audit_record(actor=user, verb=AuditVerb.PERSON_OF_CONCERN_VIEWED, target=person)
    return person


def persons_linkable_for_child(*, user: User, child: Child) -> QuerySet[PersonOfConcern]:
    """Persons the user may see who are not yet linked to this child."""
    return persons_visible_to(user=user).exclude(links__child=child).order_by("name", "pk")


def persons_linked_to_child(*, child: Child) -> QuerySet[PersonOfConcern]:
    return PersonOfConcern.objects.filter(links__child=child).distinct().order_by("name", "pk")


def associates_for_child(*, child: Child) -> QuerySet[PersonOfConcern]:
    """The persons linked to the child, each with `child_links`: their links to this child only
    (never to another), with the interview or meeting each came from; two queries in all. The
    caller has passed the gate for the child."""
    return persons_linked_to_child(child=child).prefetch_related(
        Prefetch(
            "links",
            queryset=PersonLink.objects.filter(child=child)
            .select_related("interview", "meeting", "episode")
            .order_by("created_at", "pk"),
            to_attr="child_links",
        )
    )


def legal_action_for_user_or_404(*, user: User, action_id: int) -> LegalAction:
    action = (
        LegalAction.objects.filter(child__in=children_visible_to(user=user).values("pk"))
        .select_related("child__responsible_la", "child__allocated_social_worker__team", "episode")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404("No legal action found")
    return action


def episode_for_concern_or_404(*, user: User, episode_id: int) -> MissingEpisode:
    """An episode whose child's concerns the user may see (read logged by the episode gate)."""
    episode = episode_get_for_user_or_404(user=user, episode_id=episode_id)
    if not can_view_concerns(user, episode.child):
        raise Http404("No episode found")
    return episode


@dataclass(frozen=True)
class ConcernLinkRow:
    """One child's link to a person or a place of concern, as a network is drawn from it:
    `place_key` names the place (its postcode and address when both are known, so that two
    records of one address meet; otherwise the location's id)."""

    child_id: int
    kind: str
    person_id: int | None = None
    place_key: str | None = None
    location_id: int | None = None


def concern_links_for_children(
    *, children: QuerySet[Child], since: datetime
) -> list[ConcernLinkRow]:
    """The links to persons and places of concern recorded since a time for children the caller
    has already put through the gate (`children` is their queryset), in two queries."""
    child_ids = children.values("pk")
    rows = [
        ConcernLinkRow(child_id=child_id, kind=kind, person_id=person_id)
        for child_id, kind, person_id in PersonLink.objects.filter(
            child__in=child_ids, created_at__gte=since
        ).values_list("child_id", "kind", "person_id")
    ]
    rows += [
        ConcernLinkRow(
            child_id=child_id,
            kind=kind,
            place_key=place_key(location_id=location_id, postcode=postcode, address=address),
            location_id=location_id,
        )
        for child_id, kind, location_id, postcode, address in LocationLink.objects.filter(
            child__in=child_ids, created_at__gte=since
        ).values_list("child_id", "kind", "location_id", "location__postcode", "location__address")
    ]
    return rows


def disruptions_for_children(
    *, children: QuerySet[Child], taken_from: date, taken_to: date
) -> list[tuple[int, date]]:
    """(child id, date taken) of the disruption actions taken between two dates (both included)
    about children the caller has put through the gate."""
    return list(
        DisruptionAction.objects.filter(
            child__in=children.values("pk"), taken_on__gte=taken_from, taken_on__lte=taken_to
        ).values_list("child_id", "taken_on")
    )
