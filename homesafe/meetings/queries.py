"""Reads of meetings and professional differences, always through the access gate. A meeting
is seen through its children: of a locality MACE a user sees only the parts about children
they may see (homesafe.meetings.policy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import Organisation, User
from homesafe.access.policy import child_scope
from homesafe.concerns.models import PersonLink
from homesafe.meetings.choices import FulfilledDuty, MeetingStatus
from homesafe.meetings.models import (
    Meeting,
    MeetingAction,
    MeetingChild,
    MeetingFulfilment,
    MeetingInvitation,
    MeetingNote,
    ProfessionalDifference,
)
from homesafe.meetings.policy import can_record_meeting, can_update_difference
from homesafe.people.models import Child, Placement
from homesafe.people.queries import children_search


def _visible_children(user: User) -> QuerySet[Child]:
    return Child.objects.filter(child_scope(user))


def meetings_visible_to(*, user: User) -> QuerySet[Meeting]:
    """Meetings about at least one child the user may see."""
    return Meeting.objects.filter(
        Exists(
            MeetingChild.objects.filter(
                meeting=OuterRef("pk"), child__in=_visible_children(user).values("pk")
            )
        )
    )


def meeting_children_visible_to(*, user: User, meeting_ids) -> dict[int, list[int]]:
    """For a page of meetings: the ids of the children of each that the user may see (never
    the others), in one query."""
    visible: dict[int, list[int]] = {meeting_id: [] for meeting_id in meeting_ids}
    links = (
        MeetingChild.objects.filter(
            meeting_id__in=visible, child__in=_visible_children(user).values("pk")
        )
        .order_by("meeting_id", "child_id")
        .values_list("meeting_id", "child_id")
    )
    for meeting_id, child_id in links:
        visible[meeting_id].append(child_id)
    return visible


def actions_visible_to(*, user: User) -> QuerySet[MeetingAction]:
    """Actions of meetings the user may see, about a child they may see or the whole meeting
    (as action_get_for_user_or_404)."""
    return MeetingAction.objects.filter(
        Q(child__isnull=True) | Q(child__in=_visible_children(user).values("pk")),
        meeting__in=meetings_visible_to(user=user),
    )


def meetings_for_child(*, child: Child) -> QuerySet[Meeting]:
    """The child's meetings, newest first; the caller has passed the gate for the child."""
    return (
        Meeting.objects.filter(child_links__child=child)
        .select_related("chair_organisation")
        .order_by("-held_at", "-planned_for", "-id")
    )


def actions_for_child(*, child: Child) -> QuerySet[MeetingAction]:
    """Actions from the child's meetings about this child or the whole meeting (never about
    another child); the caller has passed the gate for the child."""
    return (
        MeetingAction.objects.filter(meeting__child_links__child=child)
        .filter(Q(child=child) | Q(child__isnull=True))
        .select_related("meeting", "owner_organisation", "owner_person", "completed_by")
        .order_by("completed_at", "due_on", "id")
        .distinct()
    )


def actions_overdue(actions) -> list[MeetingAction]:
    today = timezone.localdate()
    return [a for a in actions if a.completed_at is None and a.due_on < today]


@dataclass(frozen=True)
class MeetingView:
    """A meeting as one user may see it: only the parts about children they may see."""

    meeting: Meeting
    children: list  # MeetingChild links the user may see, with their episodes
    notes: list
    actions: list
    invitations: list
    locations: list
    can_record: bool
    others_hidden: bool  # some children of the meeting are not shown to this user
    overdue: list = field(default_factory=list)
    # Persons of concern discussed, by key (concerns.PersonLink rows from this meeting), about
    # children the user may see only: a person linked only to others is never shown.
    person_links: list = field(default_factory=list)


def meeting_view_for_user(*, user: User, meeting_id: int, log_read: bool = True) -> MeetingView:
    """The meeting as the user may see it; 404 (as if it did not exist) if they may see none
    of its children."""
    meeting = (
        Meeting.objects.select_related("local_authority", "chair_organisation")
        .prefetch_related(
            Prefetch(
                "child_links",
                queryset=MeetingChild.objects.select_related(
                    "child__responsible_la", "child__allocated_social_worker__team"
                ).prefetch_related(
                    "episodes",
                    Prefetch(
                        "fulfilments",
                        queryset=MeetingFulfilment.objects.select_related("episode"),
                    ),
                    Prefetch(
                        "child__placements",
                        queryset=Placement.objects.select_related("host_la"),
                    ),
                ),
            )
        )
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404("No meeting found")
    links = list(meeting.child_links.all())
    visible_ids = set(
        _visible_children(user)
        .filter(pk__in=[link.child_id for link in links])
        .values_list("pk", flat=True)
    )
    if not visible_ids:
        raise Http404("No meeting found")
    shown = [link for link in links if link.child_id in visible_ids]

    def about_visible(row) -> bool:
        return row.child_id is None or row.child_id in visible_ids

    notes = [
        n
        for n in MeetingNote.objects.filter(meeting=meeting).select_related("child")
        if about_visible(n)
    ]
    actions = [
        a
        for a in MeetingAction.objects.filter(meeting=meeting).select_related(
            "child", "owner_organisation", "owner_person", "completed_by"
        )
        if about_visible(a)
    ]
    for action in actions:
        action.meeting = meeting
    invitations = list(
        MeetingInvitation.objects.filter(meeting=meeting).select_related("organisation")
    )
    person_links = list(
        PersonLink.objects.filter(meeting=meeting, child_id__in=visible_ids)
        .select_related("person", "child")
        .order_by("person__name", "person_id", "child_id")
    )
    if log_read:
        audit_record(
            actor=user,
            verb=AuditVerb.MEETING_VIEWED,
            target=meeting,
            child_id=shown[0].child_id if len(shown) == 1 else None,
            payload={"child_ids": sorted(visible_ids)},
        )
    return MeetingView(
        meeting=meeting,
        children=shown,
        notes=notes,
        actions=actions,
        invitations=invitations,
        locations=list(meeting.locations.all()),
        can_record=can_record_meeting(user, meeting),
        others_hidden=len(shown) < len(links),
        overdue=actions_overdue(actions),
        person_links=person_links,
    )


def action_get_for_user_or_404(*, user: User, action_id: int) -> MeetingAction:
    """An action of a meeting the user may see, about a child they may see (or the meeting)."""
    visible = _visible_children(user).values("pk")
    action = (
        MeetingAction.objects.filter(
            Q(child__isnull=True) | Q(child__in=visible),
            meeting__in=meetings_visible_to(user=user),
        )
        .select_related("meeting", "child", "owner_organisation")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404("No action found")
    return action


# --- Professional differences ------------------------------------------------------------


def differences_visible_to(*, user: User) -> QuerySet[ProfessionalDifference]:
    return ProfessionalDifference.objects.filter(child__in=_visible_children(user).values("pk"))


def differences_for_child(*, child: Child) -> QuerySet[ProfessionalDifference]:
    return ProfessionalDifference.objects.filter(child=child).select_related(
        "raised_by_organisation", "raised_with_organisation"
    )


@dataclass(frozen=True)
class DifferenceView:
    difference: ProfessionalDifference
    steps: list
    can_update: bool


def difference_view_for_user(
    *, user: User, difference_id: int, log_read: bool = True
) -> DifferenceView:
    difference = (
        differences_visible_to(user=user)
        .select_related(
            "child__responsible_la",
            "child__allocated_social_worker__team",
            "raised_by_organisation",
            "raised_with_organisation",
        )
        .filter(pk=difference_id)
        .first()
    )
    if difference is None:
        raise Http404("No professional difference found")
    if log_read:
        audit_record(actor=user, verb=AuditVerb.DIFFERENCE_VIEWED, target=difference)
    return DifferenceView(
        difference=difference,
        steps=list(difference.steps.all()),
        can_update=can_update_difference(user, difference),
    )


# --- Choosing the children of a new meeting ------------------------------------------------

DISCUSSED_TOGETHER = "discussed at a meeting with {names}"
SAME_PERSON = "linked to the same person of concern as {names}"
SEARCH_LIMIT = 50


def children_chosen(*, user: User, ids) -> list[Child]:
    """The children of these ids that the user may see, in the order given (ids of children
    they may not see, or that do not exist, are dropped alike)."""
    ids = [int(i) for i in dict.fromkeys(ids) if str(i).isdigit()]
    found = {
        c.pk: c for c in _visible_children(user).filter(pk__in=ids).select_related("responsible_la")
    }
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True)
class KnownChild:
    """A child the user may see who is already linked to a child of the meeting, and how."""

    child: Child
    reasons: list[str]


def children_known_to(*, user: User, children: list[Child]) -> list[KnownChild]:
    """The children the user may see who are known to these children (the meeting's subject):
    discussed with them at an earlier meeting, or linked to a person of concern they are
    linked to. Offered first when choosing a meeting's children; logged as a search."""
    ids = [c.pk for c in children]
    if not ids:
        return []
    names = {c.pk: c.full_name for c in children}
    reasons: dict[int, dict[str, set[int]]] = {}
    met = MeetingChild.objects.filter(
        meeting__in=MeetingChild.objects.filter(child_id__in=ids).values("meeting_id")
    ).values_list("child_id", "meeting__child_links__child_id")
    for other, subject in met:
        if other not in ids and subject in ids:
            reasons.setdefault(other, {}).setdefault(DISCUSSED_TOGETHER, set()).add(subject)
    persons = PersonLink.objects.filter(child_id__in=ids).values_list("person_id", "child_id")
    subjects_of: dict[int, set[int]] = {}
    for person, subject in persons:
        subjects_of.setdefault(person, set()).add(subject)
    linked = PersonLink.objects.filter(person_id__in=subjects_of).exclude(child_id__in=ids)
    for other, person in linked.values_list("child_id", "person_id"):
        reasons.setdefault(other, {}).setdefault(SAME_PERSON, set()).update(subjects_of[person])
    if not reasons:
        return []
    visible = (
        _visible_children(user)
        .filter(pk__in=reasons, merged_into__isnull=True)
        .select_related("responsible_la")
        .order_by("last_name", "first_name", "pk")
    )
    known = [
        KnownChild(
            child,
            [
                why.format(names=", ".join(sorted(names[s] for s in subjects)))
                for why, subjects in sorted(reasons[child.pk].items())
            ],
        )
        for child in visible
    ]
    audit_record(
        actor=user,
        verb=AuditVerb.CHILDREN_SEARCHED,
        target_type="people.child",
        payload={"terms": ["known_to"], "child_ids": sorted(ids)},
    )
    return known


def children_search_for_meeting(
    *,
    user: User,
    name: str = "",
    date_of_birth=None,
    identifier: str = "",
    known: list[KnownChild] = (),
) -> list[Child]:
    """Children the user may see matching the search (people.queries.children_search: name or
    alias, date of birth, LA child ID, NHS number, UPN or police person ID; also a HomeSafe id,
    HS-123), the children known to the meeting's subject first. At most SEARCH_LIMIT + 1."""
    if identifier.strip().upper().startswith("HS-"):
        child = child_find_by_reference(user=user, reference=identifier)
        return [child] if child is not None else []
    found = children_search(
        user=user,
        limit=SEARCH_LIMIT,
        name=name,
        date_of_birth=date_of_birth,
        identifier=identifier,
    )
    known_ids = {k.child.pk for k in known}
    return sorted(found, key=lambda c: c.pk not in known_ids)


def child_reference(child: Child) -> str:
    """The HomeSafe id people can type to name a child (shown on the child's meetings page)."""
    return f"HS-{child.pk}"


def child_find_by_reference(*, user: User, reference: str) -> Child | None:
    """A child the user may see, named by a HomeSafe id (HS-123) or an LA child ID of the
    user's local authority; None if there is no such child the user may see."""
    reference = reference.strip()
    visible = _visible_children(user)
    if reference.upper().startswith("HS-") and reference[3:].isdigit():
        return visible.filter(pk=int(reference[3:])).first()
    return visible.filter(
        la_child_id__iexact=reference, responsible_la_id=user.organisation_id
    ).first()


def user_find_by_email(email: str, *, organisation: Organisation) -> User | None:
    """An active person of that organisation with the address (never anyone else's)."""
    return User.objects.filter(
        email__iexact=email.strip(), is_active=True, organisation=organisation
    ).first()


def meetings_fulfilling(*, episode_id: int, duty: str) -> list[Meeting]:
    """Meetings (not cancelled) that name this duty of the episode as one they fulfil, earliest
    first: shown on the duty's page, whose reader has passed the child's gate already (a
    strategy or multi-agency meeting is about that one child)."""
    if duty not in FulfilledDuty.values:
        return []
    return list(
        Meeting.objects.filter(
            child_links__fulfilments__episode_id=episode_id, child_links__fulfilments__duty=duty
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("created_at", "pk")
        .distinct()
    )


def meetings_held_for_children(
    *, children: QuerySet[Child], kinds: list[str], held_from: datetime, held_before: datetime
) -> list[tuple[int, datetime]]:
    """(child id, held at) of the meetings of these kinds held in [from, before) about children
    the caller has put through the gate."""
    return list(
        MeetingChild.objects.filter(
            child__in=children.values("pk"),
            meeting__kind__in=kinds,
            meeting__status=MeetingStatus.HELD,
            meeting__held_at__gte=held_from,
            meeting__held_at__lt=held_before,
        ).values_list("child_id", "meeting__held_at")
    )
