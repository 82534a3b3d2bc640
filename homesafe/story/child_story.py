"""The child's story: one view of the pattern across a child's episodes (issue 6).

Reads only: the caller has passed the access gate for the child. Everything is fetched in a
fixed number of queries, then worked out in Python (a child has tens of episodes, not
thousands)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone

from homesafe.duties.choices import DutyState
from homesafe.duties.models import Duty
from homesafe.duties.protocol import protocol_current
from homesafe.episodes.choices import TIME_OF_DAY_BANDS, EpisodeStatus, time_of_day_band
from homesafe.episodes.queries import episode_corrections_for_child, episodes_for_child
from homesafe.interviews.models import ReturnInterview
from homesafe.interviews.policy import rhi_content_visibility
from homesafe.interviews.queries import interviews_attach_taxonomy
from homesafe.locate.queries import sighting_locations_for_child
from homesafe.people.models import Child

PATTERN_SHARE = 0.5  # a time band or weekday with half the episodes or more is a pattern
MIN_EPISODES_FOR_PATTERN = 4


@dataclass
class Place:
    label: str
    latitude: float | None
    longitude: float | None
    last_seen: int = 0
    found: int = 0
    sighted: int = 0  # sightings and leads while missing (homesafe.locate)

    @property
    def total(self) -> int:
        return self.last_seen + self.found + self.sighted


@dataclass
class StoryEpisode:
    episode: object
    interview: ReturnInterview | None
    content_visible: bool


@dataclass
class Story:
    episodes: list[StoryEpisode]
    flags: list[str]
    places: list[Place]
    push: list[tuple[str, int]]
    pull: list[tuple[str, int]]
    indicators: list[tuple[str, int]]
    open_duties: list[Duty]
    map_points: list[dict] = field(default_factory=list)
    meetings: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    screenings: list | None = None  # None: the user may not see screenings
    # Persons of concern linked to the child, each with `child_links` (how: by hand, named in
    # a return interview, discussed at a meeting); None: the user may not see them.
    associates: list | None = None
    counted: int = 0  # episodes that count: not those recorded in error
    voided: list = field(default_factory=list)  # episodes recorded in error
    corrections: list = field(default_factory=list)  # corrections of the episodes, newest first
    # Who has been told (notifications and alerts), with how: in HomeSafe, or a message sent.
    told: list = field(default_factory=list)
    # The duties done or closed, newest first, with what closed them.
    closed_duties: list = field(default_factory=list)
    # The missing coordinator's screening decisions on the child's notifications.
    screening_decisions: list = field(default_factory=list)


def _time_band(hour: int) -> str:
    return TIME_OF_DAY_BANDS[time_of_day_band(hour)][0]


def _place_key(location) -> str:
    return (location.postcode or location.description or location.address).strip().lower()


def child_story(*, user, child: Child) -> Story:
    episodes = list(
        episodes_for_child(child=child).prefetch_related(
            Prefetch(
                "return_interview",
                queryset=ReturnInterview.objects.prefetch_related("shared_with"),
            )
        )
    )
    # Episodes recorded in error stay in the list, labelled, and count in nothing below.
    voided = [e for e in episodes if e.status == EpisodeStatus.VOIDED]
    all_episodes, episodes = episodes, [e for e in episodes if e.status != EpisodeStatus.VOIDED]
    interviews = [e.return_interview for e in episodes if hasattr(e, "return_interview")]
    interviews_attach_taxonomy(interviews)  # the labels of every interview in one query
    visible = rhi_content_visibility(user, interviews)
    story_episodes = [
        StoryEpisode(
            e,
            getattr(e, "return_interview", None),
            visible.get(getattr(getattr(e, "return_interview", None), "pk", None), False),
        )
        for e in all_episodes
    ]
    # Places where the child was last seen or found, most frequent first.
    places: dict[str, Place] = {}
    for e in episodes:
        for location, attr in ((e.last_seen_location, "last_seen"), (e.found_location, "found")):
            if location is None:
                continue
            place = places.setdefault(
                _place_key(location),
                Place(str(location), location.latitude, location.longitude),
            )
            setattr(place, attr, getattr(place, attr) + 1)
    for location in sighting_locations_for_child(child=child):
        place = places.setdefault(
            _place_key(location), Place(str(location), location.latitude, location.longitude)
        )
        place.sighted += 1
    ranked_places = sorted(places.values(), key=lambda p: (-p.total, p.label))
    # What the child said in the interviews the user may read.
    push, pull, indicators = Counter(), Counter(), Counter()
    for item in story_episodes:
        if item.episode.status == EpisodeStatus.VOIDED:
            continue
        if item.interview is not None and item.content_visible:
            push.update(item.interview.push_factor_labels)
            pull.update(item.interview.pull_factor_labels)
            indicators.update(item.interview.exploitation_indicator_labels)
    flags = _flags(episodes, ranked_places, indicators)
    duties = list(
        Duty.objects.filter(child=child)
        .select_related("told_organisation", "told_user", "closed_by")
        .prefetch_related("notices")
        .order_by("due_at", "kind")
    )
    open_duties = [d for d in duties if d.state == DutyState.OPEN]
    from homesafe.daily_screening.models import ScreeningDecision

    decisions = list(
        ScreeningDecision.objects.filter(episode__child=child, superseded_at__isnull=True)
        .select_related("episode", "decided_by")
        .order_by("-decided_at")
    )
    from homesafe.concerns.policy import can_view_concerns
    from homesafe.concerns.queries import associates_for_child
    from homesafe.meetings.queries import actions_for_child, meetings_for_child
    from homesafe.screening.policy import can_view_screenings
    from homesafe.screening.queries import screenings_for_child

    return Story(
        meetings=list(meetings_for_child(child=child)[:50]),
        actions=list(actions_for_child(child=child)[:100]),
        screenings=list(screenings_for_child(child=child).order_by("completed_at"))
        if can_view_screenings(user, child)
        else None,
        associates=list(associates_for_child(child=child)[:50])
        if can_view_concerns(user, child)
        else None,
        episodes=story_episodes,
        counted=len(episodes),
        voided=voided,
        corrections=episode_corrections_for_child(child=child),
        flags=flags,
        places=ranked_places,
        push=push.most_common(),
        pull=pull.most_common(),
        indicators=indicators.most_common(),
        open_duties=open_duties,
        told=[d for d in duties if d.tells_role],
        closed_duties=sorted(
            (d for d in duties if d.state != DutyState.OPEN),
            key=lambda d: (d.closed_at, d.pk),
            reverse=True,
        ),
        screening_decisions=decisions,
        map_points=[
            {"lat": p.latitude, "lng": p.longitude, "label": p.label, "count": p.total}
            for p in ranked_places
            if p.latitude is not None
        ],
    )


def _flags(episodes, places: list[Place], indicators: Counter) -> list[str]:
    """Things worth a professional's attention, in plain words."""
    flags: list[str] = []
    if not episodes:
        return flags
    _, protocol = protocol_current()
    now = timezone.now()
    window = timedelta(days=protocol.repeat_threshold_days)
    recent = [e for e in episodes if e.reported_at >= now - window]
    if len(recent) >= protocol.repeat_threshold_episodes:
        flags.append(
            f"Repeat pattern: {len(recent)} episodes in the last {protocol.repeat_threshold_days} "
            f"days (the local threshold is {protocol.repeat_threshold_episodes})."
        )
    open_now = [e for e in episodes if e.status == EpisodeStatus.MISSING]
    if open_now:
        flags.append("Missing now.")
    for place in places:
        if place.total >= 2:
            flags.append(f"The same place in {place.total} episodes: {place.label}.")
    people = Counter(e.stayed_with.strip().lower() for e in episodes if e.stayed_with.strip())
    for person, count in people.most_common():
        if count >= 2:
            flags.append(f"With the same person or people in {count} episodes: {person}.")
    planned = sum(1 for e in episodes if e.pre_planned)
    if planned:
        flags.append(
            f"Pre-planned (signs the child planned to go) in {planned} of {len(episodes)} episodes."
        )
    concerns = sum(1 for e in episodes if e.exploitation_concern)
    if concerns or indicators:
        flags.append(
            "Exploitation: "
            + ", ".join(
                ([f"concern raised in {concerns} episodes"] if concerns else [])
                + [f"{label} ({n})" for label, n in indicators.most_common(3)]
            )
            + "."
        )
    if sum(1 for e in episodes if e.trafficking_concern):
        flags.append(
            "A trafficking concern has been raised: consider the National Referral Mechanism."
        )
    if len(episodes) >= MIN_EPISODES_FOR_PATTERN:
        bands = Counter(_time_band(timezone.localtime(e.last_seen_at).hour) for e in episodes)
        band, n = bands.most_common(1)[0]
        if n / len(episodes) >= PATTERN_SHARE:
            flags.append(f"Usually last seen in the {band}: {n} of {len(episodes)} episodes.")
        days = Counter(timezone.localtime(e.last_seen_at).strftime("%A") for e in episodes)
        day, n = days.most_common(1)[0]
        if n / len(episodes) >= PATTERN_SHARE:
            flags.append(f"Usually goes missing on a {day}: {n} of {len(episodes)} episodes.")
    return flags
