"""Background work of insight: building a report pack (homesafe.insight.services_packs), and
keeping the summary rows (homesafe.insight.facts).

Each task imports its service when it runs: the packs' charts import altair (0.3 s), which a
worker that only refreshes summary rows after re-plans (an import's) need not load."""

from django.tasks import task


@task()
def report_pack_build_task(pack_id: int) -> None:
    from homesafe.insight.services_packs import report_pack_build

    report_pack_build(pack_id=pack_id)


@task()
def fail_interrupted_packs() -> int:
    from homesafe.insight.services_packs import report_packs_fail_interrupted

    return report_packs_fail_interrupted()


@task()
def refresh_episode_facts_task(*, child_ids: list[int]) -> int:
    """Rewrite these children's summary rows (homesafe.insight.facts). On SQLite with the
    re-plan tasks' tuning (homesafe.bulk.sqlite_tuned): after an import, a task rewrites the
    rows of 500 children, reading their episodes' gradings, placements and cohorts."""
    from homesafe.bulk import sqlite_tuned
    from homesafe.insight.facts import episode_facts_refresh

    with sqlite_tuned():
        return episode_facts_refresh(child_ids=child_ids)
