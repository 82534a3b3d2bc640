"""Background jobs of the duties app: thin, taking ids, safe to run twice."""

from django.tasks import task

from homesafe.bulk import sqlite_tuned
from homesafe.duties.services import duties_replan


@task
def replan_children(*, child_ids: list[int]) -> dict:
    # An import's children: a thousand first plans write tens of thousands of duties.
    with sqlite_tuned():
        return duties_replan(child_ids=child_ids)


@task
def replan_turning_eighteen() -> int:
    from homesafe.duties.services import duties_replan_turning_eighteen

    return duties_replan_turning_eighteen()
