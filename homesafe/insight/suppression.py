"""Small-count suppression for figures shown without names (the analyst's pages and exports):
a count under 5 could let a reader recognise a child, so it is shown as "<5"."""

SMALL_COUNT = 5
SUPPRESSED = "<5"


def suppressed(n: int) -> str:
    """The count as it may be shown to someone who must not recognise a child."""
    return SUPPRESSED if n < SMALL_COUNT else str(n)


def shown(count: int | None, *, suppress: bool) -> str:
    """A count as a page shows it: suppressed (`suppressed`) for those who see no names."""
    if count is None:
        return "None"
    return suppressed(count) if suppress else f"{count:,}"


def percent(part: int, whole: int, *, suppress: bool) -> str:
    """A share, or a dash when there is nothing to share or (suppressing) the part, the rest or
    the whole is under SMALL_COUNT (any of them could be worked back from the others)."""
    small = min(part, whole - part, whole) < SMALL_COUNT
    if not whole or (suppress and small):
        return "-"
    return f"{round(100 * part / whole)}%"
