"""The whole of one episode in time order, on its page: from last seen, through the report, the
police gradings, the search (sightings and leads, the plan's actions done, publicity, Missing
People and the UK Missing Persons Unit), the return and the police Safe and Well check, to the
return home interview, the safety plan's review and the duties done.

Built from what the episode's page has already read through the gate (its search, interview and
duties), plus the plan reviews where the user may see the plan: nothing here is shown that the
page's own sections would not show the same user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from homesafe.duties.choices import DutyState
from homesafe.duties.queries import EpisodeDuties
from homesafe.episodes.models import MissingEpisode, RiskGrading
from homesafe.interviews.queries import InterviewView
from homesafe.locate.choices import SightingKind
from homesafe.locate.queries import EpisodeSearch


@dataclass(frozen=True)
class Moment:
    at: datetime
    what: str
    detail: str = ""


def episode_timeline(
    *,
    episode: MissingEpisode,
    gradings: list[RiskGrading],
    search: EpisodeSearch | None,
    interview_view: InterviewView | None,
    duties: EpisodeDuties | None,
    plan_reviews: list | None = None,
) -> list[Moment]:
    """Every dated moment of the episode the page shows, earliest first (ties in the order the
    practice takes them)."""
    m: list[Moment] = [Moment(episode.last_seen_at, "Last seen")]
    m.append(Moment(episode.reported_at, "Reported missing to the police"))
    for g in gradings:
        m.append(Moment(g.graded_at, "Police risk graded", g.get_grade_display()))
    if search is not None:
        for s in search.sightings:
            what = "Seen" if s.kind == SightingKind.SIGHTING else "A lead"
            where = f" at {s.location}" if s.location_id else ""
            m.append(Moment(s.seen_at, what + where, s.get_source_display()))
        for a in search.actions:
            if a.done_at:
                m.append(Moment(a.done_at, "Search action done", a.description))
        for p in search.publicity:
            m.append(Moment(p.decided_at, "Publicity: " + p.get_decision_display().lower()))
            if p.withdrawn_at:
                m.append(Moment(p.withdrawn_at, "Publicity withdrawn"))
        for c in search.contacts:
            m.append(Moment(c.contacted_at, "Contacted " + c.get_agency_display(), c.reference))
    if episode.returned_at:
        found = episode.get_found_by_display() if episode.found_by else ""
        m.append(Moment(episode.returned_at, "Found or returned", found))
    if search is not None and search.safe_and_well is not None:
        m.append(Moment(search.safe_and_well.held_at, "Police Safe and Well check held"))
    interview = interview_view.interview if interview_view is not None else None
    if interview is not None:
        m.append(Moment(interview.offered_at, "Return home interview offered"))
        for attempt in interview.attempts.all():
            m.append(Moment(attempt.attempted_at, "Tried to reach the child for the interview"))
        for at, what in (
            (interview.accepted_at, "Return home interview accepted"),
            (interview.declined_at, "Return home interview declined"),
            (interview.unreachable_at, "The child could not be reached for the interview"),
            (interview.held_at, "Return home interview held"),
            (interview.completed_at, "Return home interview recorded as completed"),
        ):
            if at:
                m.append(Moment(at, what))
    for version in plan_reviews or []:
        m.append(Moment(version.saved_at, f"Safety plan reviewed (version {version.number})"))
    if duties is not None:
        for duty in duties.work + duties.told:
            if duty.state == DutyState.DONE and duty.closed_at:
                m.append(Moment(duty.closed_at, "Done: " + duty.get_kind_display()))
    # A stable sort: moments at the same time keep the order above.
    return sorted(m, key=lambda moment: moment.at)
