"""The concerns raised about an episode, from every app that raises them (the police's report,
a professional, the return interview, a screening): read here, above the casework apps, for
the episode's page and the API."""

from __future__ import annotations

from dataclasses import dataclass

from homesafe.access.models import User
from homesafe.concerns.facts import RaisedConcern, concerns_raised, screenings_by_episode
from homesafe.concerns.models import EpisodeConcern
from homesafe.concerns.policy import can_record_concerns
from homesafe.episodes.models import MissingEpisode
from homesafe.interviews.models import ReturnInterview
from homesafe.screening.models import ExploitationScreening


@dataclass(frozen=True)
class EpisodeConcerns:
    """The exploitation and trafficking concerns raised about an episode, as its page and the
    API show them: when, and by what (the report, a professional, the return interview, a
    screening), the report's first."""

    episode: MissingEpisode
    raised: list[RaisedConcern]
    can_raise: bool


def episode_concerns_view(*, user: User, episode: MissingEpisode) -> EpisodeConcerns:
    """For an episode the caller fetched through the gate (episode_get_for_user_or_404)."""
    interview = ReturnInterview.objects.filter(episode=episode).first()
    siblings = list(MissingEpisode.objects.filter(child_id=episode.child_id).only("reported_at"))
    screenings = ExploitationScreening.objects.filter(child_id=episode.child_id)
    return EpisodeConcerns(
        episode=episode,
        raised=concerns_raised(
            episode,
            records=EpisodeConcern.objects.filter(episode=episode).select_related("raised_by"),
            interview=interview,
            screenings=screenings_by_episode(siblings, screenings).get(episode.pk, ()),
        ),
        can_raise=can_record_concerns(user, episode.child),
    )
