"""Background jobs of the reminders app: thin, safe to run twice."""

from django.tasks import task

from homesafe.reminders.sweep import reminders_sweep


@task
def sweep_reminders() -> dict:
    return reminders_sweep()
