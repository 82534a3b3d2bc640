"""Every schedule HomeSafe runs, in one place (run by `homesafe crontask`, one process)."""

from crontask import cron

from homesafe.duties.tasks import sweep_duties

# Reminders and escalations: every five minutes, an idempotent sweep of what is due.
cron("*/5 * * * *")(sweep_duties)
