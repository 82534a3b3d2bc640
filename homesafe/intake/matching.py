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
from operator import itemgetter

from django.db import connection
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
    score: float = 0.0  # a confident match by name: its score

    @property
    def by_identifier(self) -> bool:
        """Decided by identifiers (the names were not compared)."""
        return self.how == "identifier" or self.reason in (
            REVIEW_IDENTIFIERS_DISAGREE,
            REVIEW_BIRTH_DIFFERS,
        )

    @property
    def confident(self) -> bool:
        return self.child_id is not None

    @property
    def unknown_child(self) -> bool:
        return self.child_id is None and not self.candidates and not self.reason


def _swapped(day: dt.date) -> dt.date | None:
    if day.day <= 12 and day.day != day.month:
        try:
            return day.replace(month=day.day, day=day.month)
        except ValueError:
            return None
    return None


def name_key(name: str) -> str:
    """A name as rapidfuzz's token sort ratio compares it (processed, its words sorted), so
    `fuzz.ratio(name_key(a), name_key(b)) == fuzz.token_sort_ratio(a, b, processor=default_process)`
    and a block's names are prepared once rather than once per notification."""
    return " ".join(sorted(utils.default_process(name).split()))


@dataclass
class _Block:
    """The children born on one day: their names and aliases prepared (name_key), and whose."""

    keys: list[str] = field(default_factory=list)
    owners: list[tuple[int, str]] = field(default_factory=list)  # (child id, sex) per key


IDENTIFIER_BATCH = 20_000  # values per query (SQLite allows 32,766 parameters)
BIRTH_WINDOW = 200  # days of birth per query when reading the blocks for many notifications


def batches(values, size: int):
    """The values in order, `size` at a time (one query each: rows_where_in, episode_summaries)."""
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def rows_where_in(
    model, columns: list[str], column: str, values, *, nonempty: bool = False, **equal
) -> list[tuple]:
    """`model.objects.filter(<column>__in=values, **equal).values_list(*columns)`, unordered,
    as plain SQL in batches (database column names). Django prepares an `__in` list value by
    value, which costs more than the query itself for the thousands of keys an import looks up
    per chunk; on PostgreSQL the values go as one array (`= ANY(%s)`). `nonempty` adds
    `NOT (column = '')`, so the partial unique indexes (identifiers, police references) are
    used."""
    quote = connection.ops.quote_name
    select = ", ".join(quote(c) for c in columns)
    where = [f"{quote(name)} = %s" for name in equal]
    if nonempty:
        # Written as the partial indexes' own condition: SQLite uses such an index only when
        # the query has that very term.
        where.append(f"NOT ({quote(column)} = '')")
    fixed = list(equal.values())
    found: list[tuple] = []
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        for batch in batches(values, IDENTIFIER_BATCH):
            test, listed = is_one_of(quote(column), batch)
            cursor.execute(
                f"SELECT {select} FROM {table} WHERE {' AND '.join([*where, test])}",
                [*fixed, *listed],
            )
            found.extend(cursor.fetchall())
    return found


def is_one_of(column: str, batch: list) -> tuple[str, list]:
    """SQL for `column` being one of `batch`, and its parameters: one array on PostgreSQL
    (`= ANY(%s)`), one `%s` per value on SQLite (`IN (%s, %s, ...)`)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(batch)]
    return f"{column} IN ({', '.join(['%s'] * len(batch))})", list(batch)


def _aliases_born_on(births: list) -> list[tuple[int, str]]:
    """(child id, alias) of the children born on these days: one join per batch of days, not
    a list of every child's id (a window of days holds tens of thousands of children)."""
    quote = connection.ops.quote_name
    alias_table, child_table = quote(ChildAlias._meta.db_table), quote(Child._meta.db_table)
    found: list[tuple[int, str]] = []
    with connection.cursor() as cursor:
        for batch in batches(births, IDENTIFIER_BATCH):
            test, params = is_one_of("c.date_of_birth", batch)
            cursor.execute(
                f"SELECT a.child_id, a.name FROM {alias_table} a "
                f"JOIN {child_table} c ON c.id = a.child_id WHERE {test}",
                params,
            )
            found.extend(cursor.fetchall())
    return found


class IdentityMatcher:
    """Matches notifications to children; merged records (`excluded`) are never candidates."""

    def __init__(self, *, excluded: set[int] | None = None, cache_blocks: bool = False):
        self.excluded = excluded or set()
        # Keep each day's block once read (a matcher that matches a whole file chunk by chunk,
        # in a process of its own: intake.matching_ahead). Only for the length of one import.
        self.blocks: dict[dt.date, _Block] | None = {} if cache_blocks else None

    def _identified(self, column: str, values: set[str]) -> list[tuple]:
        """(pk, value, date of birth) of the children with one of these identifiers."""
        rows = rows_where_in(Child, ["id", column, "date_of_birth"], column, values, nonempty=True)
        return [row for row in rows if row[0] not in self.excluded]

    def _by_birth(self, days: list[dt.date]) -> dict[dt.date, _Block]:
        """The blocks of these days (one query for the children, one for their aliases)."""
        if self.blocks is not None:
            unread = [day for day in days if day not in self.blocks]
            if unread:
                read = self._read_blocks(unread)
                for day in unread:
                    self.blocks[day] = read.get(day) or _Block()
            return {day: self.blocks[day] for day in days}
        return self._read_blocks(days)

    def preload(self, days: set[dt.date]) -> None:
        """Read the blocks of these days (and of their day-and-month swaps) now, a window of
        days at a time, for a matcher that caches them (cache_blocks)."""
        wanted = set(days)
        wanted.update(swapped for day in days if (swapped := _swapped(day)))
        ordered = sorted(wanted)
        for start in range(0, len(ordered), BIRTH_WINDOW):
            self._by_birth(ordered[start : start + BIRTH_WINDOW])

    def _read_blocks(self, days: list[dt.date]) -> dict[dt.date, _Block]:
        if not days:
            return {}
        # Plain SQL (rows_where_in): a window reads tens of thousands of children, and Django's
        # row conversion was most of reading them.
        births = [day.isoformat() for day in days] if connection.vendor == "sqlite" else days
        by_day: dict[dt.date, list[tuple]] = defaultdict(list)
        for row in rows_where_in(
            Child,
            ["id", "date_of_birth", "sex", "first_name", "last_name"],
            "date_of_birth",
            births,
        ):
            if row[0] not in self.excluded:
                by_day[row[1]].append(row)
        aliases = defaultdict(list)
        for child_id, name in sorted(_aliases_born_on(births), key=itemgetter(1)):
            aliases[child_id].append(name)
        blocks: dict[dt.date, _Block] = {}
        for born, members in by_day.items():
            # The order the children were always compared in: by surname, forename (then
            # record), each followed by their aliases in order of name.
            members.sort(key=itemgetter(4, 3, 0))
            block = blocks[born] = _Block()
            keys, owners = block.keys, block.owners
            for pk, _born, sex, first, last in members:
                keys.append(name_key(f"{first} {last}"))
                owners.append((pk, sex))
                for alias in aliases.get(pk, ()):
                    keys.append(name_key(alias))
                    owners.append((pk, sex))
        return blocks

    def match_many(self, notifications: list[PoliceNotification]) -> list[MatchResult]:
        """Match many notifications at once: a few queries per kind of key for all of them.

        Identifiers are looked up in batches; names are compared block by block, reading the
        children born on the days needed a window of days at a time, so matching a whole file
        reads each child at most twice (its own day, and as a day-and-month swap).
        """
        person_ids = {n.person_id for n in notifications if n.person_id}
        la_ids = {n.la_child_id for n in notifications if n.la_child_id}
        nhs = {n.nhs_number for n in notifications if n.nhs_number}
        by_person, by_la, by_nhs = defaultdict(set), defaultdict(set), defaultdict(set)
        births: dict[int, dt.date] = {}
        for column, values, index in (
            ("police_person_id", person_ids, by_person),
            ("la_child_id", la_ids, by_la),
            ("nhs_number", nhs, by_nhs),
        ):
            if values:
                for pk, value, born in self._identified(column, values):
                    index[value].add(pk)
                    births[pk] = born
        results: list[MatchResult | None] = []
        fuzzy: list[int] = []
        empty: set[int] = set()
        for position, n in enumerate(notifications):
            found = (
                by_person.get(n.person_id, empty)
                | by_la.get(n.la_child_id, empty)
                | by_nhs.get(n.nhs_number, empty)
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
            self._match_names_many(notifications, fuzzy, results)
        return results  # type: ignore[return-value]

    def _match_names_many(
        self,
        notifications: list[PoliceNotification],
        positions: list[int],
        results: list[MatchResult | None],
    ) -> None:
        # Who is compared with which day's block: the notification's own date of birth, and
        # its day-and-month swap (with a penalty).
        wanted: dict[dt.date, list[tuple[int, float]]] = defaultdict(list)
        scores: dict[int, dict[int, float]] = {}
        for position in positions:
            n = notifications[position]
            if not n.date_of_birth or not n.surname:
                results[position] = MatchResult()
                continue
            scores[position] = {}
            wanted[n.date_of_birth].append((position, 0.0))
            swapped = _swapped(n.date_of_birth)
            if swapped:
                wanted[swapped].append((position, SWAPPED_DATE_PENALTY))
        queries = {
            position: [
                name_key(q)
                for q in (notifications[position].full_name, *notifications[position].aliases)
                if q
            ]
            for position in scores
        }
        days = sorted(wanted)
        for start in range(0, len(days), BIRTH_WINDOW):
            window = days[start : start + BIRTH_WINDOW]
            blocks = self._by_birth(window)
            for day in window:
                block = blocks.get(day)
                if block is None or not block.keys:
                    continue
                for position, penalty in wanted[day]:
                    self._score(
                        notifications[position].sex,
                        queries[position],
                        block,
                        penalty,
                        scores[position],
                    )
        for position, scored in scores.items():
            results[position] = self._decide(scored)

    def match_one(self, notification: PoliceNotification) -> MatchResult:
        return self.match_many([notification])[0]

    @staticmethod
    def _score(
        sex: str, queries: list[str], block: _Block, penalty: float, scores: dict[int, float]
    ) -> None:
        """Best score per child of the block for these names (token sort ratio, by name_key)."""
        for query in queries:
            for _name, score, index in process.extract(
                query,
                block.keys,
                scorer=fuzz.ratio,
                processor=None,
                limit=MAX_CANDIDATES * 2,
                score_cutoff=CANDIDATE_SCORE,
            ):
                child_id, child_sex = block.owners[index]
                score -= penalty
                if sex in ("1", "2") and child_sex in ("1", "2") and sex != child_sex:
                    score -= SEX_MISMATCH_PENALTY
                scores[child_id] = max(scores.get(child_id, 0.0), score)

    @staticmethod
    def _decide(scores: dict[int, float]) -> MatchResult:
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        ranked = [(c, s) for c, s in ranked if s >= CANDIDATE_SCORE][:MAX_CANDIDATES]
        if not ranked:
            return MatchResult()
        best_id, best = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if best >= CONFIDENT_SCORE and best - runner_up >= CLEAR_MARGIN:
            return MatchResult(
                child_id=best_id, how=f"name and date of birth ({best:.0f})", score=best
            )
        candidates = [Candidate(c, round(s, 1), "name and date of birth") for c, s in ranked]
        reason = REVIEW_CLOSE_CALL if best >= CONFIDENT_SCORE else REVIEW_WEAK
        return MatchResult(candidates=candidates, reason=reason)
