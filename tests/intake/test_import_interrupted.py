"""An import whose worker was killed more often than it is retried (or whose task failed)
no longer shows 'importing' for ever: the scheduled sweep fails it with a state that says
what happened, and it can be confirmed again to finish (issue 12, point 4). The killed
worker itself is in tests/test_task_leases.py."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from homesafe.intake.choices import ImportStatus
from homesafe.intake.models import PoliceImport
from homesafe.intake.services_imports import (
    IMPORT_INTERRUPTED,
    police_import_confirm,
    police_import_run,
    police_import_upload,
    police_imports_fail_interrupted,
)
from homesafe.task_leases import GAVE_UP, TASK_MAX_ATTEMPTS, tasks_retake_stale
from tests.factories import ChildFactory
from tests.intake.helpers import csv_bytes, row_for

APPLY = "homesafe.intake.tasks.police_import_apply"


def test_an_import_whose_task_gave_up_is_failed_and_can_be_confirmed_again(
    world, client, django_capture_on_commit_callbacks
):
    # Born on days no other child has: factory names alone can look alike to the matcher.
    children = [
        ChildFactory(responsible_la=world.orgs["la_a"], date_of_birth=dt.date(2009, 2, day))
        for day in (10, 24)
    ]
    cmo = world.users["cmo_a"]
    with django_capture_on_commit_callbacks(execute=True):
        police_import = police_import_upload(
            force=world.orgs["force_a"],
            file_name="download.csv",
            content=csv_bytes([row_for(c, f"INT-{c.pk}") for c in children]),
            actor=cmo,
        )
    police_import_run(import_id=police_import.pk, dry_run=True)
    with django_capture_on_commit_callbacks(execute=True):
        police_import_confirm(police_import=police_import, actor=cmo)

    # Queued: not interrupted.
    assert police_imports_fail_interrupted() == 0
    # Its worker killed TASK_MAX_ATTEMPTS times: the lease sweep gives up on the task...
    task = DBTaskResult.objects.get(task_path=APPLY)
    DBTaskResult.objects.filter(pk=task.pk).update(
        status="RUNNING",
        started_at=timezone.now() - dt.timedelta(days=1),
        worker_ids=[f"killed-{n}" for n in range(TASK_MAX_ATTEMPTS)],
    )
    assert tasks_retake_stale() == {"retaken": 0, "failed": 1}
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.traceback == GAVE_UP.format(attempts=TASK_MAX_ATTEMPTS)
    # ...and the import sweep fails the import with a clear state.
    assert police_imports_fail_interrupted() == 1
    police_import.refresh_from_db()
    assert police_import.status == ImportStatus.FAILED
    assert police_import.error == IMPORT_INTERRUPTED.format(
        work="import", next_step="Confirm the import again to finish it."
    )
    client.force_login(cmo)
    page = client.get(reverse("intake:import", args=[police_import.pk])).content.decode()
    assert "stopped part way" in page and "Import again to finish" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:import", args=[police_import.pk]))
    assert response.status_code == 302
    police_import.refresh_from_db()
    assert police_import.status == ImportStatus.IMPORTING and police_import.error == ""
    police_import_run(import_id=police_import.pk, dry_run=False)
    police_import.refresh_from_db()
    assert police_import.status == ImportStatus.DONE
    assert police_import.counts["created"] == 2


def test_a_task_running_within_its_lease_is_left_alone(world):
    child = ChildFactory(responsible_la=world.orgs["la_a"])
    police_import_upload(
        force=world.orgs["force_a"],
        file_name="download.csv",
        content=csv_bytes([row_for(child, "INT-1")]),
        actor=world.users["cmo_a"],
    )
    from homesafe.intake.tasks import police_import_check

    police_import_check.enqueue(PoliceImport.objects.get().pk)
    DBTaskResult.objects.update(
        status="RUNNING", started_at=timezone.now() - dt.timedelta(minutes=1), worker_ids=["w"]
    )
    assert tasks_retake_stale() == {"retaken": 0, "failed": 0}
    assert tasks_retake_stale(now=timezone.now() + dt.timedelta(hours=1)) == {
        "retaken": 1,
        "failed": 0,
    }
    assert DBTaskResult.objects.get().status == "READY"
    assert police_imports_fail_interrupted() == 0
