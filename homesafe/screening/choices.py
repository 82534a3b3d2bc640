"""Choices for exploitation screenings: the tools HomeSafe offers (homesafe.protocol.screening
holds each tool's indicators, versions and scoring)."""

from homesafe.protocol.screening import current_tools

TOOL_CHOICES = [(code, tool.name) for code, tool in current_tools().items()]
