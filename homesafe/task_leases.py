"""Work survives a killed worker (issue 12, point 4).

django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED when it
ends; a worker killed in between (SIGKILL, the machine lost) leaves it RUNNING for ever, and
no worker takes it again (django-tasks-db 0.13 has no lease or heartbeat). So a claim is a
lease: tasks_retake_stale, scheduled every minute (homesafe/schedules.py), puts a task back
in the queue once it has been RUNNING longer than HOMESAFE_TASK_LEASE_SECONDS, and fails it
after TASK_MAX_ATTEMPTS claims (a task that kills its worker every time). Every task of
HomeSafe is safe to run twice (STYLE.md 8). A long task renews its lease as it goes
(task_lease_renew: the police import does after each chunk).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

TASK_MAX_ATTEMPTS = 3
LEASE_EXPIRED = "homesafe.task_leases.LeaseExpired"
SWEEP_PATH = "homesafe.task_leases.retake_stale_tasks"
GAVE_UP = "The task's worker stopped {attempts} times while running it: it is not tried again."


def task_lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.HOMESAFE_TASK_LEASE_SECONDS)


def task_lease_renew(*, task_path: str, args: list) -> None:
    """Keep a long task's lease: its RUNNING row is marked as started now."""
    DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, task_path=task_path, args_kwargs__args=args
    ).update(started_at=timezone.now())


def tasks_retake_stale(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Put back in the queue every task RUNNING past its lease; fail those tried too often."""
    now = now or timezone.now()
    counts = {"retaken": 0, "failed": 0}
    with transaction.atomic():
        stale = list(
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(status=TaskResultStatus.RUNNING, started_at__lt=now - task_lease())
            .exclude(task_path=SWEEP_PATH)  # this sweep itself (a new one comes every minute)
        )
        for result in stale:
            attempts = len(result.worker_ids)
            if attempts >= TASK_MAX_ATTEMPTS:
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.exception_class_path = LEASE_EXPIRED
                result.traceback = GAVE_UP.format(attempts=attempts)
                result.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                counts["failed"] += 1
            else:
                result.status = TaskResultStatus.READY
                result.save(update_fields=["status"])
                counts["retaken"] += 1
            logger.warning(
                "Task %s (%s) past its lease after %d attempts: %s",
                result.pk,
                result.task_path,
                attempts,
                "failed" if attempts >= TASK_MAX_ATTEMPTS else "queued again",
            )
    return counts


@task
def retake_stale_tasks() -> dict:
    return tasks_retake_stale()
