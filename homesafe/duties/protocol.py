"""The protocol settings in force: the newest ProtocolVersion, or the package defaults."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from django.db import transaction

from homesafe.duties.models import ProtocolVersion
from homesafe.protocol.settings import ProtocolSettings

# Until an administrator says when HomeSafe came into use, every episode gets its duties.
# (An authority importing years of history sets `duties_from` to its go-live date first.)
PLAN_FROM_THE_START = datetime(2000, 1, 1, tzinfo=UTC)
DEFAULT_TOML = Path(__file__).resolve().parents[1] / "protocol" / "default.toml"


@lru_cache(maxsize=8)
def _parse(text: str) -> ProtocolSettings:
    return ProtocolSettings.from_toml(text)


@transaction.atomic
def protocol_current() -> tuple[ProtocolVersion, ProtocolSettings]:
    """The version in force and its parsed settings (the defaults are saved as the first one)."""
    version = ProtocolVersion.objects.order_by("-created_at", "-id").first()
    if version is None:
        text = DEFAULT_TOML.read_text(encoding="utf-8")
        settings = _parse(text)
        version, _ = ProtocolVersion.objects.get_or_create(
            version=settings.version,
            defaults={
                "settings_toml": text,
                "note": "The defaults (DOMAIN.md)",
                "duties_from": PLAN_FROM_THE_START,
            },
        )
        return version, settings
    return version, _parse(version.settings_toml)
