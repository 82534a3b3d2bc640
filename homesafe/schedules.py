"""Every schedule HomeSafe runs, in one place (run by `homesafe crontask`, one process)."""

from crontask import cron

from homesafe.duties.tasks import replan_turning_eighteen
from homesafe.insight.tasks import fail_interrupted_packs
from homesafe.intake.tasks import fail_interrupted_imports
from homesafe.reminders.tasks import sweep_reminders
from homesafe.task_leases import retake_stale_tasks

# Telling, reminders and escalations: every five minutes, an idempotent sweep of what is due
# (reminders in-app at once; e-mail as each person chose: a digest at their times, alerts at
# once; docs/reminders.md).
cron("*/5 * * * *")(sweep_reminders)
# A missing child's 18th-birthday prompt is planned as the birthday comes within 30 days.
cron("10 0 * * *")(replan_turning_eighteen)

# Work survives a killed worker: a task RUNNING past its lease is queued again (task_leases),
# and an import or a report pack whose task ended without finishing it is failed with a clear
# state.
cron("* * * * *")(retake_stale_tasks)
cron("*/5 * * * *")(fail_interrupted_imports)
cron("*/5 * * * *")(fail_interrupted_packs)
