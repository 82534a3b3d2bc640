"""Background jobs of the duties app: thin, taking ids, safe to run twice."""

from django.tasks import task

from homesafe.duties.services import duties_replan
from homesafe.task_leases import pause_for_tests


@task
def replan_children(*, child_ids: list[int]) -> dict:
    pause_for_tests("replan_children")
    return duties_replan(child_ids=child_ids)


@task
def replan_turning_eighteen() -> int:
    from homesafe.duties.services import duties_replan_turning_eighteen

    return duties_replan_turning_eighteen()
