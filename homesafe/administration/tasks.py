"""Loaded by `homesafe crontask` (it imports each app's `tasks`): HomeSafe's schedules."""

from homesafe import schedules  # noqa: F401
