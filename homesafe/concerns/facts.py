"""When an exploitation or trafficking concern was raised about an episode, and by what: read by
the protocol's facts (homesafe.duties.facts) and shown on the episode's page.

A concern is raised by
- the report (MissingEpisode.exploitation_concern / trafficking_concern): its timescales run
  from the report;
- a professional, on the episode's page or through the API (EpisodeConcern);
- the completed return home interview: any exploitation indicator raises an exploitation
  concern, "signs of trafficking" a trafficking concern too, when the interview was held;
- an exploitation screening in the significant band or above (screening.choices.CONCERN_BAND),
  on the child's latest episode reported at or before the screening was completed (the open
  episode while the child is missing), when it was completed. A screening before the child's
  first episode raises none: there is no episode yet to plan for.
The earliest raising of each kind counts. Interviews and screenings are read, not copied, so
correcting an interview's indicators or a screening's band withdraws what they raised.

For the protocol (homesafe.duties.facts), `concerns_first_raised` gives the same answer as
`first_raised(concerns_raised(...))` from plain data read for many children at once
(`concern_records_by_episode`, `legal_actions_by_episode`, and the interviews' and screenings'
own facts).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from homesafe.bulk_reads import rows_for_ids
from homesafe.concerns.choices import ConcernKind
from homesafe.concerns.models import EpisodeConcern, LegalAction

if TYPE_CHECKING:
    from homesafe.episodes.facts import EpisodeRecord
    from homesafe.episodes.models import MissingEpisode
    from homesafe.interviews.facts import InterviewRecord
    from homesafe.interviews.models import ReturnInterview
    from homesafe.screening.models import ExploitationScreening


class ConcernSource:
    REPORT = "report"
    PROFESSIONAL = "professional"
    RETURN_INTERVIEW = "return_interview"
    SCREENING = "screening"


@dataclass(frozen=True)
class RaisedConcern:
    kind: ConcernKind
    source: str  # a ConcernSource
    raised_at: datetime | None  # None: at the report
    record: EpisodeConcern | None = None
    interview: ReturnInterview | None = None
    screening: ExploitationScreening | None = None


def screenings_by_episode(
    episodes: Sequence[MissingEpisode], screenings: Iterable[ExploitationScreening]
) -> dict[int, list[ExploitationScreening]]:
    """The screenings that raise a concern, by the id of the episode they raise it on."""
    ordered = sorted(episodes, key=lambda e: (e.reported_at, e.pk))
    attached: dict[int, list[ExploitationScreening]] = {}
    for screening in screenings:
        if not screening.concerns_raised():
            continue
        earlier = [e for e in ordered if e.reported_at <= screening.completed_at]
        if earlier:
            attached.setdefault(earlier[-1].pk, []).append(screening)
    return attached


def concerns_raised(
    episode: MissingEpisode,
    *,
    records: Iterable[EpisodeConcern] = (),
    interview: ReturnInterview | None = None,
    screenings: Iterable[ExploitationScreening] = (),
) -> list[RaisedConcern]:
    """Every raising of a concern about the episode, the report's first, then by time."""
    raised = []
    if episode.exploitation_concern:
        raised.append(RaisedConcern(ConcernKind.EXPLOITATION, ConcernSource.REPORT, None))
    if episode.trafficking_concern:
        raised.append(RaisedConcern(ConcernKind.TRAFFICKING, ConcernSource.REPORT, None))
    for record in records:
        raised.append(
            RaisedConcern(
                ConcernKind(record.kind),
                ConcernSource.PROFESSIONAL,
                record.raised_at,
                record=record,
            )
        )
    held_at = interview.protocol_moments()["exploitation_concern_at"] if interview else None
    if held_at is not None:
        kinds = [ConcernKind.EXPLOITATION]
        if interview.trafficking_identified:
            kinds.append(ConcernKind.TRAFFICKING)
        for kind in kinds:
            raised.append(
                RaisedConcern(kind, ConcernSource.RETURN_INTERVIEW, held_at, interview=interview)
            )
    for screening in screenings:
        for kind in screening.concerns_raised():
            raised.append(
                RaisedConcern(
                    ConcernKind(kind),
                    ConcernSource.SCREENING,
                    screening.completed_at,
                    screening=screening,
                )
            )
    return sorted(
        raised, key=lambda c: (c.raised_at is not None, c.raised_at or episode.reported_at)
    )


def first_raised(raised: Iterable[RaisedConcern]) -> dict[ConcernKind, datetime | None]:
    """Each kind raised, with when it was first raised (None: at the report)."""
    first: dict[ConcernKind, datetime | None] = {}
    for concern in raised:  # concerns_raised() orders them: the first of each kind counts
        first.setdefault(concern.kind, concern.raised_at)
    return first


def concern_records_by_episode(child_ids: Iterable[int]) -> dict[int, list[tuple[str, datetime]]]:
    """The concerns professionals raised about the children's episodes: (kind, raised_at) by
    episode id, in one query."""
    records: dict[int, list[tuple[str, datetime]]] = {}
    for episode_id, kind, raised_at in rows_for_ids(
        lambda ids: EpisodeConcern.objects.filter(child_id__in=ids).values_list(
            "episode_id", "kind", "raised_at"
        ),
        list(child_ids),
    ):
        records.setdefault(episode_id, []).append((kind, raised_at))
    return records


def legal_actions_by_episode(child_ids: Iterable[int]) -> dict[int, dict[str, datetime]]:
    """When each kind of legal action (LegalActionKind) was first recorded for the children's
    episodes, by episode id, in one query."""
    actions: dict[int, dict[str, datetime]] = {}
    for episode_id, kind, created_at in rows_for_ids(
        lambda ids: (
            LegalAction.objects.filter(child_id__in=ids, episode__isnull=False)
            .order_by("created_at", "id")
            .values_list("episode_id", "kind", "created_at")
        ),
        list(child_ids),
    ):
        actions.setdefault(episode_id, {}).setdefault(kind, created_at)
    return actions


def concerns_first_raised(
    episodes: Sequence[EpisodeRecord],
    *,
    records: Mapping[int, Iterable[tuple[str, datetime]]],
    interviews: Mapping[int, InterviewRecord],
    screenings: Iterable[tuple[datetime, tuple[str, ...]]],
) -> dict[int, dict[str, datetime | None]]:
    """A child's concerns by episode id: each kind raised, with when it was first raised (None:
    at the report). `episodes` in order of report; `screenings` as (completed_at, the concerns
    it raises)."""
    raised: dict[int, dict[str, datetime | None]] = {}

    def add(episode_id: int, kind: str, at: datetime | None) -> None:
        kinds = raised.setdefault(episode_id, {})
        if kind not in kinds or kinds[kind] is not None and (at is None or at < kinds[kind]):
            kinds[kind] = at

    for episode in episodes:
        if episode.exploitation_concern:
            add(episode.id, ConcernKind.EXPLOITATION, None)
        if episode.trafficking_concern:
            add(episode.id, ConcernKind.TRAFFICKING, None)
        for kind, at in records.get(episode.id, ()):
            add(episode.id, kind, at)
        interview = interviews.get(episode.id)
        if interview is not None and interview.exploitation_concern_at is not None:
            add(episode.id, ConcernKind.EXPLOITATION, interview.exploitation_concern_at)
            if interview.trafficking_identified:
                add(episode.id, ConcernKind.TRAFFICKING, interview.exploitation_concern_at)
    # A screening raises its concerns on the latest episode reported at or before it.
    reported = [episode.reported_at for episode in episodes]
    for completed_at, kinds in screenings:
        if not kinds:
            continue
        at = bisect_right(reported, completed_at)
        if at:
            for kind in kinds:
                add(episodes[at - 1].id, kind, completed_at)
    return raised
