"""Use cases of the report packs (docs/insight.md, "Packs"): asking for a pack (audited; the
worker builds it once the request commits), building it (the task's body), and recording a
download (audited). Entries carry ids, the kind and the dates: a pack names no child."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homesafe.access.audit import audit_record
from homesafe.access.choices import AuditVerb
from homesafe.access.errors import ApplicationError
from homesafe.access.models import User
from homesafe.insight import packs
from homesafe.insight.models import PackKind, PackStatus, ReportPack
from homesafe.insight.packs_files import pack_pdf, pack_xlsx
from homesafe.insight.roles import can_view_patterns, sees_names
from homesafe.task_leases import task_lease_renew
from homesafe.use_cases import use_case

logger = logging.getLogger(__name__)

PACK_NOT_ALLOWED = "Only those who see the partnership's figures may ask for a report pack."
PACK_NO_ORGANISATION = "A report pack belongs to an organisation: you are in none."
PACK_KIND_UNKNOWN = "Choose a monthly, quarterly or annual pack."
PACK_NOT_ENDED = (
    "The period {label} has not ended yet: a pack covers a whole period that has ended."
)
PACK_FAILED = "The pack could not be built. Ask for it again; if it fails again, tell support."
PACK_NOT_READY = "This pack is not ready to download."
PACK_INTERRUPTED = (
    "The pack stopped part way: the worker building it was stopped. Ask for it again."
)
TASK_PATH = "homesafe.insight.tasks.report_pack_build_task"
FORMATS = ("pdf", "xlsx")


@use_case
def report_pack_request(*, actor: User, kind: str, first_day: dt.date) -> ReportPack:
    """Ask for a pack of `kind` for the period starting on `first_day`, as `actor` sees the
    figures (their children; suppressed if they see no names). Built by the worker."""
    from homesafe.insight.tasks import report_pack_build_task

    if not can_view_patterns(actor):
        raise ApplicationError(PACK_NOT_ALLOWED, code="not_allowed")
    if not actor.organisation_id:
        raise ApplicationError(PACK_NO_ORGANISATION, code="no_organisation")
    if kind not in PackKind.values:
        raise ValidationError({"kind": PACK_KIND_UNKNOWN})
    try:
        period = packs.pack_period(kind, first_day)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None
    if period.end >= timezone.localdate():
        raise ValidationError(
            {"period": PACK_NOT_ENDED.format(label=packs.period_label(kind, period))}
        )
    pack = ReportPack.objects.create(
        kind=kind,
        first_day=period.start,
        last_day=period.end,
        organisation_id=actor.organisation_id,
        requested_by=actor,
        suppressed=not sees_names(actor),
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.PACK_REQUESTED,
        target=pack,
        payload={
            "kind": kind,
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "suppressed": pack.suppressed,
        },
    )
    transaction.on_commit(lambda: report_pack_build_task.enqueue(pack.pk))
    return pack


def report_pack_build(*, pack_id: int) -> None:
    """Build the pack's figures and write its files, telling the page how far it has got
    (the task's body). Safe to run twice: a pack already ready or failed is left as it is;
    one left building by a stopped worker is built again from the start."""
    claimed = ReportPack.objects.filter(
        pk=pack_id, status__in=[PackStatus.QUEUED, PackStatus.BUILDING]
    ).update(status=PackStatus.BUILDING, progress=5, error="")
    if not claimed:
        return
    pack = ReportPack.objects.select_related("requested_by").get(pk=pack_id)

    def progress(percent: int) -> None:
        ReportPack.objects.filter(pk=pack_id).update(progress=percent)
        task_lease_renew(task_path=TASK_PATH, args=[pack_id])

    try:
        content = packs.pack_content(
            kind=pack.kind,
            period=packs.pack_period(pack.kind, pack.first_day),
            user=pack.requested_by,
            now=timezone.now(),
            progress=progress,
        )
        xlsx = pack_xlsx(content)
        progress(80)
        pdf = pack_pdf(content)
        progress(95)
    except Exception:
        # The traceback names ids and code, never a child (a pack holds counts only).
        logger.exception("Report pack %s could not be built", pack_id)
        ReportPack.objects.filter(pk=pack_id).update(
            status=PackStatus.FAILED, error=PACK_FAILED, finished_at=timezone.now()
        )
        return
    ReportPack.objects.filter(pk=pack_id, status=PackStatus.BUILDING).update(
        status=PackStatus.READY,
        progress=100,
        pdf=pdf,
        xlsx=xlsx,
        finished_at=timezone.now(),
    )


@use_case
def report_pack_record_download(*, actor: User, pack: ReportPack, file_format: str) -> bytes:
    """The file's bytes, the download recorded in the audit log."""
    if pack.status != PackStatus.READY:
        raise ApplicationError(PACK_NOT_READY, code="not_ready")
    audit_record(
        actor=actor,
        verb=AuditVerb.PACK_DOWNLOADED,
        target=pack,
        payload={"format": file_format, "kind": pack.kind, "from": pack.first_day.isoformat()},
    )
    return bytes(getattr(pack, file_format))


def report_packs_fail_interrupted() -> int:
    """Packs left queued or building by a task that ended without finishing them (its worker
    killed more often than homesafe.task_leases retries it): failed, saying so, so that the
    page never shows a pack being built for ever. A pack whose task is still queued or
    running is left alone."""
    from django.tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    failed = 0
    for pack_id in ReportPack.objects.filter(
        status__in=[PackStatus.QUEUED, PackStatus.BUILDING]
    ).values_list("pk", flat=True):
        latest = (
            DBTaskResult.objects.filter(task_path=TASK_PATH, args_kwargs__args=[pack_id])
            .order_by("-enqueued_at")
            .values_list("status", flat=True)
            .first()
        )
        if latest not in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL):
            continue
        failed += ReportPack.objects.filter(
            pk=pack_id, status__in=[PackStatus.QUEUED, PackStatus.BUILDING]
        ).update(status=PackStatus.FAILED, error=PACK_INTERRUPTED, finished_at=timezone.now())
    return failed
