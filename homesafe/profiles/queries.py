"""Reads of the pre-incident profile, always through the access gate: the child first
(homesafe.people.queries), then profiles.policy; reads are logged."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.models import User
from homesafe.episodes.choices import EpisodeStatus
from homesafe.episodes.models import Location, MissingEpisode
from homesafe.people.models import Child
from homesafe.people.queries import child_get_for_user_or_404
from homesafe.profiles.models import ProfileVersion
from homesafe.profiles.policy import can_record_profile, can_view_profile


@dataclass(frozen=True)
class ProfilePage:
    child: Child
    current: ProfileVersion | None
    can_record: bool


def _versions(child: Child) -> QuerySet[ProfileVersion]:
    return ProfileVersion.objects.filter(child=child).select_related("saved_by")


def profile_child_for_user_or_404(*, user: User, child_id: int, log_read: bool = True) -> Child:
    """The child, if the user may see their profile: 404 for a child the user may not see (as
    if it did not exist), 403 for a child they see whose profile is not theirs to see."""
    child = child_get_for_user_or_404(user=user, child_id=child_id, log_read=log_read)
    if not can_view_profile(user, child):
        raise PermissionDenied
    return child


def profile_page_for_user_or_404(
    *, user: User, child_id: int, verb: AuditVerb = AuditVerb.PROFILE_VIEWED
) -> ProfilePage:
    child = profile_child_for_user_or_404(user=user, child_id=child_id)
    current = _versions(child).prefetch_related("locations").order_by("-number").first()
    if current is not None:
        audit_record(actor=user, verb=verb, target=current, payload={"version": current.number})
    return ProfilePage(child, current, can_record=can_record_profile(user, child))


def profile_versions_for_user_or_404(*, user: User, child_id: int):
    """The child and every version of the profile, newest first (the history)."""
    child = profile_child_for_user_or_404(user=user, child_id=child_id)
    versions = list(_versions(child).order_by("-number"))
    audit_record(
        actor=user,
        verb=AuditVerb.PROFILE_VIEWED,
        target_type="profiles.profileversion",
        child_id=child.pk,
        payload={"history": True},
    )
    return child, versions


def profile_version_for_user_or_404(*, user: User, child_id: int, number: int) -> ProfileVersion:
    child = profile_child_for_user_or_404(user=user, child_id=child_id, log_read=False)
    version = _versions(child).prefetch_related("locations").filter(number=number).first()
    if version is None:
        raise Http404("No such version")
    version.child = child
    return version


def profile_version_for_download_or_404(
    *, user: User, child_id: int, number: int | None = None
) -> ProfileVersion:
    """The version to give the police as a PDF (None: the current one), after the same checks
    as the print page; the download is audited with the version's number."""
    child = profile_child_for_user_or_404(user=user, child_id=child_id)
    versions = (
        _versions(child)
        .select_related("child__responsible_la")
        .prefetch_related("locations", "child__aliases")
    )
    version = (
        versions.order_by("-number").first()
        if number is None
        else versions.filter(number=number).first()
    )
    if version is None:
        raise Http404("No such version")
    audit_record(
        actor=user,
        verb=AuditVerb.PROFILE_PDF_DOWNLOADED,
        target=version,
        payload={"version": version.number},
    )
    return version


def profile_location_choices(*, child: Child) -> QuerySet[Location]:
    """Places already recorded for this child: where they were last seen or found, and the
    locations of concern linked to them."""
    episodes = MissingEpisode.objects.filter(child=child)
    return (
        Location.objects.filter(
            Q(pk__in=episodes.values("last_seen_location"))
            | Q(pk__in=episodes.values("found_location"))
            | Q(concern_links__child=child)
        )
        .distinct()
        .order_by("description", "address", "pk")
    )


def profile_open_episode(*, child: Child) -> MissingEpisode | None:
    """The child's open episode, whose description and clothing are part 2 of the profile."""
    return (
        MissingEpisode.objects.filter(child=child, status=EpisodeStatus.MISSING)
        .select_related("last_seen_location", "police_force")
        .order_by("-last_seen_at")
        .first()
    )
