"""Background jobs of the duties app: thin, taking ids, safe to run twice."""

from django.tasks import task

from homesafe.duties.reminders import duties_sweep
from homesafe.duties.services import duties_replan


@task
def replan_children(*, child_ids: list[int]) -> dict:
    return duties_replan(child_ids=child_ids)


@task
def sweep_duties() -> dict:
    return duties_sweep()
