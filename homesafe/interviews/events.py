"""What the interviews app announces to the apps above it (homesafe.use_cases.announce)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RhiRoutesChanged:
    """A council's return interview routes changed: the open interview duties of its children
    follow the new rules (the duties app subscribes and says which children's facts changed)."""

    local_authority_id: int
