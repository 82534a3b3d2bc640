"""Which child is a police notification about? Exact identifiers first, then names by date of birth.

1. Exact identifiers: police person ID, LA child ID, NHS number. One child found, and the date
   of birth (when given) agrees: a confident match. Two children found, or a date of birth that
   disagrees: the missing coordinator decides.
2. Otherwise names and aliases, fuzzily (rapidfuzz), among the children born on the same day
   (blocking on date of birth; day and month swapped as a second, weaker block). A clear best
   score is a confident match; a close call or a weak score goes to review with the candidates.
3. No candidate at all: a child not yet known (the caller decides where to record them).

Matching reads many notifications at once (one query per kind of key for a whole chunk), so an
import of hundreds of thousands of rows does not ask the database once per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

from homesafe.intake.notifications import PoliceNotification
from homesafe.people.models import Child, ChildAlias

CONFIDENT_SCORE = 90.0  # a name this close, born the same day, with no close rival: the child
CLEAR_MARGIN = 8.0  # ...and the next best at least this far behind
CANDIDATE_SCORE = 65.0  # closer than this is worth showing to the coordinator
SWAPPED_DATE_PENALTY = 15.0  # 04/05 read as 05/04: never confident, shown for review
SEX_MISMATCH_PENALTY = 15.0
MAX_CANDIDATES = 5

REVIEW_IDENTIFIERS_DISAGREE = "The identifiers point to different children."
REVIEW_BIRTH_DIFFERS = "An identifier matches, but the date of birth differs."
REVIEW_CLOSE_CALL = "More than one child could be this one."
REVIEW_WEAK = "The closest match is not certain."
REVIEW_NOT_FOUND = (
    "No child matches, and the force's area has no single local authority to record a new child in."
)


@dataclass(frozen=True)
class Candidate:
    child_id: int
    score: float
    reasons: str


@dataclass
class MatchResult:
    """A confident child, or the candidates for review (possibly none: an unknown child)."""

    child_id: int | None = None
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""
    how: str = ""

    @property
    def confident(self) -> bool:
        return self.child_id is not None

    @property
    def unknown_child(self) -> bool:
        return self.child_id is None and not self.candidates and not self.reason


@dataclass
class _Known:
    child_id: int
    date_of_birth: dt.date
    sex: str
    names: list[str]


def _swapped(day: dt.date) -> dt.date | None:
    if day.day <= 12 and day.day != day.month:
        try:
            return day.replace(month=day.day, day=day.month)
        except ValueError:
            return None
    return None


class IdentityMatcher:
    """Matches notifications to children; merged records (`excluded`) are never candidates."""

    def __init__(self, *, excluded: set[int] | None = None):
        self.excluded = excluded or set()

    def _children(self, **lookup) -> list[tuple]:
        return list(
            Child.objects.filter(**lookup)
            .exclude(pk__in=self.excluded)
            .values_list(
                "pk",
                "police_person_id",
                "la_child_id",
                "nhs_number",
                "date_of_birth",
                "sex",
                "first_name",
                "last_name",
            )
        )

    def _by_birth(self, days: set[dt.date]) -> dict[dt.date, list[_Known]]:
        if not days:
            return {}
        rows = self._children(date_of_birth__in=days)
        aliases = defaultdict(list)
        for child_id, name in ChildAlias.objects.filter(child__date_of_birth__in=days).values_list(
            "child_id", "name"
        ):
            aliases[child_id].append(name)
        block: dict[dt.date, list[_Known]] = defaultdict(list)
        for pk, _pid, _la, _nhs, born, sex, first, last in rows:
            block[born].append(_Known(pk, born, sex, [f"{first} {last}", *aliases.get(pk, [])]))
        return block

    def match_many(self, notifications: list[PoliceNotification]) -> list[MatchResult]:
        person_ids = {n.person_id for n in notifications if n.person_id}
        la_ids = {n.la_child_id for n in notifications if n.la_child_id}
        nhs = {n.nhs_number for n in notifications if n.nhs_number}
        by_person, by_la, by_nhs = defaultdict(set), defaultdict(set), defaultdict(set)
        births: dict[int, dt.date] = {}
        for lookup, index, key in (
            ({"police_person_id__in": person_ids}, by_person, 1),
            ({"la_child_id__in": la_ids}, by_la, 2),
            ({"nhs_number__in": nhs}, by_nhs, 3),
        ):
            values = next(iter(lookup.values()))
            if values:
                for row in self._children(**lookup):
                    index[row[key]].add(row[0])
                    births[row[0]] = row[4]
        results: list[MatchResult | None] = []
        fuzzy: list[int] = []
        for position, n in enumerate(notifications):
            found = (
                by_person.get(n.person_id, set())
                | by_la.get(n.la_child_id, set())
                | by_nhs.get(n.nhs_number, set())
            )
            if len(found) == 1:
                child_id = next(iter(found))
                if n.date_of_birth and births[child_id] != n.date_of_birth:
                    results.append(
                        MatchResult(
                            candidates=[
                                Candidate(child_id, 50.0, "identifier; birth date differs")
                            ],
                            reason=REVIEW_BIRTH_DIFFERS,
                        )
                    )
                else:
                    results.append(MatchResult(child_id=child_id, how="identifier"))
            elif len(found) > 1:
                results.append(
                    MatchResult(
                        candidates=[Candidate(c, 50.0, "identifier") for c in sorted(found)],
                        reason=REVIEW_IDENTIFIERS_DISAGREE,
                    )
                )
            else:
                results.append(None)
                fuzzy.append(position)
        if fuzzy:
            days = {notifications[p].date_of_birth for p in fuzzy if notifications[p].date_of_birth}
            swapped = {s for d in days if (s := _swapped(d))}
            block = self._by_birth(days | swapped)
            for position in fuzzy:
                results[position] = self._match_names(notifications[position], block)
        return results  # type: ignore[return-value]

    def match_one(self, notification: PoliceNotification) -> MatchResult:
        return self.match_many([notification])[0]

    @staticmethod
    def _score(n: PoliceNotification, known: list[_Known], penalty: float) -> dict[int, float]:
        queries = [q for q in (n.full_name, *n.aliases) if q]
        choices, owners = [], []
        for k in known:
            for name in k.names:
                choices.append(name)
                owners.append(k)
        scores: dict[int, float] = {}
        for query in queries:
            for _name, score, index in process.extract(
                query,
                choices,
                scorer=fuzz.token_sort_ratio,
                processor=utils.default_process,
                limit=MAX_CANDIDATES * 2,
                score_cutoff=CANDIDATE_SCORE,
            ):
                k = owners[index]
                score -= penalty
                if n.sex in ("1", "2") and k.sex in ("1", "2") and n.sex != k.sex:
                    score -= SEX_MISMATCH_PENALTY
                scores[k.child_id] = max(scores.get(k.child_id, 0.0), score)
        return scores

    def _match_names(self, n: PoliceNotification, block: dict) -> MatchResult:
        if not n.date_of_birth or not n.surname:
            return MatchResult()
        scores = self._score(n, block.get(n.date_of_birth, []), 0.0)
        swapped = _swapped(n.date_of_birth)
        if swapped:
            for child_id, score in self._score(
                n, block.get(swapped, []), SWAPPED_DATE_PENALTY
            ).items():
                scores[child_id] = max(scores.get(child_id, 0.0), score)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        ranked = [(c, s) for c, s in ranked if s >= CANDIDATE_SCORE][:MAX_CANDIDATES]
        if not ranked:
            return MatchResult()
        best_id, best = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if best >= CONFIDENT_SCORE and best - runner_up >= CLEAR_MARGIN:
            return MatchResult(child_id=best_id, how=f"name and date of birth ({best:.0f})")
        candidates = [Candidate(c, round(s, 1), "name and date of birth") for c, s in ranked]
        reason = REVIEW_CLOSE_CALL if best >= CONFIDENT_SCORE else REVIEW_WEAK
        return MatchResult(candidates=candidates, reason=reason)
