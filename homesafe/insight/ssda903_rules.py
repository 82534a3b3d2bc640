"""HomeSafe's checks of the DfE's SSDA903 missing rules, run before the return is written.

Each check reads the tables as the DfE's validator does (every value text, blank as null,
dates dd/mm/yyyy, an unreadable date as none) and flags the same rows as the rule of that
number in the public `csc-validator-be-903` package (version 0.1.17, ruleset lac2025_26, whose
missing rules are those of lac2022_23): each function below says what the rule asks and
follows that implementation, quirks included (noted where they matter), so that a return
HomeSafe passes is a return the validator passes. The tests (tests/insight/test_ssda903_rules.py)
build each rule's violation and see it caught; the benchmark (bench/bench_ssda903.py) runs
both on the same national-size table.

Written with polars: the whole set over 90,000 Missing rows takes a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

# The DfE's messages, as the validator gives them.
MESSAGES = {
    "1004": "The start date of the missing episode or episode that the child was away from "
    "placement without authorisation is not a valid date.",
    "1005": "The end date of the missing episode or episode that the child was away from "
    "placement without authorisation is not a valid date.",
    "1006": "Missing type invalid.",
    "564": "Child was missing or away from placement without authorisation and the date "
    "started is blank.",
    "565": "The date that the child started to be missing or away from placement without "
    "authorisation has been completed but whether the child was missing or away from placement "
    "without authorisation has not been completed.",
    "566": "The date that the child's episode of being missing or away from placement without "
    "authorisation ended has been completed but whether the child was missing or away without "
    "authorisation has not been completed.",
    "567": "The date that the missing episode or episode that the child was away from "
    "placement without authorisation ended is before the date that it started.",
    "570": "The date that the child started to be missing or away from placement without "
    "authorisation is after the end of the collection year.",
    "571": "The date that the child ceased to be missing or away from placement without "
    "authorisation is before the start or after the end of the collection year.",
    "574": "A new missing/away from placement without authorisation period cannot start when "
    "the previous missing/away from placement without authorisation period is still open. "
    "Missing/away from placement without authorisation periods should also not overlap.",
    "575": "If the placement from which the child goes missing/away from placement without "
    "authorisation ends, the missing/away from placement without authorisation period in the "
    "missing module must also have an end date.",
    "576": "There is an open missing/away from placement without authorisation period in last "
    "year's return and there is no corresponding period recorded at the start of this year.",
    "577": "Child ceased to be looked after but there is a missing/away from placement without "
    "authorisation period without an end date.",
    "578": "The date that the child started to be missing is after the child ceased to be "
    "looked after.",
    "580": "Child is missing when cease being looked after but reason episode ceased not 'E8'.",
    "581": "Child is missing but has not yet started to be looked after.",
    "586": "Dates of missing periods are before child's date of birth.",
    "INT04": "Internal Check: Child in Missing does not exist in Header.",
    "INT13": "Internal Check: DOB in Missing is different to DOB in Header.",
}
RULES = tuple(MESSAGES)

ROW = "__row"


@dataclass(frozen=True, order=True)
class Breach:
    """A row that breaks a rule: the table and its row (0 for the first row under the
    column names), the CHILD it is about."""

    child: str
    rule: str
    table: str
    row: int

    @property
    def message(self) -> str:
        return MESSAGES[self.rule]


@dataclass(frozen=True)
class Tables:
    """The return's tables (as read: text, nulls) and the collection year's first and last day.
    `missing_last` is last year's Missing table, when given (rule 576)."""

    header: pl.DataFrame
    episodes: pl.DataFrame
    missing: pl.DataFrame
    collection_start: date
    collection_end: date
    missing_last: pl.DataFrame | None = None


def _day(column: str) -> pl.Expr:
    """A dd/mm/yyyy date, or null when blank or unreadable (pandas' errors="coerce")."""
    return pl.col(column).str.strptime(pl.Date, "%d/%m/%Y", strict=False)


def _numbered(table: pl.DataFrame) -> pl.DataFrame:
    return table.with_row_index(ROW)


def _rows(table: pl.DataFrame, mask: pl.Expr) -> list[int]:
    return table.filter(mask.fill_null(False))[ROW].to_list()


# --- the Missing table on its own ---------------------------------------------------------


def rule_1004(t: Tables) -> list[int]:
    """The start is blank or not a date."""
    return _rows(_numbered(t.missing), _day("MIS_START").is_null())


def rule_1005(t: Tables) -> list[int]:
    """An end is given but is not a date."""
    return _rows(_numbered(t.missing), pl.col("MIS_END").is_not_null() & _day("MIS_END").is_null())


def rule_1006(t: Tables) -> list[int]:
    """The type, where given, is M or A."""
    missing = pl.col("MISSING")
    return _rows(_numbered(t.missing), missing.is_not_null() & ~missing.is_in(["M", "A"]))


def rule_564(t: Tables) -> list[int]:
    """A type without a start."""
    return _rows(
        _numbered(t.missing),
        pl.col("MISSING").is_in(["M", "A", "m", "a"]) & pl.col("MIS_START").is_null(),
    )


def rule_565(t: Tables) -> list[int]:
    """A start without a type."""
    return _rows(
        _numbered(t.missing), pl.col("MIS_START").is_not_null() & pl.col("MISSING").is_null()
    )


def rule_566(t: Tables) -> list[int]:
    """An end without a type."""
    return _rows(
        _numbered(t.missing), pl.col("MISSING").is_null() & pl.col("MIS_END").is_not_null()
    )


def rule_567(t: Tables) -> list[int]:
    """The end before the start."""
    return _rows(_numbered(t.missing), _day("MIS_START") > _day("MIS_END"))


def rule_570(t: Tables) -> list[int]:
    """A start after the collection year."""
    return _rows(_numbered(t.missing), _day("MIS_START") > pl.lit(t.collection_end))


def rule_571(t: Tables) -> list[int]:
    """An end outside the collection year."""
    end = _day("MIS_END")
    return _rows(
        _numbered(t.missing), (end < pl.lit(t.collection_start)) | (end > pl.lit(t.collection_end))
    )


def rule_574(t: Tables) -> list[int]:
    """Periods of one child overlap, or one starts while an earlier one is open. As the
    validator: rows in order of child, end (the start when open), start; each against the row
    before it of the same child, an error when that one has no end or ends after this starts."""
    table = (
        _numbered(t.missing)
        .with_columns(start=_day("MIS_START"), end=_day("MIS_END"))
        .with_columns(end_fill=pl.coalesce("end", "start"))
        .sort(["CHILD", "end_fill", "start"], nulls_last=True, maintain_order=True)
        .with_columns(
            prev_child=pl.col("CHILD").shift(1),
            prev_end=pl.col("end").shift(1),
            first=pl.int_range(pl.len()) == 0,
        )
    )
    same_child = (pl.col("CHILD") == pl.col("prev_child")) & ~pl.col("first")
    overlap = pl.col("prev_end").is_null() | (pl.col("start") < pl.col("prev_end")).fill_null(False)
    return sorted(_rows(table, same_child & overlap))


def rule_586(t: Tables) -> list[int]:
    """A start on or before the date of birth."""
    start = _day("MIS_START")
    return _rows(_numbered(t.missing), start.is_not_null() & (start <= _day("DOB")))


# --- against the Header -----------------------------------------------------------------------


def rule_INT04(t: Tables) -> list[int]:
    """A child in Missing who is not in the Header."""
    children = t.header["CHILD"]
    known = pl.col("CHILD").is_in(children.drop_nulls().implode())
    if children.null_count():  # the validator's merge matches a blank CHILD to a blank CHILD
        known = known | pl.col("CHILD").is_null()
    return _rows(_numbered(t.missing), ~known.fill_null(False))


def rule_INT13(t: Tables) -> list[int]:
    """A date of birth in Missing different from the Header's for the same child."""
    header = t.header.select("CHILD", dob_header=_day("DOB")).filter(pl.col("CHILD").is_not_null())
    joined = (
        _numbered(t.missing)
        .with_columns(dob_file=_day("DOB"))
        .join(header, on="CHILD", how="inner")
        .filter(
            pl.col("dob_header").is_not_null()
            & pl.col("dob_file").is_not_null()
            & (pl.col("dob_header") != pl.col("dob_file"))
        )
    )
    return sorted(set(joined[ROW].to_list()))


# --- against the Episodes -------------------------------------------------------------------


def _periods_of_care(episodes: pl.DataFrame) -> pl.DataFrame:
    """CHILD, poc_start, poc_end (null: open): episodes run together until one starts after
    the one before it ended (an episode without an end does not break the run), as rules 577
    and 578 make them."""
    return (
        episodes.select("CHILD", decom=_day("DECOM"), dec=_day("DEC"))
        .filter(pl.col("decom").is_not_null())
        .sort(["CHILD", "decom"], nulls_last=True, maintain_order=True)
        .with_columns(
            new=(
                (pl.col("decom") > pl.col("dec").shift(1)).fill_null(False)
                | (pl.col("CHILD") != pl.col("CHILD").shift(1)).fill_null(True)
            )
        )
        .with_columns(period=pl.col("new").cast(pl.Int64).cum_sum())
        .group_by("period", maintain_order=True)
        .agg(
            pl.col("CHILD").drop_nulls().first(),
            poc_start=pl.col("decom").first(),
            poc_end=pl.col("dec").last(),
        )
        .drop("period")
    )


def _out_of_every_period(
    missing: pl.DataFrame, out_of_period: pl.Expr, periods: pl.DataFrame
) -> list[int]:
    """Rows of Missing (numbered) out of every period of care of their child; a child with none
    is not flagged (as the validator's merge leaves them)."""
    joined = missing.join(periods, on="CHILD", how="left").with_columns(
        out=out_of_period.fill_null(False)
    )
    flagged = joined.group_by(ROW).agg(pl.col("out").min()).filter(pl.col("out"))
    return sorted(flagged[ROW].to_list())


def rule_575(t: Tables) -> list[int]:
    """An open period that started within an episode that has ended (the placement ended)."""
    episodes = t.episodes.select("CHILD", decom=_day("DECOM"), dec=_day("DEC")).filter(
        pl.col("CHILD").is_not_null()
    )
    joined = (
        _numbered(t.missing)
        .with_columns(start=_day("MIS_START"))
        .join(episodes, on="CHILD", how="inner")
        .filter(
            (pl.col("start") >= pl.col("decom"))
            & (pl.col("start") <= pl.col("dec"))
            & pl.col("MIS_END").is_null()
            & pl.col("dec").is_not_null()
        )
    )
    return sorted(set(joined[ROW].to_list()))


def rule_576(t: Tables) -> list[int]:
    """A period open at the end of last year's return must start this year's rows of the child
    with the same start (only when last year's Missing table is given)."""
    if t.missing_last is None:
        return []
    this = (
        _numbered(t.missing)
        .with_columns(start=_day("MIS_START").fill_null(date(2099, 1, 1)))
        .filter(pl.col("CHILD").is_not_null())
        .sort("start", maintain_order=True)
        .group_by("CHILD", maintain_order=True)
        .first()
    )
    open_last = t.missing_last.filter(pl.col("MIS_END").is_null()).select(
        "CHILD", start_last=_day("MIS_START")
    )
    joined = this.join(open_last, on="CHILD", how="inner").filter(
        pl.col("start_last").is_not_null() & (pl.col("start") != pl.col("start_last"))
    )
    return sorted(set(joined[ROW].to_list()))


def rule_577(t: Tables) -> list[int]:
    """Outside every period of care: still open when the period has ended, open and begun
    before it, or ended after it ended or before it began."""
    start, end = pl.col("start"), pl.col("end")
    out = (
        (start.is_not_null() & end.is_null() & pl.col("poc_end").is_not_null())
        | (end.is_null() & (start < pl.col("poc_start")))
        | (end > pl.col("poc_end"))
        | (end < pl.col("poc_start"))
    )
    missing = (
        _numbered(t.missing)
        .with_columns(start=_day("MIS_START"), end=_day("MIS_END"))
        .filter(pl.col("start").is_not_null())
    )
    return _out_of_every_period(missing, out, _periods_of_care(t.episodes))


def rule_578(t: Tables) -> list[int]:
    """Started before the period of care began or after it ended, for every period."""
    start = pl.col("start")
    out = (start < pl.col("poc_start")) | (
        (start > pl.col("poc_end")) & pl.col("poc_end").is_not_null()
    )
    missing = _numbered(t.missing).with_columns(start=_day("MIS_START"))
    return _out_of_every_period(missing, out, _periods_of_care(t.episodes))


def rule_580(t: Tables) -> list[int]:
    """Episodes rows: the child was missing on their 18th birthday, the day care ended, and
    the reason care ended is not E8. (The validator flags the Episodes row.)"""
    missing = t.missing.select(
        "CHILD", end=_day("MIS_END"), bd18=_day("DOB").dt.offset_by("18y")
    ).filter(pl.col("CHILD").is_not_null())
    joined = (
        _numbered(t.episodes)
        .with_columns(dec=_day("DEC"))
        .join(missing, on="CHILD", how="inner")
        .filter(
            (pl.col("bd18") == pl.col("end"))
            & (pl.col("end") == pl.col("dec"))
            & pl.col("dec").is_not_null()
            & (pl.col("REC") != "E8").fill_null(True)
        )
    )
    return sorted(set(joined[ROW].to_list()))


def rule_581(t: Tables) -> list[int]:
    """Started outside every episode of the child (before they were looked after). A child
    with no episodes at all is left to other rules, as the validator leaves them."""
    episodes = t.episodes.select("CHILD", decom=_day("DECOM"), dec=_day("DEC")).filter(
        pl.col("CHILD").is_not_null()
    )
    start = pl.col("start")
    within = (start >= pl.col("decom")) & ((start <= pl.col("dec")) | pl.col("dec").is_null())
    joined = (
        _numbered(t.missing)
        .with_columns(start=_day("MIS_START"))
        .join(episodes, on="CHILD", how="inner")
        .with_columns(within=within.fill_null(False))
        .group_by(ROW)
        .agg(pl.col("within").max())
        .filter(~pl.col("within"))
    )
    return sorted(joined[ROW].to_list())


CHECKS: dict[str, tuple[str, Callable[[Tables], list[int]]]] = {
    "1004": ("Missing", rule_1004),
    "1005": ("Missing", rule_1005),
    "1006": ("Missing", rule_1006),
    "564": ("Missing", rule_564),
    "565": ("Missing", rule_565),
    "566": ("Missing", rule_566),
    "567": ("Missing", rule_567),
    "570": ("Missing", rule_570),
    "571": ("Missing", rule_571),
    "574": ("Missing", rule_574),
    "575": ("Missing", rule_575),
    "576": ("Missing", rule_576),
    "577": ("Missing", rule_577),
    "578": ("Missing", rule_578),
    "580": ("Episodes", rule_580),
    "581": ("Missing", rule_581),
    "586": ("Missing", rule_586),
    "INT04": ("Missing", rule_INT04),
    "INT13": ("Missing", rule_INT13),
}


def ssda903_missing_check(tables: Tables) -> list[Breach]:
    """Every breach of the missing rules, ordered by child, rule and row."""
    by_table = {"Missing": tables.missing, "Episodes": tables.episodes}
    breaches = []
    for rule, (table_name, check) in CHECKS.items():
        rows = check(tables)
        if not rows:
            continue
        children = by_table[table_name]["CHILD"]
        breaches += [Breach(children[row] or "", rule, table_name, row) for row in rows]
    return sorted(breaches)
