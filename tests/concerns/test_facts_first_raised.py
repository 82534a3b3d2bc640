"""The protocol's concerns, read as plain data for a batch (concerns_first_raised), are the
episode page's (first_raised(concerns_raised(...))) for any report flags, professionals'
concerns and return interview (issue 14: the duties app reads facts, not models)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from homesafe.concerns.choices import ConcernKind
from homesafe.concerns.facts import concerns_first_raised, concerns_raised, first_raised
from homesafe.concerns.models import EpisodeConcern
from homesafe.episodes.facts import EpisodeRecord
from homesafe.episodes.models import MissingEpisode
from homesafe.interviews.choices import NONE_IDENTIFIED, TRAFFICKING_INDICATOR, InterviewStatus
from homesafe.interviews.facts import InterviewRecord
from homesafe.interviews.models import ReturnInterview

REPORTED = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
moments = st.integers(min_value=0, max_value=72).map(lambda h: REPORTED + dt.timedelta(hours=h))


@given(
    exploitation=st.booleans(),
    trafficking=st.booleans(),
    records=st.lists(st.tuples(st.sampled_from(list(ConcernKind)), moments), max_size=3),
    status=st.sampled_from(list(InterviewStatus) + [None]),
    held_at=moments,
    indicators=st.lists(
        st.sampled_from([NONE_IDENTIFIED, TRAFFICKING_INDICATOR, "county_lines"]), max_size=2
    ),
)
def test_the_batch_reading_agrees_with_the_episode_page(
    exploitation, trafficking, records, status, held_at, indicators
):
    episode = MissingEpisode(
        pk=1,
        reported_at=REPORTED,
        exploitation_concern=exploitation,
        trafficking_concern=trafficking,
    )
    interview = None
    if status is not None:
        interview = ReturnInterview(
            status=status,
            offered_at=REPORTED,
            held_at=held_at if status == InterviewStatus.COMPLETED else None,
            exploitation_indicators=indicators,
        )
    page = first_raised(
        concerns_raised(
            episode,
            records=[EpisodeConcern(kind=kind, raised_at=at) for kind, at in records],
            interview=interview,
        )
    )

    moments_of = interview.protocol_moments() if interview else {}
    batch = concerns_first_raised(
        [
            EpisodeRecord(
                id=1,
                child_id=1,
                reported_at=REPORTED,
                last_seen_at=REPORTED,
                returned_at=None,
                pre_planned=False,
                exploitation_concern=exploitation,
                trafficking_concern=trafficking,
            )
        ],
        records={1: records},
        interviews={
            1: InterviewRecord(
                offered_at=REPORTED,
                completed_at=moments_of["rhi_completed_at"],
                declined_at=moments_of["rhi_declined_at"],
                exploitation_concern_at=moments_of["exploitation_concern_at"],
                trafficking_identified=interview.trafficking_identified,
                mace_referred_at=None,
                nrm_referred_at=None,
            )
        }
        if interview
        else {},
        screenings=[],
    )
    assert batch.get(1, {}) == page
