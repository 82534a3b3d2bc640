"""Choices for exploitation screenings: the tools HomeSafe offers (homesafe.protocol.screening
holds each tool's indicators, versions and scoring)."""

from homesafe.protocol.screening import current_tools

TOOL_CHOICES = [(code, tool.name) for code, tool in current_tools().items()]

# A screening in this band or above raises an exploitation concern on the child's episode
# (SERAF "significant"; the combined tool's "significant" and "experiencing"), and a trafficking
# concern too when a categorical tool's trafficking group reaches it (homesafe.concerns.facts).
CONCERN_BAND = "significant"
TRAFFICKING_GROUP = "trafficking"
