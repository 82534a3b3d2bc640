"""The missing-from-home-and-care risk assessment's score: one point for each of seed 004's
indicators present (two for a child who has been missing before: the strongest predictor), and
the level it gives. A professional may instead judge the level, giving reasons."""

from __future__ import annotations

from collections.abc import Iterable

from homesafe.safety_plans.choices import Indicator, RiskLevel

WEIGHTS: dict[str, int] = {indicator.value: 1 for indicator in Indicator} | {
    Indicator.PREVIOUS_MISSING.value: 2
}
# The lowest score of each level, highest first.
LEVEL_FROM = ((RiskLevel.HIGH, 6), (RiskLevel.MEDIUM, 3), (RiskLevel.LOW, 0))


def assessment_score(indicators: Iterable[str]) -> int:
    return sum(WEIGHTS[code] for code in set(indicators))


def assessment_level(score: int) -> RiskLevel:
    for level, lowest in LEVEL_FROM:
        if score >= lowest:
            return level
    return RiskLevel.LOW
