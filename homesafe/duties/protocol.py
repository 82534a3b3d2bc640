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


# Every re-plan reads the versions in force: inside the caller's transaction without a
# savepoint (two round trips to PostgreSQL); the first defaults' get_or_create keeps its own.
@transaction.atomic(savepoint=False)
def protocol_current(
    *, local_authority_id: int | None = None
) -> tuple[ProtocolVersion, ProtocolSettings]:
    """The version in force and its parsed settings (the defaults are saved as the first one).

    With `local_authority_id`: that council's own settings if it has any (e.g. seed 004's
    24-hour return interview offer), else the partnership's."""
    if local_authority_id is not None:
        own = (
            ProtocolVersion.objects.filter(local_authority_id=local_authority_id)
            .order_by("-created_at", "-id")
            .first()
        )
        if own is not None:
            return own, _parse(own.settings_toml)
    version = (
        ProtocolVersion.objects.filter(local_authority__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if version is None:
        text = DEFAULT_TOML.read_text(encoding="utf-8")
        settings = _parse(text)
        version, _ = ProtocolVersion.objects.get_or_create(
            version=settings.version,
            local_authority=None,
            defaults={
                "settings_toml": text,
                "note": "The defaults (DOMAIN.md)",
                "duties_from": PLAN_FROM_THE_START,
            },
        )
        return version, settings
    return version, _parse(version.settings_toml)


def protocols_in_force() -> tuple[
    tuple[ProtocolVersion, ProtocolSettings], dict[int, tuple[ProtocolVersion, ProtocolSettings]]
]:
    """The partnership's version in force, and each council's own where it has one."""
    default = protocol_current()
    own: dict[int, ProtocolVersion] = {}
    for version in ProtocolVersion.objects.filter(local_authority__isnull=False).order_by(
        "created_at", "id"
    ):
        own[version.local_authority_id] = version  # the newest wins
    return default, {la: (v, _parse(v.settings_toml)) for la, v in own.items()}
