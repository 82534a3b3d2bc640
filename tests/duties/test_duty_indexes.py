"""The indexes of the duties' and their events' mostly empty foreign keys hold only the rows
that set them: a first plan writes tens of thousands of duties and events naming no team, told
party, closer or person, and each index a row goes into is written for it (issue 14). A lookup
by one of them (My work, a deletion's protection) still has its index."""

from __future__ import annotations

import pytest
from django.db import connection

from homesafe.duties.models import Duty, DutyEvent

WHERE_SET = {
    Duty: [
        "owner_user_id",
        "owner_team_id",
        "told_organisation_id",
        "told_team_id",
        "told_user_id",
        "closed_by_id",
    ],
    DutyEvent: ["actor_id", "about_user_id"],
}


def _indexes(table: str) -> dict[str, tuple[list[str], str]]:
    """Each index of the table, by name: its columns and its definition as the database
    keeps it."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
                [table],
            )
        else:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table]
            )
        definitions = dict(cursor.fetchall())
    return {
        name: (constraint["columns"], definitions.get(name) or "")
        for name, constraint in constraints.items()
        if constraint["index"]
    }


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(WHERE_SET), ids=lambda model: model.__name__)
def test_a_mostly_empty_foreign_key_is_indexed_only_where_set(model):
    indexes = _indexes(model._meta.db_table)
    for column in WHERE_SET[model]:
        leading = {
            name: definition
            for name, (columns, definition) in indexes.items()
            if columns and columns[0] == column
        }
        assert leading, f"{column} has no index"
        for name, definition in leading.items():
            text = " ".join(definition.upper().translate(str.maketrans("", "", '"()')).split())
            assert f"WHERE {column.upper()} IS NOT NULL" in text, (name, definition)
