"""Background work of intake: checking and importing an uploaded police download."""

from django.tasks import task

from homesafe.intake.services_imports import police_import_run, police_imports_fail_interrupted


@task()
def police_import_check(import_id: int) -> None:
    police_import_run(import_id=import_id, dry_run=True)


@task()
def police_import_apply(import_id: int) -> None:
    police_import_run(import_id=import_id, dry_run=False)


@task()
def fail_interrupted_imports() -> int:
    return police_imports_fail_interrupted()
