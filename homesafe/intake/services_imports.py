"""Writes of the import page: upload, check (dry run), confirm and import, with progress."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from homesafe.access.audit import ClientActor
from homesafe.access.errors import ApplicationError
from homesafe.access.models import Organisation, User
from homesafe.access.transitions import INVALID_TRANSITION, check_transition
from homesafe.intake.choices import IMPORT_TRANSITIONS, ImportStatus
from homesafe.intake.files import PoliceFileError, count_rows
from homesafe.intake.imports import ImportResult, police_download_import
from homesafe.intake.models import PoliceImport
from homesafe.intake.services import force_default_local_authority
from homesafe.task_leases import task_lease_renew
from homesafe.uploads import file_too_big_message, upload_limit_bytes
from homesafe.use_cases import use_case

FILE_WRONG_TYPE = "The file must be a CSV or an XLSX spreadsheet."
IMPORT_NEVER_CHECKED = "This file could not be checked, so it cannot be imported. Upload it again."
IMPORT_INTERRUPTED = (
    "The {work} stopped part way: the worker running it was stopped. Rows already imported "
    "are kept. {next_step}"
)
_TASK_PATHS = {
    True: "homesafe.intake.tasks.police_import_check",
    False: "homesafe.intake.tasks.police_import_apply",
}


def import_check_transition(police_import: PoliceImport, *, to: str) -> None:
    check_transition(
        allowed=IMPORT_TRANSITIONS,
        statuses=ImportStatus,
        record="import",
        current=police_import.status,
        to=to,
    )


def _enqueue(task, import_id: int) -> None:
    transaction.on_commit(lambda: task.enqueue(import_id))


def police_import_upload(
    *, force: Organisation, file_name: str, content: bytes, actor: User
) -> PoliceImport:
    """Keep an uploaded download and start checking it in the background (a dry run).

    The file is read (to count its rows, within files.py's limits) before the transaction
    that keeps it begins: on SQLite a transaction holds the write lock from its start, and no
    one else should wait while a file is parsed."""
    from homesafe.intake.tasks import police_import_check

    if len(content) > upload_limit_bytes():
        raise ValidationError({"file": file_too_big_message()})
    if not file_name.lower().endswith((".csv", ".xlsx", ".txt")):
        raise ValidationError({"file": FILE_WRONG_TYPE})
    try:
        total = count_rows(content)
    except PoliceFileError as error:
        raise ValidationError({"file": str(error)}) from None
    with transaction.atomic():
        police_import = PoliceImport(
            force=force,
            organisation=actor.organisation,
            file_name=file_name[:255],
            content=content,
            rows_total=total,
            uploaded_by=actor,
        )
        police_import.save()
        _enqueue(police_import_check, police_import.pk)
    return police_import


@use_case
def police_import_confirm(*, police_import: PoliceImport, actor: User) -> PoliceImport:
    from homesafe.intake.tasks import police_import_apply

    police_import = PoliceImport.objects.select_for_update().get(pk=police_import.pk)
    import_check_transition(police_import, to=ImportStatus.IMPORTING)
    if police_import.status == ImportStatus.FAILED and not police_import.can_import_again:
        raise ApplicationError(IMPORT_NEVER_CHECKED, code=INVALID_TRANSITION)
    police_import.error = ""
    police_import.status = ImportStatus.IMPORTING
    police_import.rows_done = 0
    police_import.save(update_fields=["status", "rows_done", "error"])
    _enqueue(police_import_apply, police_import.pk)
    return police_import


def police_import_run(*, import_id: int, dry_run: bool) -> None:
    """Run a check or the import itself, updating progress after each chunk (task body)."""
    police_import = PoliceImport.objects.select_related("force", "uploaded_by").get(pk=import_id)
    expected = ImportStatus.PREVIEWING if dry_run else ImportStatus.IMPORTING
    if police_import.status != expected:
        return  # already done: a task run twice changes nothing

    def progress(done: int, total: int) -> None:
        PoliceImport.objects.filter(pk=import_id).update(rows_done=done, rows_total=total)
        task_lease_renew(task_path=_TASK_PATHS[dry_run], args=[import_id])

    try:
        result = police_download_import(
            content=bytes(police_import.content),
            force=police_import.force,
            actor=police_import.uploaded_by or ClientActor(police_import.uploaded_by_label),
            dry_run=dry_run,
            progress=progress,
        )
    except PoliceFileError as error:
        PoliceImport.objects.filter(pk=import_id).update(
            status=ImportStatus.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
        return
    if dry_run:
        PoliceImport.objects.filter(pk=import_id).update(
            status=ImportStatus.PREVIEWED,
            preview_counts=result.counts,
            preview_report=result.report_csv(),
        )
    else:
        PoliceImport.objects.filter(pk=import_id).update(
            status=ImportStatus.DONE,
            counts=result.counts,
            report=result.report_csv(),
            finished_at=timezone.now(),
        )


def police_import_from_command(
    *, force: Organisation, file_name: str, content: bytes, actor: ClientActor
) -> tuple[PoliceImport, ImportResult]:
    """`homesafe import_police` (not a dry run, which writes nothing): the file imported at
    once, leaving a PoliceImport as the page does (imported, with its counts and report),
    visible to the force's local authority (the force mapping's, or its only one) or, if it
    has none, to the force. Raises PoliceFileError when the file cannot be read."""
    total = count_rows(content)
    police_import = PoliceImport.objects.create(
        force=force,
        organisation=force_default_local_authority(force) or force,
        file_name=file_name[:255],
        content=content,
        rows_total=total,
        status=ImportStatus.IMPORTING,
        uploaded_by_label=actor.label[:200],
    )

    def progress(done: int, total: int) -> None:
        PoliceImport.objects.filter(pk=police_import.pk).update(rows_done=done, rows_total=total)

    try:
        result = police_download_import(
            content=content, force=force, actor=actor, progress=progress
        )
    except PoliceFileError as error:
        PoliceImport.objects.filter(pk=police_import.pk).update(
            status=ImportStatus.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
        raise
    PoliceImport.objects.filter(pk=police_import.pk).update(
        status=ImportStatus.DONE,
        counts=result.counts,
        report=result.report_csv(),
        finished_at=timezone.now(),
    )
    police_import.refresh_from_db()
    return police_import, result


def police_imports_fail_interrupted() -> int:
    """Imports left checking or importing by a task that ended without finishing them (its
    worker killed more often than homesafe.task_leases retries, or an error): failed, with
    a state that says so; an interrupted import (not a check) can be confirmed again."""
    from django.tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    failed = 0
    for police_import in PoliceImport.objects.filter(
        status__in=[ImportStatus.PREVIEWING, ImportStatus.IMPORTING]
    ):
        dry_run = police_import.status == ImportStatus.PREVIEWING
        latest = (
            DBTaskResult.objects.filter(
                task_path=_TASK_PATHS[dry_run], args_kwargs__args=[police_import.pk]
            )
            .order_by("-enqueued_at")
            .values_list("status", flat=True)
            .first()
        )
        if latest not in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL):
            continue  # queued or running (a new run of a killed task resumes the work)
        error = IMPORT_INTERRUPTED.format(
            work="check" if dry_run else "import",
            next_step="Upload the file again."
            if dry_run
            else "Confirm the import again to finish it.",
        )
        failed += PoliceImport.objects.filter(
            pk=police_import.pk, status=police_import.status
        ).update(status=ImportStatus.FAILED, error=error, finished_at=timezone.now())
    return failed
