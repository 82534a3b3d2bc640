"""Background work of insight: building a report pack (homesafe.insight.services_packs)."""

from django.tasks import task

from homesafe.insight.services_packs import report_pack_build


@task()
def report_pack_build_task(pack_id: int) -> None:
    report_pack_build(pack_id=pack_id)
