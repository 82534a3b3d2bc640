"""Reads of the search for a missing child, always through the access gate: everything of the
search is seen with its episode (homesafe.locate.policy), so the querysets here select it
through `episodes_visible_to` and a test holds them equal to the predicates."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from homesafe.access.choices import OrganisationType, Role
from homesafe.access.models import Organisation, User
from homesafe.access.policy import child_scope
from homesafe.episodes.models import MissingEpisode
from homesafe.episodes.queries import episode_get_for_user_or_404
from homesafe.locate.choices import MissingAgency
from homesafe.locate.models import (
    LocateAction,
    MissingAgencyContact,
    Publicity,
    SafeAndWellCheck,
    Sighting,
)
from homesafe.locate.policy import SIGHTING_ROLES, can_plan_locate
from homesafe.people.models import Child


def _visible_children(user: User):
    return Child.objects.filter(child_scope(user)).values("pk")


def sightings_visible_to(*, user: User) -> QuerySet[Sighting]:
    """Sightings and leads of the children the user may see (episodes recorded in error
    included: their page shows them, labelled)."""
    return Sighting.objects.filter(child_id__in=_visible_children(user))


def locate_actions_visible_to(*, user: User) -> QuerySet[LocateAction]:
    return LocateAction.objects.filter(child_id__in=_visible_children(user))


def publicity_visible_to(*, user: User) -> QuerySet[Publicity]:
    return Publicity.objects.filter(child_id__in=_visible_children(user))


def _sightings(episode: MissingEpisode) -> QuerySet[Sighting]:
    return (
        Sighting.objects.filter(episode=episode)
        .select_related(
            "location",
            "recorded_by__organisation",
            "recorded_by_organisation",
            "removed_by__organisation",
        )
        .order_by("seen_at", "pk")
    )


def sightings_for_episode(*, episode: MissingEpisode, removed: bool = False) -> list[Sighting]:
    """The episode's sightings and leads in time order (`removed`: those removed instead); the
    caller has passed the gate."""
    return list(_sightings(episode).filter(removed_at__isnull=not removed))


def sighting_get_for_user_or_404(*, user: User, sighting_id: int) -> Sighting:
    sighting = (
        sightings_visible_to(user=user)
        .select_related("episode__child", "child", "location")
        .filter(pk=sighting_id)
        .first()
    )
    if sighting is None:
        raise Http404("No sighting found")
    return sighting


def sighting_locations_for_child(*, child: Child) -> list:
    """The places of a child's sightings and leads (episodes recorded in error left out), in
    time order; the caller has passed the gate for the child."""
    from homesafe.episodes.choices import EpisodeStatus

    return [
        s.location
        for s in Sighting.objects.filter(
            child=child, location__isnull=False, removed_at__isnull=True
        )
        .exclude(episode__status=EpisodeStatus.VOIDED)
        .select_related("location")
        .order_by("seen_at", "pk")
    ]


def locate_actions_for_episode(*, episode: MissingEpisode) -> list[LocateAction]:
    return list(
        LocateAction.objects.filter(episode=episode)
        .select_related("owner_organisation", "done_by__organisation", "created_by")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class EpisodeSearch:
    """The search for the child of one episode, as its page and the API show it."""

    episode: MissingEpisode
    sightings: list[Sighting]
    removed_sightings: list[Sighting]
    actions: list[LocateAction]
    publicity: list[Publicity]
    contacts: list[MissingAgencyContact]
    safe_and_well: SafeAndWellCheck | None
    can_record_sighting: bool
    can_plan: bool
    can_record_safe_and_well: bool
    # Action ids whose outcome this user may record.
    outcome_recordable: frozenset[int]
    # Sighting ids this user may change or remove.
    sightings_changeable: frozenset[int] = frozenset()

    @property
    def map_points(self) -> list[dict]:
        """The sightings with coordinates, numbered as in the table (1: the earliest)."""
        return [
            {
                "number": number,
                "lat": s.location.latitude,
                "lng": s.location.longitude,
                "kind": s.kind,
            }
            for number, s in enumerate(self.sightings, start=1)
            if s.location is not None and s.location.latitude is not None
        ]

    @property
    def publicity_to_withdraw(self) -> list[Publicity]:
        """Approved publicity still out after the child returned: it is to be withdrawn."""
        if self.episode.is_open:
            return []
        return [p for p in self.publicity if p.is_live]

    @property
    def actions_open(self) -> int:
        return sum(1 for a in self.actions if not a.is_done)

    def contacted(self, agency: str) -> list[MissingAgencyContact]:
        return [c for c in self.contacts if c.agency == agency]

    @property
    def missing_people_contacts(self) -> list[MissingAgencyContact]:
        return self.contacted(MissingAgency.MISSING_PEOPLE)


def episode_search(
    *, user: User, episode: MissingEpisode, can_plan: bool | None = None
) -> EpisodeSearch:
    """For an episode the caller fetched through the gate (episode_get_for_user_or_404), so
    the user may see the child: whether they may record a sighting is then their role alone
    (policy.can_record_sighting). `can_plan`: the page's can_record_episode, when it has it
    (the same predicate as can_plan_locate; it is not asked twice)."""
    child = episode.child
    actions = locate_actions_for_episode(episode=episode)
    writable = not episode.is_voided
    sighting = user.has_role(*SIGHTING_ROLES)
    plan = can_plan_locate(user, child) if can_plan is None else can_plan
    every = list(_sightings(episode))  # kept and removed, in one query
    sightings = [s for s in every if s.removed_at is None]
    return EpisodeSearch(
        episode=episode,
        sightings=sightings,
        removed_sightings=[s for s in every if s.removed_at is not None],
        actions=actions,
        publicity=list(
            Publicity.objects.filter(episode=episode).select_related("recorded_by", "withdrawn_by")
        ),
        contacts=list(
            MissingAgencyContact.objects.filter(episode=episode).select_related("recorded_by")
        ),
        safe_and_well=None
        if episode.is_open
        else SafeAndWellCheck.objects.filter(episode=episode)
        .select_related("police_force", "recorded_by")
        .first(),
        can_record_sighting=writable and sighting,
        can_plan=writable and plan,
        # can_record_safe_and_well is the same predicate as can_plan_locate.
        can_record_safe_and_well=writable and plan,
        outcome_recordable=frozenset(
            a.pk
            for a in actions
            if writable
            and not a.is_done
            and (plan or (sighting and a.owner_organisation_id == user.organisation_id))
        ),
        # policy.can_change_sighting, for a user who may see the child: no query per row.
        sightings_changeable=frozenset(
            s.pk
            for s in sightings
            if writable
            and sighting
            and (
                (
                    s.recorded_by_organisation_id is not None
                    and s.recorded_by_organisation_id == user.organisation_id
                )
                or (plan and user.has_role(Role.MISSING_COORDINATOR))
            )
        ),
    )


def search_episode_for_user_or_404(
    *, user: User, episode_id: int, log_read: bool = True
) -> MissingEpisode:
    """The episode, through the gate (its read audited unless a service audits the change)."""
    return episode_get_for_user_or_404(user=user, episode_id=episode_id, log_read=log_read)


def search_episode_for_force_or_404(*, force: Organisation, episode_id: int) -> MissingEpisode:
    """For a police system (its force's API key): an episode reported to its own force, as the
    police events find theirs by the force's reference; any other is a 404. No read is logged:
    the system writes, and its service audits the write."""
    episode = (
        MissingEpisode.objects.filter(police_force=force, pk=episode_id)
        .select_related("child", "police_force")
        .first()
    )
    if episode is None:
        raise Http404("No episode found")
    return episode


def publicity_get_for_force_or_404(*, force: Organisation, publicity_id: int) -> Publicity:
    """For a police system: publicity of an episode reported to its own force, else 404."""
    publicity = (
        Publicity.objects.filter(episode__police_force=force, pk=publicity_id)
        .select_related("episode", "child")
        .first()
    )
    if publicity is None:
        raise Http404("No publicity found")
    return publicity


def search_record_for_client_key(model, *, episode: MissingEpisode, client_key: str):
    """The record of this kind an API client sent with this key for this episode, if any:
    a repeat of the request is answered with it, and records nothing more."""
    if not client_key:
        return None
    return model.objects.filter(episode=episode, client_key=client_key).first()


def locate_action_get_for_user_or_404(*, user: User, action_id: int) -> LocateAction:
    action = (
        locate_actions_visible_to(user=user)
        .select_related("episode", "child", "owner_organisation")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404("No action found")
    return action


def publicity_get_for_user_or_404(*, user: User, publicity_id: int) -> Publicity:
    publicity = (
        publicity_visible_to(user=user)
        .select_related("episode", "child")
        .filter(pk=publicity_id)
        .first()
    )
    if publicity is None:
        raise Http404("No publicity found")
    return publicity


def agencies_for_episode(*, user: User, episode: MissingEpisode) -> QuerySet[Organisation]:
    """The agencies an action of the episode's plan may be given to: the child's authority
    and its police force, the episode's force, the child's school, the authorities of the
    current placement, the organisations in the child's network, and the user's own."""
    from homesafe.people.models import NetworkMember, Placement

    child = episode.child
    ids = {child.responsible_la_id, child.school_id, episode.police_force_id, user.organisation_id}
    ids.add(child.responsible_la.police_force_id)
    ids.update(
        NetworkMember.objects.filter(child=child, ended_on__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )
    for placing, host in Placement.objects.filter(child=child, ended_on__isnull=True).values_list(
        "placing_la_id", "host_la_id"
    ):
        ids.update((placing, host))
    ids.discard(None)
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def police_forces() -> QuerySet[Organisation]:
    return Organisation.objects.filter(type=OrganisationType.POLICE).order_by("name")
