"""Insight's subscriptions to the apps below it (registered in InsightConfig.ready)."""

from __future__ import annotations

from homesafe.duties.events import DutiesReplanned

REFRESH_TASK_SIZE = 500  # children per refresh task


def insight_facts_on_duties_replanned(event: DutiesReplanned) -> int:
    """Queue the refresh of these children's summary rows for the worker, in the announcing
    transaction (the task's row commits with the facts that call for it); the tasks queued."""
    from homesafe.insight.tasks import refresh_episode_facts_task

    ids = sorted(event.child_ids)
    for start in range(0, len(ids), REFRESH_TASK_SIZE):
        refresh_episode_facts_task.enqueue(child_ids=ids[start : start + REFRESH_TASK_SIZE])
    return -(-len(ids) // REFRESH_TASK_SIZE)
