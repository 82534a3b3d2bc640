"""A file's own new children, matched by IdentityMatcher's rules (homesafe.intake.matching):
a child new to HomeSafe reported several times in one police download is one child, and a
match made against the database before they existed is combined with theirs (issue 14;
used by homesafe.intake.imports).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from homesafe.intake.matching import (
    IdentityMatcher,
    MatchResult,
    _Block,
    _swapped,
    name_key,
)
from homesafe.intake.notifications import PoliceNotification


@dataclass
class _NewChild:
    child_id: int
    identifiers: dict[str, str]  # column -> value (police_person_id, la_child_id, nhs_number)
    date_of_birth: dt.date
    sex: str
    first_name: str
    last_name: str
    aliases: tuple[str, ...]


class InFileChildren(IdentityMatcher):
    """The children a file's own earlier rows create, matched by IdentityMatcher's very rules.

    A row of a child unknown to HomeSafe is matched against these before it creates another:
    a new child reported three times in one file is one child (issue 14). The database holds
    no candidate for such a row (its match found none), so matching it against these alone
    gives what matching against the database with them in it would. The rules are the
    matcher's own: only the two places it reads children (`_identified`, `_read_blocks`) read
    these instead of the database."""

    def __init__(self):
        super().__init__(cache_blocks=True)
        self.by_identifier: dict[str, dict[str, list[_NewChild]]] = defaultdict(dict)
        self.by_day: dict[dt.date, list[_NewChild]] = defaultdict(list)

    def __bool__(self) -> bool:
        return bool(self.by_day)

    def add(self, *, child_id: int, n: PoliceNotification, la_child_id: str, nhs_number: str):
        child = _NewChild(
            child_id,
            {"police_person_id": n.person_id, "la_child_id": la_child_id, "nhs_number": nhs_number},
            n.date_of_birth,
            n.sex,
            n.forename,
            n.surname,
            tuple(dict.fromkeys(a.strip() for a in n.aliases if a.strip())),
        )
        for column, value in child.identifiers.items():
            if value:
                self.by_identifier[column].setdefault(value, []).append(child)
        self.by_day[child.date_of_birth].append(child)
        self.blocks.pop(child.date_of_birth, None)  # read again when next needed

    def learn_person_id(self, child_id: int, day: dt.date, person_id: str) -> None:
        """A later row gave the child a police person ID (as _learn_identifiers keeps it)."""
        for child in self.by_day.get(day, ()):
            if child.child_id == child_id and not child.identifiers["police_person_id"]:
                child.identifiers["police_person_id"] = person_id
                self.by_identifier["police_person_id"].setdefault(person_id, []).append(child)

    def replace_ids(self, real: dict[int, int]) -> None:
        """Stand-in ids given before the children were written, replaced by their own."""
        for members in self.by_day.values():
            for child in members:
                child.child_id = real.get(child.child_id, child.child_id)
        self.blocks.clear()

    def identifiers_touch(self, n: PoliceNotification) -> bool:
        return any(
            value and value in self.by_identifier.get(column, {})
            for column, value in (
                ("police_person_id", n.person_id),
                ("la_child_id", n.la_child_id),
                ("nhs_number", n.nhs_number),
            )
        )

    def days_touch(self, n: PoliceNotification) -> bool:
        day = n.date_of_birth
        if day is None or not n.surname:
            return False
        swapped = _swapped(day)
        return day in self.by_day or (swapped is not None and swapped in self.by_day)

    def _identified(self, column: str, values: set[str]) -> list[tuple]:
        index = self.by_identifier.get(column, {})
        return [
            (child.child_id, value, child.date_of_birth)
            for value in values
            for child in index.get(value, ())
        ]

    def _read_blocks(self, days: list[dt.date]) -> dict[dt.date, _Block]:
        blocks: dict[dt.date, _Block] = {}
        for day in days:
            members = sorted(
                self.by_day.get(day, ()), key=lambda c: (c.last_name, c.first_name, c.child_id)
            )
            if not members:
                continue
            block = blocks[day] = _Block()
            for c in members:
                block.keys.append(name_key(f"{c.first_name} {c.last_name}"))
                block.owners.append((c.child_id, c.sex))
                for alias in sorted(c.aliases):
                    block.keys.append(name_key(alias))
                    block.owners.append((c.child_id, c.sex))
        return blocks


def matches_combined(database: MatchResult, in_file: MatchResult) -> MatchResult | None:
    """A row's match against the database, made before the file's new children existed, and
    its match against those children (InFileChildren), combined into the match against both;
    None where the two cannot tell it (the row is then matched again, against both)."""
    if in_file.unknown_child:
        return database
    if database.unknown_child:
        return in_file
    if in_file.by_identifier:
        if not database.by_identifier:
            return in_file  # identifiers are looked at first; the database had none of them
        same = database.confident and in_file.confident
        return database if same and database.child_id == in_file.child_id else None
    if database.by_identifier:
        return database  # the names were not compared
    if database.confident:
        # The database's runner-up is not known: combined only when both say the same child.
        same = in_file.confident and in_file.child_id == database.child_id
        return database if same else None
    # A review by names: its candidates are every child of the database scoring 65 or more
    # (the best five), so the two lists of scores together decide as one would.
    scores = {c.child_id: c.score for c in database.candidates}
    found = (
        {in_file.child_id: in_file.score}
        if in_file.confident
        else {c.child_id: c.score for c in in_file.candidates}
    )
    for child_id, score in found.items():
        scores[child_id] = max(scores.get(child_id, 0.0), score)
    return IdentityMatcher._decide(scores)
