"""What the duties app announces to the apps above it (homesafe.use_cases.announce)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DutiesReplanned:
    """These children's duties were re-planned, in the announcing transaction: at the end of
    a use case that changed their facts, or by the worker's re-plan task (insight refreshes
    their summary rows)."""

    child_ids: frozenset[int]
