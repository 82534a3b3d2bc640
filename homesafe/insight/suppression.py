"""Small-count suppression for figures shown without names (the analyst's pages and exports):
a count under 5 could let a reader recognise a child, so it is shown as "<5"."""

SMALL_COUNT = 5
SUPPRESSED = "<5"


def suppressed(n: int) -> str:
    """The count as it may be shown to someone who must not recognise a child."""
    return SUPPRESSED if n < SMALL_COUNT else str(n)
